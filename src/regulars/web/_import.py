"""The import page, the no-code path: upload a file, see the suggested column for each of the
table's columns with its evidence, change what is wrong, load. The upload is kept in the
workspace's ``incoming`` folder under its own name until it is loaded."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from regulars.api import Denied
from regulars.app import TABLES
from regulars.web._render import form_checked, page, session_of

__all__ = ["mount"]



def _safe_name(name: str) -> str:
    """A file name with nothing but letters, digits, dots, dashes and underscores (no folders)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "upload.csv").name).strip("._") or "upload.csv"
    return base[:120]


def _upload(request: Request, upload_id: str, name: str) -> Path:
    """The uploaded file named by a form (checked to be one of this workspace's uploads)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", upload_id) or _safe_name(name) != name:
        raise Denied(400, "this upload is not known; upload the file again")
    path = Path(request.app.state.workspace) / "incoming" / upload_id / name
    if not path.is_file():
        raise Denied(400, "this upload is gone (it was loaded already, or the server restarted); upload it again")
    return path


def mount(api: FastAPI) -> None:
    """Add the import page's routes to ``api``."""

    @api.get("/data/import", include_in_schema=False)
    def import_page(request: Request) -> HTMLResponse:
        session = session_of(request, "data")
        return page(request, "import.html", session, tables=TABLES, suggestion=None)

    @api.post("/data/import", include_in_schema=False)
    async def upload(request: Request, file: Annotated[UploadFile, File()],
                     table: Annotated[str, Form(max_length=40)], token: Annotated[str, Form(max_length=100)] = ""
                     ) -> HTMLResponse:
        from regulars import app

        session = form_checked(request, token, "data")
        if table not in TABLES:
            raise Denied(422, f"choose a table among {', '.join(TABLES)}")
        upload_id = secrets.token_urlsafe(12)
        folder = Path(request.app.state.workspace) / "incoming" / upload_id
        folder.mkdir(parents=True)
        path = folder / _safe_name(file.filename or "")
        path.write_bytes(await file.read())
        try:
            suggestion = await run_in_threadpool(app.suggest_mapping, path, table)
        except Exception:  # a file that cannot be read is not kept
            path.unlink(missing_ok=True)
            folder.rmdir()
            raise
        return page(request, "import.html", session, tables=TABLES, suggestion=suggestion, upload_id=upload_id,
                    name=path.name, table=table)

    @api.post("/data/import/load", include_in_schema=False)
    async def load(request: Request) -> RedirectResponse:
        return await run_in_threadpool(_load, request, await request.form())


def _load(request: Request, form: Any) -> RedirectResponse:
    """The uploaded file loaded with the mapping as the person left it (in the thread pool)."""
    import tempfile

    from regulars import app

    session = form_checked(request, str(form.get("token", "")), "data")
    table = str(form.get("table", ""))
    if table not in TABLES:
        raise Denied(422, f"choose a table among {', '.join(TABLES)}")
    path = _upload(request, str(form.get("upload_id", "")), str(form.get("name", "")))
    choices = {str(k)[4:]: (str(v) or None) for k, v in form.items() if str(k).startswith("col:")}
    with tempfile.TemporaryDirectory() as scratch:
        mapping = Path(scratch) / "mapping.toml"
        app.suggest_mapping(path, table, write=mapping, choices=choices)
        (loaded,) = app.ingest(request.app.state.workspace, [path], mapping_file=mapping).loads
    path.unlink(missing_ok=True)
    path.parent.rmdir()
    said = (f"{path.name}: read {loaded.rows_read:,}, loaded {loaded.rows_accepted:,}"
            + (f", anonymous {loaded.rows_anonymous:,}" if loaded.rows_anonymous else "")
            + f", quarantined {loaded.rows_quarantined:,} (batch {loaded.batch_id}; by {session.caller.name})")
    return RedirectResponse(f"/data?message={quote(said)}", status_code=303)
