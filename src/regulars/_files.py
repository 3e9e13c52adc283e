"""Writing files whole or not at all: exports, kept models and the demo's files.

Each write goes to a temporary file in the same folder, is flushed to disk, then renamed over
the target, so a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from regulars.errors import SettingsError

__all__ = ["atomic_path", "atomic_write_text"]


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` (fsynced first)."""
    target = Path(target)
    if not target.parent.is_dir():
        raise SettingsError(f"{target}: the folder {target.parent} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise SettingsError(f"{target}: cannot write there ({exc.strerror})") from None
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def atomic_write_text(target: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` whole or not at all."""
    with atomic_path(target) as partial:
        partial.write_text(text, encoding="utf-8")
