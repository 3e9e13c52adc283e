"""Scores: everything a run scores per customer, each model family behind one ``Scorer`` protocol."""

from regulars.scores._engagement import EngagementScorer
from regulars.scores._lifetime import LifetimeValueScorer, figures_disagree, score_lifetime_value
from regulars.scores._checks import model_alerts
from regulars.scores._propensity import ModelCache, PropensityScorer, audit_fairness, fingerprint, score_propensity
from regulars.scores._recommend import RecommendScorer
from regulars.scores._scorer import RunContext, Scored, Scorer, to_part
from regulars.scores._timing import TimingScorer

__all__ = [
    "EngagementScorer",
    "LifetimeValueScorer",
    "ModelCache",
    "PropensityScorer",
    "RecommendScorer",
    "RunContext",
    "Scored",
    "Scorer",
    "TimingScorer",
    "audit_fairness",
    "default_scorers",
    "figures_disagree",
    "fingerprint",
    "model_alerts",
    "score_lifetime_value",
    "score_propensity",
    "to_part",
]


def default_scorers(names: list[str]) -> list[Scorer]:
    """The scorers named in ``[run] scorers``, in that order (``regulars.scorers`` knows them;
    an unknown name is an error naming the known ones)."""
    from regulars.scorers import make_scorer

    return [make_scorer(n) for n in names]
