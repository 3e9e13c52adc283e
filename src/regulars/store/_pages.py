"""Page views that mean more: a view of a comparison, pricing or FAQ page becomes that event as
it loads (``[events.pages]``), whichever way it came (GA4, Matomo, the API, the site's snippet),
so triggers, features and points read intent rather than addresses."""

from __future__ import annotations

import duckdb

from regulars._pages import page_pattern

__all__ = ["type_pages"]


def type_pages(con: duckdb.DuckDBPyConnection, rules: dict[str, list[str]], batch_id: str) -> int:
    """Give the batch's page views the event type of the first rule their address matches (and
    the category a ``{category}`` part names); how many changed."""
    found = [(kind, page_pattern(p), "{category}" in p) for kind, patterns in rules.items() for p in patterns]
    if not found:
        return 0
    typed = " ".join("WHEN regexp_full_match(url, ?) THEN ?" for _ in found)
    named = " ".join("WHEN regexp_full_match(url, ?) THEN regexp_extract(url, ?, 1)" for _, _, c in found if c)
    params: list[str] = [x for kind, rx, _ in found for x in (rx, kind)]
    params += [x for _, rx, c in found if c for x in (rx, rx)]
    category = f"coalesce(category, CASE {named} END)" if named else "category"
    changed = con.execute(
        f"""UPDATE events SET event_type = CASE {typed} ELSE event_type END, category = {category}
            WHERE batch_id = ? AND event_type = 'page_view' AND url IS NOT NULL
              AND regexp_full_match(url, ?)""",
        [*params, batch_id, "(?i)" + "|".join(f"(?:{rx.removeprefix('(?i)')})" for _, rx, _ in found)]).fetchone()
    return int(changed[0]) if changed else 0
