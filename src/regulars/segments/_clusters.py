"""Clusters of buyers by behaviour (k-means on standardised, log-scaled measures), with k chosen
by the silhouette score and each cluster described in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def fit(self, frame: pd.DataFrame) -> Clusters:
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
            model = KMeans(n_clusters=k, n_init=4, random_state=self.random_state).fit(X[pick])
            if len(set(model.labels_)) < 2:
                continue
            self.scores_[k] = float(silhouette_score(X[pick], model.labels_))
            if best is None or self.scores_[k] > self.scores_[best[0]]:
                best = (k, model)
        if best is None:
            raise ValueError("too few distinct customers to cluster")
        self.k_, self.model_ = best
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Cluster numbers 1..k, numbered by size (1 is the largest among the sample)."""
        raw = self.model_.predict(self._matrix(frame))
        order = np.argsort(-np.bincount(self.model_.labels_, minlength=self.k_), kind="stable")
        renumber = np.empty(self.k_, dtype=int)
        renumber[order] = np.arange(1, self.k_ + 1)
        return renumber[raw]

    def profiles(self, frame: pd.DataFrame, labels: np.ndarray) -> dict[int, str]:
        """A plain-language line per cluster: the (up to) three traits furthest from the shop's
        typical customer, then its size and medians."""
        X = pd.DataFrame(self._matrix(frame), columns=self.columns_, index=frame.index)
        out = {}
        for k in range(1, self.k_ + 1):
            members = labels == k
            if not members.any():
                continue
            centre = X[members].mean()
            traits = [CLUSTER_FEATURES[c][0 if centre[c] > 0 else 1]
                      for c in centre.abs().sort_values(ascending=False).index if abs(centre[c]) >= 0.4][:3]
            typical = frame[members]
            facts = f"{int(members.sum()):,} customers; median {typical['orders_total'].median():.0f} orders"
            if "avg_order_value" in typical:
                facts += f", {typical['avg_order_value'].median():,.2f} per order"
            out[k] = f"{', '.join(traits) or 'typical customers'} ({facts})"
        return out
