"""A seeded, deterministic demo shop: customers, orders, activity, support and feedback.

The shop is driven by hidden per-customer truths so later models can be checked against
them: an engagement level in [0, 1], a purchase rate and a dropout chance per purchase
(the buy-till-you-die story of BG/NBD), and whether a lead converted. The truths are
written to a separate file and never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from regulars._files import atomic_path
from regulars.demo._calendar import DAYS, END, START, working_time_after
from regulars.demo._calendar import dates as _dates
from regulars.demo._campaign import past_campaign

__all__ = ["DemoShop", "generate_shop"]

CATEGORIES = ("bread", "pastry", "cakes", "coffee", "gifts", "catering")
REGIONS = (("GB", "London"), ("GB", "Manchester"), ("GB", "Bristol"), ("GB", "Leeds"),
           ("IE", "Dublin"), ("FR", "Paris"))
#: Each city's region (the fairness check's regional view).
CITY_REGIONS = {"London": "London", "Manchester": "North West", "Bristol": "South West", "Leeds": "Yorkshire",
                "Dublin": "Leinster", "Paris": "Ile-de-France"}
FIRST = ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lena",
         "Milo", "Nia", "Oto", "Pia", "Ravi", "Sara", "Tom", "Uma", "Vic", "Wen", "Yara", "Zoe")
LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hughes", "Ito", "Jones",
        "Khan", "Lopez", "Murphy", "Novak", "Okafor", "Patel", "Quinn", "Rossi", "Smith", "Taylor")
LEAD_SOURCES = ("organic", "paid_search", "social", "referral", "walk_in", "newsletter")
WEB_EVENTS = ("page_view", "product_view", "pricing_view", "faq_view", "cart_add", "cart_abandon",
              "download", "contact_form")
WEB_WEIGHTS = (0.45, 0.25, 0.06, 0.05, 0.08, 0.05, 0.03, 0.03)
#: Who answers the tickets.
AGENTS = ("Priya", "Tom", "Sofia")
#: What a review with so many stars says.
REVIEWS = {5: ("Delicious, we will buy it again.", "Perfect, the whole family loved it.", "Best I have had."),
           4: ("Very good, a little pricey.", "Tasty and fresh.", "Good, as always."),
           3: ("It was fine.", "Okay but nothing special.", "Average this time."),
           2: ("A bit dry this time.", "Smaller than I expected for the price.", "Not as fresh as before."),
           1: ("Stale and disappointing.", "It was burnt underneath, very disappointed.", "Tasted off, threw it away.")}
POSITIVE = ("Lovely bread, always fresh.", "Great service and friendly staff.",
            "The cakes were perfect for the party!", "Best coffee in town.", "Fast delivery, thank you.")
NEUTRAL = ("Order arrived as expected.", "Fine, nothing special.", "Prices are okay.",
           "Could you add more gluten-free options?")
NEGATIVE = ("My order arrived late and the cake was damaged.", "Very disappointed, the bread was stale.",
            "Nobody answered my emails.", "Charged twice for one order, please refund.",
            "Rude staff and a long wait.")


@dataclass(frozen=True)
class DemoShop:
    """The generated tables (canonical columns) and the hidden truth."""

    tables: dict[str, pd.DataFrame]
    truth: pd.DataFrame


def _customers(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    ids = np.array([f"C{i:05d}" for i in range(1, n + 1)])
    # customers sign up mostly early on; leads (who may never buy) keep arriving until the end
    is_lead = rng.random(n) < 0.25
    signup = np.where(is_lead, rng.random(n) * (DAYS - 7), rng.beta(1.2, 2.0, n) * (DAYS - 90))
    order = np.argsort(signup)  # ids follow signup order
    signup, is_lead = signup[order], is_lead[order]
    engagement = rng.beta(2.0, 3.0, n)
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    email = np.char.lower(np.char.add(np.char.add(np.char.add(first, "."), last),
                                      np.char.add(ids, "@example.com")))
    region = rng.integers(0, len(REGIONS), n)
    phone = np.where(rng.random(n) < 0.6,
                     np.char.add("+44 7700 ", np.char.zfill(rng.integers(0, 999999, n).astype(str), 6)), "")
    consent_email = rng.random(n) < 0.55 + 0.35 * engagement
    frame = pd.DataFrame({
        "customer_id": ids,
        "email": email,
        "phone": phone,
        "name": np.char.add(np.char.add(first, " "), last),
        "created_at": _dates(signup),
        "country": [REGIONS[r][0] for r in region],
        "region": [CITY_REGIONS[REGIONS[r][1]] for r in region],
        "city": [REGIONS[r][1] for r in region],
        # drawn apart so that adding it left every other column as it was; not a model input
        "gender": np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0]).choice(
            ["female", "male", "non-binary", ""], n, p=[0.5, 0.44, 0.02, 0.04]),
        "lead_source": rng.choice(LEAD_SOURCES, n),
        "consent_email": np.where(consent_email, "yes", "no"),
        "consent_sms": np.where(rng.random(n) < 0.3, "yes", "no"),
    })
    return frame, {"signup": signup, "engagement": engagement, "consent_email": consent_email, "is_lead": is_lead}


def _products(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for c, category in enumerate(CATEGORIES):
        for k in range(1, 13):
            price = round(float(rng.gamma(3.0, 2.0 + 3 * (category in ("cakes", "catering", "gifts")))), 2)
            rows.append((f"P{c + 1}{k:02d}", f"{category.title()} item {k}", category, max(price, 0.8)))
    return pd.DataFrame(rows, columns=["product_id", "name", "category", "price"])


def _purchases(rng: np.random.Generator, n: int, hidden: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Buy-till-you-die: Poisson purchases at rate lam while alive; after each, drop out with p."""
    e = hidden["engagement"]
    is_lead = hidden["is_lead"]  # came in as a lead; may never buy
    converts = ~is_lead | (rng.random(n) < 1 / (1 + np.exp(-(-2.0 + 5.0 * e))))
    lam = rng.gamma(2.0, 0.5, n) * (0.3 + 1.4 * e) * 6 / 365  # purchases per day
    p = np.clip(rng.beta(1.2, 8.0, n) * (1.6 - e), 0.005, 0.9)
    first = hidden["signup"] + np.where(is_lead, rng.exponential(25, n), rng.exponential(3, n))
    buyer_ids, times = [], []
    t = first.copy()
    alive = converts & (t < DAYS)
    death = np.full(n, np.inf)
    while alive.any():
        idx = np.flatnonzero(alive)
        buyer_ids.append(idx)
        times.append(t[idx])
        dies = rng.random(len(idx)) < p[idx]
        death[idx[dies]] = t[idx[dies]]
        t[idx] = t[idx] + rng.exponential(1 / lam[idx])
        alive[idx] = ~dies & (t[idx] < DAYS)
    return {
        "customer": np.concatenate(buyer_ids) if buyer_ids else np.array([], int),
        "t": np.concatenate(times) if times else np.array([]),
        "lam": lam, "p": p, "death": death, "is_lead": is_lead, "converts": converts,
        "first": first,
    }


