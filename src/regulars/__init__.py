"""regulars: know which customers come back, which slip away, and what each one needs next."""

from regulars._version import __version__
from regulars.errors import RegularsError, SettingsError, SourceError, WorkspaceError

__all__ = ["RegularsError", "SettingsError", "SourceError", "WorkspaceError", "__version__"]
