"""What customers said and asked, per period: NPS, CSAT and CES from feedback answers and the
number of support tickets opened (the KPIs' registry is in ``_kpis``)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import ibis.expr.types as ir

from regulars.metrics._query import rows

__all__ = ["answers_score", "voice_by_period"]


def _nps_interval(promoters: int, detractors: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% interval of an NPS (in points) from its answers: the variance of a difference of
    two shares of the same sample."""
    p, d = promoters / n, detractors / n
    half = z * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n) * 100
    score = (p - d) * 100
    return max(-100.0, score - half), min(100.0, score + half)


def answers_score(kind: str, scores: list[float]) -> float | None:
    """A set of answers' score, as ``voice_by_period`` scores a period's: NPS % of 9-10 minus %
    of 0-6; CSAT % of 4-5; CES the mean (none for written answers, or none given)."""
    if not scores or kind not in ("nps", "csat", "ces"):
        return None
    if kind == "nps":
        return round((sum(v >= 9 for v in scores) - sum(v <= 6 for v in scores)) / len(scores) * 100, 1)
    if kind == "csat":
        return round(sum(v >= 4 for v in scores) / len(scores) * 100, 1)
    return round(sum(scores) / len(scores), 2)


def voice_by_period(feedback: ir.Table | None, tickets: ir.Table | None, unit: str,
                    texts: ir.Table | None = None) -> dict[date, dict[str, Any]]:
    """Per period start (truncated by ``unit``): NPS (% of 9-10 minus % of 0-6, on nps answers),
    CSAT (share of 4-5 among csat answers on 1-5), CES (mean of ces answers on 1-7), each with
    how many answers, tickets opened, and texts that read negative (``texts``: the read texts);
    a table not given leaves its measures out."""
    out: dict[date, dict[str, Any]] = {}
    if feedback is not None:
        f = feedback.filter(feedback.score.notnull())
        f = f.mutate(period=f.submitted_at.truncate(unit).cast("date"))
        nps, csat, ces = f.kind == "nps", (f.kind == "csat") & f.score.between(1, 5), \
            (f.kind == "ces") & f.score.between(1, 7)
        for r in rows(f.group_by("period").aggregate(
                nps_n=f.count(where=nps), promoters=f.count(where=nps & (f.score >= 9)),
                detractors=f.count(where=nps & (f.score <= 6)), csat_n=f.count(where=csat),
                happy=f.count(where=csat & (f.score >= 4)), ces_n=f.count(where=ces),
                ces=f.score.mean(where=ces))):
            row = out.setdefault(r["period"], {})
            n = r["nps_n"]
            row["nps"] = round((r["promoters"] - r["detractors"]) / n * 100, 1) if n else None
            low, high = _nps_interval(r["promoters"], r["detractors"], n) if n else (None, None)
            row["nps_of"] = {"n": n, "promoters": r["promoters"], "detractors": r["detractors"], "low": low,
                             "high": high}
            row["csat_counts"] = (r["happy"], r["csat_n"])
            row["ces"] = round(r["ces"], 2) if r["ces_n"] else None
            row["ces_of"] = {"n": r["ces_n"]}
    if tickets is not None:
        t = tickets.mutate(period=tickets.opened_at.truncate(unit).cast("date"))
        for r in rows(t.group_by("period").aggregate(n=t.count())):
            out.setdefault(r["period"], {})["tickets"] = r["n"]
    if texts is not None:
        t = texts.filter(texts.label == "negative")
        t = t.mutate(period=t.written_at.truncate(unit).cast("date"))
        for r in rows(t.group_by("period").aggregate(n=t.count())):
            out.setdefault(r["period"], {})["unhappy_texts"] = r["n"]
    return out
