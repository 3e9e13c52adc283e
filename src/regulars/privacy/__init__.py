"""Privacy: the notice a shop publishes; a person's data given to them on request (access) and erased on request, across the
data catalogue's tables and the workspace's files; the signed links to their preferences and to
unsubscribe that every message carries."""

from regulars.privacy._access import access_document, access_html
from regulars.privacy._disclosure import disclosure_html, disclosure_sections, disclosure_text
from regulars.privacy._files import files_naming, scrub_files, workspace_files
from regulars.privacy._links import LINK_PURPOSES, read_person_link, sign_person_link

__all__ = ["LINK_PURPOSES", "access_document", "access_html", "disclosure_html", "disclosure_sections",
           "disclosure_text", "files_naming", "read_person_link", "scrub_files",
           "sign_person_link", "workspace_files"]
