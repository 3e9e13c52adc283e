"""Gamma-Gamma spend model: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".

A customer's transaction values are Gamma(p, ν), ν ~ Gamma(q, γ); fitted on repeat
customers' mean repeat-transaction value. It assumes spend is independent of frequency:
``frequency_value_correlation_`` reports how far that holds.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from regulars.models.clv._base import ClvFitter

__all__ = ["GammaGammaFitter"]


class GammaGammaFitter(ClvFitter):
    """Gamma-Gamma fitted on customers with frequency > 0 (others are ignored, and counted)."""

    _param_names: ClassVar[tuple[str, ...]] = ("p", "q", "v")
    _columns: ClassVar[tuple[str, ...]] = ("frequency", "monetary_value")
    _model_type: ClassVar[str] = "Gamma-Gamma"

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        repeat = data[data["frequency"] > 0]
        if (repeat["monetary_value"] <= 0).any():
            raise ValueError("GammaGammaFitter: monetary_value must be > 0 for customers with repeat purchases")
        if len(repeat) < 2:
            raise ValueError("GammaGammaFitter: needs at least two customers with repeat purchases")
        self.frequency_value_correlation_ = float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])
        self.n_ignored_ = int(len(data) - len(repeat))
        return repeat

    def _start(self, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.log([2.0, 2.0, max(np.average(rows[:, 1], weights=weights), 1.0)])

    def _negative_log_likelihood(self, log_params, rows, weights):
        """Equation (1) of the note, with its analytic gradient."""
        p, q, v = np.exp(log_params)
        x, m = rows[:, 0], rows[:, 1]
        px = p * x
        ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
              + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + m * x))
        d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - np.log(v + m * x))
        d_q = digamma(px + q) - digamma(q) + np.log(v) - np.log(v + m * x)
        d_v = q / v - (px + q) / (v + m * x)
        grad = np.array([d_p * p, d_q * q, d_v * v]) @ weights
        return -float(ll @ weights), -grad

    def conditional_expected_average_profit(self, data: pd.DataFrame) -> np.ndarray:
        """E[M | x, m̄]: equation (5); the population mean for customers without repeats."""
        p, q, v = self._p()
        x = data["frequency"].to_numpy(dtype=float)
        m = data["monetary_value"].to_numpy(dtype=float)
        population = p * v / (q - 1) if q > 1 else np.nan
        with np.errstate(all="ignore"):
            individual = p * (v + x * m) / (p * x + q - 1)
        return np.where(x > 0, individual, population)
