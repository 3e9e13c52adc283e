"""``customer`` and ``scores``: one customer in full, and every customer's latest scores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from regulars.app._choices import SCORE_SORTS
from regulars.app._common import with_names
from regulars.app._results import CustomerResult, ScoresResult
from regulars.errors import NotFoundError, SettingsError
from regulars.store import (
    customer_named,
    customer_timeline,
    stored_texts,
    customer_view,
    find_customers,
    latest_run,
    latest_scores,
    open_workspace,
    run_cards,
    run_customers,
    run_scores,
    segment_names,
    top_scores,
)

__all__ = ["customer", "customer_scores", "find", "scores"]


def customer(workspace_path: str | Path, customer_id: str) -> CustomerResult:
    """Everything known and predicted about one customer (named by any id, email, phone or name;
    after identity resolution), and the newest 200 entries of their timeline."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        found = customer_view(store, customer_named(store, customer_id))
        found["timeline"] = customer_timeline(store, found["customer_id"])
        said = stored_texts(store, customer_ids=[found["customer_id"]], limit=20)
        said = said[["written_at", "kind", "label", "sentiment", "theme", "text"]]
        found["texts"] = said.astype(object).where(said.notna(), None).to_dict("records")
    run = workspace.settings.run
    from regulars.scores import figures_disagree

    scores = found.get("scores") or {}
    note = figures_disagree(scores.get("expected_orders_90d"), scores.get("churn_probability"), run.horizon("churn"))
    return CustomerResult(**found, horizons={label: run.horizon(label) for label in ("churn", "conversion", "support")},
                          notes=[note] if note else [], more_scores=_more_scores(scores))


def _more_scores(scores: dict[str, Any]) -> list[dict[str, Any]]:
    """The customer's figures from scorers registered besides the built-in ones, as the registry
    words them (built-in scorers have their own sentences)."""
    from regulars.scorers import DEFAULT_ORDER, registered

    out = []
    for spec in registered().values():
        if spec.name in DEFAULT_ORDER:
            continue
        shown = [{"words": m.words or m.name, "value": scores.get(m.column), "unit": m.unit}
                 for m in spec.measures if m.name != "reasons" and scores.get(m.column) is not None]
        reasons = next((scores.get(m.column) for m in spec.measures if m.name == "reasons"), None)
        if shown:
            out.append({"scorer": spec.name, "words": spec.words or spec.name, "measures": shown, "reasons": reasons})
    return out


def customer_scores(workspace_path: str | Path, customer_id: str) -> dict[str, Any]:
    """One customer's latest scores with the horizons they speak of: the quick answer an
    integration asks for (no profile, orders or timeline)."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        resolved = customer_named(store, customer_id)
        found = latest_scores(store, resolved)
    run = workspace.settings.run
    return {"customer_id": resolved, "scores": found[0] if found else None,
            "horizons": {label: run.horizon(label) for label in ("churn", "conversion", "support")}}


def scores(workspace_path: str | Path, *, sort: str = "clv", top: int = 20, only_top: bool = False,
           offset: int = 0, segment: str | None = None, pseudonymise: bool = False) -> ScoresResult:
    """The latest run's scores for every customer, with model versions, sorted (missing values
    last); with ``only_top``, only ``top`` are read (a page's worth, quickly), after ``offset``,
    of ``segment``'s members when one is named; with ``pseudonymise``, for an analyst: names,
    emails and phones replaced by the shop's stable keyed pseudonyms."""
    if pseudonymise:
        from regulars.exports import pseudonymised
        from regulars.store import pseudonym_secret

        found = scores(workspace_path, sort=sort, top=top, only_top=only_top, offset=offset, segment=segment)
        with open_workspace(workspace_path).store() as store:
            key = pseudonym_secret(store)
        return replace(found, frame=pseudonymised(found.frame, key))
    if sort not in SCORE_SORTS:
        raise SettingsError(f"--sort must be one of {', '.join(SCORE_SORTS)}, got {sort!r}")
    if top < 1 or offset < 0:
        raise SettingsError(f"--top must be at least 1 and the offset at least 0, got {top} and {offset}")
    if segment is not None and not only_top:
        raise SettingsError("a segment's members are listed a page at a time")
    workspace = open_workspace(workspace_path)
    column, ascending = SCORE_SORTS[sort]
    said = {"horizons": {label: workspace.settings.run.horizon(label) for label in ("churn", "conversion", "support")},
            "clv_months": workspace.settings.clv.months}
    with workspace.store(read_only=True) as store:
        latest = latest_run(store)
        if segment is not None and segment not in segment_names(store):
            raise NotFoundError(f"no segment {segment!r}; `regulars segments DIR list` shows them")
        said["currency"] = next(iter(store.currencies()), None)
        if only_top:
            import pandas as pd

            frame = pd.DataFrame(top_scores(store, latest["run_id"], column, ascending, top, offset=offset,
                                            segment=segment)).drop(
                columns="run_id", errors="ignore")  # a run that scored nobody (a till) has no rows
            frame["cutoff"] = latest["cutoff"]
            if len(frame):
                with_names(store, frame)
            return ScoresResult(sort=sort, run_id=latest["run_id"], cutoff=str(latest["cutoff"]), frame=frame,
                                top=top, customers=int(run_customers(store, latest["run_id"], segment) if segment
                                                       else run_cards(store, latest["run_id"])["customers"] or 0),
                                offset=offset, segment=segment, **said)
        frame = with_names(store, run_scores(store, latest["run_id"]))
    frame["cutoff"] = latest["cutoff"]
    frame = frame.sort_values([column, "customer_id"], ascending=[ascending, True], na_position="last")
    return ScoresResult(sort=sort, run_id=latest["run_id"], cutoff=str(latest["cutoff"]),
                        frame=frame.reset_index(drop=True), top=top, **said)


def find(workspace_path: str | Path, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The customers ``text`` names: by id, linked platform id, email (any case), phone (any
    way it is written) or part of a name; each with their name and email."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        return find_customers(store, text, limit)
