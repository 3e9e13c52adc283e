"""The typed records of the playbook, outbox and results use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regulars.app._results import Result

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DecisionResult", "DeliveryResult", "OutboxResult", "PlanResult", "PlaybookEditResult", "PlaybookResultsResult", "PlaybooksResult", "QueueResult", "TodayResult"]


@dataclass(frozen=True)
class PlaybooksResult(Result):
    """The playbooks of a workspace's file; ``checked_against`` names the run they were checked
    against (None when only the file's own structure was checked)."""

    file: str
    created: bool
    checked_against: str | None
    playbooks: list[dict[str, Any]]
    templates: list[str]
    template_texts: dict[str, dict[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanResult(Result):
    """A dry run of the enabled playbooks as of ``at``: per playbook, how many actions are planned,
    wait for approval, are held out, and are held back by each guard; ``actions`` has a row each;
    ``not_applicable``: playbooks skipped because the shop's data does not give what they need."""

    file: str
    run_id: str
    at: Any
    counts: list[dict[str, Any]]
    actions: pd.DataFrame
    not_applicable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TodayResult(Result):
    """Today's actions as the latest plan worked them out, read back (nothing is planned):
    ``actions`` the first ``top`` not yet in the outbox, ``total`` how many; ``waiting`` how many
    actions in the outbox wait for a person. ``planned`` is False when no plan was worked out
    for the latest run and the playbook file as it is now (the page says how to get one).
    ``queued``: how many of the plan's actions are in the outbox already; ``playbooks_on``: how
    many playbooks the plan evaluated; ``sent``: what went out in the last 24 hours (per playbook
    and channel)."""

    run_id: str | None
    at: Any
    planned: bool
    total: int
    waiting: int
    actions: list[dict[str, Any]]
    queued: int = 0
    playbooks_on: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class PlaybookEditResult(Result):
    """A change to the playbooks file, planned: the changed playbook's counts, how many actions
    it (or the changed template) would bring, the first three as they would read, and whether
    the file was saved."""

    file: str
    saved: bool
    counts: list[dict[str, Any]]
    examples: list[dict[str, Any]]
    actions: int


@dataclass(frozen=True)
class QueueResult(Result):
    """A plan queued into the outbox: ``plan`` has the per-playbook counts of the plan; ``queued``
    new actions (``waiting_for_approval`` of them wait for a person), ``already_queued`` ones
    skipped because an earlier run queued them, ``held_out`` customers recorded as held out."""

    file: str
    run_id: str
    at: Any
    plan: list[dict[str, Any]]
    queued: int
    waiting_for_approval: int
    already_queued: int
    held_out: int


@dataclass(frozen=True)
class OutboxResult(Result):
    """Actions per playbook and status, and a list of actions (those waiting or stuck)."""

    counts: list[dict[str, Any]]
    actions: pd.DataFrame


@dataclass(frozen=True)
class DecisionResult(Result):
    """A person's decision: the actions it applied to, and what it cancelled or changed."""

    decision: str
    by: str
    actions: list[str]
    cancelled: int = 0
    changed: int = 0


@dataclass(frozen=True)
class DeliveryResult(Result):
    """One delivery run: actions per outcome (sent, retry later, parked, cancelled), the import
    files written, and how many actions are unconfirmed (waiting for a person's check)."""

    outcomes: dict[str, int]
    files: list[str]
    unconfirmed: int


@dataclass(frozen=True)
class PlaybookResultsResult(Result):
    """Per playbook, treated against held-out customers within the attribution window: an
    effect per measure (conversion, revenue per customer, retention, unsubscribes) with its
    interval and verdict, and the return on its cost."""

    attribution_days: int
    margin: float
    data_until: Any
    playbooks: list[dict[str, Any]]
