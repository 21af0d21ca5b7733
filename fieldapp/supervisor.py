"""The supervisor key: the secret that makes a user a supervisor, which operators never hold.

Every user unwraps the same store key, so nothing the store key protects can tell an operator
from a supervisor: an operator with the file and their own passphrase can rewrite any column.
A second random key, wrapped only under supervisors' passphrases (and the recovery code), is
what a supervisor has and an operator does not. A session is a supervisor's exactly when it
unwrapped this key; the `role` column is only a label. The key

- MACs the users table (who exists, their role, disabled or not, their key wraps), so a row
  added, promoted or re-enabled in the file is found at the next supervisor login and by
  `verify`;
- seals a disabled user's key wraps (`suspended`), so a disabled user has no wrap to log in with
  and cannot set `disabled = 0` to get one back;
- seeds the audit chain's forward-secure keys (`fieldapp.audit`).

Stores made before this key existed are upgraded at the first supervisor login after the schema
upgrade (the v4 migration marks them `pending`): that supervisor's session makes the key, wraps
it for itself, and leaves it for the other supervisors and the recovery code sealed under the
store key until each of them logs in (or a new recovery code is made). Until then their roles
are only as strong as they were before the upgrade; docs/store.md says so.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldapp import crypto
from fieldapp.keyring import get_meta, set_meta

USERS_SEAL = "users_seal"
MIGRATION_MARK = "supervisor_key_state"  # "pending" in a store upgraded from schema 3 until a supervisor logs in
PENDING_PREFIX = "pending_supervisor_key:"
RECOVERY = "recovery"  # the pending wrap's name for the recovery code
# The users table as the supervisor key vouches for it. Lockout counters and `updated_at` are
# left out: a wrong passphrase changes them in a session that holds no supervisor key.
_SEALED_COLUMNS = "name, role, disabled, kdf_params, kdf_salt, wrapped_key, supervisor_key, suspended, created_at"


@dataclass(frozen=True)
class SupervisorKeys:
    """Keys derived from the supervisor key, one per purpose."""

    users: bytes  # MACs the users table
    suspended: AESGCM  # seals a disabled user's key wraps
    audit_seed: bytes  # the audit chain's first forward-secure key

    @classmethod
    def derive(cls, supervisor_key: bytes) -> SupervisorKeys:
        return cls(
            users=crypto.subkey(supervisor_key, "supervisor/users"),
            suspended=AESGCM(crypto.subkey(supervisor_key, "supervisor/suspended")),
            audit_seed=crypto.subkey(supervisor_key, "supervisor/audit-chain"),
        )


def _context(name: str) -> bytes:
    return b"supervisor-key:" + name.encode("utf-8")


def wrap(kek: bytes, supervisor_key: bytes, name: str) -> bytes:
    """The supervisor key under one user's key-encryption key, bound to that user."""
    return crypto.wrap_key(kek, supervisor_key, _context(name))


def unwrap(kek: bytes, wrapped: bytes, name: str) -> bytes:
    return crypto.unwrap_key(kek, wrapped, _context(name))


def exists(conn: sqlite3.Connection) -> bool:
    """Whether this store has a supervisor key (a new store, or an upgraded one past its first supervisor login)."""
    return get_meta(conn, USERS_SEAL) is not None


def needs_migration(conn: sqlite3.Connection) -> bool:
    return get_meta(conn, MIGRATION_MARK) == "pending"


def finish_migration(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (MIGRATION_MARK,))


# -- the users table's seal ----------------------------------------------------------------


def _table_digest(conn: sqlite3.Connection, keys: SupervisorKeys) -> bytes:
    rows = conn.execute(f"SELECT {_SEALED_COLUMNS} FROM users ORDER BY name").fetchall()
    canonical = json.dumps([[_plain(value) for value in row] for row in rows], separators=(",", ":"))
    return crypto.mac(keys.users, canonical.encode("utf-8"))


