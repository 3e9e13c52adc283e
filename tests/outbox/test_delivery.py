"""Delivery end to end against local servers: a real SMTP conversation and real HTTP. Each
action arrives once with its content; a deliverer killed mid-batch and started again sends
nothing twice and loses nothing; failures are retried with backoff and parked with their
reason; a refused login or a withdrawn consent stops what it must and nothing else."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from regulars import app
from regulars.errors import DeliveryError
from tests.conftest import query

PLAYBOOKS = """\
playbooks:
  win-back:
    trigger: {score: churn_probability, above: 0.5}
    holdout: 0.2
    action: {channel: email, template: win-back, priority: 80, cost: 0.05}
  crm-hand-off:
    trigger: {score: churn_probability, above: 0.5}
    holdout: 0.0
    action: {channel: webhook, url: "URL", priority: 10}
templates:
  win-back:
    subject: "We miss you, {{ name }}"
    body: "Hello {{ name }}, here is 15% off your next order."
"""


@pytest.fixture
def scored(demo_template) -> Path:
    return demo_template


def shop(scored: Path, tmp_path: Path, smtp_port: int | None, url: str = "http://127.0.0.1:9/none", **delivery) -> Path:
    """A copy of the scored demo shop with the test playbooks and delivery settings."""
    path = tmp_path / "shop"
    shutil.copytree(scored, path)
    (path / "playbooks.yaml").write_text(PLAYBOOKS.replace("URL", url))
    settings = {"email": "smtp" if smtp_port else "csv", "smtp_host": "127.0.0.1", "smtp_port": smtp_port or 25,
                "smtp_security": "none", "smtp_user": "shop", "from_address": "shop@example.com",
                "retry_after_seconds": 0.0, **delivery}
    lines = [f"{k} = {v!r}".replace("'", '"') if isinstance(v, str) else f"{k} = {v}" for k, v in settings.items()]
    (path / "regulars.toml").write_text("[delivery]\n" + "\n".join(lines) + "\n")
    return path


@pytest.fixture
def password(monkeypatch, smtp_server):
    monkeypatch.setenv("REGULARS_SMTP_PASSWORD", smtp_server.password)


def test_each_action_arrives_once_with_its_content(scored, tmp_path, smtp_server, receiver, password, monkeypatch):
    monkeypatch.setenv("REGULARS_WEBHOOK_SECRET", "hook-secret")
    path = shop(scored, tmp_path, smtp_server.port, receiver.url)
    queued = app.run_playbooks(path)
    emails = query(path, "SELECT action_id, subject, body FROM outbox WHERE channel = 'email'")
    hooks = query(path, "SELECT action_id FROM outbox WHERE channel = 'webhook'")
    assert len(emails) >= 20 and len(hooks) >= 20 and queued.held_out > 0
    result = app.deliver(path)
    assert result.outcomes == {"sent": len(emails) + len(hooks)}
    # each email once, to the customer, with the subject and text planned for them
    got = {m["Message-ID"].strip("<>").split("@")[0]: (to, m) for to, m in smtp_server.messages}
    assert len(smtp_server.messages) == len(got) == len(emails)
    address = dict(query(path, "SELECT o.action_id, c.email FROM outbox o JOIN customers c USING (customer_id)"))
    for action_id, subject, body in emails:
        to, message = got[action_id]
        assert to == [address[action_id]] and message["Subject"] == subject and subject.startswith("We miss you, ")
        assert message.get_content().replace("\r\n", "\n").strip() == body.strip()  # SMTP lines end in CRLF
        # a mail program's one-click unsubscribe (RFC 8058) goes to the link the footer carries
        assert message["List-Unsubscribe"] == f"<{body.rsplit('Unsubscribe: ', 1)[1].strip()}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # each webhook once, signed over its timestamp and body, with the action's key
    from regulars.outbox import signature

    assert sorted(receiver.keys()) == sorted(h[0] for h in hooks)
    for headers, body in receiver.requests:
        assert headers["X-Regulars-Signature"] == signature("hook-secret", headers["X-Regulars-Timestamp"], body)
    # a second delivery sends nothing; sent actions are messages (which caps and results read)
    assert app.deliver(path).outcomes == {}
    assert len(smtp_server.messages) == len(emails) and len(receiver.requests) == len(hooks)
    sent = query(path, "SELECT count(*) FROM messages WHERE batch_id = 'outbox' AND variant = 'treatment'")[0][0]
    held = query(path, "SELECT count(*) FROM messages WHERE batch_id = 'playbooks' AND variant = 'holdout'")[0][0]
    assert sent == len(emails) + len(hooks) and held == queued.held_out
    # queuing the same plan again adds nothing
    again = app.run_playbooks(path)
    assert again.queued == 0 and again.held_out == 0


def deliverer(path: Path, fault: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "REGULARS_SMTP_PASSWORD": "s3cret-pass"}
    if fault:
        env["REGULARS_FAULT"] = fault
    command = [str(Path(sys.executable).parent / "regulars"), "outbox", str(path), "deliver", "--json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_a_deliverer_killed_mid_batch_sends_nothing_twice_and_loses_nothing(scored, tmp_path, smtp_server):
    path = shop(scored, tmp_path, smtp_server.port)
    (path / "playbooks.yaml").write_text(PLAYBOOKS.split("  crm-hand-off:")[0] + PLAYBOOKS.split("priority: 10}\n")[1])
    app.run_playbooks(path)
    emails = {r[0] for r in query(path, "SELECT action_id FROM outbox WHERE status = 'queued'")}
    killed = deliverer(path, "deliver-sent:3")  # the third email left; the process dies before recording it
    assert killed.returncode == -9
    assert len(smtp_server.messages) == 3
    again = deliverer(path, None)
    assert again.returncode == 0, again.stderr
    ids = [m["Message-ID"].strip("<>").split("@")[0] for _, m in smtp_server.messages]
    assert len(ids) == len(set(ids)) == len(emails)  # nothing twice, nothing lost
    states = dict(query(path, "SELECT status, count(*) FROM outbox GROUP BY 1"))
    assert states == {"sent": len(emails) - 1, "unconfirmed": 1}  # the one in doubt waits for a person
    doubt = query(path, "SELECT action_id FROM outbox WHERE status = 'unconfirmed'")[0][0]
    assert doubt in ids  # ... and it did arrive: retrying it would be the only way to send it twice


def test_killed_before_sending_the_action_is_unconfirmed_and_a_retry_sends_it_once(scored, tmp_path, receiver):
    path = shop(scored, tmp_path, None, receiver.url)
    book = path / "playbooks.yaml"
    book.write_text(book.read_text().replace("action: {channel: email, template: win-back", "action: {channel: audience"))
    app.run_playbooks(path)
    hooks = {r[0] for r in query(path, "SELECT action_id FROM outbox WHERE channel = 'webhook'")}
    assert deliverer(path, "deliver-claimed:2").returncode == -9  # claimed the second, died before posting it
    assert len(receiver.requests) == 1
    assert deliverer(path, None).returncode == 0
    doubt = query(path, "SELECT action_id, last_error FROM outbox WHERE status = 'unconfirmed'")
    assert len(doubt) == 1 and "may have arrived" in doubt[0][1]
    assert len(receiver.requests) == len(hooks) - 1 and doubt[0][0] not in receiver.keys()
    assert app.retry(path, [doubt[0][0]]).changed == 1
    app.deliver(path)
    assert sorted(receiver.keys()) == sorted(hooks)  # every one exactly once
    # the audience went into one import file, whole
    files = list((path / "outbox").glob("audience-generic-*.csv"))
    assert len(files) == 1
    audience = query(path, "SELECT count(*) FROM outbox WHERE channel = 'audience' AND status = 'sent'")[0][0]
    assert len(list(csv.reader(io.StringIO(files[0].read_text(encoding="utf-8-sig"))))) == audience + 1


def test_a_failing_receiver_is_retried_with_backoff_then_parked_with_its_reason(scored, tmp_path, receiver):
    path = shop(scored, tmp_path, None, receiver.url, max_attempts=3, timeout_seconds=0.2)
    book = path / "playbooks.yaml"
    book.write_text(book.read_text().replace("above: 0.5}\n    holdout: 0.0", "above: 0.92}\n    holdout: 0.0"))
    app.run_playbooks(path)
    hooks = query(path, "SELECT count(*) FROM outbox WHERE channel = 'webhook'")[0][0]
    assert hooks >= 1
    receiver.status = 500
    assert app.deliver(path).outcomes.get("retry later") == hooks
    receiver.status, receiver.delay = 200, 0.4  # then too slow: the deliverer gives up waiting
    assert app.deliver(path).outcomes.get("retry later") == hooks
    receiver.status, receiver.delay = 503, 0.0
    assert app.deliver(path).outcomes.get("parked") == hooks
    log = query(path, "SELECT a.attempt, a.outcome, a.detail FROM delivery_attempts a JOIN outbox o USING (action_id) "
                       "WHERE o.channel = 'webhook' ORDER BY a.action_id, a.attempt")
    assert [(a, o) for a, o, _ in log[:3]] == [(1, "failed"), (2, "failed"), (3, "parked")]
    assert "HTTP 500" in log[0][2] and "timed out" in log[1][2] and "HTTP 503" in log[2][2]
    stuck = app.outbox(path).actions
    assert (stuck["status"] == "parked").sum() == hooks and stuck["last_error"].str.contains("503").all()
    receiver.status = 200
    assert app.retry(path).changed == hooks
    assert app.deliver(path).outcomes.get("sent") == hooks
    assert query(path, "SELECT count(*) FROM outbox WHERE channel = 'webhook' AND status = 'sent'")[0][0] == hooks


def test_a_refused_login_stops_delivery_and_leaves_every_email_queued(scored, tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("REGULARS_SMTP_PASSWORD", "wrong")
    path = shop(scored, tmp_path, smtp_server.port)
    (path / "playbooks.yaml").write_text(PLAYBOOKS.split("  crm-hand-off:")[0] + PLAYBOOKS.split("priority: 10}\n")[1])
    app.run_playbooks(path)
    with pytest.raises(DeliveryError, match="refused the login of 'shop'") as caught:
        app.deliver(path)
    assert "wrong" not in str(caught.value)  # the password is never printed
    assert smtp_server.messages == []
    assert query(path, "SELECT DISTINCT status, attempts FROM outbox") == [("queued", 0)]


def test_an_unsubscribe_recorded_after_queuing_stops_the_email(scored, tmp_path, smtp_server, password):
    path = shop(scored, tmp_path, smtp_server.port)
    (path / "playbooks.yaml").write_text(PLAYBOOKS.split("  crm-hand-off:")[0] + PLAYBOOKS.split("priority: 10}\n")[1])
    app.run_playbooks(path)
    first = query(path, "SELECT customer_id FROM outbox ORDER BY action_id LIMIT 1")[0][0]
    events = tmp_path / "unsubscribes.csv"
    events.write_text(f"customer_id,occurred_at,event_type\n{first},2025-01-01 12:00:00,email_unsubscribe\n")
    app.ingest(path, [events], table="events")
    result = app.deliver(path)
    assert result.outcomes["cancelled"] == 1
    assert query(path, f"SELECT status FROM outbox WHERE customer_id = '{first}'") == [("cancelled",)]
    address = query(path, f"SELECT email FROM customers WHERE customer_id = '{first}'")[0][0]
    assert all(to != [address] for to, _ in smtp_server.messages)


def test_email_goes_over_starttls_to_a_server_with_a_private_certificate(scored, tmp_path, tls_smtp_server,
                                                                          monkeypatch):
    monkeypatch.setenv("REGULARS_SMTP_PASSWORD", tls_smtp_server.password)
    path = shop(scored, tmp_path, tls_smtp_server.port, smtp_security="starttls")
    (path / "playbooks.yaml").write_text(PLAYBOOKS.split("  crm-hand-off:")[0] + PLAYBOOKS.split("priority: 10}\n")[1])
    app.run_playbooks(path)
    with pytest.raises(DeliveryError, match="a certificate this machine does not trust"):
        app.deliver(path)  # the system does not know the private authority
    assert tls_smtp_server.messages == []
    settings = path / "regulars.toml"
    settings.write_text(settings.read_text() + f'smtp_ca_file = "{tls_smtp_server.ca_file}"\n')
    sent = app.deliver(path).outcomes["sent"]
    assert sent > 0 and len(tls_smtp_server.messages) == sent


def test_an_export_interrupted_before_it_was_recorded_is_finished_as_the_same_file(scored, tmp_path):
    path = shop(scored, tmp_path, None)
    app.run_playbooks(path)
    emails = query(path, "SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'queued'")[0][0]
    assert deliverer(path, "deliver-exported").returncode == -9  # the file is written, the actions not marked
    files = list((path / "outbox").glob("email-*.csv"))
    assert len(files) == 1
    first = files[0].read_bytes()
    assert deliverer(path, None).returncode == 0
    assert list((path / "outbox").glob("email-*.csv")) == files and files[0].read_bytes() == first
    assert len(list(csv.reader(io.StringIO(first.decode("utf-8-sig"))))) == emails + 1  # messages hold newlines
    assert query(path, "SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'sent'")[0][0] == emails


def test_the_demo_starter_set_end_to_end_to_the_local_mail_server(scored, tmp_path, smtp_server, password):
    path = shop(scored, tmp_path, smtp_server.port)
    shutil.copy(scored / "playbooks.yaml", path / "playbooks.yaml")  # the starter set, as the demo switched it on
    queued = app.run_playbooks(path, by="test")
    waiting = app.approvals(path).actions
    assert queued.queued > 0 and len(waiting) == queued.waiting_for_approval > 0
    app.decide(path, ["all"], "approve", by="owner")
    delivered = app.deliver(path)
    assert delivered.outcomes == {"sent": queued.queued}
    planned = dict(query(path, "SELECT action_id, subject FROM outbox WHERE status = 'sent'"))
    got = {m["Message-ID"].strip("<>").split("@")[0]: m["Subject"] for _, m in smtp_server.messages}
    assert got == planned  # every approved and planned email arrived once, with its own subject
    decided = query(path, "SELECT DISTINCT decided_by FROM outbox WHERE playbook = 'vip-recognition'")
    assert decided == [("owner",)]
    results = {p["playbook"]: p for p in app.playbook_results(path).playbooks}
    assert results["churn-win-back"]["treated"] > 0 and results["churn-nurture"]["still_open"] > 0
