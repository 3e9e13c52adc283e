"""Test seam for crash tests: ``REGULARS_FAULT=<point>`` kills the process at that point.

Crash safety cannot be shown without crashing; this is the one hook that lets a test do it
at a known place (a SIGKILL, as a power cut or OOM kill would). Unset, it costs one lookup.
"""

from __future__ import annotations

import os
import signal

__all__ = ["fault_point"]


_passed: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Kill the process here when ``REGULARS_FAULT`` is ``name``, or ``name:N`` on the Nth pass."""
    wanted = os.environ.get("REGULARS_FAULT")
    if not wanted or not wanted.startswith(name):
        return
    _passed[name] = _passed.get(name, 0) + 1
    if wanted == name or wanted == f"{name}:{_passed[name]}":
        os.kill(os.getpid(), signal.SIGKILL)