def _plain(value: object) -> object:
    return bytes(value).hex() if isinstance(value, bytes | memoryview) else value


def seal_users(conn: sqlite3.Connection, keys: SupervisorKeys) -> None:
    """Vouch for the users table as it now is (after every change a supervisor makes to it)."""
    set_meta(conn, USERS_SEAL, _table_digest(conn, keys))


def users_intact(conn: sqlite3.Connection, keys: SupervisorKeys) -> bool:
    """Whether the users table is as a supervisor last left it."""
    sealed = get_meta(conn, USERS_SEAL)
    return isinstance(sealed, bytes) and hmac.compare_digest(sealed, _table_digest(conn, keys))


# -- wraps left for supervisors who have not logged in since the upgrade ------------------


def leave_pending(conn: sqlite3.Connection, secrets: AESGCM, supervisor_key: bytes, name: str) -> None:
    blob = crypto.seal(secrets, crypto.KIND_SECRET, supervisor_key, _context(PENDING_PREFIX + name))
    set_meta(conn, PENDING_PREFIX + name, blob)


def take_pending(conn: sqlite3.Connection, secrets: AESGCM, name: str) -> bytes | None:
    """The supervisor key left for `name` at the upgrade, removed from the store; None if none."""
    blob = get_meta(conn, PENDING_PREFIX + name)
    if not isinstance(blob, bytes):
        return None
    conn.execute("DELETE FROM meta WHERE key = ?", (PENDING_PREFIX + name,))
    try:
        return crypto.open_sealed(secrets, crypto.KIND_SECRET, blob, _context(PENDING_PREFIX + name))
    except crypto.Tampered:
        return None


def pending_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT key FROM meta WHERE key LIKE ? ORDER BY key", (PENDING_PREFIX + "%",))
    return [row[0].removeprefix(PENDING_PREFIX) for row in rows]


# -- a disabled user's wraps ----------------------------------------------------------------


def suspend(conn: sqlite3.Connection, keys: SupervisorKeys, name: str, now: str) -> None:
    """Take a user's key wraps away, sealed so only a supervisor can give them back."""
    row = conn.execute(
        "SELECT kdf_params, kdf_salt, wrapped_key, supervisor_key FROM users WHERE name = ?", (name,)
    ).fetchone()
    if row is None or not row[2]:
        return  # already suspended
    kept = json.dumps([row[0], bytes(row[1]).hex(), bytes(row[2]).hex(), bytes(row[3]).hex() if row[3] else None])
    sealed = crypto.seal(keys.suspended, crypto.KIND_SECRET, kept.encode(), b"suspended:" + name.encode())
    conn.execute(
        "UPDATE users SET disabled = 1, wrapped_key = x'', supervisor_key = NULL, suspended = ?, updated_at = ?"
        " WHERE name = ?",
        (sealed, now, name),
    )


def resume(conn: sqlite3.Connection, keys: SupervisorKeys, name: str, now: str) -> None:
    """Give a disabled user their key wraps back (the passphrase they had still works)."""
    sealed = conn.execute("SELECT suspended FROM users WHERE name = ?", (name,)).fetchone()
    if sealed is None or sealed[0] is None:
        conn.execute("UPDATE users SET disabled = 0, updated_at = ? WHERE name = ?", (now, name))
        return
    params, salt, wrapped, supervisor_wrap = json.loads(
        crypto.open_sealed(keys.suspended, crypto.KIND_SECRET, bytes(sealed[0]), b"suspended:" + name.encode())
    )
    conn.execute(
        "UPDATE users SET disabled = 0, kdf_params = ?, kdf_salt = ?, wrapped_key = ?, supervisor_key = ?,"
        " suspended = NULL, updated_at = ? WHERE name = ?",
        (
            params,
            bytes.fromhex(salt),
            bytes.fromhex(wrapped),
            bytes.fromhex(supervisor_wrap) if supervisor_wrap else None,
            now,
            name,
        ),
    )
