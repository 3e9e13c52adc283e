"""Evaluating triggers on a batch of customers (pure functions over arrays)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["in_band"]


def in_band(values: Any, options: dict[str, Any], groups: Any = None) -> np.ndarray:
    """Whether each value is in a score trigger's band: ``above`` and ``below`` are strict,
    ``at_least`` and ``at_most`` inclusive (so "above 0.70" and "0.40 to 0.70" split at 0.70:
    exactly 70% is the second band). Missing values are in no band. With ``groups`` (each
    value's group), a group of ``levels`` has its own lower bound."""
    v = np.asarray(values, dtype=float)
    keep = ~np.isnan(v)
    for bound, test in (("above", np.greater), ("at_least", np.greater_equal), ("below", np.less),
                        ("at_most", np.less_equal)):
        if bound in options:
            level = np.full(len(v), float(options[bound]))
            if groups is not None and bound in ("above", "at_least"):
                own = options.get("levels", {})
                level = np.array([own.get(g, lv) if isinstance(g, str) else lv for g, lv in zip(groups, level)])
            keep &= test(np.nan_to_num(v, nan=0.0), level)
    return keep
