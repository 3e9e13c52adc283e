"""Value conversion SQL, checked on a bare DuckDB connection."""

import duckdb
import pytest

from regulars.ingest._convert import number_sql, timestamp_sql, value_sql
from regulars.ingest._mapping import FieldSpec
from regulars.schema import CONTRACTS


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    return c


def one(con, sql, value):
    return con.execute(f"SELECT {sql} FROM (SELECT CAST(? AS VARCHAR) AS s)", [value]).fetchone()[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.50", 12.5), ("$1,234.56", 1234.56), ("1.234,56 €", 1234.56), ("12,50", 12.5),
        ("£ 3", 3.0), ("(12.00)", -12.0), ("-4", -4.0), ("1,234", 1234.0), ("1.234.567", 1234567.0),
        ("abc", None), ("12abc", None), ("", None),
    ],
)
def test_numbers_auto(con, text, expected):
    assert one(con, number_sql("NULLIF(s, '')", "auto"), text) == expected


def test_decimal_comma_setting(con):
    assert one(con, number_sql("s", ","), "1.234") == 1234.0
    assert one(con, number_sql("s", "."), "1,234") == 1234.0


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2023-01-05", False, "2023-01-05 00:00:00"),
        ("2023-01-05 10:30:00", False, "2023-01-05 10:30:00"),
        ("2023-01-05T10:00:00+02:00", False, "2023-01-05 08:00:00"),
        ("2023-01-05 10:00:00 -0500", False, "2023-01-05 15:00:00"),
        ("2023-01-05T10:00:00Z", False, "2023-01-05 10:00:00"),
        ("05/01/2023", False, "2023-05-01 00:00:00"),
        ("05/01/2023", True, "2023-01-05 00:00:00"),
        ("5.1.2023", False, "2023-01-05 00:00:00"),
        ("20230105", False, "2023-01-05 00:00:00"),
        ("5 Jan 2023", False, "2023-01-05 00:00:00"),
        ("2023-02-30", False, None),
        ("31/02/2023", True, None),
        ("yesterday", False, None),
    ],
)
def test_dates(con, text, dayfirst, expected):
    value = one(con, timestamp_sql("s", (), dayfirst), text)
    assert (str(value) if value is not None else None) == expected


def test_explicit_format(con):
    assert str(one(con, timestamp_sql("s", ("%d|%m|%Y",), False), "05|01|2023")) == "2023-01-05 00:00:00"


def test_choice_synonyms_and_booleans(con):
    status = CONTRACTS["orders"].column("status")
    assert one(con, value_sql(status, FieldSpec("status"), "s", False, "auto"), "Paid") == "completed"
    assert one(con, value_sql(status, FieldSpec("status"), "s", False, "auto"), "Canceled") == "cancelled"
    # a status word regulars does not know is kept (and reported at load), not lost
    assert one(con, value_sql(status, FieldSpec("status"), "s", False, "auto"), "On Hold") == "on_hold"
    assert one(con, value_sql(status, FieldSpec("status"), "s", False, "auto"), "??") is None
    kind = CONTRACTS["feedback"].column("kind")  # a closed vocabulary stays closed
    assert one(con, value_sql(kind, FieldSpec("kind"), "s", False, "auto"), "rating") is None
    consent = CONTRACTS["customers"].column("consent_email")
    assert one(con, value_sql(consent, FieldSpec("consent_email"), "s", False, "auto"), "Yes") is True
    assert one(con, value_sql(consent, FieldSpec("consent_email"), "s", False, "auto"), "unsubscribed") is False
    assert one(con, value_sql(consent, FieldSpec("consent_email"), "s", False, "auto"), "maybe") is None


def test_ids_lose_float_artefacts(con):
    cid = CONTRACTS["orders"].column("customer_id")
    assert one(con, value_sql(cid, FieldSpec("customer_id"), "s", False, "auto"), "17850.0") == "17850"
    assert one(con, value_sql(cid, FieldSpec("customer_id"), "s", False, "auto"), "A-17.5") == "A-17.5"


def test_event_types_are_snake_case(con):
    kind = CONTRACTS["events"].column("event_type")
    assert one(con, value_sql(kind, FieldSpec("event_type"), "s", False, "auto"), "Page View") == "page_view"
    assert one(con, value_sql(kind, FieldSpec("event_type"), "s", False, "auto"), "!!") is None
