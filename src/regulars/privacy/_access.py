"""An access request's answer: everything held about a person, place by place of the data
catalogue, as one JSON document and one plain HTML page a person can read (every value
escaped: text from data is never markup)."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["access_document", "access_html"]


def access_document(person: dict[str, Any], places: list[dict[str, Any]], files: list[dict[str, Any]],
                    shop: str, made_at: str) -> dict[str, Any]:
    """The document: who it is about, then each place (its words, and their rows) and the
    workspace files naming them. ``places``: dicts of name, what and rows."""
    return {"about": person, "shop": shop, "made_at": made_at,
            "held": [p for p in places if p["rows"]],
            "not_held": [p["name"] for p in places if not p["rows"]],
            "files": files}


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        value = json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else escape(str(value))


def _table(rows: list[dict[str, Any]]) -> str:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1d2433}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}.wide{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #d6dae3;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f2f4f8}p.small{color:#5a6478;font-size:.9rem}"""


def access_html(doc: dict[str, Any]) -> str:
    """The document as a self-contained page."""
    about = doc["about"]
    parts = [f"<h1>What {escape(doc['shop'])} holds about {escape(about['name'] or about['customer_id'])}</h1>",
             f"<p>Made on {escape(doc['made_at'])} for customer {escape(about['customer_id'])}"
             + (f" (also known as {escape(', '.join(about['linked_ids']))})" if about["linked_ids"] else "")
             + ".</p>"]
    for place in doc["held"]:
        n = len(place["rows"])
        parts.append(f"<h2>{escape(place['what'][:1].upper() + place['what'][1:])}</h2>"
                     f"<p class=small>{n:,} {'row' if n == 1 else 'rows'} in {escape(place['name'])}</p>"
                     + _table(place["rows"]))
    for f in doc["files"]:
        parts.append(f"<h2>File {escape(f['path'])}</h2>" + (_table(f["rows"]) if f["rows"] else
                     "<p>This file names you (a report the shop keeps).</p>"))
    if doc["not_held"]:
        parts.append("<h2>Nothing held in</h2><p class=small>" + escape(", ".join(doc["not_held"])) + "</p>")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width,initial-scale=1'><title>Your data</title><style>{_STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>")
