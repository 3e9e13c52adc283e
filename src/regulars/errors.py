"""The exception tree of regulars: everything it raises on purpose.

    RegularsError                        root; the CLI prints it as one line and exits with exit_code
    ├── WorkspaceError                   no workspace, or a broken store            (exit 2)
    │   └── WorkspaceBusyError           another process has the workspace (`regulars serve`, a load) (exit 5)
    ├── SettingsError(ValueError)        a setting, option or mapping value is wrong (exit 2)
    │   └── NotFoundError                no such customer, segment or action (exit 2; 404 in the API)
    ├── SourceError(ValueError)          a file cannot be used at all; nothing stored (exit 3)
    ├── DeliveryError                    a delivery channel refused as a whole (login); actions stay queued (exit 4)
    ├── InsufficientDataError            too little data for this answer; says what is needed (exit 1)
    ├── ModelError                       a fitted model cannot be used as asked      (exit 1)
    │   ├── NotFittedError(ValueError, AttributeError)   predict before fit
    │   ├── ConvergenceError             the fit did not converge
    │   └── ModelFileError               a saved model is unreadable or of another format
    └── ...

Row-level problems are never exceptions: they go to quarantine with a reason. Anything else
that reaches the CLI is a bug: it prints "internal error" and exits 70.
"""

from __future__ import annotations

__all__ = [
    "ClosedError",
    "ConvergenceError",
    "DeliveryError",
    "InsufficientDataError",
    "ModelError",
    "ModelFileError",
    "NotFittedError",
    "NotFoundError",
    "RegularsError",
    "SettingsError",
    "SourceError",
    "WorkspaceBusyError",
    "WorkspaceError",
]


class RegularsError(Exception):
    """Root of every error regulars raises on purpose; its message is written for people."""

    exit_code = 1


class WorkspaceError(RegularsError):
    """The workspace folder is missing, not a workspace, or its store cannot be opened."""

    exit_code = 2


class WorkspaceBusyError(WorkspaceError):
    """Another process has the workspace: ``regulars serve`` owns it while it runs, and DuckDB
    lets one process write a file. The message says which process and what to do."""

    exit_code = 5


class SettingsError(RegularsError, ValueError):
    """A setting, mapping file or option has a wrong value; the message names where."""

    exit_code = 2


class NotFoundError(SettingsError):
    """The customer, segment or action asked for does not exist; the message says where to look."""


class ClosedError(SettingsError):
    """A link that worked once and no longer does: a survey already answered, or expired."""


class SourceError(RegularsError, ValueError):
    """A source file cannot be used at all; the store was not changed."""

    exit_code = 3


class DeliveryError(RegularsError):
    """A delivery channel refused as a whole (the SMTP server refused the login, say); the
    actions stay queued with the attempt recorded."""

    exit_code = 4


class InsufficientDataError(RegularsError):
    """Too little history for a trustworthy answer; the message says what is needed."""


class ModelError(RegularsError):
    """A model cannot do what was asked of it."""


class NotFittedError(ModelError, ValueError, AttributeError):
    """A model was asked to predict before it was fitted (as scikit-learn's NotFittedError)."""


class ConvergenceError(ModelError):
    """The maximum-likelihood fit did not converge; the message says what to try."""


class ModelFileError(ModelError):
    """A saved model file cannot be read, or was written in another format or version."""
