"""Schema drift between two files of the same export: columns renamed (the same name with other
case or punctuation: ``client_id`` became ``clientId``), gone or new, and date columns whose
values now show the other order of day and month. Reported with the batch, in words."""

from __future__ import annotations

import re

__all__ = ["header_changes"]


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.strip().lower())


def header_changes(before: list[str], after: list[str], before_dates: dict[str, str], after_dates: dict[str, str],
                   earlier: str) -> list[str]:
    """What changed from the ``earlier`` batch's file (its header and date orders) to this one."""
    out = []
    now = {_normal(c): c for c in after}
    then = {_normal(c): c for c in before}
    for key, old in then.items():
        if key not in now:
            out.append(f"column {old!r} is gone since {earlier}")
        elif now[key] != old:
            out.append(f"column {old!r} is now called {now[key]!r} (read as before)")
    out += [f"new column {new!r} since {earlier}" for key, new in now.items() if key not in then]
    for column, order in after_dates.items():
        was = before_dates.get(column) or next((o for c, o in before_dates.items() if _normal(c) == _normal(column)),
                                               None)
        if was is not None and was != order:
            out.append(f"dates in {column!r} read {order} in this file but {was} in {earlier}: check the export's "
                       f"date settings; this file's dates were read {order}")
    return out
