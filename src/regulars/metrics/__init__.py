"""Measures of the shop as a whole, each defined once as an Ibis expression over the stored
tables (so it runs on any backend the features run on): sales by month and recent activity,
a run's headline figures, how scores moved between runs, and what followed each playbook's
messages. The store keeps the tables; the application layer hands them here."""

from regulars.metrics._anomalies import Anomaly, episodes, find_anomalies
from regulars.metrics._cohorts import cohort_table
from regulars.metrics._days import (
    DAILY_MEASURES,
    ShopDays,
    daily_measure,
    product_units,
    read_days,
    top_products,
    weekly,
)
from regulars.metrics._drift import population_stability, score_drift
from regulars.metrics._forecast import Forecast, holdout_check, predict_series
from regulars.metrics._formulas import formulas_page
from regulars.metrics._funnel import STAGES, funnel
from regulars.metrics._journeys import STEPS, paths_before, stage_flows
from regulars.metrics._kpis import (
    GRAINS,
    KPIS,
    SLICES,
    Kpi,
    kpi_series,
    of_kind,
    of_members,
    slice_values,
)
from regulars.metrics._messages import RESPONSES, message_engagement
from regulars.metrics._outcomes import OUTCOME_INPUTS, playbook_outcomes
from regulars.metrics._quality import QUALITY_MEASURES, engagement_quality
from regulars.metrics._run import KEPT_TOP, first_of, run_figures
from regulars.metrics._sales import ACTIVE_DAYS, activity, main_currency, monthly, sale_amounts
from regulars.metrics._service import (
    SLA_METRICS,
    STATUS_TIMES,
    ServiceTargets,
    latest_time,
    service_backlog,
    service_summary,
    ticket_service,
    unanswered,
)
from regulars.metrics._texts import (
    SOURCE_HISTORY_DAYS,
    TREND_DAYS,
    sentiment_by,
    sentiment_by_period,
    sentiment_by_segment,
    text_filter,
    theme_summary,
    unhappy_days,
)
from regulars.metrics._voice import answers_score, voice_by_period
from regulars.metrics._watch import COUNTED, alert_words, alerts_in, folded
from regulars.metrics._web import WEB_EVENTS, as_people, web_by_period

__all__ = [
    "ACTIVE_DAYS",
    "Anomaly",
    "COUNTED",
    "DAILY_MEASURES",
    "Forecast",
    "GRAINS",
    "KEPT_TOP",
    "KPIS",
    "Kpi",
    "OUTCOME_INPUTS",
    "QUALITY_MEASURES",
    "RESPONSES",
    "SLA_METRICS",
    "SLICES",
    "SOURCE_HISTORY_DAYS",
    "STAGES",
    "STATUS_TIMES",
    "STEPS",
    "ServiceTargets",
    "ShopDays",
    "TREND_DAYS",
    "WEB_EVENTS",
    "activity",
    "alert_words",
    "alerts_in",
    "answers_score",
    "as_people",
    "cohort_table",
    "daily_measure",
    "engagement_quality",
    "episodes",
    "find_anomalies",
    "first_of",
    "folded",
    "formulas_page",
    "funnel",
    "holdout_check",
    "kpi_series",
    "latest_time",
    "main_currency",
    "message_engagement",
    "monthly",
    "of_kind",
    "of_members",
    "paths_before",
    "playbook_outcomes",
    "population_stability",
    "predict_series",
    "product_units",
    "read_days",
    "run_figures",
    "sale_amounts",
    "score_drift",
    "sentiment_by",
    "sentiment_by_period",
    "sentiment_by_segment",
    "service_backlog",
    "service_summary",
    "slice_values",
    "stage_flows",
    "text_filter",
    "theme_summary",
    "ticket_service",
    "top_products",
    "unanswered",
    "unhappy_days",
    "voice_by_period",
    "web_by_period",
    "weekly",
]
