"""Every dashboard page timed as the owner opens it: `regulars serve` started as a user would, a
signed-in browser session, each page fetched one request at a time on the loopback address
(warm: after one untimed fetch), p50 and p95 per page. Then one customer's scores fetched while
a backtest runs from the Models page: p50 and p99. Targets: every page under 300 ms p95; the
scores under 50 ms p99 during the backtest.

    .venv/bin/python bench/pages.py [--customers 5000 100000] [--requests 40]

Each shop is a demo shop of that many customers (made once into bench/_work, ~15 min for
100,000), with today's plan worked out as the daily run does.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from _data import WORK

REGULARS = str(Path(sys.executable).parent / "regulars")


def shop(customers: int) -> Path:
    """A scored demo shop with today's plan worked out (made once), and a fresh copy of it."""
    from regulars import app

    made = WORK / f"pages-{customers}"
    if not (made / "regulars.duckdb").exists():
        shutil.rmtree(made, ignore_errors=True)
        app.demo(made, customers=customers, seed=21, compare_days=0)
    if not app.todays_actions(made).planned:
        app.today(made)
    path = WORK / f"pages-{customers}-run"
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(made, path)
    return path


class Browser:
    """One signed-in session: GETs and form POSTs with the session's cookie."""

    def __init__(self, port: int, link: str) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        target = urlsplit(link)
        self.conn.request("GET", f"{target.path}?{target.query}")
        answer = self.conn.getresponse()
        answer.read()
        self.cookie = answer.getheader("Set-Cookie", "").split(";")[0]
        if not self.cookie:
            raise SystemExit(f"the sign-in link gave no session ({answer.status})")

    def get(self, url: str) -> tuple[int, str, float]:
        started = time.perf_counter()
        self.conn.request("GET", url, headers={"Cookie": self.cookie})
        answer = self.conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        return answer.status, text, (time.perf_counter() - started) * 1000

    def post(self, url: str, fields: dict[str, str]) -> int:
        body = "&".join(f"{k}={quote(v)}" for k, v in fields.items())
        self.conn.request("POST", url, body=body, headers={
            "Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})
        answer = self.conn.getresponse()
        answer.read()
        return answer.status


def start(path: Path) -> tuple[subprocess.Popen, int, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([REGULARS, "serve", str(path), "--port", str(port)], stdout=subprocess.PIPE, text=True)
    for line in server.stdout:  # serve says where to sign in as it starts
        if "token=" in line:
            break
    else:
        raise SystemExit("serve printed no sign-in address")
    for _ in range(300):  # until it listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    return server, port, re.search(r"(http\S+)", line).group(1)


def pages(browser: Browser) -> list[str]:
    """Every page of the menu, and one customer's, one segment's and the import page."""
    _, home, _ = browser.get("/")
    customer = re.search(r'href="/customers/([^"?]+)"', home)
    _, listing, _ = browser.get("/segments")
    segment = re.search(r'href="/segments/([^"?]+)"', listing)
    out = ["/", "/customers", "/segments", "/playbooks", "/data", "/data/import", "/models"]
    out += [f"/customers/{customer.group(1)}"] if customer else []
    out += [f"/segments/{segment.group(1)}"] if segment and segment.group(1) != "check" else []
    return out


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def time_pages(browser: Browser, requests: int) -> list[tuple[str, int, float, float]]:
    rows = []
    for url in pages(browser):
        status, _, _ = browser.get(url)  # warm
        times = [browser.get(url)[2] for _ in range(requests)]
        rows.append((url, status, percentile(times, 0.5), percentile(times, 0.95)))
    return rows


def scores_during_backtest(port: int, link: str, requests: int) -> tuple[list[float], float]:
    """One customer's scores (the dashboard's JSON is the API's: a customer page) fetched while
    a backtest runs from the Models page; the latencies and how long the backtest took."""
    runner = Browser(port, link)
    _, models, _ = runner.get("/models")
    token = re.search(r'name="token" value="([^"]+)"', models).group(1)
    _, listing, _ = runner.get("/customers")
    customer = re.search(r'href="/customers/([^"?]+)"', listing).group(1)
    done = threading.Event()
    took: list[float] = []

    def backtest() -> None:
        started = time.perf_counter()
        runner.post("/models/backtest", {"token": token, "cutoff": "2024-07-01", "horizon": "90", "model": "churn"})
        took.append(time.perf_counter() - started)
        done.set()

    reader = Browser(port, link)
    thread = threading.Thread(target=backtest)
    thread.start()
    time.sleep(0.5)  # the backtest has started
    times = []
    while not done.is_set() and len(times) < requests:
        status, _, ms = reader.get(f"/api/v1/customers/{customer}/scores")
        times.append(ms)
    thread.join()
    return times, took[0] if took else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, nargs="+", default=[5000, 100_000])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    worst = 0.0
    for customers in args.customers:
        path = shop(customers)
        server, port, link = start(path)
        try:
            rows = time_pages(Browser(port, link), args.requests)
            print(f"\n{customers:,} customers: each page {args.requests} times, one request at a time (ms)")
            print(f"{'page':<40} {'status':>6} {'p50':>8} {'p95':>8}")
            for url, status, p50, p95 in rows:
                print(f"{url[:40]:<40} {status:>6} {p50:>8.1f} {p95:>8.1f}")
                worst = max(worst, p95)
            times, took = scores_during_backtest(port, link, 2000)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        if times:
            print(f"one customer's scores during a {took:.1f} s backtest from the Models page: {len(times)} requests, "
                  f"p50 {percentile(times, 0.5):.1f} ms, p99 {percentile(times, 0.99):.1f} ms (target p99 < 50 ms)")
    print(f"\nslowest page p95: {worst:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
