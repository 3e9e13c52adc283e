"""Running a measure: each measure's query is compiled once per shape and values (an Ibis
expression takes longer to compile than a small shop takes to answer it, and a page asks the
same measures on every load), then run on the store's own connection."""

from __future__ import annotations

from typing import Any

__all__ = ["fetch", "rows", "value"]

#: Compiled SQL by the expression unbound from its store (the same tables, columns and values
#: give the same SQL whichever store they are in); the most recent ones are kept.
_COMPILED: dict[Any, str] = {}


def fetch(expr: Any) -> Any:
    """The expression's result as an Arrow table."""
    import ibis
    import ibis.expr.operations as ops
    from ibis.formats.pyarrow import PyArrowData

    if expr.op().find(ops.InMemoryTable):
        return expr.as_table().to_pyarrow()  # a table held in memory: registered and compiled as usual
    key = expr.unbind().op()
    if key not in _COMPILED:
        if len(_COMPILED) >= 256:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = str(ibis.to_sql(expr, dialect="duckdb"))
    found = expr._find_backend().con.execute(_COMPILED[key]).to_arrow_table()
    return PyArrowData.convert_table(found, expr.as_table().schema())


def rows(expr: Any) -> list[dict[str, Any]]:
    """The table expression's rows as dicts."""
    return fetch(expr).to_pylist()


def value(expr: Any) -> Any:
    """A scalar expression's value."""
    return fetch(expr).column(0)[0].as_py()
