"""One protocol for everything a run scores, and the long format runs are stored in.

A scorer says whether it applies to this shop (and why not), and scores every customer it
applies to as of the run's cutoff: a frame of measures per customer, a card describing the
model, and the model's version. A run is a list of scorers; it succeeds with whatever applies.

Long format (``results``): run_id, customer_id, scorer, measure, value (numbers), text (words:
reasons, tiers), model_version. The wide ``scores`` view (store) lays one run out per customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from regulars.config import Settings
    from regulars.models.propensity import FeatureFrames
    from regulars.scores._propensity import ModelCache

__all__ = ["LONG_COLUMNS", "RunContext", "Scored", "Scorer", "to_long"]

LONG_COLUMNS = ("customer_id", "scorer", "measure", "value", "text", "model_version")


@dataclass
class RunContext:
    """What every scorer of one run shares: the data as of the cutoff, settings and kept models."""

    tables: dict[str, Any]
    cutoff: date
    settings: Settings
    cache: ModelCache | None = None
    data_version: str | None = None
    currency: str = ""
    currencies: list[str] = field(default_factory=list)
    _frames: FeatureFrames | None = field(default=None, repr=False)

    @property
    def frames(self) -> FeatureFrames:
        """Customer features per cutoff, built once for all scorers of the run."""
        if self._frames is None:
            from regulars.models.propensity import FeatureFrames

            self._frames = FeatureFrames(self.tables)
        return self._frames


@dataclass
class Scored:
    """One scorer's output: ``frame`` has customer_id and one column per measure (numbers, or
    text such as reasons and tiers); ``card`` describes the model; ``version`` identifies it."""

    frame: pd.DataFrame
    card: dict[str, Any]
    version: str


class Scorer(Protocol):
    name: str

    def skip_reason(self, ctx: RunContext) -> str | None:
        """Why this scorer does not apply to the shop (None when it does)."""

    def score(self, ctx: RunContext) -> Scored:
        """Scores as of ``ctx.cutoff``; raises ``InsufficientDataError`` when history is too short."""


def to_long(name: str, scored: Scored) -> pd.DataFrame:
    """A scorer's wide frame as rows of (customer_id, scorer, measure, value, text, model_version)."""
    import pandas as pd

    frame = scored.frame
    parts = []
    for column in frame.columns.drop("customer_id"):
        values = frame[column]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        parts.append(pd.DataFrame({
            "customer_id": frame["customer_id"].astype(str).to_numpy(),
            "scorer": name, "measure": column,
            "value": values.astype(float).to_numpy() if numeric else None,
            "text": None if numeric else values.astype("string").to_numpy(),
            "model_version": scored.version,
        }))
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(LONG_COLUMNS))
    long["value"] = long["value"].astype(float)
    long["text"] = long["text"].astype("string")
    return long[list(LONG_COLUMNS)]
