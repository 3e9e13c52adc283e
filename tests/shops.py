"""A generator of small shops of every shape, for the gauntlet: each table and optional column
can be switched off, so the owner's loop is tried on shops unlike the demo.

``make_shop(folder, Shape(...))`` writes CSV files named like the canonical tables (orders.csv,
customers.csv, ...) and returns their paths; ``regulars ingest DIR FILES...`` loads them by name.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path

__all__ = ["SHAPES", "Shape", "make_shop"]

START = datetime(2023, 1, 2, 9, 0)
DAYS = 540
PRODUCTS = [("P101", "Sourdough loaf", "bread"), ("P102", "Rye loaf", "bread"), ("P201", "Flat white", "coffee"),
            ("P202", "Espresso beans 250g", "coffee"), ("P301", "Croissant", "pastry"),
            ("P302", "Cinnamon bun", "pastry"), ("P401", "Earl grey tea", "tea"), ("P402", "Green tea", "tea")]


@dataclass(frozen=True)
class Shape:
    """What a shop has. Every switch off is a shape a real shop may have."""

    customers: int = 150
    customer_table: bool = True
    emails: bool = True
    consent: bool = True
    order_lines: bool = True
    product_table: bool = True
    product_names: bool = True
    repeat_products: bool = True
    channels: bool = True
    events: bool = True
    tickets: bool = True
    feedback: bool = False
    leads: bool = True
    refunds: bool = True
    currency: str | None = "EUR"          # None: no currency column; "mixed": EUR and eur
    anonymous_only: bool = False           # a till: orders without customers
    orders: bool = True
    seed: int = 7

    @property
    def name(self) -> str:
        base = Shape()
        diff = [f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                if f.name != "seed" and getattr(self, f.name) != getattr(base, f.name)]
        return ",".join(diff) or "full"


#: The shapes the gauntlet runs: each differs from the full shop in what a real shop lacks.
SHAPES = [
    Shape(),
    Shape(customers=20, events=False, tickets=False, leads=False),
    Shape(product_names=False, product_table=False),
    Shape(order_lines=False, product_table=False),
    Shape(repeat_products=False),
    Shape(channels=False),
    Shape(events=True, orders=False, tickets=False, leads=True),          # leads and web activity only
    Shape(orders=False, events=False, tickets=True),                       # a help desk only
    Shape(customer_table=False),
    Shape(anonymous_only=True, customer_table=False, events=False, tickets=False, leads=False),  # a till
    Shape(currency="mixed"),
    Shape(currency="several"),
    Shape(currency=None, refunds=True),
    Shape(consent=False, emails=False),
    Shape(customers=2000, tickets=False),
]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def make_shop(folder: Path, shape: Shape) -> list[Path]:
    """Write the shop's files into ``folder``; returns them in load order."""
    rng = random.Random(shape.seed)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    n = shape.customers
    ids = [f"C{i:04d}" for i in range(n)]
    lead_ids = set(ids[: n // 4]) if shape.leads else set()
    if shape.customer_table and not shape.anonymous_only:
        header = ["customer_id", "name", "created_at", "country"]
        header += ["email"] if shape.emails else []
        header += ["consent_email"] if shape.consent else []
        rows = []
        for i, cid in enumerate(ids):
            row: list[object] = [cid, f"Customer {i}", (START + timedelta(days=rng.randrange(DAYS // 2))).date(),
                                 rng.choice(["DE", "FR", "NL"])]
            row += [f"c{i}@example.com"] if shape.emails else []
            row += [rng.choice(["yes", "yes", "yes", "no"])] if shape.consent else []
            rows.append(row)
        files.append(_write(folder / "customers.csv", header, rows))
    buyers = [c for c in ids if c not in lead_ids]
    # each buyer has a habit: how often, how long they stay, a favourite product
    orders, lines = [], []
    currencies = {"mixed": ["EUR", "eur", "Eur"], "several": ["EUR", "USD"]}.get(shape.currency or "", [shape.currency])
    n_orders = 0
    if shape.orders:
        people = buyers if not shape.anonymous_only else [None] * max(n, 40)
        for cid in people:
            first = rng.randrange(DAYS - 60)
            gap = rng.choice([7, 14, 30, 60, 120])
            stay = rng.choice([30, 120, 300, DAYS])
            favourite = rng.randrange(len(PRODUCTS))
            day = first
            while day < min(first + stay, DAYS):
                n_orders += 1
                oid = f"O{n_orders:06d}"
                when = START + timedelta(days=day, hours=rng.randrange(10), minutes=rng.randrange(60))
                picks = {favourite if shape.repeat_products else rng.randrange(len(PRODUCTS))}
                while rng.random() < 0.5:
                    picks.add(rng.randrange(len(PRODUCTS)))
                amount = 0.0
                for p in picks:
                    qty = rng.randrange(1, 4)
                    price = 2.5 + p
                    amount += qty * price
                    pid = PRODUCTS[p][0] if shape.repeat_products else f"{PRODUCTS[p][0]}-{n_orders}"
                    line = [oid, pid, qty, price]
                    line += [PRODUCTS[p][1]] if shape.product_names and not shape.product_table else []
                    lines.append(line)
                row = {"order_id": oid, "customer_id": cid or "", "ordered_at": when.isoformat(sep=" "),
                       "amount": round(amount, 2), "currency": rng.choice(currencies), "status": "completed",
                       "channel": rng.choice(["web", "store"])}
                orders.append(row)
                if shape.refunds and rng.random() < 0.04:
                    orders.append({**row, "order_id": f"R{n_orders:06d}", "amount": round(-amount, 2),
                                   "ordered_at": (when + timedelta(hours=2)).isoformat(sep=" "), "status": "refunded"})
                day += max(1, int(rng.expovariate(1 / gap)))
        header = ["order_id", "customer_id", "ordered_at", "amount"]
        header += ["currency"] if shape.currency else []
        header += ["status"]
        header += ["channel"] if shape.channels else []
        orders = [[o[h] for h in header] for o in orders]
        files.append(_write(folder / "orders.csv", header, orders))
        if shape.order_lines:
            header = ["order_id", "product_id", "quantity", "unit_price"]
            header += ["name"] if shape.product_names and not shape.product_table else []
            files.append(_write(folder / "order_items.csv", header, lines))
            if shape.product_table:
                header = ["product_id", "name", "category", "price"] if shape.product_names else \
                    ["product_id", "category", "price"]
                rows = [[p, name, cat, 2.5 + i] if shape.product_names else [p, cat, 2.5 + i]
                        for i, (p, name, cat) in enumerate(PRODUCTS)]
                files.append(_write(folder / "products.csv", header, rows))
    if shape.events and not shape.anonymous_only:
        kinds = ["page_view"] * 6 + ["pricing_view", "cart_add", "download", "form_submit", "demo_request",
                                     "email_open", "email_click"]
        rows = []
        for cid in ids:
            for _ in range(rng.randrange(0, 12)):
                when = START + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(24))
                row = [cid, when.isoformat(sep=" "), rng.choice(kinds)]
                row += [rng.choice(["web", "email"])] if shape.channels else []
                rows.append(row)
        header = ["customer_id", "occurred_at", "event_type"] + (["channel"] if shape.channels else [])
        files.append(_write(folder / "events.csv", header, rows))
    if shape.tickets and not shape.anonymous_only:
        rows = []
        for i, cid in enumerate(rng.sample(ids, k=max(1, n // 5))):
            opened = START + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(24))
            rows.append([f"T{i:05d}", cid, opened.isoformat(sep=" "),
                         (opened + timedelta(hours=rng.randrange(1, 72))).isoformat(sep=" "),
                         rng.choice(["open", "solved"]), rng.choice(["late delivery", "wrong size", "thanks!"])])
        files.append(_write(folder / "tickets.csv",
                            ["ticket_id", "customer_id", "opened_at", "resolved_at", "status", "text"], rows))
    if shape.feedback and not shape.anonymous_only:
        rows = [[cid, (START + timedelta(days=rng.randrange(DAYS))).isoformat(sep=" "), "nps", rng.randrange(11),
                 rng.choice(["great bread", "too pricey", ""])] for cid in rng.sample(ids, k=max(1, n // 6))]
        files.append(_write(folder / "feedback.csv", ["customer_id", "submitted_at", "kind", "score", "text"], rows))
    return files
