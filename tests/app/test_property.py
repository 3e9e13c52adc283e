"""Random bytes and random CSV-shaped text: never a traceback, never a change to stored rows."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regulars import app
from regulars.errors import RegularsError
from tests.conftest import examples, query

COLUMNS = ["order_id", "customer_id", "ordered_at", "amount", "status", "note"]
cell = st.one_of(
    st.text(alphabet=string.printable + "é€£\u00a0", max_size=12),
    st.sampled_from(["2024-02-30", "05/01/2024", "1.234,5", "$3", "refunded", "", '"', "-1", "NaN", "inf"]),
)


@st.composite
def csv_text(draw) -> str:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6, unique=True))
    if draw(st.booleans()):
        header = COLUMNS[:4] + header
    delim = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 2), max_size=8))
    return "\n".join(delim.join(r) for r in [header, *rows])


def _check(workspace, path) -> None:
    stored = query(workspace, "SELECT * FROM orders WHERE batch_id LIKE 'b0001-%' ORDER BY order_id")
    try:
        results = app.ingest(workspace, [path], table="orders").loads
    except RegularsError:
        results = []  # a clear refusal is a fine answer to garbage; a traceback is not
    for r in results:
        assert r.rows_read == r.rows_accepted + r.rows_anonymous + r.rows_quarantined
    assert query(workspace, "SELECT * FROM orders WHERE batch_id LIKE 'b0001-%' ORDER BY order_id") == stored


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes(loaded, tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _check(loaded, path)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_text())
def test_random_csv_shaped_text(loaded, tmp_path, text):
    path = tmp_path / "random.csv"
    path.write_text(text, encoding="utf-8")
    _check(loaded, path)
