"""What an action is expected to earn, from what its playbook was measured to do: nothing is
claimed that was not measured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["expected_value"]


def expected_value(results: Sequence[dict[str, Any]], playbooks: pd.Series, order_value: Any, cost: Any,
                   margin: float) -> np.ndarray:
    """Per action: its playbook's measured lift in conversion (treated against held out, counted
    only where the interval excludes zero) times the customer's expected order value (else the
    measured revenue per extra order) times the margin, less the action's cost. ``results`` are
    the playbooks' measured results (``effects`` with ``measure``, ``difference``, ``low``).
    NaN where the playbook has no measured effect yet."""
    lift, per_order = {}, {}
    for p in results:
        effects = {e["measure"]: e for e in p.get("effects", [])}
        conversion, revenue = effects.get("conversion"), effects.get("revenue per customer")
        if conversion and conversion["low"] > 0:
            lift[p["playbook"]] = conversion["difference"]
            per_order[p["playbook"]] = revenue["difference"] / conversion["difference"]
    if not lift or not len(playbooks):
        return np.full(len(playbooks), np.nan)
    fallback = playbooks.map(per_order).to_numpy(dtype=float)
    value = pd.Series(np.broadcast_to(np.asarray(order_value, dtype=float), len(playbooks)),
                      dtype=float).fillna(pd.Series(fallback)).to_numpy()
    return playbooks.map(lift).to_numpy(dtype=float) * value * margin - np.asarray(cost, dtype=float)
