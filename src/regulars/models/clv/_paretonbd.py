"""Pareto/NBD: Schmittlein, Morrison & Colombo (1987), in the form of Fader, Hardie & Lee (2005),
"A note on deriving the Pareto/NBD model and related expressions".

Purchases while alive are Poisson(λ), λ ~ Gamma(r, α); lifetimes are exponential(μ),
μ ~ Gamma(s, β).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import gammaln, hyp2f1

from regulars.models.clv._base import ClvFitter

__all__ = ["ParetoNBDFitter"]


def _log_a0(r: float, alpha: float, s: float, beta: float, x, tx, T):
    """log of A0 (equation 19 of the note), choosing the convergent 2F1 branch by α >= β."""
    if alpha >= beta:
        z_tx, z_T = (alpha - beta) / (alpha + tx), (alpha - beta) / (alpha + T)
        b_arg, base_tx, base_T = s + 1, alpha + tx, alpha + T
    else:
        z_tx, z_T = (beta - alpha) / (beta + tx), (beta - alpha) / (beta + T)
        b_arg, base_tx, base_T = r + x, beta + tx, beta + T
    c = r + s + x
    first = np.log(hyp2f1(c, b_arg, c + 1, z_tx)) - c * np.log(base_tx)
    second = np.log(hyp2f1(c, b_arg, c + 1, z_T)) - c * np.log(base_T)
    # log(exp(first) - exp(second)), first >= second
    return first + np.log1p(-np.exp(np.minimum(second - first, 0.0)))


class ParetoNBDFitter(ClvFitter):
    """Pareto/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows.

    The gradient is numeric (central differences over the few distinct rows).
    """

    _param_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    _columns: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")
    _model_type: ClassVar[str] = "Pareto/NBD"

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        x, tx, T = (data[c].to_numpy(dtype=float) for c in self._columns)
        if (x < 0).any() or (tx < 0).any() or (tx > T + 1e-9).any():
            raise ValueError("ParetoNBDFitter: need frequency >= 0 and 0 <= recency <= T")
        return data

    def _start(self, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        scale = max(np.average(rows[:, 2], weights=weights) / 4, 0.1)
        return np.log([0.5, scale, 0.5, scale])

    @staticmethod
    def _log_parts(log_params, x, tx, T):
        r, alpha, s, beta = np.exp(log_params)
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        dead = np.log(s) - np.log(r + s + x) + _log_a0(r, alpha, s, beta, x, tx, T)
        return head, alive, dead

    def _negative_log_likelihood(self, log_params, rows, weights):
        x, tx, T = rows[:, 0], rows[:, 1], rows[:, 2]
        with np.errstate(all="ignore"):
            head, alive, dead = self._log_parts(log_params, x, tx, T)
            ll = head + np.logaddexp(alive, np.where(np.isfinite(dead), dead, -np.inf))
        value = -float(ll @ weights)
        return (value if np.isfinite(value) else 1e300), None

    def _arrays(self, data: pd.DataFrame):
        return tuple(data[c].to_numpy(dtype=float) for c in self._columns)

    def conditional_probability_alive(self, data: pd.DataFrame) -> np.ndarray:
        """P(alive | x, t_x, T): equation (18) of the note."""
        x, tx, T = self._arrays(data)
        log_params = np.log(self._p())
        with np.errstate(all="ignore"):
            _, alive, dead = self._log_parts(log_params, x, tx, T)
            return 1.0 / (1.0 + np.exp(np.where(np.isfinite(dead), dead, -np.inf) - alive))

    def conditional_expected_number_of_purchases_up_to_time(self, t: float, data: pd.DataFrame) -> np.ndarray:
        """E[X(T, T + t) | x, t_x, T]: equation (22) of the note."""
        r, alpha, s, beta = self._p()
        x, _, T = self._arrays(data)
        alive = self.conditional_probability_alive(data)
        return alive * (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))

    def expected_purchases_at(self, ts: list[float], data: pd.DataFrame) -> np.ndarray:
        """Equation (22) for several horizons at once, shape (len(ts), customers)."""
        return np.array([self.conditional_expected_number_of_purchases_up_to_time(t, data) for t in ts])

    def median_time_to_next_purchase(self, data: pd.DataFrame) -> np.ndarray:
        r, alpha, _, _ = self._p()
        x, _, T = self._arrays(data)
        return (alpha + T) * (2.0 ** (1.0 / (r + x)) - 1.0)
