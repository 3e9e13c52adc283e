"""MBG/NBD: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models
for customer base analysis", with the erratum of Wagner & Hoppe (2008).

As BG/NBD, but a customer may also drop out at time zero, before any repeat purchase, so a
one-time buyer long silent is not taken as surely alive.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import gammaln, hyp2f1

from regulars.models.clv._bgnbd import BetaGeoFitter, bgnbd_pmf

__all__ = ["ModifiedBetaGeoFitter"]


class ModifiedBetaGeoFitter(BetaGeoFitter):
    """MBG/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows."""

    _model_type: ClassVar[str] = "MBG/NBD"

    def _negative_log_likelihood(self, log_params, rows, weights):
        """Equation (A2) of Batislam et al. in log space (gradient by differences)."""
        r, alpha, a, b = np.exp(log_params)
        x, tx, T = rows.x, rows.tx, rows.T
        head = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x + 1)
                - gammaln(b) - gammaln(a + b + x + 1) - (r + x) * np.log(alpha + T))
        dropped = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return -float((head + np.logaddexp(dropped, 0.0)) @ weights), None

    def _odds_dead(self, x, tx, T):
        r, alpha, a, b = self._p()
        log = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return np.exp(np.minimum(log, 700))

    def expected_purchases_at(self, ts: list[float], data: pd.DataFrame) -> np.ndarray:
        """E[X(T, T + t) | x, t_x, T] (Wagner & Hoppe 2008) for several horizons at once."""
        r, alpha, a, b = self._p()
        x, tx, T = self._arrays(data)
        alive = 1 / (1 + self._odds_dead(x, tx, T))
        out = np.empty((len(ts), len(x)))
        for i, t in enumerate(ts):
            z = t / (alpha + T + t)
            body = 1 - hyp2f1(r + x, b + x + 1, a + b + x, z) * ((alpha + T) / (alpha + T + t)) ** (r + x)
            out[i] = (a + b + x) / (a - 1) * body * alive
        return out

    def expected_number_of_purchases_up_to_time(self, t: np.ndarray | float) -> np.ndarray:
        """E[X(t)] for a customer just acquired."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=float)
        return b / (a - 1) * (1 - hyp2f1(r, b + 1, a + b, t / (alpha + t)) * (alpha / (alpha + t)) ** r)

    def probability_of_n_purchases_up_to_time(self, t: float, n: int) -> float:
        """P(X(t) = n) for a customer just acquired."""
        r, alpha, a, b = self._p()
        return bgnbd_pmf(r, alpha, a, b, t, n, dies_at_start=True)
