"""The dashboard: server-rendered pages for the owner (home, customers, segments, playbooks
with the approval queue, data with an import page, models), served by ``regulars serve`` beside
the API. Its styles, script and charts ship in the package; nothing loads from the internet."""

from __future__ import annotations

from regulars._lazy import lazy_names

__all__ = ["create_site", "mount_dashboard"]

__getattr__, __dir__ = lazy_names("regulars.web", {"_pages": ("create_site", "mount_dashboard")})
