"""``regulars demo``: generate the shop, load every export, and report the status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from regulars import pipeline
from regulars.demo._generator import generate_shop, write_shop

__all__ = ["run_demo"]


def run_demo(path: str | Path, *, customers: int = 5000, seed: int = 7,
             step: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Create a workspace at ``path`` with the demo shop loaded; idempotent for the same seed."""
    step = step or (lambda s: None)
    path = Path(path)
    pipeline.init(path)
    step("generating the demo shop")
    files, truth = write_shop(generate_shop(customers, seed), path)
    loads = []
    for file, table in files:
        step(f"loading {file.name}")
        loads.extend(pipeline.ingest(path, [file], table=table))
    step("scoring customers")
    return {"workspace": str(path), "files_dir": str(files[0][0].parent), "truth": str(truth),
            "loads": loads, "status": pipeline.status(path), "run": pipeline.run(path)}
