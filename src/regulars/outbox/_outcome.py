"""How one delivery attempt went, and when a failed one is tried again."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Outcome", "retry_delay"]


@dataclass(frozen=True)
class Outcome:
    """``ok``: it was accepted. Otherwise ``retry`` says whether trying again may help (a
    timeout, a 5xx, a busy mail server) or not (a 4xx, an address the server refuses), and
    ``detail`` says what happened, for the attempt log (never a secret)."""

    ok: bool
    detail: str = ""
    retry: bool = False


def retry_delay(attempt: int, first_seconds: float) -> float:
    """Seconds before the next try after ``attempt`` failures: ``first_seconds``, doubling each
    time (60 s, 2 min, 4 min, ...), at most a day."""
    return min(first_seconds * 2 ** max(attempt - 1, 0), 86400.0)
