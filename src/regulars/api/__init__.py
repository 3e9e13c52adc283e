"""The REST API (FastAPI): one app per served workspace, calling only ``regulars.app``.

Keys with roles guard every route but the health check; errors are JSON with a message a
person can act on; bodies have a size limit. ``regulars serve`` runs it on uvicorn with the
dashboard beside it."""

from __future__ import annotations

from regulars._lazy import lazy_names

__all__ = ["Caller", "Denied", "create_app"]

__getattr__, __dir__ = lazy_names("regulars.api", {"_main": ("create_app",), "_auth": ("Caller", "Denied")})
