"""``predict``: learn a customer column the business records (a CRM "churned" flag) from the others."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from regulars.app._common import check_search, in_words, with_names
from regulars.app._results import PredictResult
from regulars.errors import InsufficientDataError, NotFoundError, SettingsError
from regulars.store import customer_profiles, label_columns, open_workspace, prediction_rows, write_predictions

__all__ = ["label_choices", "predict", "predictions"]


def predict(workspace_path: str | Path, *, target: str, positive: str | None = None, holdout: float = 0.3,
            exclude: Sequence[str] = (), allow: Sequence[str] = (), score_all: bool = False,
            search_seconds: float | None = None, seed: int = 42) -> PredictResult:
    """Learn ``target`` from the other customer columns; evaluate on a stratified holdout; score the
    customers whose value is unknown (or everyone, with ``score_all``)."""
    from regulars.models.propensity import learn_business_label

    if not 0.05 <= holdout <= 0.9:
        raise SettingsError(f"--holdout must be between 0.05 and 0.9, got {holdout}")
    check_search(search_seconds)
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        customers = customer_profiles(store)
        if customers.empty:
            raise InsufficientDataError("no customer profiles are loaded; load a customers export first")
        learned = learn_business_label(customers, target, positive=positive, holdout=holdout, exclude=exclude,
                                       allow=allow, score_all=score_all, search_seconds=search_seconds, seed=seed,
                                       fairness_by=workspace.settings.privacy.fairness_by)
        with store.transaction():
            run_id = write_predictions(store, target, learned.card, learned.scored)
        top = with_names(store, learned.scored.sort_values("probability", ascending=False).head(10)).to_dict("records")
    return PredictResult(run_id=run_id, target=target, positive=learned.positive, rows_known=learned.rows_known,
                         rows_scored=len(learned.scored), holdout=holdout, card=in_words(learned.card), top=top)


def label_choices(workspace_path: str | Path) -> list[dict[str, Any]]:
    """The customer columns a prediction may learn (2 to 10 values), with their values."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        return label_columns(store)


def predictions(workspace_path: str | Path, run_id: str) -> Any:
    """A prediction run's scored customers, most likely first (for an export)."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        rows = prediction_rows(store, run_id)
    if rows.empty:
        raise NotFoundError(f"no prediction run {run_id!r} with scored customers")
    return rows
