"""``recommend``: what to offer one customer next, and when."""

from __future__ import annotations

from pathlib import Path

from regulars.app._results import ProductPairsResult, RecommendResult
from regulars.errors import InsufficientDataError, SettingsError
from regulars.store import customer_recommendations, customer_view, latest_run, open_workspace, product_neighbours

__all__ = ["recommend", "sells_with"]


def recommend(workspace_path: str | Path, customer_id: str, *, top: int = 5) -> RecommendResult:
    """A customer's next ``top`` products with the reason for each, the follow-up product and
    its day, and the products due for replenishment, from the latest run (which keeps
    ``recommend.keep`` products per customer)."""
    workspace = open_workspace(workspace_path)
    keep = workspace.settings.recommend.keep
    if not 1 <= top <= keep:
        raise SettingsError(f"ask for 1 to {keep} products, not {top} (a run keeps {keep} products per "
                            "customer: recommend.keep in regulars.toml)")
    with workspace.store(read_only=True) as store:
        resolved = customer_view(store, customer_id)["customer_id"]
        run = latest_run(store)
        found = customer_recommendations(store, resolved, run["run_id"])
    if not found["products"] and not found["replenishment"]:
        raise InsufficientDataError(f"run {run['run_id']} has no recommendations for {resolved} (the run lists why "
                                    "recommendations were skipped, if they were)")
    found["products"] = found["products"][:top]
    return RecommendResult(customer_id=resolved, run_id=run["run_id"], cutoff=str(run["cutoff"]), **found)


def sells_with(workspace_path: str | Path, product: str) -> ProductPairsResult:
    """What sells with one product (its id or name): bought together (lift, confidence) and bought
    after it, from the latest run; a till's anonymous baskets count."""
    workspace = open_workspace(workspace_path)
    with workspace.store(read_only=True) as store:
        run = latest_run(store)
        found = product_neighbours(store, run["run_id"], product)
    return ProductPairsResult(run_id=run["run_id"], cutoff=str(run["cutoff"]), **found)
