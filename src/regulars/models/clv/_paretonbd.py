"""Pareto/NBD: Schmittlein, Morrison & Colombo (1987), in the form of Fader, Hardie & Lee (2005),
"A note on deriving the Pareto/NBD model and related expressions".

Purchases while alive are Poisson(λ), λ ~ Gamma(r, α); lifetimes are exponential(μ),
μ ~ Gamma(s, β).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln, hyp2f1

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


_NODES, _NODE_WEIGHTS = np.polynomial.legendre.leggauss(24)


def _dead_expectations(r, alpha, s, beta, x, tx, T):
    """E[ln(α+y)], E[1/(α+y)], E[ln(β+y)], E[1/(β+y)] under (α+y)^-(r+x) (β+y)^-(s+1) on [t_x, T]."""
    k = (r + x + s)[:, None]
    w_lo, w_hi = (alpha + T)[:, None] ** -k, (alpha + tx)[:, None] ** -k  # w falls as y grows
    w = w_lo + (w_hi - w_lo) * (_NODES + 1) / 2
    a_y = w ** (-1 / k)  # α + y at the nodes
    b_y = a_y - alpha + beta
    g = _NODE_WEIGHTS * (a_y / b_y) ** (s + 1)
    total = g.sum(axis=1)
    total = np.where(total > 0, total, 1.0)
    return tuple((g * h).sum(axis=1) / total for h in (np.log(a_y), 1 / a_y, np.log(b_y), 1 / b_y))


class ParetoNBDFitter(ClvFitter):
    """Pareto/NBD fitted by maximum likelihood on compressed (frequency, recency, T) rows."""

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
        """Likelihood (equation 11 of the note, A0 by 2F1) with its analytic gradient.

        The "dropped out between t_x and T" term is s·I, I = ∫ (α+y)^-(r+x) (β+y)^-(s+1) dy over
        [t_x, T]; its derivatives are expectations under that integrand, taken by Gauss-Legendre
        quadrature after the change of variable w = (α+y)^-(r+x+s), which makes the integrand smooth.
        """
        x, tx, T = rows[:, 0], rows[:, 1], rows[:, 2]
        r, alpha, s, beta = np.exp(log_params)
        with np.errstate(all="ignore"):
            head, alive, dead = self._log_parts(log_params, x, tx, T)
            dead = np.where(np.isfinite(dead), dead, -np.inf)
            both = np.logaddexp(alive, dead)
            ll = head + both
            w_dead = np.exp(dead - both)
        w_alive = 1 - w_dead
        e_log_a, e_inv_a, e_log_b, e_inv_b = _dead_expectations(r, alpha, s, beta, x, tx, T)
        d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w_alive * np.log(alpha + T) - w_dead * e_log_a
        d_alpha = r / alpha - (r + x) * (w_alive / (alpha + T) + w_dead * e_inv_a)
        d_s = np.log(beta) - w_alive * np.log(beta + T) + w_dead * (1 / s - e_log_b)
        d_beta = s / beta - w_alive * s / (beta + T) - w_dead * (s + 1) * e_inv_b
        grad = np.array([(d_r @ weights) * r, (d_alpha @ weights) * alpha, (d_s @ weights) * s,
                         (d_beta @ weights) * beta])
        value = -float(ll @ weights)
        if not np.isfinite(value):
            return 1e300, np.zeros(4)
        return value, -grad

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

    def expected_number_of_purchases_up_to_time(self, t: np.ndarray | float) -> np.ndarray:
        """E[X(t)] for a customer just acquired: equation (17) of the note."""
        r, alpha, s, beta = self._p()
        t = np.asarray(t, dtype=float)
        return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))

    def probability_of_n_purchases_up_to_time(self, t: float, n: int) -> float:
        """P(X(t) = n) for a customer just acquired.

        Given an active span u, purchases are NBD(r, α) over u; the span is t if the customer is
        still alive at t (probability (β/(β+t))^s) and otherwise the lifetime τ < t, whose density
        is Lomax: s/β (β/(β+τ))^(s+1). The integral over τ is taken by Gauss-Legendre quadrature.
        """
        r, alpha, s, beta = self._p()
        if t <= 0:
            return float(n == 0)

        def nbd(u):
            u = np.asarray(u, dtype=float)
            head = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(alpha / (alpha + u))
            return np.exp(head + (n * np.log(u / (alpha + u)) if n else 0.0))

        nodes, weights = np.polynomial.legendre.leggauss(64)
        tau = (nodes + 1) * t / 2
        density = s / beta * (beta / (beta + tau)) ** (s + 1)
        died = float((weights * nbd(tau) * density).sum() * t / 2)
        return float(nbd(t) * (beta / (beta + t)) ** s) + died

    def median_time_to_next_purchase(self, data: pd.DataFrame) -> np.ndarray:
        r, alpha, _, _ = self._p()
        x, _, T = self._arrays(data)
        return (alpha + T) * (2.0 ** (1.0 / (r + x)) - 1.0)
