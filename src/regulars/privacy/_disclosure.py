"""A disclosure a shop can publish: what it collects, what it predicts and why, how a customer
says no, asks for their data or has it erased, and how long things are kept, written from
what the workspace really holds and does (never a template of promises).

One list of sections gives the plain text and the HTML page, so the two never differ."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["disclosure_html", "disclosure_sections", "disclosure_text"]

#: What each table holds, in a customer's words; the columns are named as the notice lists them.
HOLDS = {
    "customers": "your details",
    "orders": "what you bought from us and when (amounts, currency, discounts, refunds)",
    "order_items": "the products in each order",
    "events": "what you did on our website and with our emails (pages and products viewed, baskets, "
              "opens, clicks, sign-ups)",
    "messages": "the messages we sent you and whether they were opened or clicked",
    "tickets": "your questions and complaints to our service team, with our replies' timing",
    "feedback": "reviews and survey answers you gave us",
}
COLUMN_WORDS = {"email": "email address", "phone": "phone number", "name": "name", "created_at": "when you joined",
                "country": "country", "region": "region", "city": "town or city", "lead_source": "how you found us",
                "company": "company", "industry": "industry", "company_size": "company size",
                "job_title": "job title", "birthday": "birthday", "consent_email": "your email choices",
                "consent_sms": "your text-message choices"}
PREDICTS = {
    "churn": "how likely you are to stop buying from us in the next {days} days",
    "conversion": "how likely you are to place a first order in the next {days} days",
    "support": "how likely you are to need our help in the next {days} days",
    "purchase": "how likely you are to order again in the next {days} days",
    "clv": "what your purchases may be worth over the next months, and how likely you are still a customer",
    "engagement": "how engaged you are (recent visits, opens and clicks, with older ones counting less)",
    "recommend": "products you may like, from what customers who bought the same things went on to buy",
    "timing": "the hour and day you usually read our messages",
    "segments": "groups of similar customers (such as new, loyal or drifting away)",
}
KEPT = {"events": "website and email activity", "messages": "messages we sent", "quarantine": "rows of our "
        "imports that we could not read (kept to fix them)"}


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def disclosure_sections(facts: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The notice's sections: (heading, paragraphs; one starting "- " is an item of a list), from ``facts`` (shop, contact, held: table ->
    columns, models: name -> horizon days, playbooks: descriptions, fairness: model -> summary,
    grouped_by: attributes, keep: what -> days, link_days)."""
    shop = facts.get("shop") or "We"
    contact = facts.get("contact") or ""
    held = facts["held"]
    sections: list[tuple[str, list[str]]] = []
    collected = []
    for table, what in HOLDS.items():
        if table not in held:
            continue
        if table == "customers":
            columns = [COLUMN_WORDS.get(c, c.replace("_", " ").strip().lower()) for c in held[table]
                       if c not in ("customer_id", "attributes", "is_stub")]
            what = f"{what}: {_joined(columns)}" if columns else what
        collected.append(what[0].upper() + what[1:] + ".")
    sections.append((f"What {shop if shop != 'We' else 'we'} keep about you", collected or ["Nothing yet."]))
    predicted = [PREDICTS[m].format(days=days or 90) for m, days in facts.get("models", {}).items() if m in PREDICTS]
    if predicted:
        sections.append(("What we work out from it", [
            "From what you bought and did, a program on our own computer works out:",
            *[f"- {p[0].upper()}{p[1:]}." for p in predicted],
            "It uses your purchases and activity (and your country, region and how you found us, where we have them), "
            "never your gender, age or birthday. We check that it treats groups of "
            "customers alike" + (f" (by {_joined(facts['grouped_by'])})" if facts.get("grouped_by") else "")
            + "; the latest check: " + "; ".join(f"{m}: {s}" for m, s in facts.get("fairness", {}).items()) + "."
            if facts.get("fairness") else
            "It uses your purchases and activity (and your country, region and how you found us, where we have them), "
            "never your gender, age or birthday."]))
    uses = facts.get("playbooks") or []
    sections.append(("What we use it for", [
        "To decide which of our messages may interest you and when to send them"
        + (". The messages we send, as we describe them to ourselves:" if uses else "."),
        *[f"- {u[0].upper()}{u[1:]}." for u in uses],
        "A person at " + (shop if shop != "We" else "our shop") + " can review these decisions; nothing we work "
        "out changes your prices, your orders or your rights.",
        "We do not sell your data or share it for others' advertising."]))
    said_no = ["Every message we send has a link to your preferences page, where you can say yes or no to "
               "marketing email, text messages, surveys, and being profiled (the predictions above), and a link "
               f"to unsubscribe in one step. Links work for {facts.get('link_days', 365)} days after the message.",
               "If you say no to being profiled, we work nothing out about you and send you no offers chosen for you."]
    sections.append(("How to say no", said_no))
    ask = (f"Write to {contact}" if contact else "Write to us") + (
        " to ask for a copy of everything we keep about you (we send it as a readable page and a file), or to have "
        "it erased. Erasure removes you from our records, including the messages and reports we made, and your "
        "details are not brought back by a later import; we keep only a one-way code to recognise them, and "
        "sales figures without your name.")
    sections.append(("Your data on request", [ask]))
    keep = facts.get("keep") or {}
    kept = [f"{KEPT[k]}: {days} days" for k, days in keep.items() if days]
    sections.append(("How long we keep it", [
        ("We remove " + "; ".join(kept) + " after that long; the rest we keep" if kept else "We keep it")
        + " while you are a customer, until you ask us to erase it."]))
    return sections


def disclosure_text(sections: list[tuple[str, list[str]]], title: str) -> str:
    """The notice as plain text."""
    out = [title, "=" * len(title), ""]
    for heading, paragraphs in sections:
        out += [heading, "-" * len(heading)]
        for i, p in enumerate(paragraphs):  # list items sit together; a paragraph ends with a blank line
            listed = i + 1 < len(paragraphs) and paragraphs[i + 1].startswith("- ")
            out.append(p + ("" if listed else "\n"))
    return "\n".join(out).rstrip() + "\n"


def _html_paragraphs(paragraphs: list[str]) -> str:
    out, items = [], []
    for p in paragraphs + [""]:
        if p.startswith("- "):
            items.append(f"<li>{escape(p[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if p:
            out.append(f"<p>{escape(p)}</p>")
    return "".join(out)


def disclosure_html(sections: list[tuple[str, list[str]]], title: str) -> str:
    """The notice as one HTML page (every text escaped), readable on a phone."""
    body = "".join(f"<h2>{escape(h)}</h2>" + _html_paragraphs(ps) for h, ps in sections)
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>body{{font:17px/1.55 system-ui,sans-serif;margin:0 auto;"
            "max-width:42rem;padding:1rem 1.25rem;color:#1d2433}h1{font-size:1.5rem}h2{font-size:1.15rem;"
            f"margin-top:1.75rem}}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>\n")
