"""The exception tree of regulars.

    RegularsError                      root; the CLI prints it as one red line and exits 1
    ├── WorkspaceError                 no workspace, or a broken regulars.toml
    ├── SettingsError(ValueError)      a setting or mapping value is wrong
    └── SourceError(ValueError)        a file cannot be used at all (nothing was stored)

Row-level problems are never exceptions: they go to quarantine with a reason.
"""

from __future__ import annotations

__all__ = ["RegularsError", "SettingsError", "SourceError", "WorkspaceError"]


class RegularsError(Exception):
    """Root of every error regulars raises on purpose; its message is written for people."""

    exit_code = 1


class WorkspaceError(RegularsError):
    """The workspace folder is missing, not a workspace, or its settings cannot be read."""

    exit_code = 2


class SettingsError(RegularsError, ValueError):
    """A setting, mapping file or option has a wrong value; the message names where."""

    exit_code = 2


class SourceError(RegularsError, ValueError):
    """A source file cannot be used at all; the store was not changed."""

    exit_code = 3