def _orders(rng: np.random.Generator, ids: np.ndarray, buys: dict[str, np.ndarray],
            products: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = len(buys["t"])
    order_ids = np.array([f"O{i:07d}" for i in range(1, m + 1)])
    favourite = rng.integers(0, len(CATEGORIES), len(ids))
    n_items = 1 + rng.poisson(1.2, m)
    line_order = np.repeat(np.arange(m), n_items)
    owner = buys["customer"][line_order]
    pick_fav = rng.random(len(line_order)) < 0.6
    cat = np.where(pick_fav, favourite[owner], rng.integers(0, len(CATEGORIES), len(line_order)))
    within = np.minimum(rng.zipf(1.6, len(line_order)) - 1, 11)
    product_index = cat * 12 + within
    quantity = 1 + rng.poisson(0.6, len(line_order))
    price = products["price"].to_numpy()[product_index]
    items = pd.DataFrame({
        "order_id": order_ids[line_order],
        "product_id": products["product_id"].to_numpy()[product_index],
        "quantity": quantity,
        "unit_price": price,
        "category": np.array(CATEGORIES)[cat],
    })
    amount = np.bincount(line_order, weights=quantity * price, minlength=m)
    discount = np.where(rng.random(m) < 0.2, np.round(amount * 0.1, 2), 0.0)
    status = np.where(rng.random(m) < 0.01, "cancelled", "completed")
    orders = pd.DataFrame({
        "order_id": order_ids,
        "customer_id": ids[buys["customer"]],
        "ordered_at": _dates(buys["t"] + rng.random(m) * 0.4 + 0.35),
        "amount": np.round(amount - discount, 2),
        "currency": "GBP",
        "status": status,
        "channel": rng.choice(("web", "shop", "phone"), m, p=(0.5, 0.4, 0.1)),
        "discount": discount,
    })
    refunded = np.flatnonzero((rng.random(m) < 0.03) & (status == "completed"))
    refunds = pd.DataFrame({
        "order_id": np.char.add("R", order_ids[refunded]),
        "customer_id": orders["customer_id"].to_numpy()[refunded],
        "ordered_at": orders["ordered_at"].to_numpy()[refunded] + np.timedelta64(3, "D"),
        "amount": -orders["amount"].to_numpy()[refunded],
        "currency": "GBP", "status": "refunded", "channel": "web", "discount": 0.0,
    })
    orders = pd.concat([orders, refunds], ignore_index=True)
    orders = orders[orders["ordered_at"] <= pd.Timestamp(END)]
    return orders, items[items["order_id"].isin(orders["order_id"])]


def _deliveries(rng: np.random.Generator, orders: pd.DataFrame) -> pd.Series:
    """When each order sent out (web and phone, not taken home from the shop) reached its
    customer: one to four days later; none yet for those still on their way at the export."""
    days = pd.to_timedelta(rng.integers(1, 5, len(orders)), unit="D") + pd.to_timedelta(
        rng.integers(9 * 60, 18 * 60, len(orders)), unit="min")
    at = pd.to_datetime(orders["ordered_at"]).dt.normalize() + days
    sent = orders["channel"].isin(["web", "phone"]) & (orders["status"] == "completed") & (at <= pd.Timestamp(END))
    return at.where(sent)


def _activity(rng: np.random.Generator, ids: np.ndarray, hidden: dict[str, np.ndarray],
              buys: dict[str, np.ndarray]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Web events follow engagement while the customer is active; newsletters go to consenters."""
    n = len(ids)
    e = hidden["engagement"]
    active_end = np.minimum(np.where(np.isfinite(buys["death"]), buys["death"] + 45, DAYS), DAYS)
    # a lead who never buys loses interest within weeks; one who will buy keeps looking until then
    lost = buys["is_lead"] & ~buys["converts"]
    active_end[lost] = np.minimum(hidden["signup"][lost] + rng.exponential(40, int(lost.sum())), DAYS)
    span = np.maximum(active_end - hidden["signup"], 1)
    visits = rng.poisson(e ** 1.5 * 3.0 * span / 30)
    who = np.repeat(np.arange(n), visits)
    when = hidden["signup"][who] + rng.random(len(who)) * span[who]
    kind = rng.choice(WEB_EVENTS, len(who), p=WEB_WEIGHTS)
    leads = np.flatnonzero(buys["is_lead"])
    demo_who = leads[rng.random(len(leads)) < 0.2 + 0.6 * e[leads]]
    demo_when = hidden["signup"][demo_who] + rng.random(len(demo_who)) * 20
    conv_who = np.flatnonzero(buys["is_lead"] & buys["converts"])
    # a lead about to buy looks at prices, asks questions and downloads the brochure in the
    # three weeks before the first order: what lead scoring is meant to catch
    look_who = np.repeat(conv_who, rng.poisson(3.0, len(conv_who)))
    look_kind = np.full(len(look_who), "pricing_view", dtype=object)
    for step, share in (("contact_form", 0.6), ("download", 0.5)):
        extra = conv_who[rng.random(len(conv_who)) < share]
        look_who = np.concatenate([look_who, extra])
        look_kind = np.concatenate([look_kind, np.full(len(extra), step, dtype=object)])
    look_when = buys["first"][look_who] - rng.random(len(look_who)) * 21
    web = pd.DataFrame({
        "customer_id": ids[np.concatenate([who, demo_who, look_who, conv_who])],
        "occurred_at": _dates(np.concatenate([when, demo_when, look_when, buys["first"][conv_who]])),
        "event_type": np.concatenate([kind, np.full(len(demo_who), "demo_request"), look_kind,
                                      np.full(len(conv_who), "lead_converted")]),
        "channel": "web",
        "campaign_id": "",
        "url": "",
    })
    web["url"] = "/" + web["event_type"].str.replace("_", "-")
    # a monthly newsletter to everyone who consented and had signed up by then
    sends = []
    for month in range(24):
        day = (pd.Timestamp(START) + pd.DateOffset(months=month, days=4) - pd.Timestamp(START)).days
        to = np.flatnonzero(hidden["consent_email"] & (hidden["signup"] < day))
        sends.append((month, day, to))
    msg_who = np.concatenate([s[2] for s in sends])
    msg_day = np.concatenate([np.full(len(s[2]), s[1] + 0.4) for s in sends])
    msg_campaign = np.concatenate([np.full(len(s[2]), f"newsletter-{s[0] + 1:02d}") for s in sends])
    messages = pd.DataFrame({
        "message_id": [f"M{i:07d}" for i in range(1, len(msg_who) + 1)],
        "customer_id": ids[msg_who],
        "sent_at": _dates(msg_day),
        "channel": "email",
        "campaign_id": msg_campaign,
        "variant": "treatment",
    })
    alive_then = msg_day < active_end[msg_who]
    opened = rng.random(len(msg_who)) < (0.05 + 0.55 * e[msg_who]) * np.where(alive_then, 1.0, 0.3)
    clicked = opened & (rng.random(len(msg_who)) < 0.15 + 0.5 * e[msg_who])
    unsub = rng.random(len(msg_who)) < 0.004 * (1.5 - e[msg_who])
    email = pd.DataFrame({
        "customer_id": ids[np.concatenate([msg_who[opened], msg_who[clicked], msg_who[unsub]])],
        "occurred_at": _dates(np.concatenate([msg_day[opened] + 0.2, msg_day[clicked] + 0.21,
                                              msg_day[unsub] + 0.3])),
        "event_type": ["email_open"] * int(opened.sum()) + ["email_click"] * int(clicked.sum())
        + ["email_unsubscribe"] * int(unsub.sum()),
        "channel": "email",
        "campaign_id": np.concatenate([msg_campaign[opened], msg_campaign[clicked], msg_campaign[unsub]]),
        "url": "",
    })
    events = pd.concat([web, email], ignore_index=True).sort_values("occurred_at", kind="stable")
    return events[events["occurred_at"] <= pd.Timestamp(END)], messages


def _support(rng: np.random.Generator, ids: np.ndarray, hidden: dict[str, np.ndarray],
             orders: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = orders.groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy()
    e = hidden["engagement"]
    n_tickets = rng.poisson(0.08 * counts + 0.05)
    who = np.repeat(np.arange(len(ids)), n_tickets)
    opened = hidden["signup"][who] + rng.random(len(who)) * (DAYS - hidden["signup"][who])
    mood = rng.random(len(who)) - 0.35 + 0.4 * e[who]  # < 0.2 negative, > 0.55 positive
    text = np.where(mood < 0.2, rng.choice(NEGATIVE, len(who)),
                    np.where(mood > 0.55, rng.choice(POSITIVE, len(who)), rng.choice(NEUTRAL, len(who))))
    hours = rng.gamma(2.0, 10.0, len(who))  # working hours to solve it; the first reply in a quarter of that
    opened_at = _dates(opened)
    replied_at = working_time_after(opened_at, hours * 60 / 4)
    resolved_at = working_time_after(opened_at, hours * 60)
    solved = (resolved_at < pd.Timestamp(END) - pd.Timedelta(days=1)).to_numpy()
    csat = np.where(solved & (rng.random(len(who)) < 0.5), np.clip(np.round(1 + 4 * mood + rng.normal(0, 0.5, len(who))), 1, 5), np.nan)
    tickets = pd.DataFrame({
        "ticket_id": [f"T{i:06d}" for i in range(1, len(who) + 1)],
        "customer_id": ids[who],
        "opened_at": opened_at,
        "resolved_at": resolved_at.where(solved),
        "first_response_at": replied_at.where(replied_at <= pd.Timestamp(END)),
        "channel": rng.choice(("email", "phone", "chat"), len(who)),
        "category": rng.choice(("delivery", "billing", "product", "other"), len(who)),
        "priority": rng.choice(("low", "normal", "high"), len(who), p=(0.3, 0.55, 0.15)),
        "status": np.where(solved, "solved", "open"),
        "csat": csat,
        "text": text,
    })
    buyers = np.flatnonzero(counts > 0)
    asked = buyers[rng.random(len(buyers)) < 0.3]
    when = hidden["signup"][asked] + rng.random(len(asked)) * (DAYS - hidden["signup"][asked])
    nps = np.clip(np.round(3 + 7 * e[asked] + rng.normal(0, 1.5, len(asked))), 0, 10)
    comment = np.where(nps >= 9, rng.choice(POSITIVE, len(asked)),
                       np.where(nps <= 6, rng.choice(NEGATIVE, len(asked)), rng.choice(NEUTRAL, len(asked))))
    feedback = pd.DataFrame({
        "customer_id": ids[asked],
        "submitted_at": _dates(when),
        "kind": "nps",
        "score": nps,
        "text": np.where(rng.random(len(asked)) < 0.6, comment, ""),
    })
    return tickets, feedback


def _reviews(rng: np.random.Generator, orders: pd.DataFrame, items: pd.DataFrame,
             products: pd.DataFrame) -> pd.DataFrame:
    """Star reviews of what was bought, a few days after the order: each product has a quality of
    its own, so one or two read clearly worse than the rest."""
    quality = pd.Series(rng.normal(0.0, 0.6, len(products)), index=products["product_id"].to_numpy())
    lines = items[rng.random(len(items)) < 0.04].merge(orders[["order_id", "customer_id", "ordered_at"]],
                                                       on="order_id")
    stars = np.clip(np.round(4.1 + lines["product_id"].map(quality).to_numpy() + rng.normal(0, 0.9, len(lines))),
                    1, 5)
    said = np.array([REVIEWS[int(s)][i] for s, i in zip(stars, rng.integers(0, 3, len(lines)))])
    when = pd.to_datetime(lines["ordered_at"]) + pd.to_timedelta(rng.integers(2, 10, len(lines)), unit="D")
    kept = when <= pd.Timestamp(END)
    return pd.DataFrame({"customer_id": lines["customer_id"], "submitted_at": when, "kind": "review", "score": stars,
                         "text": said, "product_id": lines["product_id"]})[kept.to_numpy()]


def _newsletter_signups(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    """A second customer list where many people reappear with another id: identity resolution."""
    again = customers.sample(n=min(150, len(customers)), random_state=int(rng.integers(1 << 31)))
    email = again["email"].str.upper().where(rng.random(len(again)) < 0.5,
                                             again["email"].str.replace("@", "+news@", regex=False))
    return pd.DataFrame({
        "customer_id": [f"NL{i:04d}" for i in range(1, len(again) + 1)],
        "email": email.to_numpy(),
        "created_at": again["created_at"].to_numpy(),
        "lead_source": "newsletter",
        "consent_email": "yes",
    })


def _shopping_visits(rng: np.random.Generator, orders: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Most web orders follow a visit that day: a product looked at, put in the cart, the checkout
    begun minutes before the order (so conversion and cart abandonment read as a web shop's)."""
    web = orders[(orders["channel"] == "web") & (orders["status"] == "completed")]
    web = web[rng.random(len(web)) < 0.8]
    first_item = items.drop_duplicates("order_id").set_index("order_id")["product_id"]
    steps = (("product_view", 40), ("cart_add", 15), ("checkout_start", 4))
    out = []
    for kind, minutes in steps:
        before = pd.to_timedelta(minutes * (0.5 + rng.random(len(web))), unit="min")
        out.append(pd.DataFrame({"customer_id": web["customer_id"].to_numpy(),
                                 "occurred_at": (web["ordered_at"] - before).dt.floor("s").to_numpy(),
                                 "event_type": kind, "channel": "web", "campaign_id": "", "url": f"/{kind}",
                                 "product_id": first_item.reindex(web["order_id"]).to_numpy()}))
    return pd.concat(out, ignore_index=True)


def _truth(ids: np.ndarray, hidden: dict[str, np.ndarray], buys: dict[str, np.ndarray]) -> pd.DataFrame:
    death = buys["death"]
    return pd.DataFrame({
        "customer_id": ids,
        "engagement": np.round(hidden["engagement"], 4),
        "purchase_rate_per_year": np.round(buys["lam"] * 365, 4),
        "dropout_per_purchase": np.round(buys["p"], 4),
        "came_as_lead": buys["is_lead"],
        "converted": buys["converts"],
        "dropped_out_at": _dates(np.where(np.isfinite(death), death, np.nan)),
        "alive_at_end": ~np.isfinite(death) & buys["converts"],
    })


def generate_shop(customers: int = 5000, seed: int = 7) -> DemoShop:
    """Generate the demo shop; the same arguments always give the same shop."""
    if customers < 50:
        from regulars.errors import SettingsError

        raise SettingsError(f"the demo shop needs at least 50 customers, got {customers}")
    rng = np.random.default_rng(seed)
    people, hidden = _customers(rng, customers)
    ids = people["customer_id"].to_numpy()
    products = _products(rng)
    buys = _purchases(rng, customers, hidden)
    orders, items = _orders(rng, ids, buys, products)
    events, messages = _activity(rng, ids, hidden, buys)
    tickets, feedback = _support(rng, ids, hidden, orders)
    tickets["agent"] = np.random.default_rng(seed + 3).choice(AGENTS, len(tickets), p=(0.45, 0.35, 0.2))
    feedback = pd.concat([feedback, _reviews(np.random.default_rng(seed + 4), orders, items, products)],
                         ignore_index=True)
    past = past_campaign(np.random.default_rng(seed + 1), ids, hidden, buys, products)
    orders = pd.concat([orders, past["orders"]], ignore_index=True)
    items = pd.concat([items, past["order_items"]], ignore_index=True)
    orders["delivered_at"] = _deliveries(np.random.default_rng(seed + 5), orders)
    messages = pd.concat([messages, past["messages"]], ignore_index=True)
    shopping = _shopping_visits(np.random.default_rng(seed + 2), orders, items)
    events = pd.concat([events, past["events"], shopping], ignore_index=True).sort_values("occurred_at", kind="stable")
    # A few rows a real export would have wrong, so the quarantine has something to show.
    orders = orders.astype({"amount": object})
    orders.iloc[[10, 200, 3000 % max(len(orders), 1)], orders.columns.get_loc("amount")] = "n/a"
    tables = {
        "customers": people,
        "newsletter_signups": _newsletter_signups(rng, people),
        "products": products,
        "orders": orders,
        "order_items": items,
        "events": events,
        "messages": messages,
        "tickets": tickets,
        "feedback": feedback,
    }
    return DemoShop(tables=tables, truth=_truth(ids, hidden, buys))


#: Which canonical table each demo file loads into, in load order.
FILE_TABLES = (
    ("customers", "customers"), ("newsletter_signups", "customers"), ("products", "products"),
    ("orders", "orders"), ("order_items", "order_items"), ("events", "events"),
    ("messages", "messages"), ("tickets", "tickets"), ("feedback", "feedback"),
)


def write_shop(shop: DemoShop, folder: Path) -> tuple[list[tuple[Path, str]], Path]:
    """Write the tables as CSV exports and the truth beside them; returns (files, truth path)."""
    exports = folder / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    files = []
    for name, table in FILE_TABLES:
        path = exports / f"{name}.csv"
        with atomic_path(path) as partial:  # an interrupted demo never leaves half a file to load
            shop.tables[name].to_csv(partial, index=False, date_format="%Y-%m-%d %H:%M:%S")
        files.append((path, table))
    truth_dir = folder / "truth"
    truth_dir.mkdir(exist_ok=True)
    truth = truth_dir / "hidden_truth.csv"
    with atomic_path(truth) as partial:
        shop.truth.to_csv(partial, index=False, date_format="%Y-%m-%d %H:%M:%S")
    return files, truth
