"""Checking a rule's tree against the fields that exist, and compiling it to an Ibis expression.

Fields have one of three kinds: number, text or boolean. ``segments`` is the list of segment
names a customer is in, used as ``"Champions" in segments``. A missing value (no churn score for
a customer without orders) makes a comparison unknown, and an unknown condition does not select
the customer, as in SQL.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from regulars.segments.rules._grammar import Node, RuleError, parse_rule

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Rule", "compile_rule"]

Kind = str  # "number", "text" or "boolean"
SEGMENTS = "segments"


class Rule:
    """A parsed and checked rule: ``expression(table)`` is its Ibis condition on ``table``."""

    def __init__(self, text: str, fields: Mapping[str, Kind],
                 segment_test: Callable[[ir.Table, str], ir.BooleanValue], segment_names: list[str]) -> None:
        self.text = text
        self.fields = dict(fields)
        self.segment_test = segment_test
        self.segment_names = segment_names
        self.tree = parse_rule(text)
        self.used: set[str] = set()
        self.segments_used: set[str] = set()
        self._check(self.tree, want_condition=True)

    # -- checking --------------------------------------------------------------------------
    def _error(self, message: str, node: Node) -> RuleError:
        return RuleError(message, self.text, node.pos)

    def _kind(self, node: Node) -> Kind:
        """The kind of a value node; raises on mistakes."""
        op = node.op
        if op == "value":
            value = node.args[0]
            return "boolean" if isinstance(value, bool) else "number" if isinstance(value, float) else "text"
        if op == "field":
            name = node.args[0]
            if name == SEGMENTS:
                raise self._error('`segments` is a list of names: write "Champions" in segments', node)
            if name not in self.fields:
                close = difflib.get_close_matches(name, list(self.fields), n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                raise self._error(f"unknown field {name!r}; {hint}the fields are: {', '.join(sorted(self.fields))}",
                                  node)
            self.used.add(name)
            return self.fields[name]
        if op in ("arith", "neg"):
            for part in node.args[1:] if op == "arith" else node.args:
                if self._kind(part) != "number":
                    raise self._error("arithmetic needs numbers on both sides", part)
            return "number"
        self._check(node, want_condition=True)
        return "boolean"

    def _check(self, node: Node, want_condition: bool) -> None:
        op = node.op
        if op in ("and", "or", "not"):
            for part in node.args:
                if self._kind(part) != "boolean":
                    raise self._error(f"`{op}` joins conditions; this is a value, not a condition "
                                      "(compare it, e.g. churn_probability > 0.7)", part)
        elif op == "compare":
            sign, left, right = node.args
            kl, kr = self._kind(left), self._kind(right)
            if kl != kr:
                raise self._error(f"cannot compare {kl} with {kr}" + (" (put text in quotes)" if "text" in (kl, kr)
                                                                       else ""), node)
            if sign not in ("==", "!=") and kl != "number":
                raise self._error(f"only numbers can be compared with {sign}", node)
        elif op == "between":
            for part in node.args:
                if self._kind(part) != "number":
                    raise self._error("`between` needs numbers", part)
        elif op == "in":
            left, target = node.args
            if target.op == "field":
                if target.args[0] != SEGMENTS:
                    raise self._error(f"`in` takes a [list] or `segments`, not {target.args[0]!r}", target)
                if left.op != "value" or not isinstance(left.args[0], str):
                    raise self._error('write the segment name in quotes: "Champions" in segments', left)
                name = self._segment(left)
                self.segments_used.add(name)
            else:
                kind = self._kind(left)
                for item in target.args:
                    if self._kind(item) != kind:
                        raise self._error(f"the list holds a {self._kind(item)} but {kind} is compared", item)
        elif op == "null":
            self._kind(node.args[0])
        elif want_condition:
            kind = self._kind(node)
            if kind != "boolean":
                raise self._error("this is a value, not a condition; compare it (e.g. churn_probability > 0.7)",
                                  node)

    def _segment(self, node: Node) -> str:
        wanted = node.args[0]
        by_lower = {n.lower(): n for n in self.segment_names}
        if wanted.lower() not in by_lower:
            close = difflib.get_close_matches(wanted, self.segment_names, n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else \
                f"; segments are: {', '.join(self.segment_names)}"
            raise self._error(f"no segment {wanted!r}{hint}", node)
        return by_lower[wanted.lower()]

    # -- compiling --------------------------------------------------------------------------
    def expression(self, table: ir.Table) -> ir.BooleanValue:
        """The rule as a condition on ``table`` (which has the fields as columns)."""
        return self._compile(self.tree, table)

    def _compile(self, node: Node, t: ir.Table) -> Any:
        import ibis

        op, args = node.op, node.args
        if op == "value":
            return ibis.literal(args[0])
        if op == "field":
            return t[args[0]]
        if op == "and":
            return self._compile(args[0], t) & self._compile(args[1], t)
        if op == "or":
            return self._compile(args[0], t) | self._compile(args[1], t)
        if op == "not":
            return ~self._compile(args[0], t)
        if op == "neg":
            return -self._compile(args[0], t)
        if op == "null":
            return self._compile(args[0], t).isnull()
        if op == "between":
            value, low, high = (self._compile(a, t) for a in args)
            return value.between(low, high)
        if op == "compare":
            sign, left, right = args[0], self._compile(args[1], t), self._compile(args[2], t)
            return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
                    ">": left > right, ">=": left >= right}[sign]
        if op == "arith":
            sign, left, right = args[0], self._compile(args[1], t), self._compile(args[2], t)
            return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[sign]
        if op == "in":
            left, target = args
            if target.op == "field":
                return self.segment_test(t, self._segment(left))
            return self._compile(left, t).isin([item.args[0] for item in target.args])
        raise AssertionError(f"unknown node {op}")  # the parser makes no other nodes


def compile_rule(text: str, fields: Mapping[str, Kind],
                 segment_test: Callable[[ir.Table, str], ir.BooleanValue], segment_names: list[str]) -> Rule:
    """Parse and check ``text`` against ``fields``; a ``RuleError`` names the line, column and fields."""
    return Rule(text, fields, segment_test, segment_names)
