"""PropensityModel: calibration, reasons, persistence and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regulars.errors import InsufficientDataError, ModelFileError
from regulars.models.clv import NotFittedError
from regulars.models.propensity import OUTCOMES, Outcome, PropensityModel, evaluate, leakage_flags


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame({
        "recency": rng.exponential(60, n),
        "visits": rng.poisson(3, n).astype(float),
        "plan": pd.Categorical(rng.choice(["basic", "pro", "team"], n)),
    })
    logit = -1 + 0.02 * X["recency"] - 0.3 * X["visits"] + np.where(X["plan"] == "basic", 0.8, 0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int).to_numpy()
    return X, y


def test_learns_and_is_calibrated(data):
    X, y = data
    model = PropensityModel().fit(X[:2000], y[:2000])
    result = evaluate(y[2000:], model.predict_positive(X[2000:]))
    assert result["auc"] > 0.75 and result["calibration_error"] < 0.05
    assert model.calibration_ in ("isotonic", "platt")
    assert set(model.importance_) == {"recency", "visits", "plan"}


def test_reasons_point_the_way_the_score_does(data):
    """Above the shop's average, what raises the chance most comes first; below it, what lowers it
    most; and the text names the average it is measured from."""
    X, y = data
    model = PropensityModel().fit(X, y)
    head = X.head(300)
    reasons = model.reasons(head)
    assert all(len(r) == 3 for r in reasons)
    assert any("recency" in " ".join(r) for r in reasons)
    p = model.predict_positive(head)
    low, high = np.quantile(p, [0.2, 0.8])
    first_raises = np.array(["raises" in r[0] for r in reasons])
    assert first_raises[p >= high].all() and not first_raises[p <= low].any()
    above = p >= model.positive_rate_
    assert above.any() and (~above).any() and (first_raises == above).mean() > 0.98
    for r in reasons:  # one direction first, then (if fewer) the other: never back again
        kinds = ["raises" in x for x in r]
        assert kinds in (sorted(kinds), sorted(kinds, reverse=True))
    average = f"the shop's average of {model.positive_rate_:.0%}: "
    agree = above == first_raises
    assert model.reason_text(head.head(2)) == [(("above " if a else "below ") if g else "close to ") + average
                                               + "; ".join(r) for a, g, r in zip(above[:2], agree[:2], reasons[:2], strict=True)]
    assert model.predict_proba(head).shape == (300, 2) and list(model.classes_) == [0, 1]
    np.testing.assert_allclose(model.predict_proba(head).sum(axis=1), 1)


def test_a_feature_that_is_no_cause_is_said_as_the_pattern_it_is(data):
    """Of an outcome, the features an owner reads as its causes raise or lower the chance; the
    others are said as what the model saw ("customers like this ... more often"), the same way
    round as their effect, and the text's direction is unchanged."""
    X, y = data
    model = PropensityModel().fit(X, y)
    head = X.head(300)
    plain = model.reasons(head)
    said = model.reasons(head, outcome=Outcome("write to support", frozenset({"recency"})))
    patterns = 0
    for before, after in zip(plain, said, strict=True):
        for a, b in zip(before, after, strict=True):
            if "recency" in a:
                assert a == b
            else:
                patterns += 1
                way = "more" if a.endswith("(raises the chance)") else "less"
                assert b == a.rsplit(" (", 1)[0] + f" (customers like this write to support {way} often)"
    assert patterns > 100
    assert [t.split(":")[0] for t in model.reason_text(head, outcome=OUTCOMES["support"])] == [
        t.split(":")[0] for t in model.reason_text(head)]


def test_each_label_reads_its_own_causes_as_causes():
    """Spend is no cause of a support ticket, tickets are; the gap since the last order moves churn."""
    assert "spend_total" not in OUTCOMES["support"].direct and "tickets_90d" in OUTCOMES["support"].direct
    assert "days_since_last_order" in OUTCOMES["churn"].direct
    assert OUTCOMES["support"].effect("spend_total", True) == " (customers like this write to support more often)"


