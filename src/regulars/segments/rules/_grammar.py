"""The rule language's grammar: a tokenizer and a recursive-descent parser into a small tree.

    rule     := or END
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum
                    | "between" sum "and" sum
                    | ["not"] "in" (list | name)
                    | "is" ["not"] "null" ]
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := "-" unary | atom
    atom     := number | "text" | true | false | name | "(" or ")"
    list     := "[" atom ("," atom)* "]"

Nothing is evaluated here: the tree is checked against the fields that exist and compiled to Ibis
(``_compile``). Every error names the line and column of the mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from regulars.errors import SettingsError

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Node", "RuleError", "parse_rule"]

MAX_LENGTH = 2000
MAX_DEPTH = 40

KEYWORDS = {"and", "or", "not", "in", "between", "is", "null", "true", "false"}
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
  | (?P<text>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\+|-|\*|/)
""", re.VERBOSE)


class RuleError(SettingsError):
    """A rule that cannot be read or does not fit the fields; says where and what."""

    def __init__(self, message: str, text: str = "", pos: int | None = None) -> None:
        if pos is not None:
            line = text.count("\n", 0, pos) + 1
            column = pos - (text.rfind("\n", 0, pos) + 1) + 1
            source = text.splitlines()[line - 1] if text.splitlines() else ""
            message = f"line {line}, column {column}: {message}\n  {source}\n  {' ' * (column - 1)}^"
        super().__init__(message)


@dataclass(frozen=True)
class Token:
    kind: str  # number, text, name, keyword, op, end
    value: Any
    pos: int


@dataclass(frozen=True)
class Node:
    """One node of the tree: ``op`` is and/or/not/compare/between/in/null/arith/neg/field/value."""

    op: str
    args: tuple[Any, ...]
    pos: int


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


def tokens(text: str) -> list[Token]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            if ch in "\"'":
                raise RuleError("this text has no closing quote", text, pos)
            raise RuleError(f"unexpected character {ch!r}", text, pos)
        kind = m.lastgroup
        if kind == "number":
            out.append(Token("number", float(m.group()), pos))
        elif kind == "text":
            out.append(Token("text", _unescape(m.group()), pos))
        elif kind == "name":
            word = m.group()
            out.append(Token("keyword", word.lower(), pos) if word.lower() in KEYWORDS else Token("name", word, pos))
        elif kind == "op":
            out.append(Token("op", m.group(), pos))
        pos = m.end()
    out.append(Token("end", None, len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokens(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def error(self, message: str, tok: Token | None = None) -> RuleError:
        return RuleError(message, self.text, (tok or self.tok).pos)

    def accept(self, kind: str, value: Any = None) -> Token | None:
        t = self.tok
        if t.kind == kind and (value is None or t.value == value):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, value: Any, what: str) -> Token:
        t = self.accept(kind, value)
        if t is None:
            found = "the end of the rule" if self.tok.kind == "end" else repr(str(self.tok.value))
            raise self.error(f"expected {what}, found {found}")
        return t

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the rule nests deeper than {MAX_DEPTH} levels; write it more simply")

    def rule(self) -> Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise self.error(f"expected `and`, `or` or the end of the rule, found {str(self.tok.value)!r}")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while (t := self.accept("keyword", "or")):
            node = Node("or", (node, self.and_()), t.pos)
        return node

    def and_(self) -> Node:
        node = self.not_()
        while (t := self.accept("keyword", "and")):
            node = Node("and", (node, self.not_()), t.pos)
        return node

    def not_(self) -> Node:
        if (t := self.accept("keyword", "not")):
            self.nested()
            node = Node("not", (self.not_(),), t.pos)
            self.depth -= 1
            return node
        return self.compare()

    def compare(self) -> Node:
        left = self.sum_()
        t = self.tok
        if t.kind == "op" and t.value in ("==", "!=", "<", "<=", ">", ">="):
            self.i += 1
            return Node("compare", (t.value, left, self.sum_()), t.pos)
        if self.accept("keyword", "between"):
            low = self.sum_()
            self.expect("keyword", "and", "`and` between the two bounds")
            return Node("between", (left, low, self.sum_()), t.pos)
        negated = self.tok.kind == "keyword" and self.tok.value == "not" and \
            self.toks[self.i + 1].kind == "keyword" and self.toks[self.i + 1].value == "in"
        if negated:
            self.i += 1
        if self.accept("keyword", "in"):
            if self.accept("op", "["):
                items = [self.atom()]
                while self.accept("op", ","):
                    items.append(self.atom())
                self.expect("op", "]", "`,` or `]` to close the list")
                target = Node("list", tuple(items), t.pos)
            else:
                name = self.expect("name", None, "a list in [brackets] or a field name after `in`")
                target = Node("field", (name.value,), name.pos)
            node = Node("in", (left, target), t.pos)
            return Node("not", (node,), t.pos) if negated else node
        if self.accept("keyword", "is"):
            negate = bool(self.accept("keyword", "not"))
            self.expect("keyword", "null", "`null` after `is`")
            node = Node("null", (left,), t.pos)
            return Node("not", (node,), t.pos) if negate else node
        return left

    def sum_(self) -> Node:
        node = self.product()
        while self.tok.kind == "op" and self.tok.value in ("+", "-"):
            t = self.tok
            self.i += 1
            node = Node("arith", (t.value, node, self.product()), t.pos)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.value in ("*", "/"):
            t = self.tok
            self.i += 1
            node = Node("arith", (t.value, node, self.unary()), t.pos)
        return node

    def unary(self) -> Node:
        if (t := self.accept("op", "-")):
            self.nested()
            node = Node("neg", (self.unary(),), t.pos)
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind in ("number", "text"):
            self.i += 1
            return Node("value", (t.value,), t.pos)
        if t.kind == "keyword" and t.value in ("true", "false"):
            self.i += 1
            return Node("value", (t.value == "true",), t.pos)
        if t.kind == "name":
            self.i += 1
            if self.tok.kind == "op" and self.tok.value == "(":
                raise self.error(f"{t.value}(...) calls a function; rules cannot call functions", t)
            return Node("field", (t.value,), t.pos)
        if self.accept("op", "("):
            self.nested()
            node = self.or_()
            self.expect("op", ")", "`)` to close the bracket")
            self.depth -= 1
            return node
        if t.kind == "end":
            raise self.error("the rule ends too early: expected a field, a number or \"text\"")
        raise self.error(f"expected a field, a number or \"text\", found {str(t.value)!r}")


def parse_rule(text: str) -> Node:
    """The tree of ``text``, or a ``RuleError`` naming the line and column of the first mistake."""
    if not isinstance(text, str) or not text.strip():
        raise RuleError("the rule is empty; write a condition such as churn_probability > 0.7")
    if len(text) > MAX_LENGTH:
        raise RuleError(f"the rule is {len(text):,} characters long; at most {MAX_LENGTH:,} are allowed")
    return _Parser(text).rule()
