"""BG/BB: Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual
setting", Marketing Science 29 (6).

For purchases that can only happen at discrete opportunities (a yearly event, a membership
renewed per period, a donation drive): while alive, a customer buys at each opportunity with
probability p, p ~ Beta(α, β); after each opportunity they drop out with probability θ,
θ ~ Beta(γ, δ). A customer is summarised by x purchases in n opportunities, the last at t_x.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln

from regulars.models.clv._base import ClvFitter

__all__ = ["BetaGeoBetaBinomFitter"]


def _log_binom(n, k):
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


class BetaGeoBetaBinomFitter(ClvFitter):
    """BG/BB fitted by maximum likelihood on compressed (frequency, recency, n_periods) rows."""

    _param_names: ClassVar[tuple[str, ...]] = ("alpha", "beta", "gamma", "delta")
    _columns: ClassVar[tuple[str, ...]] = ("frequency", "recency", "n_periods")
    _model_type: ClassVar[str] = "BG/BB"

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        x, tx, n = (data[c].to_numpy(dtype=float) for c in self._columns)
        whole = all(np.array_equal(v, np.round(v)) for v in (x, tx, n))
        if not whole or (x < 0).any() or (tx < x).any() or (tx > n).any() or ((x == 0) & (tx > 0)).any():
            raise ValueError("BetaGeoBetaBinomFitter: need whole numbers with 0 <= frequency <= recency <= "
                             "n_periods, and recency 0 when frequency is 0")
        return data

    @staticmethod
    def _log_likelihood(params, x, tx, n) -> np.ndarray:
        """Equation (5): alive through all n opportunities, or dropped out after t_x + i."""
        alpha, beta, gamma, delta = params
        ab, gd = betaln(alpha, beta), betaln(gamma, delta)
        through = betaln(alpha + x, beta + n - x) - ab + betaln(gamma, delta + n) - gd
        out = np.empty(len(x))
        for k, (xk, txk, nk) in enumerate(zip(x, tx, n, strict=True)):
            i = np.arange(int(nk - txk))
            terms = betaln(alpha + xk, beta + txk - xk + i) - ab + betaln(gamma + 1, delta + txk + i) - gd
            out[k] = np.logaddexp(through[k], np.logaddexp.reduce(terms)) if len(i) else through[k]
        return out

    def _negative_log_likelihood(self, log_params, rows, weights):
        ll = self._log_likelihood(np.exp(log_params), rows[:, 0], rows[:, 1], rows[:, 2])
        return -float(ll @ weights), None

    # -- predictions ---------------------------------------------------------------------------

    def _arrays(self, data: pd.DataFrame):
        return tuple(data[c].to_numpy(dtype=float) for c in self._columns)

    def conditional_probability_alive(self, data: pd.DataFrame, m_periods: int = 0) -> np.ndarray:
        """P(alive at opportunity n + m | x, t_x, n): equation (A10) (m = 0: alive now)."""
        alpha, beta, gamma, delta = self._p()
        x, tx, n = self._arrays(data)
        alive = (betaln(alpha + x, beta + n - x) - betaln(alpha, beta)
                 + betaln(gamma, delta + n + m_periods) - betaln(gamma, delta))
        return np.exp(alive - self._log_likelihood(self._p(), x, tx, n))

    def conditional_expected_number_of_purchases_up_to_time(self, m_periods: int, data: pd.DataFrame) -> np.ndarray:
        """E[X(n, n + m) | x, t_x, n]: purchases in the next m opportunities, equation (13)."""
        alpha, beta, gamma, delta = self._p()
        x, tx, n = self._arrays(data)
        buys = np.exp(betaln(alpha + x + 1, beta + n - x) - betaln(alpha, beta) - self._log_likelihood(self._p(), x, tx, n))
        stays = delta / (gamma - 1) * np.exp(gammaln(gamma + delta) - gammaln(1 + delta))
        window = np.exp(gammaln(1 + delta + n) - gammaln(gamma + delta + n)) - np.exp(
            gammaln(1 + delta + n + m_periods) - gammaln(gamma + delta + n + m_periods))
        return buys * stays * window

    def expected_number_of_purchases_up_to_time(self, n: np.ndarray | float) -> np.ndarray:
        """E[X(n)] over the first n opportunities for a customer just acquired: equation (9)."""
        alpha, beta, gamma, delta = self._p()
        n = np.asarray(n, dtype=float)
        return alpha / (alpha + beta) * delta / (gamma - 1) * (
            1 - np.exp(gammaln(gamma + delta) - gammaln(gamma + delta + n) + gammaln(1 + delta + n) - gammaln(1 + delta)))

    def probability_of_n_purchases_up_to_time(self, n: int, x: int) -> float:
        """P(X(n) = x): x purchases in the first n opportunities, equation (7)."""
        alpha, beta, gamma, delta = self._p()
        ab, gd = betaln(alpha, beta), betaln(gamma, delta)
        through = _log_binom(n, x) + betaln(alpha + x, beta + n - x) - ab + betaln(gamma, delta + n) - gd
        i = np.arange(x, n)
        dropped = _log_binom(i, x) + betaln(alpha + x, beta + i - x) - ab + betaln(gamma + 1, delta + i) - gd
        return float(np.exp(np.logaddexp.reduce(np.append(dropped, through))))
