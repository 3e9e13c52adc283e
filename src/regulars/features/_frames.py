"""The run's feature cache: customer features per cutoff, built once each and shared by every
scorer, backtest and plan of one run; the feature query compiled once per shape of the shop.

Compiling the feature query to SQL (Ibis) takes about as long as running it on a small shop,
and a run, a plan and a backtest ask for it at several cutoffs. So the query is compiled once
at a cutoff no shop has, on the tables unbound from their store (the same tables and columns
give the same query, whichever store they are in), and run at any cutoff with that cutoff's
literal in its place. Where that cannot be done safely (a table held in memory, a query in
which the cutoff appears in another form) the query is compiled as usual.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd

from regulars._time import cutoff_start
from regulars.features._customer import customer_features

__all__ = ["FeatureFrames", "one_in"]

#: The cutoff the query is compiled at: a day no shop has, so its literal names the cutoff alone.
_SENTINEL = datetime(2999, 1, 1)
#: The feature query's SQL at the sentinel and its schema, by the shape of the shop (its tables unbound).
_COMPILED: dict[Any, tuple[str, Any]] = {}


class FeatureFrames:
    """Customer features per cutoff, built once each: a run asks for the same cutoffs for several
    labels (churn and conversion share all four), so each feature query runs once."""

    def __init__(self, tables: dict[str, Any]) -> None:
        self.tables = tables
        self._frames: dict[tuple[date, int], pd.DataFrame] = {}

    def at(self, cutoff: date, every: int = 1) -> pd.DataFrame:
        """The features of every customer as of ``cutoff``; with ``every`` > 1, of a fixed sample
        of about one customer in ``every`` (``one_in``), which is all a check that trains on a
        sample needs (everyone, where that frame is built already)."""
        for key in ((cutoff, 1), (cutoff, every)):
            if key in self._frames:
                return self._frames[key]
        # sorted by DuckDB (in parallel), so splits never depend on scan order
        frame = _features(one_in(self.tables, every), cutoff).to_pandas().set_index("customer_id")
        for c in frame.columns:
            if frame[c].dtype == object or str(frame[c].dtype) in ("str", "string"):
                frame[c] = frame[c].astype("category")
        self._frames[cutoff, every] = frame
        return frame


def one_in(tables: dict[str, Any], every: int) -> dict[str, Any]:
    """The rows of about one customer in ``every``, chosen by a hash of their (resolved) id, so
    the same customers in every table and at every cutoff: a customer's features and label are
    theirs alone, so a sample's are exactly the whole's for the customers in it."""
    if every <= 1:
        return tables

    def mine(table: Any, key: str) -> Any:
        return table.filter(table[key].hash() % every == 0)

    return {name: mine(t, "resolved_id") if name == "customers" else
            mine(t, "customer_id") if "customer_id" in t.columns else t for name, t in tables.items()}


@lru_cache(maxsize=256)
def _literal(moment: datetime) -> str:
    """How a timestamp is written in the compiled SQL."""
    import ibis

    sql = str(ibis.to_sql(ibis.literal(moment), dialect="duckdb"))
    return re.match(r"SELECT\s+(.*?) AS ", sql, re.S).group(1)


def _features(tables: dict[str, Any], cutoff: date) -> Any:
    """The features as of ``cutoff`` as an Arrow table, sorted by customer id."""
    import ibis
    import ibis.expr.operations as ops
    from ibis.formats.pyarrow import PyArrowData

    def built(at: Any, on: dict[str, Any]) -> Any:
        return customer_features(on, at).order_by("customer_id")

    if any(t.op().find(ops.InMemoryTable) for t in tables.values()):
        return built(cutoff, tables).to_pyarrow()
    # the shape: the tables unbound from their store (building the query costs as much as compiling it)
    unbound = {name: t.unbind() for name, t in tables.items()}
    shape = tuple(sorted((name, t.op()) for name, t in unbound.items()))
    if shape not in _COMPILED:
        if len(_COMPILED) >= 32:  # a server that has seen many shops keeps the recent shapes only
            _COMPILED.pop(next(iter(_COMPILED)))
        query = built(_SENTINEL, unbound)
        _COMPILED[shape] = (str(ibis.to_sql(query, dialect="duckdb")), query.schema())
    sql, schema = _COMPILED[shape]
    mark = _literal(_SENTINEL)
    if mark not in sql or str(_SENTINEL.year) in sql.replace(mark, ""):
        return built(cutoff, tables).to_pyarrow()  # the cutoff appears in another form: compiled as usual
    con = next(iter(tables.values()))._find_backend().con
    found = con.execute(sql.replace(mark, _literal(cutoff_start(cutoff)))).to_arrow_table()
    return PyArrowData.convert_table(found, schema)
