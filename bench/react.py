"""Events that act at once, on the loopback: `regulars serve` started as a user would, on a
2,000-customer demo shop with the abandoned-cart playbook on; clients send events (page views,
product views and, one in twenty, an abandoned cart) at a steady rate in small batches, and
each event's time from being sent to its reaction being written (its customer's event
playbooks evaluated through the guards, the actions queued) is read back from the store.
Target: p95 under 2 s at 1,000 events/s.

With --kill-at S the server is killed (SIGKILL) S seconds in and started again; the clients send
again whatever was not acknowledged, as a client of any API does. Afterwards every event is in
the store once, every batch was reacted to, and every customer who left a cart (and agreed to
email) has exactly one abandoned-cart action or holdout record.

    .venv/bin/python bench/react.py [--seconds 30] [--rate 1000] [--batch 50] [--kill-at 10]
"""

from __future__ import annotations

import argparse
import http.client
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from _data import WORK
from serve import REGULARS, call, free_port


def shop(path: Path) -> tuple[str, list[str]]:
    """A scored demo shop (made once), copied fresh, with the abandoned-cart playbook on, an
    integrator's key and the customers who agreed to email (on every record of theirs) and never
    unsubscribed."""
    from regulars import app

    made = WORK / "serve-shop"
    if not (made / "regulars.duckdb").exists():
        shutil.rmtree(made, ignore_errors=True)
        app.demo(made, customers=2000, seed=11, compare_days=0)
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(made, path)
    app.edit_playbooks(path, playbook="abandoned-cart", enabled=True, save=True)
    key = app.create_key(path, "bench", "integrator").key
    with duckdb.connect(str(path / "regulars.duckdb"), read_only=True) as con:
        agreed = [r[0] for r in con.execute(
            "SELECT m.resolved_id FROM customers c JOIN customer_map m USING (customer_id) "
            "WHERE NOT coalesce(c.is_stub, false) GROUP BY 1 HAVING bool_and(c.consent_email) "
            "AND m.resolved_id NOT IN (SELECT m.resolved_id FROM events JOIN customer_map m USING (customer_id) "
            "WHERE event_type LIKE '%unsubscribe') ORDER BY 1").fetchall()]
    return key, agreed


class Server:
    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port, self.process = path, port, None

    def start(self, key: str) -> None:
        self.process = subprocess.Popen([REGULARS, "serve", str(self.path), "--port", str(self.port)],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.process.stdout:  # serve says where to sign in once it is set up
            if "token=" in line:
                break
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        for _ in range(200):  # until it listens
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                call(conn, "GET", "/api/v1/health", key)
                conn.close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def stop(self, sig: int = signal.SIGINT) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=120)


