"""Clusters of buyers by behaviour (k-means on standardised, log-scaled measures), with k chosen
by the silhouette score and each cluster described in plain words.

Clusters are stable from run to run: a run starts from the previous run's centres, keeps its
number of clusters unless another is clearly better (by ``CLEARLY_BETTER`` in silhouette), and
gives each cluster the number of the previous cluster whose centre is nearest (one to one), so
a segment's history follows the same group of customers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CLUSTER_FEATURES", "Clusters"]

#: Behaviour the clusters are made from, and how a high and a low value read.
CLUSTER_FEATURES = {
    "orders_total": ("buy often", "rarely buy"),
    "avg_order_value": ("big baskets", "small baskets"),
    "days_since_last_order": ("not seen for a while", "bought recently"),
    "mean_days_between_orders": ("long gaps between orders", "short gaps between orders"),
    "items_per_order": ("many items per order", "few items per order"),
    "weekend_share": ("mostly weekends", "mostly weekdays"),
}
_SKEWED = {"orders_total", "avg_order_value", "days_since_last_order", "mean_days_between_orders", "items_per_order"}
#: How much higher another k's silhouette must be before a run changes the number of clusters.
CLEARLY_BETTER = 0.05


@dataclass
class Clusters:
    """k-means over the behaviour in ``CLUSTER_FEATURES`` that the data has. ``fit`` tries k from 2
    to ``max_k`` on a sample and keeps the best silhouette (``scores_`` holds each k's)."""

    max_k: int = 6
    sample: int = 4000
    random_state: int = 0
    k_: int = field(init=False, default=0)
    scores_: dict[int, float] = field(init=False, default_factory=dict)
    columns_: list[str] = field(init=False, default_factory=list)

    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        X = frame[self.columns_].astype(float).copy()
        for c in self.columns_:
            if c in _SKEWED:
                X[c] = np.log1p(X[c].clip(lower=0))
            X[c] = X[c].fillna(self.medians_[c])
        return ((X - self.means_) / self.scales_).to_numpy()

    def fit(self, frame: pd.DataFrame, previous: dict[str, Any] | None = None) -> Clusters:
        """Fit on ``frame``; ``previous`` is an earlier fit's ``state()`` to stay close to."""
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        self.columns_ = [c for c in CLUSTER_FEATURES if c in frame and frame[c].notna().any()]
        raw = frame[self.columns_].astype(float)
        logged = raw.apply(lambda s: np.log1p(s.clip(lower=0)) if s.name in _SKEWED else s)
        self.medians_ = logged.median()
        filled = logged.fillna(self.medians_)
        self.means_, self.scales_ = filled.mean(), filled.std(ddof=0).replace(0, 1.0)
        X = self._matrix(frame)
        rng = np.random.default_rng(self.random_state)
        pick = rng.choice(len(X), min(len(X), self.sample), replace=False)
        best = None
        for k in range(2, min(self.max_k, len(pick) - 1) + 1):
            # tol=0: iterate until no customer moves, so the centres kept for the next run are a
            # fixed point there (on unchanged data it converges at once: nobody changes cluster)
            model = KMeans(n_clusters=k, n_init=4, tol=0, random_state=self.random_state).fit(X[pick])
            if len(set(model.labels_)) < 2:
                continue
            self.scores_[k] = float(silhouette_score(X[pick], model.labels_))
            if best is None or self.scores_[k] > self.scores_[best[0]]:
                best = (k, model)
        if best is None:
            raise ValueError("too few distinct customers to cluster")
        before = self._previous_centres(previous)
        if before is not None and len(before) < len(pick):
            kept = KMeans(n_clusters=len(before), init=before, n_init=1, tol=0).fit(X[pick])
            if len(set(kept.labels_)) == len(before):
                score = float(silhouette_score(X[pick], kept.labels_))
                if self.scores_[best[0]] < score + CLEARLY_BETTER:  # not clearly better: keep the clusters
                    self.scores_[len(before)], best = score, (len(before), kept)
        self.k_, self.model_ = best
        self.numbers_ = self._numbering(before, np.asarray(previous["numbers"]) if before is not None else None)
        return self

    def _previous_centres(self, previous: dict[str, Any] | None) -> np.ndarray | None:
        """An earlier fit's centres in this fit's standardised space (None when there is none, or
        it used other measures)."""
        if not previous or previous.get("columns") != self.columns_ or not previous.get("centres"):
            return None
        centres = pd.DataFrame(previous["centres"], columns=self.columns_)
        return ((centres - self.means_) / self.scales_).to_numpy()

    def _numbering(self, before: np.ndarray | None, numbers: np.ndarray | None) -> np.ndarray:
        """Each k-means label's cluster number: the number of the previous cluster with the
        nearest centre (one to one), new clusters after the highest number in use; with no
        previous fit, by size (1 is the largest in the sample)."""
        sizes = np.bincount(self.model_.labels_, minlength=self.k_)
        out = np.zeros(self.k_, dtype=int)
        if before is not None:
            from scipy.optimize import linear_sum_assignment

            distance = np.linalg.norm(self.model_.cluster_centers_[:, None, :] - before[None, :, :], axis=2)
            rows, cols = linear_sum_assignment(distance)
            out[rows] = numbers[cols]
        fresh = [label for label in np.argsort(-sizes, kind="stable") if out[label] == 0]
        start = int(out.max())
        for i, label in enumerate(fresh, start=1):
            out[label] = start + i
        return out

    def state(self) -> dict[str, Any]:
        """What the next run starts from: the measures, each cluster's centre (log-scaled, not
        standardised) and number."""
        centres = self.model_.cluster_centers_ * self.scales_.to_numpy() + self.means_.to_numpy()
        return {"columns": list(self.columns_), "centres": centres.round(6).tolist(), "numbers": self.numbers_.tolist()}

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Cluster numbers (see ``fit``): 1..k on a first fit, numbered by size."""
        return self.numbers_[self.model_.predict(self._matrix(frame))]

    def profiles(self, frame: pd.DataFrame, labels: np.ndarray) -> dict[int, str]:
        """A plain-language line per cluster: the (up to) three traits furthest from the shop's
        typical customer, then its size and medians."""
        X = pd.DataFrame(self._matrix(frame), columns=self.columns_, index=frame.index)
        out = {}
        for k in sorted(self.numbers_):
            members = labels == k
            if not members.any():
                continue
            centre = X[members].mean()
            traits = [CLUSTER_FEATURES[c][0 if centre[c] > 0 else 1]
                      for c in centre.abs().sort_values(ascending=False).index if abs(centre[c]) >= 0.4][:3]
            typical = frame[members]
            orders = typical["orders_total"].median()
            facts = f"{int(members.sum()):,} customers; median {orders:.0f} order{'' if round(orders) == 1 else 's'}"
            if "avg_order_value" in typical:
                facts += f", {typical['avg_order_value'].median():,.2f} per order"
            out[k] = f"{', '.join(traits) or 'typical customers'} ({facts})"
        return out
