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
        varies = repeat["frequency"].std() > 0 and repeat["monetary_value"].std() > 0
        # (undefined when every repeat customer bought as often, or spent the same)
        self.frequency_value_correlation_ = (
            float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1]) if varies else None)
        self.n_ignored_ = int(len(data) - len(repeat))
        return repeat

    def _start(self, rows, weights: np.ndarray) -> np.ndarray:
        return np.log([2.0, 2.0, max(np.average(rows["m"], weights=weights), 1.0)])

    def _prepare(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        x, m = rows[:, 0], rows[:, 1]
        ux, ix = np.unique(x, return_inverse=True)
        return {"x": x, "m": m, "mx": m * x, "log_m": np.log(m), "log_x": np.log(x), "ux": ux, "ix": ix}

    def _negative_log_likelihood(self, log_params, rows, weights):
        """Equation (1) of the note, with its analytic gradient.

        Only ln(v + m x) couples a customer's spend with the parameters; every other term is a
        weighted sum fixed by the data (taken once per fit) or a function of x alone (taken once
        per distinct x), so an evaluation is one pass of a logarithm and one of a reciprocal.
        """
        p, q, v = np.exp(log_params)
        if "sums" not in rows:  # the data's fixed sums, for these weights
            wx = weights * rows["x"]
            rows["sums"] = {"n": weights.sum(), "x": wx.sum(), "xlog_mx": wx @ (rows["log_m"] + rows["log_x"]),
                            "log_m": weights @ rows["log_m"], "per_x": np.bincount(rows["ix"], weights),
                            "wx": wx}
        sums, ux = rows["sums"], rows["ux"]
        per_x = sums["per_x"]
        log_vmx = np.log(v + rows["mx"])
        inv_vmx = 1.0 / (v + rows["mx"])
        wx_log, w_log = sums["wx"] @ log_vmx, weights @ log_vmx
        ll = (per_x @ (gammaln(p * ux + q) - gammaln(p * ux)) - sums["n"] * gammaln(q) + sums["n"] * q * np.log(v)
              + p * sums["xlog_mx"] - sums["log_m"] - p * wx_log - q * w_log)
        dg_pxq = digamma(p * ux + q)
        d_p = (per_x * ux) @ (dg_pxq - digamma(p * ux)) + sums["xlog_mx"] - wx_log
        d_q = per_x @ dg_pxq - sums["n"] * digamma(q) + sums["n"] * np.log(v) - w_log
        d_v = sums["n"] * q / v - p * (sums["wx"] @ inv_vmx) - q * (weights @ inv_vmx)
        return -float(ll), -np.array([d_p * p, d_q * q, d_v * v])

    def conditional_expected_average_profit(self, data: pd.DataFrame) -> np.ndarray:
        """E[M | x, m̄]: equation (5); the population mean for customers without repeats."""
        p, q, v = self._p()
        x = data["frequency"].to_numpy(dtype=float)
        m = data["monetary_value"].to_numpy(dtype=float)
        population = p * v / (q - 1) if q > 1 else np.nan
        with np.errstate(all="ignore"):
            individual = p * (v + x * m) / (p * x + q - 1)
        return np.where(x > 0, individual, population)
