"""One protocol for everything a run scores, and the long format runs are stored in.

A scorer says whether it applies to this shop (and why not), and scores every customer it
applies to as of the run's cutoff: a frame of measures per customer, a card describing the
model, and the model's version. A run is a list of scorers; it succeeds with whatever applies.

Stored by scorer (``results``): one row per run, customer and scorer with the scorer's numbers
as a list, its words (a tier) as a list, its reasons and the model version; the names of the
lists' entries are kept once per run and scorer (``run_measures``). A row per measure was the
first design: it cost 9 s per million customers and scorer to write, this 2 s. The wide
``scores`` view (store) lays one run out per customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from regulars.store import ResultPart

if TYPE_CHECKING:
    import pandas as pd

    from regulars.config import Settings
    from regulars.features import FeatureFrames
    from regulars.scores._propensity import ModelCache

__all__ = ["RunContext", "Scored", "Scorer", "to_part"]


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
    #: Each earlier scorer's frame in this run (customer_id and its measures), for the scorers
    #: that build on them (segments use lifetime value and engagement).
    scored: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: User segments (name -> rule text) and pins (rows of segment, customer_id, pinned_in).
    segment_rules: dict[str, str] = field(default_factory=dict)
    segment_pins: list[dict[str, Any]] = field(default_factory=list)
    #: The clusters of the last run with segments (``Clusters.state``), which this run's stay close to.
    previous_clusters: dict[str, Any] | None = None
    #: Per probability, the level a playbook acts at and its name (``PlaybookSet.acting_thresholds``):
    #: where a model's fairness is checked.
    acting: dict[str, tuple[float, str]] = field(default_factory=dict)
    #: Per probability, the groups that playbook has its own levels for (attribute, levels).
    group_levels: dict[str, tuple[str, dict[str, float]]] = field(default_factory=dict)
    #: Per probability, the latest earlier run's scores whose horizon has passed (run id, cutoff,
    #: customer_id and score): how they did is the model's realised accuracy.
    earlier_scores: dict[str, tuple[str, Any, pd.DataFrame]] = field(default_factory=dict)
    _frames: FeatureFrames | None = field(default=None, repr=False)

    @property
    def frames(self) -> FeatureFrames:
        """Customer features per cutoff, built once for all scorers of the run."""
        if self._frames is None:
            from regulars.features import FeatureFrames

            self._frames = FeatureFrames(self.tables)
        return self._frames


@dataclass
class Scored:
    """One scorer's output: ``frame`` has customer_id and one column per measure (numbers, or
    text such as reasons and tiers); ``card`` describes the model; ``version`` identifies it."""

    frame: pd.DataFrame
    card: dict[str, Any]
    version: str
    tables: dict[str, Any] = field(default_factory=dict)


class Scorer(Protocol):
    name: str

    def skip_reason(self, ctx: RunContext) -> str | None:
        """Why this scorer does not apply to the shop (None when it does)."""

    def score(self, ctx: RunContext) -> Scored:
        """Scores as of ``ctx.cutoff``; raises ``InsufficientDataError`` when history is too short."""


def to_part(name: str, scored: Scored) -> ResultPart:
    """A scorer's frame as the store keeps it: per customer a list of numbers (``measures``), a
    list of words such as a tier (``labels``) and the reasons; the lists' names once per run."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    frame = scored.frame
    columns = [c for c in frame.columns if c not in ("customer_id", "reasons")]
    numbers = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]
    words = [c for c in columns if c not in numbers]
    flat = frame[numbers].to_numpy(dtype=float).ravel() if numbers else np.zeros(0)
    measures = pa.FixedSizeListArray.from_arrays(pa.array(flat, from_pandas=True), len(numbers)) if numbers else \
        pa.array([[]] * len(frame), pa.list_(pa.float64()))
    if words:  # a list of the row's words, built by Arrow from one column per word
        flat_words = pa.array(frame[words].astype("string").to_numpy(dtype=object).ravel(), pa.string(), from_pandas=True)
        labels = pa.FixedSizeListArray.from_arrays(flat_words, len(words)).cast(pa.list_(pa.string()))
    else:
        labels = pa.array([[]] * len(frame), pa.list_(pa.string()))
    reasons = (pa.array(frame["reasons"].astype("string"), pa.string(), from_pandas=True) if "reasons" in frame
               else pa.nulls(len(frame), pa.string()))
    table = pa.table({"customer_id": pa.array(frame["customer_id"].astype("string"), pa.string(), from_pandas=True),
                      "measures": measures.cast(pa.list_(pa.float64())), "labels": labels, "reasons": reasons})
    return ResultPart(scorer=name, model_version=scored.version, measures=numbers, labels=words, table=table,
                      tables=scored.tables)
