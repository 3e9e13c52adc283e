"""Schema drift: a later file of the same export whose columns were renamed or dropped loads
through its saved mapping, and the batch says what changed, including dates that switched
from day-first to month-first."""

from __future__ import annotations

from typer.testing import CliRunner

from regulars import app
from regulars.cli import app as cli
from tests.conftest import query

MAPPING = 'table = "events"\n[columns]\ncustomer_id = "client_id"\noccurred_at = "timestamp"\nevent_type = "event"\n'


def test_a_renamed_and_a_dropped_column_and_dates_that_switched(workspace, tmp_path):
    mapping = tmp_path / "visits.toml"
    mapping.write_text(MAPPING)
    may, june = tmp_path / "visits-2024-05.csv", tmp_path / "visits-2024-06.csv"
    may.write_text("client_id,event,timestamp,referrer\nc1,page_view,13/05/2024 10:00,google\n"
                   "c2,page_view,14/05/2024 11:00,\n")
    june.write_text("clientId,event,timestamp,utm_term\nc1,page_view,06/13/2024 10:00,spring\n"
                    "c2,page_view,06/14/2024 11:00,\n")
    (first,) = app.ingest(workspace, [may], mapping_file=mapping).loads
    assert first.changes == []
    (second,) = app.ingest(workspace, [june], mapping_file=mapping).loads
    assert (second.rows_accepted, second.rows_quarantined) == (2, 0)  # clientId is still the customer
    since = f"visits-2024-05.csv (batch {first.batch_id})"
    assert second.changes == [
        "column 'client_id' is now called 'clientId' (read as before)",
        f"column 'referrer' is gone since {since}",
        f"new column 'utm_term' since {since}",
        f"dates in 'timestamp' read month-first in this file but day-first in {since}: check the export's date "
        "settings; this file's dates were read month-first"]
    assert query(workspace, "SELECT customer_id, CAST(occurred_at AS DATE) FROM events ORDER BY 2, 1")[-2:] == [
        ("c1", __import__("datetime").date(2024, 6, 13)), ("c2", __import__("datetime").date(2024, 6, 14))]
    (kept,) = query(workspace, f"SELECT changes FROM batches WHERE batch_id = '{second.batch_id}'")[0]
    assert "clientId" in kept
    # another export into the same table is not compared with this one
    other = tmp_path / "newsletter.csv"
    other.write_text("client_id,event,timestamp\nc3,email_open,2024-06-01 08:00\n")
    assert app.ingest(workspace, [other], mapping_file=mapping).loads[0].changes == []


def test_the_cli_shows_what_changed(workspace, tmp_path):
    mapping = tmp_path / "visits.toml"
    mapping.write_text(MAPPING)
    a, b = tmp_path / "visits_1.csv", tmp_path / "visits_2.csv"
    a.write_text("client_id,event,timestamp,referrer\nc1,page_view,2024-05-13 10:00,google\n")
    b.write_text("client_id,event,timestamp\nc1,page_view,2024-05-14 10:00\n")
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(workspace), str(a), "--mapping", str(mapping)])
    shown = runner.invoke(cli, ["ingest", str(workspace), str(b), "--mapping", str(mapping)])
    assert shown.exit_code == 0 and "column 'referrer' is gone since visits_1.csv" in shown.stdout
