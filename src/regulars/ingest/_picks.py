"""Which of a group's values a one-row-per-key table keeps: the first seen (an order's fields
from its first line, a customer's profile from their first row), or the most frequent (a
product's name: a one-off line's "mailout" does not name it)."""

from __future__ import annotations

from collections.abc import Callable

from regulars._sql import quote
from regulars.schema import CONTRACTS

__all__ = ["first_value", "most_frequent", "product_picks"]


def first_value(column: str, alias: str) -> str:
    """The group's first non-blank value, by source row."""
    return f"arg_min({quote(column)}, _row) FILTER (WHERE {quote(column)} IS NOT NULL) AS {quote(alias)}"


def most_frequent(column: str, alias: str) -> str:
    """The most frequent value (ties: the first seen), from the count column ``_n:alias``."""
    return (f"arg_max({quote(column)}, {quote('_n:' + alias)}) FILTER (WHERE {quote(column)} IS NOT NULL) "
            f"AS {quote(alias)}")


def product_picks(columns: list[str], named: Callable[[str], str]) -> tuple[str, str]:
    """The aggregates of a product's columns over its order lines (its words the most frequent,
    its numbers the first seen), and the window counts the most frequent ones need: SQL to
    append to a SELECT list each. ``named`` gives a staged column's name."""
    texts = [c for c in columns if CONTRACTS["products"].column(c).kind == "text"]
    picks = "".join(", " + (most_frequent(named("product." + c), c) if c in texts
                            else first_value(named("product." + c), c)) for c in columns)
    counts = "".join(f", count(*) OVER (PARTITION BY item__product_id, {quote(named('product.' + c))}) - _row / 1e12 "
                     f"AS {quote('_n:' + c)}" for c in texts)
    return picks, counts