def test_unseen_categories_and_persistence(data, tmp_path):
    X, y = data
    model = PropensityModel().fit(X, y)
    odd = X.head(3).astype({"plan": object})
    odd.loc[odd.index[0], "plan"] = "enterprise"
    assert np.isfinite(model.predict_positive(odd)).all()
    model.save(tmp_path / "m.json")
    loaded = PropensityModel.load(tmp_path / "m.json")
    np.testing.assert_allclose(loaded.predict_proba(X.head(20)), model.predict_proba(X.head(20)))
    np.testing.assert_allclose(loaded.predict_baseline(odd), model.predict_baseline(odd))
    assert loaded.reasons(X.head(5)) == model.reasons(X.head(5))
    (tmp_path / "old.json").write_text('{"format": "regulars.propensity", "format_version": 2}')
    with pytest.raises(ModelFileError, match="not a propensity model of format 4"):
        PropensityModel.load(tmp_path / "old.json")


def test_a_model_file_never_runs_code(data, tmp_path):
    """Model files are JSON read before anything is built: a pickle dropped in their place is
    refused as unreadable, and its code never runs."""
    import pickle

    class Boom:
        def __reduce__(self):
            return (exec, ("open(%r, 'w').write('ran')" % str(tmp_path / "ran.txt"),))

    (tmp_path / "evil.json").write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="cannot be read as a saved model"):
        PropensityModel.load(tmp_path / "evil.json")
    assert not (tmp_path / "ran.txt").exists()


def test_errors(data):
    X, y = data
    with pytest.raises(NotFittedError):
        PropensityModel().predict_proba(X)
    with pytest.raises(InsufficientDataError, match="at least 10 examples of each outcome to learn from; found 25 with"):
        PropensityModel().fit(X.head(30), np.r_[np.ones(25), np.zeros(5)])
    with pytest.raises(ValueError, match="missing: \\['visits'\\]"):
        PropensityModel().fit(X, y).predict_proba(X.drop(columns="visits"))


def test_leakage_flags_explain_themselves(data):
    X, y = data
    leaky = X.assign(outcome_code=np.where(y == 1, 1.0, np.nan), echo=y + np.random.default_rng(1).normal(0, 0.01, len(y)))
    flags = leakage_flags(leaky, y)
    assert set(flags) == {"outcome_code", "echo"}
    assert "filled in for 100% of positives" in flags["outcome_code"]
    assert "alone predicts the target" in flags["echo"]


def test_time_boxed_search_tries_defaults_first_and_keeps_the_best(data):
    X, y = data
    model = PropensityModel(search_seconds=60).fit(X[:2000], y[:2000])
    tried = model.search_["tried"]
    assert len(tried) > 1 and tried[0]["log_loss"] >= model.search_["chosen"]["log_loss"]
    assert model.search_["chosen"] == min(tried, key=lambda t: t["log_loss"])
    assert evaluate(y[2000:], model.predict_positive(X[2000:]))["auc"] > 0.75
    hurried = PropensityModel(search_seconds=1e-6).fit(X[:2000], y[:2000])
    assert len(hurried.search_["tried"]) == 1  # out of time after the defaults: the defaults stand
    assert not hasattr(PropensityModel().fit(X[:2000], y[:2000]), "search_")


def test_yes_no_columns_with_gaps_stay_numbers(data):
    X, y = data
    X = X.assign(consent=np.where(np.arange(len(X)) % 2 == 0, True, False))
    model = PropensityModel().fit(X[:2000], y[:2000])
    later = X[2000:].assign(consent=pd.Series([True, None] * 500, index=X.index[2000:], dtype=object))
    assert "consent" not in model.categories_ and len(model.predict_positive(later)) == 1000


def test_large_training_sets_are_sampled_and_the_card_says_so(data):
    from regulars.models.propensity import model_card

    X, y = data
    model = PropensityModel(max_rows=1000, n_estimators=50).fit(X, y)
    assert (model.n_train_, model.n_available_) == (1000, len(y))
    assert abs(model.positive_rate_ - y.mean()) < 0.01  # stratified
    card = model_card(model, target="churn", metrics=None, evaluated_on="-", data_window={})
    assert card["trained_on"]["customers"] == 1000 and card["trained_on"]["of_customers"] == len(y)
