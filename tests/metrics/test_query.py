"""A measure's query is compiled once and gives what Ibis gives."""

from __future__ import annotations

import ibis

from regulars.metrics import _query


def test_a_measure_is_compiled_once_per_shape_and_answers_as_ibis_does(tmp_path, monkeypatch):
    con = ibis.duckdb.connect(tmp_path / "x.duckdb")
    con.raw_sql("CREATE TABLE t AS SELECT range AS n, range % 3 AS k FROM range(100)")
    t = con.table("t")
    expr = t.group_by("k").aggregate(total=t.n.sum()).order_by("k")
    compiled = []
    real = ibis.to_sql
    monkeypatch.setattr(ibis, "to_sql", lambda e, *a, **k: compiled.append(e) or real(e, *a, **k))
    first = _query.rows(expr)
    again = _query.rows(con.table("t").group_by("k").aggregate(total=con.table("t").n.sum()).order_by("k"))
    assert first == again == expr.to_pyarrow().to_pylist() and len(compiled) == 1
    assert _query.value(t.n.max()) == 99 and _query.rows(t.filter(t.k == 5)) == []
