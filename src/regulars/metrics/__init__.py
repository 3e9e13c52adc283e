"""Measures of the shop as a whole, each defined once as an Ibis expression over the stored
tables (so it runs on any backend the features run on): sales by month and recent activity,
a run's headline figures, how scores moved between runs, and what followed each playbook's
messages. The store keeps the tables; the application layer hands them here."""

from regulars.metrics._cohorts import cohort_table
from regulars.metrics._drift import population_stability, score_drift
from regulars.metrics._funnel import STAGES, funnel
from regulars.metrics._kpis import GRAINS, KPIS, Kpi, formulas_page, kpi_series
from regulars.metrics._outcomes import OUTCOME_INPUTS, playbook_outcomes
from regulars.metrics._run import KEPT_TOP, first_of, run_figures
from regulars.metrics._sales import ACTIVE_DAYS, activity, main_currency, monthly

__all__ = [
    "ACTIVE_DAYS",
    "GRAINS",
    "KEPT_TOP",
    "KPIS",
    "Kpi",
    "OUTCOME_INPUTS",
    "STAGES",
    "activity",
    "cohort_table",
    "first_of",
    "formulas_page",
    "funnel",
    "kpi_series",
    "main_currency",
    "monthly",
    "playbook_outcomes",
    "population_stability",
    "run_figures",
    "score_drift",
]
