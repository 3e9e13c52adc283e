"""The table explainer gives exactly LightGBM's own contributions, gaps and categories included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.models.propensity import PropensityModel
from regulars.models.propensity._explain import TreeExplainer


def test_contributions_equal_lightgbm_pred_contrib():
    rng = np.random.default_rng(5)
    n = 4000
    X = pd.DataFrame({
        "recency": np.where(rng.random(n) < 0.2, np.nan, rng.exponential(40, n)),  # gaps
        "visits": rng.poisson(3, n).astype(float),
        "spend": rng.gamma(2, 30, n),
        "plan": pd.Categorical(np.where(rng.random(n) < 0.1, None, rng.choice(["a", "b", "c", "d"], n))),
    })
    y = (rng.random(n) < 1 / (1 + np.exp(0.03 * np.nan_to_num(X["recency"], nan=80) - 0.3 * X["visits"]))).astype(int)
    for leaves in (4, 8):
        model = PropensityModel(num_leaves=leaves, n_estimators=120, min_child_samples=20).fit(X, y)
        later = X.sample(1500, random_state=1).astype({"plan": object})
        later.iloc[:5, later.columns.get_loc("plan")] = "enterprise"  # a category never seen
        prepared = model._prepare(later)
        explainer = TreeExplainer(model.booster_)
        assert explainer.fast == (leaves == 4)  # bigger trees are left to LightGBM itself
        expected = model.booster_.predict(prepared, pred_contrib=True)[:, :-1]
        np.testing.assert_allclose(explainer.contributions(prepared, chunk=500), expected, atol=1e-10)
