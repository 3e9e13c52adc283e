"""The record of one load (a row of ``batches``), as the store returns it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["BatchResult"]


@dataclass(frozen=True)
class BatchResult:
    """The record of one load, as stored in ``batches``."""

    batch_id: str
    table: str
    source_name: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_unchanged: int
    customers_created: int
    written: dict[str, int]
    already_loaded: bool = False
    loaded_at: str = ""
    rows_anonymous: int = 0
    rows_updated: int = 0
    #: rows naming an erased person (dropped; an order kept as a sale without them)
    rows_suppressed: int = 0
    changes: list[str] = field(default_factory=list)
    #: earlier batches of the same file this load replaced (``ingest --replace``)
    replaced: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)
