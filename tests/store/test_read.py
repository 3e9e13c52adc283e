"""Reads that must agree with their slower definitions: one customer's latest scores laid out
in Python equal their row of the ``scores`` view."""

from __future__ import annotations

import math

from regulars.store import latest_scores, open_workspace


def test_one_customer_s_scores_equal_their_row_of_the_scores_view(served_shop):
    path, _ = served_shop
    with open_workspace(path).store(read_only=True) as store:
        ids = [r[0] for r in store.con.execute("SELECT DISTINCT customer_id FROM results ORDER BY 1 LIMIT 40").fetchall()]
        for customer in ids:
            (mine,) = latest_scores(store, customer)
            (view,) = store.rows(
                "SELECT s.*, r.cutoff, m.segments FROM scores s JOIN runs r USING (run_id) "
                "LEFT JOIN segment_members m USING (run_id, customer_id) WHERE s.customer_id = ? "
                "ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1", [customer])
            assert set(mine) == set(view)
            for column, value in view.items():
                if isinstance(value, float):
                    assert math.isclose(mine[column], value), (customer, column)
                else:
                    assert mine[column] == value, (customer, column)
        assert latest_scores(store, "nobody") == []
