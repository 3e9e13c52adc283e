"""One person's data, place by place of the data catalogue: found by any of their ids or their
email, read for an access request, and erased on request (physically: the file is rewritten,
see ``rewrite_database``), keeping only keyed one-way hashes so a re-import does not bring
them back."""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from regulars.store._catalogue import CATALOGUE, Place
from regulars.store._find import customer_named

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["Person", "erase_person", "erasure_secret", "erasures", "find_person", "person_rows", "pseudonym_secret",
           "rewrite_database", "suppression"]

#: What stands in for an erased value where a record must stay (the audit log).
ERASED = "(erased)"


@dataclass(frozen=True)
class Person:
    """Everyone's records that are this one person: the resolved id, every raw id linked to it
    (other sources' records, browsers), and the emails, phones and names they gave."""

    customer_id: str
    ids: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def values(self) -> tuple[str, ...]:
        """The values that identify them wherever a row or a file holds them."""
        return tuple(dict.fromkeys(v for v in (*self.ids, *self.emails, *self.phones) if v))


def find_person(store: Store, who: str) -> Person:
    """The one person ``who`` names (an id of any of their records, an email, a phone or a
    name no one else has; ``customer_named``), with all their linked records."""
    resolved = [customer_named(store, who)]
    ids = [r[0] for r in store.con.execute(
        "SELECT DISTINCT customer_id FROM customer_map WHERE resolved_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1",
        [resolved]).fetchall()]
    ids = sorted(set(ids) | set(resolved))
    found = store.con.execute(
        "SELECT list(DISTINCT email) FILTER (WHERE email IS NOT NULL), list(DISTINCT phone) FILTER (WHERE phone IS "
        "NOT NULL), list(DISTINCT name) FILTER (WHERE name IS NOT NULL) FROM customers "
        "WHERE customer_id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchone()
    emails, phones, names = (tuple(sorted(v or [])) for v in found)
    return Person(customer_id=resolved[0], ids=tuple(ids), emails=emails, phones=phones, names=names)


def _stage(con: duckdb.DuckDBPyConnection, person: Person) -> None:
    """``_person`` and ``_person_values``, which the catalogue's conditions read."""
    con.execute("CREATE OR REPLACE TEMP TABLE _person AS SELECT unnest(?::VARCHAR[]) AS id", [list(person.ids)])
    con.execute("CREATE OR REPLACE TEMP TABLE _person_values AS SELECT DISTINCT lower(CAST(to_json(v) AS VARCHAR)) "
                "AS needle FROM (SELECT unnest(?::VARCHAR[]) AS v)", [list(person.values)])


def _unstage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _person")
    con.execute("DROP TABLE IF EXISTS _person_values")


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main'").fetchall()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def person_rows(store: Store, person: Person) -> dict[str, list[dict[str, Any]]]:
    """Per table or view of the catalogue, the person's rows (JSON-safe values)."""
    con = store.con
    have = _tables(con)
    out: dict[str, list[dict[str, Any]]] = {}
    _stage(con, person)
    try:
        for place in CATALOGUE:
            if place.kind == "files" or place.name not in have:
                continue
            cursor = con.execute(f"SELECT * FROM {place.name} WHERE {place.rows_of_person}")
            names = [d[0] for d in cursor.description]
            out[place.name] = [{n: _jsonable(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]
    finally:
        _unstage(con)
    return out


def _secret(store: Store, key: str) -> str:
    found = store.con.execute("SELECT value FROM store_meta WHERE key = ?", [key]).fetchone()
    if found:
        return found[0]
    secret = secrets.token_urlsafe(32)
    store.con.execute("INSERT INTO store_meta VALUES (?, ?)", [key, secret])
    return secret


def erasure_secret(store: Store) -> str:
    """The shop's key for erasure hashes, made on first need: without it a hash cannot be
    matched against a list of emails."""
    return _secret(store, "erasure_secret")


def pseudonym_secret(store: Store) -> str:
    """The shop's key for pseudonyms in exports (made on first need, a writable store): the same
    person has the same pseudonym in every export, and no one without the key can tell who."""
    return _secret(store, "pseudonym_secret")


def suppression(store: Store) -> Any:
    """What a load needs to leave erased people out (None when no one was erased)."""
    from regulars.ingest import Suppression

    hashes = store.con.execute("SELECT list(DISTINCT h) FROM (SELECT unnest(hashes) AS h FROM erasures)").fetchone()[0]
    if not hashes:
        return None
    return Suppression(erasure_secret(store), tuple(hashes), store.settings.ingest.strip_plus_addressing)


def _erase_place(con: duckdb.DuckDBPyConnection, place: Place) -> int:
    """Erase the person from one table; returns the rows it touched."""
    where = place.rows_of_person
    if place.erase == "delete":
        return con.execute(f"DELETE FROM {place.name} WHERE {where}").fetchone()[0]
    if place.erase == "anonymise":
        blank = ", ".join(f"{c} = NULL" for c in ("customer_id", "attributes")
                          if c in place.keys or c in place.json)
        return con.execute(f"UPDATE {place.name} SET {blank} WHERE {where}").fetchone()[0]
    if place.erase == "redact":
        needles = {json.loads(n) for (n,) in con.execute("SELECT needle FROM _person_values").fetchall()}
        found = con.execute(f"SELECT rowid, {', '.join(place.json)} FROM {place.name} WHERE {where}").fetchall()
        for rowid, *values in found:
            kept = [None if v is None else json.dumps(_without(json.loads(v), needles)) for v in values]
            con.execute(f"UPDATE {place.name} SET {', '.join(f'{c} = ?' for c in place.json)} WHERE rowid = ?",
                        [*kept, rowid])
        return len(found)
    return 0


def _without(value: Any, needles: set[str]) -> Any:
    """``value`` (parsed JSON) without the person: a record in a list naming them goes (a
    customer in a run's list of those at risk); any other value of theirs is replaced."""
    if isinstance(value, str):
        return ERASED if value.lower() in needles else value
    if isinstance(value, list):
        return [_without(v, needles) for v in value
                if not (isinstance(v, dict) and any(isinstance(x, str) and x.lower() in needles for x in v.values()))]
    if isinstance(value, dict):
        return {k: _without(v, needles) for k, v in value.items()}
    return value


def erase_person(store: Store, person: Person, why: str, actor: str) -> dict[str, Any]:
    """Erase ``person`` from every table of the catalogue (the caller holds the transaction):
    rows deleted, their sales kept without them, their values in the audit log replaced; the
    tables derived from orders and identities worked out again; an erasure record kept with
    hashes of their ids and emails only. Returns the rows touched per table."""
    from regulars.ingest import erasure_hash_sql
    from regulars.store._identity import refresh_identities
    from regulars.store._sales import refresh_purchases

    con = store.con
    secret = erasure_secret(store)
    strip = store.settings.ingest.strip_plus_addressing
    hashes = [r[0] for r in con.execute(
        f"SELECT DISTINCT h FROM (SELECT {erasure_hash_sql('v', 'id', secret)} AS h FROM "
        f"(SELECT unnest(?::VARCHAR[]) AS v) UNION ALL SELECT {erasure_hash_sql('v', 'email', secret, strip)} FROM "
        f"(SELECT unnest(?::VARCHAR[]) AS v)) WHERE h IS NOT NULL ORDER BY 1",
        [list(person.ids), list(person.emails)]).fetchall()]
    have = _tables(con)
    removed: dict[str, int] = {}
    _stage(con, person)
    try:
        for place in reversed(CATALOGUE):  # what is read through another place goes before it
            if place.kind == "table" and place.name in have:
                n = _erase_place(con, place)
                if n:
                    removed[place.name] = int(n)
    finally:
        _unstage(con)
    refresh_identities(con, con.execute("SELECT coalesce(max(seq), 0) + 1 FROM batches").fetchone()[0])
    refresh_purchases(con)
    erasure_id = uuid.uuid4().hex[:12]
    con.execute("INSERT INTO erasures VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?)",
                [erasure_id, actor, why, hashes, json.dumps(removed)])
    store.audit("erase customer", {"erasure_id": erasure_id, "why": why, "removed": removed}, actor=actor)
    return {"erasure_id": erasure_id, "removed": removed}


def erasures(store: Store) -> list[dict[str, Any]]:
    """Every erasure done, newest first (no one's name in them: that is the point)."""
    return [r | {"removed": json.loads(r["removed"] or "{}")} for r in store.rows(
        "SELECT erasure_id, CAST(erased_at AS VARCHAR) AS erased_at, erased_by, why, len(hashes) AS hashes, "
        "CAST(removed AS VARCHAR) AS removed FROM erasures ORDER BY erased_at DESC")]


def rewrite_database(path: Path) -> None:
    """Copy the database into a new file and put it in the old one's place, so no freed block
    of the old file (DuckDB's DELETE leaves the bytes there) survives. Every connection to
    ``path`` must be closed first; the old file's bytes are overwritten with zeros once the
    new one is in its place (a crash before that leaves the old file whole)."""
    path = Path(path)
    fresh = path.with_name(f".{path.name}.{os.getpid()}.rewrite")
    fresh.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("CHECKPOINT")
        con.execute(f"ATTACH '{fresh}' AS fresh")
        con.execute(f"COPY FROM DATABASE \"{_catalog(con)}\" TO fresh")
        con.execute("DETACH fresh")
    finally:
        con.close()
    with open(path, "r+b") as old:  # held open: the old bytes are overwritten once the new file is in place
        os.replace(fresh, path)
        size = os.fstat(old.fileno()).st_size
        for start in range(0, size, 1 << 20):
            old.write(bytes(min(1 << 20, size - start)))
        old.flush()
        os.fsync(old.fileno())
    Path(f"{path}.wal").unlink(missing_ok=True)


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]
