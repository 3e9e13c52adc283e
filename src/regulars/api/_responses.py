"""Response models: what each route returns, as pydantic models built from the application's
result records (one field per field of the record, its type as JSON carries it), so the OpenAPI
schema describes every answer and a route that returns something else fails loudly (the
schema test calls every operation)."""

from __future__ import annotations

import builtins
import dataclasses
import sys
import types
import typing
from datetime import date, datetime
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, create_model

__all__ = ["CustomerScoresResponse", "HealthResponse", "model_of"]


class _Frame:
    """A table of rows (a pandas frame in the record, a list of objects in JSON)."""


class _Names(dict):
    """Names in a record's annotations: its module's, the builtins, ``pd.DataFrame`` as rows,
    and any name only imported for type checking as an object."""

    def __init__(self, module: str) -> None:
        super().__init__(pd=types.SimpleNamespace(DataFrame=_Frame))
        self.module = vars(sys.modules[module])

    def __missing__(self, name: str) -> Any:
        if name in self.module:
            return self.module[name]
        return getattr(builtins, name, dict[str, Any])


def _as_json(hint: Any) -> Any:
    """The type ``hint``'s values have once ``jsonable`` made them JSON: frames are lists of
    objects, dates text, nested records objects; a number may be null (NaN is written as null)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is _Frame:
        return list[dict[str, Any]]
    if hint in (date, datetime):
        return str
    if hint is float:
        return float | None
    if origin is Literal or hint in (str, int, bool, type(None)) or hint is Any:
        return hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return dict[str, Any]
    if origin in (list, tuple, set, frozenset):
        return list[_as_json(args[0]) if args else Any]
    if origin is dict:
        return dict[str, _as_json(args[1])]
    if origin in (Union, types.UnionType):
        return Union[tuple(_as_json(a) for a in args)]  # noqa: UP007 - built from a tuple
    return Any


def model_of(record: type, *, name: str | None = None, drop: tuple[str, ...] = (), **more: Any) -> type[BaseModel]:
    """The response model of a result record: its shown fields (``drop`` left out) and ``more``
    (name -> type) for what a route adds or a record writes its own way."""
    hints = typing.get_type_hints(record, localns=_Names(record.__module__))
    shown = {f.name: (_as_json(hints[f.name]), ...) for f in dataclasses.fields(record)
             if f.repr and f.name not in drop}
    shown |= {key: (value, ...) for key, value in more.items()}
    return create_model(name or record.__name__.removesuffix("Result") + "Response",
                        __config__=ConfigDict(extra="forbid"), **shown)


class HealthResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ok: bool
    version: str


class CustomerScoresResponse(BaseModel):
    """One customer's latest scores (null before a run scored them) and the horizons they speak of."""

    model_config = ConfigDict(extra="forbid")
    customer_id: str
    scores: dict[str, Any] | None
    horizons: dict[str, int]
