"""BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way".

Purchases while alive are Poisson(λ), λ ~ Gamma(r, α); after each purchase the customer
drops out with probability p, p ~ Beta(a, b).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, gammaln, hyp2f1

from regulars.models.clv._base import ClvFitter

__all__ = ["BetaGeoFitter"]


class BetaGeoFitter(ClvFitter):
    """BG/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows.

    Examples
    --------
    >>> model = BetaGeoFitter().fit(summary)            # doctest: +SKIP
    >>> model.params_                                    # doctest: +SKIP
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    """

    _param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    _columns: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")
    _model_type: ClassVar[str] = "BG/NBD"

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        x, tx, T = (data[c].to_numpy(dtype=float) for c in self._columns)
        if (x < 0).any() or (tx < 0).any() or (tx > T + 1e-9).any() or ((x == 0) & (tx > 0)).any():
            raise ValueError("BetaGeoFitter: need frequency >= 0, 0 <= recency <= T, and recency 0 when frequency is 0")
        return data

    def _start(self, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.log([0.5, max(np.average(rows[:, 2], weights=weights) / 4, 0.1), 1.0, 2.0])

    @staticmethod
    def _terms(log_params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray):
        r, alpha, a, b = np.exp(log_params)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = betaln(a, b + x) - betaln(a, b)
        a3 = -(r + x) * np.log(alpha + T)
        repeat = x > 0
        a4 = np.where(repeat, np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx), -np.inf)
        return r, alpha, a, b, a1, a2, a3, a4, repeat

    def _negative_log_likelihood(self, log_params, rows, weights):
        """Equation (6) of the paper in log space, with its analytic gradient."""
        x, tx, T = rows[:, 0], rows[:, 1], rows[:, 2]
        r, alpha, a, b, a1, a2, a3, a4, repeat = self._terms(log_params, x, tx, T)
        ll = a1 + a2 + np.logaddexp(a3, a4)
        w4 = np.exp(a4 - np.logaddexp(a3, a4))  # share of the "dropped out after the last purchase" term
        w3 = 1 - w4
        safe = np.where(repeat, b + x - 1, 1.0)
        d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
        d_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + tx)
        d_a = digamma(a + b) - digamma(a + b + x) + w4 / a
        d_b = digamma(b + x) - digamma(b) + digamma(a + b) - digamma(a + b + x) - w4 / safe
        grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b]) @ weights
        return -float(ll @ weights), -grad

    # -- predictions ---------------------------------------------------------------------------

    def _arrays(self, data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return tuple(data[c].to_numpy(dtype=float) for c in self._columns)

    def _odds_dead(self, x, tx, T):
        r, alpha, a, b = self._p()
        repeat = x > 0
        log = np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return np.where(repeat, np.exp(np.minimum(log, 700)), 0.0)

    def conditional_probability_alive(self, data: pd.DataFrame) -> np.ndarray:
        """P(alive | x, t_x, T): equation (13)."""
        x, tx, T = self._arrays(data)
        return 1.0 / (1.0 + self._odds_dead(x, tx, T))

    def conditional_expected_number_of_purchases_up_to_time(self, t: float, data: pd.DataFrame) -> np.ndarray:
        """E[X(T, T + t) | x, t_x, T]: equation (10)."""
        r, alpha, a, b = self._p()
        x, tx, T = self._arrays(data)
        z = t / (alpha + T + t)
        head = (a + b + x - 1) / (a - 1)
        body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
        return head * body / (1 + self._odds_dead(x, tx, T))

    def expected_number_of_purchases_up_to_time(self, t: np.ndarray | float) -> np.ndarray:
        """E[X(t)] for a customer just acquired: equation (9)."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=float)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))

    def median_time_to_next_purchase(self, data: pd.DataFrame) -> np.ndarray:
        """If still alive: λ | data ~ Gamma(r + x, α + T), so the wait is Lomax; its median."""
        r, alpha, _, _ = self._p()
        x, _, T = self._arrays(data)
        return (alpha + T) * (2.0 ** (1.0 / (r + x)) - 1.0)
