"""``privacy``: a person's data given to them (access) and erased (erasure) on request, across
every place of the data catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import SettingsError
from regulars.store import CATALOGUE, open_workspace

__all__ = ["AccessResult", "DisclosureResult", "ErasureResult", "customer_data", "disclosure", "erase_customer",
           "erasures_done"]

#: The workspace files the catalogue declares.
_FILE_GLOBS = [p.name for p in CATALOGUE if p.kind == "files"]


@dataclass(frozen=True)
class AccessResult(Result):
    """Everything held about one person (``document``), and where it was written."""

    customer_id: str
    document: dict[str, Any]
    json_file: str | None = None
    html_file: str | None = None
    #: the plain page to give them (what ``html_file`` holds)
    html: str = ""


@dataclass(frozen=True)
class ErasureResult(Result):
    """One erasure: what went, table by table and file by file, and how the database file was
    made to forget it (rewritten whole)."""

    erasure_id: str
    customer_id: str
    removed: dict[str, int]
    files: dict[str, int]
    reports: list[str]
    rewritten: str
    why: str


def _person_dict(person: Any) -> dict[str, Any]:
    return {"customer_id": person.customer_id, "linked_ids": [i for i in person.ids if i != person.customer_id],
            "name": person.names[0] if person.names else None, "emails": list(person.emails),
            "phones": list(person.phones)}


def customer_data(workspace_path: str | Path, who: str, *, to: str | Path | None = None) -> AccessResult:
    """Everything held about the person ``who`` names (an id, their email or phone), from every
    place of the data catalogue; with ``to`` (a folder), also written there as JSON and as a
    plain HTML page."""
    import json

    from regulars._files import atomic_write_text
    from regulars.privacy import access_document, access_html, files_naming
    from regulars.store import find_person, person_rows

    workspace = open_workspace(workspace_path)
    folder = Path(to) if to is not None else None
    if folder is not None and not folder.is_dir():
        raise SettingsError(f"{folder}: no such folder for the answer; make it first or choose another")
    with workspace.store(read_only=True) as store:
        person = find_person(store, who)
        rows = person_rows(store, person)
    places = [{"name": p.name, "what": p.what, "rows": rows[p.name]} for p in CATALOGUE if p.name in rows]
    files = files_naming(workspace.path, _FILE_GLOBS, person.values)
    made_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    doc = access_document(_person_dict(person), places, files, workspace.path.name, made_at)
    page = access_html(doc)
    if folder is None:
        return AccessResult(customer_id=person.customer_id, document=doc, html=page)
    stem = f"data-of-{person.customer_id}"
    json_file, html_file = folder / f"{stem}.json", folder / f"{stem}.html"
    atomic_write_text(json_file, json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    atomic_write_text(html_file, page)
    return AccessResult(customer_id=person.customer_id, document=doc, json_file=str(json_file),
                        html_file=str(html_file), html=page)


def erase_customer(workspace_path: str | Path, who: str, *, why: str, by: str = "cli") -> ErasureResult:
    """Erase the person ``who`` names from every place of the data catalogue: their rows go
    (their orders stay, as sales without them), their values in the audit log are replaced, the
    workspace's files lose their rows, a report naming them is written again, and the database
    file is rewritten so no freed block keeps their bytes. Only keyed one-way hashes of their
    ids and emails stay, so a re-import leaves them out (counted), and the next run retrains
    the models their rows were in."""
    from regulars.privacy import scrub_files
    from regulars.store import erase_person, find_person, rewrite_database

    why = why.strip()
    if not why:
        raise SettingsError("say why the person is erased (--why), for the record: such as 'asked by email on "
                            "2026-12-01'; do not name them")
    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        person = find_person(store, who)
        with store.transaction():
            done = erase_person(store, person, why, actor=by)
    files, reports = scrub_files(workspace.path, _FILE_GLOBS, person.values)
    written = [_write_again(workspace.path, r) for r in reports]
    rewrite_database(workspace.database)
    return ErasureResult(erasure_id=done["erasure_id"], customer_id=person.customer_id, removed=done["removed"],
                         files=files, reports=written, why=why,
                         rewritten=f"{workspace.database.name} copied into a new file and the old bytes overwritten")


def _write_again(root: Path, report_file: Path) -> str:
    """A report naming the erased person: written again from what is left, or removed when it
    cannot be (say, no run yet)."""
    from regulars.app._report import report

    name = str(report_file.relative_to(root))
    try:
        report(root, report_file)
    except Exception:  # noqa: BLE001 - whatever stops a report, it must not keep the person
        report_file.unlink(missing_ok=True)
        return f"{name}: removed (it could not be written again; `regulars report` writes a new one)"
    return f"{name}: written again without them"


def erasures_done(workspace_path: str | Path) -> list[dict[str, Any]]:
    """Every erasure done, newest first: when, by whom, why and what went (no one's name)."""
    from regulars.store import erasures

    with open_workspace(workspace_path).store(read_only=True) as store:
        return erasures(store)


@dataclass(frozen=True)
class DisclosureResult(Result):
    """The privacy notice a shop can publish, as written: its text, and the two files."""

    text: str
    text_file: str
    html_file: str
    sections: list[str]
    #: the settings the notice needs that are empty (it then says "we" and "write to us")
    unset: list[str]


def disclosure(workspace_path: str | Path, *, to: str | Path | None = None) -> DisclosureResult:
    """A privacy notice from what the workspace holds (tables and columns with data), predicts
    (the latest run's models), does (the playbooks switched on) and keeps (the settings), written
    as disclosure.txt and disclosure.html in the workspace (or the folder ``to``)."""
    from regulars._files import atomic_write_text
    from regulars.errors import InsufficientDataError
    from regulars.privacy import disclosure_html, disclosure_sections, disclosure_text
    from regulars.store import held_columns, latest_run, run_cards

    workspace = open_workspace(workspace_path)
    folder = Path(to) if to is not None else workspace.path
    if not folder.is_dir():
        raise SettingsError(f"{folder}: no such folder for the disclosure; make it first or choose another")
    settings = workspace.settings
    with workspace.store(read_only=True) as store:
        held = held_columns(store)
        try:
            cards = run_cards(store, latest_run(store)["run_id"])["models"]
        except InsufficientDataError:  # nothing scored yet: nothing predicted to disclose
            cards = {}
    from regulars.app._run import read_playbook_set

    books = read_playbook_set(workspace.path)
    privacy = settings.privacy
    facts = {
        "shop": privacy.shop, "contact": privacy.contact, "held": held,
        "models": {name: (card or {}).get("horizon_days") for name, card in cards.items()},
        "fairness": {name: ", ".join(a["verdict"].split(":")[0] for a in card["fairness"]["audits"])
                     for name, card in cards.items() if isinstance(card, dict) and card.get("fairness")
                     and card["fairness"]["audits"]},
        "grouped_by": list(dict.fromkeys(a["attribute"] for card in cards.values() if isinstance(card, dict)
                                         for a in (card.get("fairness") or {}).get("audits", []))),
        "playbooks": [b.description for b in books.playbooks.values() if b.enabled and b.description],
        "keep": {"events": privacy.keep_events_days, "messages": privacy.keep_messages_days,
                 "quarantine": privacy.keep_quarantine_days},
        "link_days": settings.serve.preference_days,
    }
    sections = disclosure_sections(facts)
    title = f"How {privacy.shop} uses your data" if privacy.shop else "How we use your data"
    text = disclosure_text(sections, title)
    text_file, html_file = folder / "disclosure.txt", folder / "disclosure.html"
    atomic_write_text(text_file, text)
    atomic_write_text(html_file, disclosure_html(sections, title))
    return DisclosureResult(text=text, text_file=str(text_file), html_file=str(html_file),
                            sections=[h for h, _ in sections],
                            unset=[f"privacy.{k}" for k in ("shop", "contact") if not getattr(privacy, k)])
