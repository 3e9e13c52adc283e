"""Lifetime value: BG/NBD, MBG/NBD, Pareto/NBD, BG/BB and Gamma-Gamma, fitted on compressed summaries."""

from regulars.models.clv._backtest import Backtest, backtest
from regulars.models.clv._base import FIT_LIMIT, ConvergenceError, NotFittedError, fit_sample
from regulars.models.clv._bgbb import BetaGeoBetaBinomFitter
from regulars.models.clv._bgnbd import BetaGeoFitter
from regulars.models.clv._choose import COUNT_MODELS, compete, degenerate
from regulars.models.clv._gammagamma import GammaGammaFitter
from regulars.models.clv._mbgnbd import ModifiedBetaGeoFitter
from regulars.models.clv._paretonbd import ParetoNBDFitter
from regulars.models.clv._simulate import simulate_bgnbd
from regulars.models.clv._value import customer_lifetime_value, predict_customers

__all__ = [
    "Backtest",
    "BetaGeoBetaBinomFitter",
    "BetaGeoFitter",
    "COUNT_MODELS",
    "ConvergenceError",
    "FIT_LIMIT",
    "GammaGammaFitter",
    "ModifiedBetaGeoFitter",
    "NotFittedError",
    "ParetoNBDFitter",
    "backtest",
    "compete",
    "customer_lifetime_value",
    "degenerate",
    "fit_sample",
    "predict_customers",
    "simulate_bgnbd",
]
