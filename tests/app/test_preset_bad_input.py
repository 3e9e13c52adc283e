"""Every preset against the ways its files arrive: semicolons, a byte-order mark, a header with
no rows, and a later file of the same export with a column renamed."""

from __future__ import annotations

import csv
import io

import pytest

from regulars import app
from regulars.errors import SourceError
from tests.conftest import FIXTURES

CASES = {  # preset -> (fixture, a column to rename in a later file)
    "shopify-orders": ("shopify_orders.csv", "Billing City"),
    "shopify-customers": ("shopify_customers.csv", "Default Address City"),
    "woocommerce-orders": ("woocommerce_orders.csv", "City (Billing)"),
    "stripe-payments": ("stripe_payments.csv", "Created (UTC)"),
    "mailchimp-audience": ("mailchimp_subscribed.csv", "MEMBER_RATING"),
    "mailchimp-activity": ("mailchimp_activity.csv", "Timestamp"),
    "hubspot-contacts": ("hubspot_contacts.csv", "Create Date"),
    "klaviyo-profiles": ("klaviyo_profiles.csv", "Last Open"),
    "zendesk-tickets": ("zendesk_tickets.csv", "Created at"),
    "freshdesk-tickets": ("freshdesk_tickets.csv", "Created time"),
}


def rows_of(name: str) -> list[list[str]]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def written(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def counts(result):
    (r,) = result.loads
    return r.rows_read, r.rows_accepted, r.rows_anonymous, r.rows_quarantined


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_preset_reads_its_export_however_it_was_saved(tmp_path, name):
    fixture, renamed = CASES[name]
    rows = rows_of(fixture)
    plain = tmp_path / "plain"
    app.init(plain)
    expected = counts(app.ingest(plain, [FIXTURES / fixture], preset_name=name))
    assert expected[1] + expected[2] > 0
    for variant, text in (("semicolons", written(rows, ";")), ("bom", "\ufeff" + written(rows))):
        workspace = tmp_path / variant
        app.init(workspace)
        path = tmp_path / f"{variant}-{fixture}"
        path.write_text(text, encoding="utf-8")
        assert counts(app.ingest(workspace, [path], preset_name=name)) == expected, variant
    empty = tmp_path / f"header-only-{fixture}"
    empty.write_text(written(rows[:1]))
    with pytest.raises(SourceError, match="has a header but no rows"):
        app.ingest(plain, [empty], preset_name=name)
    # a later file of the same export, one column renamed the way exports drift (case, spaces)
    later = tmp_path / f"{fixture.removesuffix('.csv')}-2.csv"
    header = [c.lower().replace(" ", "_") if c == renamed else c for c in rows[0]]
    later.write_text(written([header, *rows[1:]]))
    (r,) = app.ingest(plain, [later], preset_name=name).loads
    assert (r.rows_read, r.rows_quarantined) == (expected[0], expected[3])  # the same rows read the same way
    assert f"column {renamed!r} is now called {renamed.lower().replace(' ', '_')!r} (read as before)" in r.changes
