"""Privacy: a person's data given to them on request (access) and erased on request, across the
data catalogue's tables and the workspace's files."""

from regulars.privacy._access import access_document, access_html
from regulars.privacy._files import files_naming, scrub_files, workspace_files

__all__ = ["access_document", "access_html", "files_naming", "scrub_files", "workspace_files"]
