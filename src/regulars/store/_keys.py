"""API keys: only a hash of each secret is stored, so a copy of the store gives no access. A key
reads ``rk_<id>_<secret>``: the id finds the row, the secret's SHA-256 must match (the secret
is 32 random bytes, so a slow hash would add nothing)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regulars.store._store import Store

__all__ = ["ROLES", "add_key", "key_rows", "keys_in_force", "match_key", "revoke_key"]

#: Who may do what: read everything; write data (events, records); analyse (runs, segments,
#: models); decide (approve actions, playbooks, delivery); admin (keys); collect (page views
#: from the shop's own pages: a site key is in every page's source, so it may do nothing else).
ROLES: dict[str, frozenset[str]] = {
    "owner": frozenset({"read", "data", "collect", "analyse", "decide", "admin"}),
    "analyst": frozenset({"read", "analyse"}),
    "integrator": frozenset({"read", "data", "collect"}),
    "read-only": frozenset({"read"}),
    "site": frozenset({"collect"}),
}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_key(store: Store, name: str, role: str, by: str, at: Any) -> str:
    """A new key for ``role``; the full key is returned once and never stored."""
    key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    store.con.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
                      [key_id, name, role, _digest(secret), at, by])
    store.audit("api_key_created", {"key_id": key_id, "name": name, "role": role}, actor=by)
    return f"rk_{key_id}_{secret}"


def key_rows(store: Store) -> list[dict[str, Any]]:
    """Every key without its hash: id, name, role, created, by, revoked."""
    return store.rows("SELECT key_id, name, role, CAST(created_at AS VARCHAR) AS created_at, created_by, "
                      "CAST(revoked_at AS VARCHAR) AS revoked_at FROM api_keys ORDER BY created_at, key_id")


def revoke_key(store: Store, key_id: str, by: str, at: Any) -> bool:
    """Revoke a key; False when there is no such key still in force."""
    done = store.con.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                             [at, key_id]).fetchone()[0]
    if done:
        store.audit("api_key_revoked", {"key_id": key_id}, actor=by)
    return bool(done)


def match_key(keys: dict[str, tuple[str, str, str]], key: str) -> tuple[str, str] | None:
    """(name, role) of a presented key, given the keys in force (id -> (hash, name, role)), or
    None. The comparison takes the same time whatever the secret."""
    parts = key.split("_", 2) if key.startswith("rk_") else []
    if len(parts) != 3 or parts[1] not in keys:
        return None
    digest, name, role = keys[parts[1]]
    return (name, role) if hmac.compare_digest(digest, _digest(parts[2])) else None


def keys_in_force(store: Store) -> dict[str, tuple[str, str, str]]:
    """id -> (hash, name, role) of every key not revoked."""
    return {k: (h, n, r) for k, h, n, r in store.con.execute(
        "SELECT key_id, secret_hash, name, role FROM api_keys WHERE revoked_at IS NULL").fetchall()}
