"""Test seam for crash tests: ``REGULARS_FAULT=<point>`` kills the process at that point.

Crash safety cannot be shown without crashing; this is the one hook that lets a test do it
at a known place (a SIGKILL, as a power cut or OOM kill would). Unset, it costs one lookup.
"""

from __future__ import annotations

import os
import signal

__all__ = ["fault_point"]


def fault_point(name: str) -> None:
    if os.environ.get("REGULARS_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
