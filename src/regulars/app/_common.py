"""What several use cases share: reading a cutoff, the default cutoff, progress callbacks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from regulars._time import cutoff_day
from regulars.errors import InsufficientDataError, SettingsError
from regulars.schema import CONTRACTS

__all__ = ["CURRENCY_SYMBOLS", "SHOP_CLOCK", "Step", "check_search", "default_cutoff", "in_words", "parse_cutoff", "quiet", "with_names"]

#: How money in these currencies is written before the amount.
CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}

#: A progress callback: told what is happening now ("reading", "scoring churn", ...).
Step = Callable[[str], None]

#: The tables whose dates are the shop's clock: what customers did (orders, events, tickets,
#: feedback). Messages are left out: regulars writes them itself, and its own sends must never
#: move the shop's "now".
SHOP_CLOCK = tuple(name for name, c in CONTRACTS.items()
                   if c.time_column and "customer_id" in c.names and name != "messages")


def quiet(_: str) -> None:
    """A progress callback that says nothing."""


def parse_cutoff(cutoff: str | date | None, option: str = "--cutoff") -> date | None:
    """A date from ``YYYY-MM-DD`` text; a time of day is not accepted (cutoffs are whole days)."""
    if cutoff is None:
        return None
    if isinstance(cutoff, date):  # a datetime from a notebook: cutoffs are whole days
        return cutoff_day(cutoff)
    try:
        return date.fromisoformat(cutoff)
    except ValueError:
        raise SettingsError(f"{option} must be a date like 2011-06-01, got {cutoff!r}") from None


def default_cutoff(store: Any, tables: tuple[str, ...] = SHOP_CLOCK) -> date:
    """The day after the shop's last dated row, so everything loaded counts (never a date of
    regulars' own messages)."""
    last = store.last_day(tables)
    if last is None:
        raise InsufficientDataError("there is no dated data yet (orders, events, tickets, ...); load an export "
                                    "first (`regulars ingest`)")
    return last + timedelta(days=1)


def check_search(seconds: float | None) -> None:
    if seconds is not None and not 0 < seconds <= 3600:
        raise SettingsError(f"--search must be a number of seconds above 0 and at most 3600, got {seconds:g}")


def with_names(store: Any, frame: Any, at: int = 1) -> Any:
    """``frame`` with each customer's name beside their id (column ``at``; None where they have none)."""
    from regulars.store import customer_names

    frame.insert(at, "name", frame["customer_id"].map(customer_names(store, frame["customer_id"].tolist())))
    return frame


def in_words(card: dict[str, Any]) -> dict[str, Any]:
    """A model card with what weighs most in words ("orders in the last 90 days"), for people."""
    from regulars.features import label_of

    if not isinstance(card, dict) or not card.get("top_features"):
        return card
    return {**card, "weighs_most": [label_of(name) for name in card["top_features"]]}
