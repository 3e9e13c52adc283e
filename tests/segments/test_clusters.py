"""Clusters keep their numbers and their number from run to run, unless the data clearly says otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from regulars.segments import Clusters


def shop(sizes, seed):
    """Buyers in three groups: frequent small baskets, rare big baskets, lapsed middling ones."""
    rng = np.random.default_rng(seed)
    centres = [(12, 15, 10), (2, 150, 40), (4, 50, 300)]  # orders, order value, days since the last order
    parts = [pd.DataFrame({"orders_total": rng.normal(o, o * 0.1, n).clip(1), "avg_order_value": rng.normal(v, v * 0.1, n),
                           "days_since_last_order": rng.normal(d, d * 0.1, n).clip(1)})
             for (o, v, d), n in zip(centres, sizes, strict=True)]
    frame = pd.concat(parts, ignore_index=True)
    frame.index = [f"c{i}" for i in range(len(frame))]
    return frame, np.repeat([0, 1, 2], sizes)


def test_a_group_keeps_its_number_when_the_sizes_change_order():
    before, groups = shop((600, 300, 100), seed=1)
    first = Clusters(max_k=5).fit(before)
    numbers = first.predict(before)
    assert first.k_ == 3 and len(set(zip(groups, numbers, strict=True))) == 3  # one number per group
    was = {g: numbers[groups == g][0] for g in range(3)}
    after, groups = shop((100, 300, 700), seed=2)  # the smallest group is now the largest
    fresh = Clusters(max_k=5).fit(after).predict(after)
    assert fresh[groups == 2][0] != was[2]  # numbered by size alone, the lapsed group would change number
    kept = Clusters(max_k=5).fit(after, previous=first.state()).predict(after)
    assert {g: kept[groups == g][0] for g in range(3)} == was
    assert (pd.Series(kept).groupby(groups).nunique() == 1).all()


def test_the_number_of_clusters_is_kept_unless_another_is_clearly_better():
    frame, _ = shop((500, 400, 300), seed=3)
    three = Clusters(max_k=6).fit(frame)
    forced = three.state() | {"centres": three.state()["centres"][:2], "numbers": [1, 2]}
    two_then = Clusters(max_k=6).fit(frame, previous=forced)
    assert two_then.k_ == 3  # three groups are clearly better than the two kept from before
    again = Clusters(max_k=6).fit(frame, previous=three.state())
    assert again.k_ == 3 and (again.predict(frame) == three.predict(frame)).all()


def test_two_runs_on_unchanged_data_move_nobody(demo_copy):
    """Every segment, clusters included, has the same members when nothing changed."""
    from regulars import app

    again = app.run(demo_copy)  # the demo shop was scored once already, on the same data
    moved = [(s["segment"], s["entered"], s["left"]) for s in again.segments if s["entered"] or s["left"]]
    assert again.segments and any(s["family"] == "cluster" for s in again.segments) and moved == []
