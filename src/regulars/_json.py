"""Values made safe for strict JSON: what every ``to_dict()`` and ``--json`` output goes through.

NaN, infinities, pandas' NA and NaT become null; numpy numbers become Python numbers; dates
and times become ISO text; frames become lists of records. ``json.dumps(..., allow_nan=False)``
then never fails and never writes the non-standard ``NaN``.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["dumps", "jsonable"]


def jsonable(value: Any) -> Any:
    """``value`` as plain dicts, lists, strings, finite numbers, booleans and None."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat() if value == value else None  # pandas' NaT is a datetime unequal to itself
    if isinstance(value, (Path, Decimal)):
        return str(value) if isinstance(value, Path) else jsonable(float(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return to_dict() if to_dict else jsonable({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    return _from_libraries(value)


def _from_libraries(value: Any) -> Any:
    """numpy and pandas values, recognised without importing either."""
    kind = type(value).__module__.split(".")[0]
    if kind == "numpy":
        if getattr(value, "ndim", 0):
            return jsonable(value.tolist())
        return jsonable(value.item())
    if kind == "pandas":
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return jsonable(value.to_dict("records"))
        if isinstance(value, pd.Series):
            return jsonable(value.tolist())
        if value is pd.NaT or value is pd.NA:
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Strict JSON text of ``value`` (NaN is never written)."""
    import json

    return json.dumps(jsonable(value), indent=indent, allow_nan=False, ensure_ascii=False)
