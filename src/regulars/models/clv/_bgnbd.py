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


class _Rows:
    """Distinct (x, t_x, T) rows with the distinct values of each column, for fast likelihoods."""

    def __init__(self, rows: np.ndarray) -> None:
        self.x, self.tx, self.T = rows[:, 0], rows[:, 1], rows[:, 2]
        self.ux, self.ix = np.unique(self.x, return_inverse=True)
        self.utx, self.itx = np.unique(self.tx, return_inverse=True)
        self.uT, self.iT = np.unique(self.T, return_inverse=True)
        self.repeat = self.x > 0


def bgnbd_pmf(r: float, alpha: float, a: float, b: float, t: float, n: int, *, dies_at_start: bool) -> float:
    """P(X(t) = n) under BG/NBD (FHL 2005, eq. 8) or MBG/NBD (``dies_at_start``: a customer may
    also drop out before the first repeat purchase; Batislam, Denizel & Filiztekin 2007)."""
    if t <= 0:
        return float(n == 0)
    shift = 1 if dies_at_start else 0
    p_stay, p_buy = alpha / (alpha + t), t / (alpha + t)
    nbd = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(p_stay) + n * np.log(p_buy)
    alive_throughout = np.exp(betaln(a, b + n + shift) - betaln(a, b) + nbd)
    if n == 0 and not dies_at_start:
        return float(alive_throughout)
    j = np.arange(n)
    fewer = np.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + j * np.log(p_buy)).sum()
    dropped = np.exp(betaln(a + 1, b + n - 1 + shift) - betaln(a, b)) * (1 - p_stay**r * fewer)
    return float(alive_throughout + dropped)


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

    def _start(self, rows, weights: np.ndarray) -> np.ndarray:
        return np.log([0.5, max(np.average(rows.T, weights=weights) / 4, 0.1), 1.0, 2.0])

    def _prepare(self, rows: np.ndarray) -> _Rows:
        return _Rows(rows)

    def _negative_log_likelihood(self, log_params, rows: _Rows, weights):
        """Equation (6) of the paper in log space, with its analytic gradient.

        Terms that depend on x, T or t_x alone are computed once per distinct value.
        """
        r, alpha, a, b = np.exp(log_params)
        ux, ix = rows.ux, rows.ix
        x, repeat = rows.x, rows.repeat
        log_T = np.log(alpha + rows.uT)[rows.iT]
        log_tx = np.log(alpha + rows.utx)[rows.itx]
        rx = r + x
        head = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + betaln(a, b + ux) - betaln(a, b))[ix]
        a3 = -rx * log_T
        log_bx1 = np.log(np.where(ux > 0, b + ux - 1, 1.0))[ix]
        a4 = np.where(repeat, np.log(a) - log_bx1 - rx * log_tx, -np.inf)
        both = np.logaddexp(a3, a4)
        ll = head + both
        w4 = np.exp(a4 - both)  # share of the "dropped out after the last purchase" term
        w3 = 1 - w4
        d_r = (digamma(r + ux)[ix] - digamma(r) + np.log(alpha)) - w3 * log_T - w4 * log_tx
        d_alpha = r / alpha - rx * (w3 * (1 / (alpha + rows.uT))[rows.iT] + w4 * (1 / (alpha + rows.utx))[rows.itx])
        dg_abx = (digamma(a + b) - digamma(a + b + ux))[ix]
        d_a = dg_abx + w4 / a
        d_b = (digamma(b + ux) - digamma(b))[ix] + dg_abx - w4 * (1 / np.where(ux > 0, b + ux - 1, 1.0))[ix]
        grad = np.array([(d_r @ weights) * r, (d_alpha @ weights) * alpha, (d_a @ weights) * a, (d_b @ weights) * b])
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
        return self.expected_purchases_at([t], data)[0]

    def expected_purchases_at(self, ts: list[float], data: pd.DataFrame) -> np.ndarray:
        """Equation (10) for several horizons at once, shape (len(ts), customers). The 2F1 term
        depends on (x, T) only, so it is computed once per distinct pair and horizon."""
        r, alpha, a, b = self._p()
        x, tx, T = self._arrays(data)
        inverse, pairs = pd.factorize(x + 1j * T)  # distinct (x, T) pairs, by hashing one complex key
        px, pT = pairs.real, pairs.imag
        head = (a + b + px - 1) / (a - 1)
        alive = 1 / (1 + self._odds_dead(x, tx, T))
        out = np.empty((len(ts), len(x)))
        for i, t in enumerate(ts):
            z = t / (alpha + pT + t)
            body = 1 - ((alpha + pT) / (alpha + pT + t)) ** (r + px) * hyp2f1(r + px, b + px, a + b + px - 1, z)
            out[i] = (head * body)[inverse] * alive
        return out

    def expected_number_of_purchases_up_to_time(self, t: np.ndarray | float) -> np.ndarray:
        """E[X(t)] for a customer just acquired: equation (9)."""
        r, alpha, a, b = self._p()
        t = np.asarray(t, dtype=float)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))

    def probability_of_n_purchases_up_to_time(self, t: float, n: int) -> float:
        """P(X(t) = n) for a customer just acquired: equation (8)."""
        r, alpha, a, b = self._p()
        return bgnbd_pmf(r, alpha, a, b, t, n, dies_at_start=False)

    def median_time_to_next_purchase(self, data: pd.DataFrame) -> np.ndarray:
        """If still alive: λ | data ~ Gamma(r + x, α + T), so the wait is Lomax; its median."""
        r, alpha, _, _ = self._p()
        x, _, T = self._arrays(data)
        return (alpha + T) * (2.0 ** (1.0 / (r + x)) - 1.0)