def send(port: int, key: str, customers: list[str], agreed: list[str], seconds: float, rate: float, batch: int,
         clients: int, log: list[dict]) -> None:
    """Clients sending ``rate`` events a second in batches of ``batch`` until ``seconds`` pass;
    every request that fails is sent again (the same events, the same ids) until it is taken."""
    per_client = rate / clients / batch  # requests a second, each client
    start = time.monotonic()
    lock = threading.Lock()

    def client(n: int) -> None:
        rng, conn, k = random.Random(n), None, 0
        while (due := start + k / per_client) < start + seconds:
            time.sleep(max(0.0, due - time.monotonic()))
            k += 1
            now = datetime.now(timezone.utc)
            events = []
            for i in range(batch):
                kind = rng.choices(["page_view", "product_view", "cart_abandon"], [15, 4, 1])[0]
                who = rng.choice(agreed if kind == "cart_abandon" else customers)
                events.append({"customer_id": who, "event_type": kind, "id": f"react-{n}-{k}-{i}",
                               "occurred_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "url": "/shop"})
            sent_at, tries = time.time(), 0
            while True:
                tries += 1
                try:
                    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    status, body = call(conn, "POST", "/api/v1/events", key, {"events": events})
                except (OSError, http.client.HTTPException):
                    status, body = 0, {}
                if status == 200:
                    break
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.2)
            with lock:
                log.append({"sent_at": sent_at, "events": events, "tries": tries,
                            "batches": [b["batch_id"] for b in body["batches"]]})

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def checked(path: Path, log: list[dict]) -> dict:
    """Latencies and the reconciliation, read from the store once the server has stopped."""
    with duckdb.connect(str(path / "regulars.duckdb"), read_only=True) as con:
        seqs = dict(con.execute("SELECT batch_id, seq FROM batches").fetchall())
        reactions = con.execute("SELECT through_seq, epoch(reacted_at) FROM reactions ORDER BY through_seq").fetchall()
        mark = int(con.execute("SELECT max(CAST(value AS BIGINT)) FROM store_meta "
                               "WHERE key = 'reacted_through_seq'").fetchone()[0])
        events = con.execute("SELECT event_id, count(*) FROM events WHERE event_id LIKE 'react-%' "
                             "GROUP BY 1").fetchall()
        last_seq = con.execute("SELECT max(seq) FROM batches").fetchone()[0]
        per_action = con.execute(
            "SELECT customer_id, count(*) FROM (SELECT customer_id FROM outbox WHERE playbook = 'abandoned-cart' "
            "UNION ALL SELECT customer_id FROM messages WHERE playbook = 'abandoned-cart' "
            "AND variant = 'holdout') GROUP BY 1").fetchall()
        resolved = dict(con.execute("SELECT customer_id, resolved_id FROM customer_map").fetchall())
        reacted_in = con.execute("SELECT count(*), sum(queued), sum(held_out) FROM reactions").fetchone()
    sent_ids = {e["id"] for r in log for e in r["events"]}
    stored = dict(events)
    left = {resolved[e["customer_id"]] for r in log for e in r["events"] if e["event_type"] == "cart_abandon"}
    actions = dict(per_action)
    latencies, retried = [], []
    for r in log:
        seq = max(seqs[b] for b in r["batches"]) if r["batches"] else None
        if seq is None:  # every event of it was a resend the store had already taken
            continue
        done = next((t for through, t in reactions if through >= seq), None)
        if done is None:
            continue
        (retried if r["tries"] > 1 else latencies).extend([done - r["sent_at"]] * len(r["events"]))
    return {"sent": len(sent_ids), "stored once": sum(1 for i in sent_ids if stored.get(i) == 1),
            "stored twice": sum(1 for n in stored.values() if n > 1), "missing": len(sent_ids - set(stored)),
            "unreacted batches": int(last_seq - mark), "reactions": reacted_in[0], "queued": reacted_in[1],
            "left a cart": len(left), "with one action": sum(1 for c in left if actions.get(c) == 1),
            "with more": sum(1 for c in left if actions.get(c, 0) > 1), "latencies": sorted(latencies),
            "retried": sorted(retried)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=1000, help="events a second, all clients together")
    parser.add_argument("--batch", type=int, default=50, help="events in each request")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-at", type=float, default=None, help="SIGKILL the server this many seconds in")
    args = parser.parse_args()
    path = WORK / "react-shop"
    key, agreed = shop(path)
    from regulars import app

    customers = [c["customer_id"] for c in app.scores(path, top=2000).to_dict()["rows"]]
    server = Server(path, free_port())
    server.start(key)
    time.sleep(1)  # the first reaction marks where reacting begins
    log: list[dict] = []
    sender = threading.Thread(target=send, args=(server.port, key, customers, agreed, args.seconds, args.rate,
                                                 args.batch, args.clients, log))
    started = time.monotonic()
    sender.start()
    if args.kill_at is not None:
        time.sleep(args.kill_at)
        server.stop(signal.SIGKILL)
        print(f"killed the server (SIGKILL) {time.monotonic() - started:.1f} s in; starting it again")
        server.start(key)
    sender.join()
    took = time.monotonic() - started
    time.sleep(3)  # the last reactions
    server.stop()
    got = checked(path, log)
    times = got["latencies"]
    print(f"events: {got['sent']:,} sent in {len(log):,} requests of {args.batch} over {took:.1f} s "
          f"({got['sent'] / took:,.0f} events/s); stored once: {got['stored once']:,}, twice: "
          f"{got['stored twice']:,}, missing: {got['missing']:,}")
    print(f"reactions: {got['reactions']:,}, {got['queued']:,} actions queued; batches not reacted to: "
          f"{got['unreacted batches']}; customers who left a cart: {got['left a cart']:,}, with exactly one "
          f"abandoned-cart action or holdout: {got['with one action']:,}, with more: {got['with more']}")
    if times:
        p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95) - 1]
        print(f"event sent -> reaction written: p50 {p50:.2f} s, p95 {p95:.2f} s, max {times[-1]:.2f} s "
              f"over {len(times):,} events (target p95 < 2 s at 1,000 events/s)")
    if got["retried"]:
        print(f"events sent again after the kill: {len(got['retried']):,}, reacted to within "
              f"{got['retried'][-1]:.1f} s of first being sent")
    ok = (got["stored once"] == got["sent"] and not got["stored twice"] and not got["unreacted batches"]
          and got["with one action"] == got["left a cart"])
    print("reconciled" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
