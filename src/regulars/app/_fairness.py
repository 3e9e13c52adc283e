"""``fairness``: whether a model picks groups of customers alike (gender, age band, country,
region, acquisition source, or a column of the customer export), and what group thresholds
would change, shown before anyone adopts them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regulars.app._common import default_cutoff, parse_cutoff
from regulars.app._results import Result
from regulars.errors import SettingsError
from regulars.store import open_workspace

__all__ = ["FAIRNESS_MODELS", "MITIGATIONS", "FairnessResult", "fairness"]

#: The models a fairness check reads (each gives a chance that playbooks pick customers at).
FAIRNESS_MODELS = ("churn", "conversion", "support", "purchase")
#: Mitigations offered, in the owner's words, with fairlearn's name of each constraint.
MITIGATIONS = {"demographic-parity": "demographic_parity", "equalised-odds": "equalized_odds"}


@dataclass(frozen=True)
class FairnessResult(Result):
    """One model's check: per attribute its groups, fairlearn's measures and a verdict; with a
    mitigation asked for, what group thresholds would do on customers they were not set on."""

    model: str
    cutoff: str
    answered_by: str
    threshold: float
    playbook: str
    checked_on: int
    summary: str
    audits: list[dict[str, Any]]
    not_held: list[str]
    mitigation: list[dict[str, Any]] = field(default_factory=list)
    #: the playbook whose trigger now has the group levels (``adopt``), if any
    adopted: str = ""


def fairness(workspace_path: str | Path, *, model: str = "churn", by: list[str] | None = None,
             threshold: float | None = None, mitigate: str | None = None, seed: int = 0,
             cutoff: str | None = None, adopt: str | None = None, by_person: str = "cli") -> FairnessResult:
    """Check ``model`` as a run trains it (as of ``cutoff``, else the data's last day), by the
    attributes ``by`` (else the settings' ``privacy.fairness_by``), picking at ``threshold``
    (else the level a playbook acts at, with its groups' own levels); ``mitigate`` adds group
    thresholds' effect (same ``seed``, same answer); ``adopt`` (a playbook acting on the model,
    one attribute) writes those levels into its trigger, when they narrow the gap."""
    from regulars.app._playbooks import edit_playbooks
    from regulars.app._run import acting_levels, read_playbook_set
    from regulars.scores import audit_fairness

    if model not in FAIRNESS_MODELS:
        raise SettingsError(f"--model must be one of {', '.join(FAIRNESS_MODELS)}; got {model!r}")
    if threshold is not None and not 0 < threshold < 1:
        raise SettingsError(f"--threshold must be a chance between 0 and 1 (such as 0.4), got {threshold}")
    if mitigate is not None and mitigate not in MITIGATIONS:
        raise SettingsError(f"--mitigate must be one of {', '.join(MITIGATIONS)}; got {mitigate!r}")
    by = [b for b in (by or []) if b.strip()]
    if adopt is not None and (mitigate is None or len(by) != 1):
        raise SettingsError("--adopt needs --mitigate and one --by: the group levels it writes are for one attribute")
    workspace = open_workspace(workspace_path)
    settings = workspace.settings
    acting = (threshold, "") if threshold is not None else acting_levels(workspace.path).get(model)
    own = None if threshold is not None else read_playbook_set(workspace.path).group_levels().get(model)
    with workspace.store(read_only=True) as store:
        when = parse_cutoff(cutoff) or default_cutoff(store)
        found = audit_fairness(store.feature_inputs(), model, when, settings.run.horizon(model),
                               by=by or list(settings.privacy.fairness_by), acting=acting,
                               mitigate=MITIGATIONS.get(mitigate or ""), seed=seed, group_levels=own)
    adopted = ""
    if adopt is not None:
        chosen = found["mitigation"][0] if found.get("mitigation") else None
        if chosen is None:
            raise SettingsError(f"no {by[0]} is recorded for these customers: there is nothing to adopt")
        if not chosen["reading"].startswith("narrows"):
            raise SettingsError(f"not adopted: {chosen['reading']}")
        edit_playbooks(workspace_path, playbook=adopt, group_levels=(chosen["attribute"], chosen["levels"]),
                       save=True, by=by_person)
        adopted = adopt
    return FairnessResult(model=model, cutoff=str(when), answered_by=found["model"], threshold=found["threshold"],
                          playbook=found["playbook"], checked_on=found["checked_on"], summary=found["summary"],
                          audits=found["audits"], not_held=found["not_held"],
                          mitigation=found.get("mitigation", []), adopted=adopted)
