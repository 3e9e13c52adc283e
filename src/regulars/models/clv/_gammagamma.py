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

from regulars.errors import InsufficientDataError
from regulars.models.clv._base import ClvFitter

__all__ = ["GammaGammaFitter"]


class GammaGammaFitter(ClvFitter):
    """Gamma-Gamma fitted on customers with frequency > 0 and a positive repeat spend.

    The others are left out of the fit and counted (``n_ignored_``, ``n_zero_value_``).
    """

    _param_names: ClassVar[tuple[str, ...]] = ("p", "q", "v")
    _columns: ClassVar[tuple[str, ...]] = ("frequency", "monetary_value")
    _model_type: ClassVar[str] = "Gamma-Gamma"
    _sort_rows: ClassVar[bool] = False

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        repeat = data[data["frequency"] > 0]
        # repeat purchases worth nothing (free samples, fully discounted) carry no spend information
        self.n_zero_value_ = int((repeat["monetary_value"] <= 0).sum())
        repeat = repeat[repeat["monetary_value"] > 0]
        if len(repeat) < 2:
            raise InsufficientDataError(
                f"Gamma-Gamma needs at least two customers whose repeat purchases have a value above zero; "
                f"found {len(repeat)} ({self.n_zero_value_} repeat customers spent nothing on repeat orders)")
        self.frequency_value_correlation_ = float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])
        self.n_ignored_ = int(len(data) - len(repeat))
        return repeat

    def _start(self, rows, weights: np.ndarray) -> np.ndarray:
        return np.log([2.0, 2.0, max(np.average(rows["m"], weights=weights), 1.0)])

    def _prepare(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        x, m = rows[:, 0], rows[:, 1]
        ux, ix = np.unique(x, return_inverse=True)
        return {"x": x, "m": m, "mx": m * x, "log_m": np.log(m), "log_x": np.log(x), "ux": ux, "ix": ix}

    def _negative_log_likelihood(self, log_params, rows, weights):
        """Equation (1) of the note, with its analytic gradient; x-only terms once per distinct x."""
        p, q, v = np.exp(log_params)
        x, ux, ix = rows["x"], rows["ux"], rows["ix"]
        px = p * x
        log_vmx = np.log(v + rows["mx"])
        ll = ((gammaln(p * ux + q) - gammaln(p * ux))[ix] - gammaln(q) + q * np.log(v)
              + (px - 1) * rows["log_m"] + px * rows["log_x"] - (px + q) * log_vmx)
        dg_pxq = digamma(p * ux + q)[ix]
        d_p = x * (dg_pxq - digamma(p * ux)[ix] + rows["log_m"] + rows["log_x"] - log_vmx)
        d_q = dg_pxq - digamma(q) + np.log(v) - log_vmx
        d_v = q / v - (px + q) * np.exp(-log_vmx)
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
