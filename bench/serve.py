"""Load on the loopback address: `regulars serve` started as a user would, then
(1) events sent in batches by several clients for 30 s, counted back from the store (nothing
lost, nothing twice), and (2) one customer's scores fetched one request at a time, with
p50/p99 latency. Targets: at least 5,000 events/s sustained; p99 under 50 ms.

    .venv/bin/python bench/serve.py [--seconds 30] [--clients 4] [--batch 1000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from _data import WORK

REGULARS = str(Path(sys.executable).parent / "regulars")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shop() -> tuple[Path, str, list[str]]:
    """A scored demo shop of 2,000 customers (made once), copied fresh, with an owner key."""
    from regulars import app

    made = WORK / "serve-shop"
    if not (made / "regulars.duckdb").exists():
        shutil.rmtree(made, ignore_errors=True)
        app.demo(made, customers=2000, seed=11, compare_days=0)
    path = WORK / "serve-shop-run"
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(made, path)
    key = app.create_key(path, "bench", "owner").key
    customers = [c["customer_id"] for c in app.scores(path, top=2000).to_dict()["rows"]]
    return path, key, customers


def call(conn: http.client.HTTPConnection, method: str, url: str, key: str, body: object = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, url, body=data, headers={"Authorization": f"Bearer {key}",
                                                  "Content-Type": "application/json"})
    answer = conn.getresponse()
    return answer.status, json.loads(answer.read() or b"{}")


def ingest(port: int, key: str, customers: list[str], seconds: float, clients: int, batch: int) -> dict:
    """Clients sending event batches until ``seconds`` pass; what was sent and accepted."""
    stop = time.monotonic() + seconds
    sent, accepted, failed = [0] * clients, [0] * clients, [0] * clients

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        rng, seq = random.Random(n), 0
        while time.monotonic() < stop:
            events = []
            for _ in range(batch):
                seq += 1
                events.append({"customer_id": rng.choice(customers), "event_type": "page_view",
                               "occurred_at": "2024-12-31T12:00:00Z", "id": f"bench-{n}-{seq}", "url": "/bench"})
            status, body = call(conn, "POST", "/api/v1/events", key, {"events": events})
            sent[n] += batch
            if status == 200:
                accepted[n] += sum(b["rows_accepted"] for b in body["batches"])
            else:
                failed[n] += batch
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"seconds": time.monotonic() - started, "sent": sum(sent), "accepted": sum(accepted),
            "failed": sum(failed)}


def latency(port: int, key: str, customers: list[str], requests: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for customer in random.Random(1).choices(customers, k=requests):
        started = time.perf_counter()
        status, _ = call(conn, "GET", f"/api/v1/customers/{customer}/scores", key)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    conn.close()
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    path, key, customers = shop()
    port = free_port()
    server = subprocess.Popen([REGULARS, "serve", str(path), "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        for line in server.stdout:  # serve says where to sign in once it is set up
            if "token=" in line:
                break
        for _ in range(100):  # until it listens
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                _, status = call(conn, "GET", "/api/v1/status", key)
                break
            except OSError:
                conn.close()
                time.sleep(0.2)
        before = status["tables"]["events"]["rows"]
        load = ingest(port, key, customers, args.seconds, args.clients, args.batch)
        conn.close()  # idle through the load: the server has closed it
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        after = call(conn, "GET", "/api/v1/status", key)[1]["tables"]["events"]["rows"]
        times = latency(port, key, customers, args.requests)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    rate = load["accepted"] / load["seconds"]
    stored = after - before
    print(f"events: {load['sent']:,} sent by {args.clients} clients in batches of {args.batch:,} over "
          f"{load['seconds']:.1f} s; {load['accepted']:,} accepted, {load['failed']:,} refused; "
          f"{stored:,} new rows in the store "
          f"({'reconciled' if stored == load['accepted'] == load['sent'] else 'MISMATCH'})")
    print(f"ingestion: {rate:,.0f} events/s sustained (target >= 5,000)")
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]
    print(f"one customer's scores (GET /api/v1/customers/ID/scores, {len(times):,} requests one at a time): "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms (target p99 < 50 ms)")
    sys.exit(0 if stored == load["accepted"] == load["sent"] else 1)


if __name__ == "__main__":
    main()
