"""The rule language: what it can say, and that nothing else ever runs."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from regulars.segments.rules import MAX_DEPTH, RuleError, compile_rule, parse_rule

FIELDS = {"churn_probability": "number", "clv_12m": "number", "region": "text", "days_since_last_order": "number",
          "orders_total": "number", "consent_email": "boolean", "rfm_segment": "text"}
DATA = pd.DataFrame({
    "customer_id": ["a", "b", "c", "d"],
    "churn_probability": [0.9, 0.8, 0.2, None],
    "clv_12m": [300.0, 100.0, 500.0, None],
    "region": ["North", "North", "South", None],
    "days_since_last_order": [45.0, 30.0, 61.0, None],
    "orders_total": [3.0, 1.0, 7.0, 0.0],
    "consent_email": [True, False, True, None],
    "rfm_segment": ["Champions", "At risk", "Champions", None],
})


def members(text: str) -> list[str]:
    rule = compile_rule(text, FIELDS, lambda t, name: t.rfm_segment == name, ["Champions", "At risk"])
    t = ibis.memtable(DATA)
    return sorted(t.filter(rule.expression(t)).to_pandas()["customer_id"])


@pytest.mark.parametrize(("text", "expected"), [
    ('churn_probability > 0.7 and clv_12m > 200 and region == "North"', ["a"]),
    ('"Champions" in segments', ["a", "c"]),
    ('"champions" in segments and not consent_email', []),
    ("days_since_last_order between 30 and 60", ["a", "b"]),
    ('region in ["North", "East"] or orders_total >= 7', ["a", "b", "c"]),
    ("region is null", ["d"]),
    ("not (orders_total > 2)", ["b", "d"]),
    ("clv_12m / orders_total > 50 and -orders_total < -2", ["a", "c"]),
    ("consent_email", ["a", "c"]),
    ("churn_probability > 0.7\n  and region != 'South'", ["a", "b"]),
    ('region not in ["North"]', ["c"]),
])
def test_rules_select_the_right_customers(text, expected):
    assert members(text) == expected


@pytest.mark.parametrize(("text", "where", "says"), [
    ("__import__('os').system('rm -rf /')", "column 17", "unexpected character '.'"),
    ("__import__('os')", "column 1", "cannot call functions"),
    ("region.upper() == 'X'", "column 7", "unexpected character '.'"),
    ("orders_total > 1; DROP TABLE customers", "column 17", "unexpected character ';'"),
    ("region == 'North' /* x */", "column 20", "expected a field"),
    ('region == "North', "column 11", "no closing quote"),
    ("churn_prob > 0.5", "column 1", "did you mean churn_probability"),
    ("region > 3", "column 8", "cannot compare text with number"),
    ("orders_total > 1 and", "column 21", "ends too early"),
    ("(orders_total > 1", "column 18", "`)` to close"),
    ('"Champignons" in segments', "column 1", "no segment 'Champignons'; did you mean 'Champions'"),
    ("orders_total", "column 1", "not a condition"),
    ("orders_total > 1\nand regoin == 'x'", "line 2, column 5", "unknown field 'regoin'"),
    ("1 in segments", "column 1", "segment name in quotes"),
    ("lambda: 1", "column 7", "unexpected character ':'"),
    ("region == `x`", "column 11", "unexpected character '`'"),
])
def test_mistakes_name_the_place_and_run_nothing(text, where, says):
    with pytest.raises(RuleError) as err:
        members(text)
    assert where in str(err.value) and says in str(err.value)


def test_errors_list_the_fields():
    with pytest.raises(RuleError, match="the fields are: .*churn_probability.*region"):
        members("nonsense_field > 1")


def test_size_and_depth_limits():
    with pytest.raises(RuleError, match="at most 2,000"):
        parse_rule("orders_total > 1 and " * 500 + "orders_total > 1")
    with pytest.raises(RuleError, match="nests deeper"):
        parse_rule("(" * (MAX_DEPTH + 5) + "orders_total > 1" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(RuleError, match="nests deeper"):
        parse_rule("not " * (MAX_DEPTH + 5) + "consent_email")
    with pytest.raises(RuleError, match="at most 2,000"):
        parse_rule("x" * 10_000)
    assert members("(" * 10 + "orders_total > 2" + ")" * 10) == ["a", "c"]


def test_empty_rule():
    with pytest.raises(RuleError, match="empty"):
        parse_rule("   ")
