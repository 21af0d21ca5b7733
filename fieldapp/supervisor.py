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
upgrade (the v4 migration marks them `pending`): that supervisor's session makes the key and
wraps it for itself. The key is never left anywhere an operator could open: other supervisors
of an upgraded store get it when a supervisor resets their passphrase, and the recovery code
carries it once a supervisor makes a new one (`fieldapp recovery-code`). Until that first
supervisor login, roles are only as strong as they were before the upgrade; docs/store.md says so.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldapp import crypto
from fieldapp.keyring import get_meta, set_meta

USERS_SEAL = "users_seal"  # JSON {user name: MAC of that user's row}
MIGRATION_MARK = "supervisor_key_state"  # "pending" in a store upgraded from schema 3 until a supervisor logs in
LAST_USERS_CHANGE = "users_change_seq"  # the audit entry of the newest users change (see `rolled_back`)
UNKEYED = "unkeyed_supervisors"  # an upgraded store's other supervisors, who need a reset to get the key
# A user's row as the supervisor key vouches for it. Lockout counters and `updated_at` are left
# out: a wrong passphrase changes them in a session that holds no supervisor key.
_SEALED_COLUMNS = "name, role, disabled, kdf_params, kdf_salt, wrapped_key, supervisor_key, suspended, created_at"
# What only a store that has had a supervisor key holds. Any one of them keeps the store out of
# the upgrade path, so an edit has to remove every one to pretend the store is an old one.
_EVIDENCE_META = ("users_seal", "audit_epoch", "audit_key", "recovery_supervisor_wrapped")


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
    """Whether this store has ever had a supervisor key (new, or upgraded past its first supervisor login)."""
    marks = ",".join("?" * len(_EVIDENCE_META))
    if conn.execute(f"SELECT 1 FROM meta WHERE key IN ({marks}) LIMIT 1", _EVIDENCE_META).fetchone():
        return True
    return bool(
        conn.execute("SELECT 1 FROM users WHERE supervisor_key IS NOT NULL OR suspended IS NOT NULL LIMIT 1").fetchone()
    )


def is_old_store(conn: sqlite3.Connection) -> bool:
    """A store from before the supervisor key, not yet upgraded: its older state is trusted once.

    Only then are an unsealed enrolment, a plain pull cursor and unMACed queue entries taken as
    an older fieldapp left them (and sealed). In any other store they are edits.
    """
    return get_meta(conn, MIGRATION_MARK) == "pending" and not exists(conn)


def finish_migration(conn: sqlite3.Connection, unkeyed: list[str]) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (MIGRATION_MARK,))
    set_meta(conn, UNKEYED, json.dumps(sorted(unkeyed)))


def is_unkeyed(conn: sqlite3.Connection, name: str) -> bool:
    """A supervisor of an upgraded store who has not had the key yet (not a sign of an edit)."""
    try:
        return name in json.loads(str(get_meta(conn, UNKEYED) or "[]"))
    except ValueError:
        return False


def keyed(conn: sqlite3.Connection, name: str) -> None:
    """`name` now holds the supervisor key (a supervisor reset their passphrase)."""
    if is_unkeyed(conn, name):
        left = [other for other in json.loads(str(get_meta(conn, UNKEYED))) if other != name]
        set_meta(conn, UNKEYED, json.dumps(left))


# -- the users table's seal: one MAC per row ----------------------------------------------


def _row_macs(conn: sqlite3.Connection, keys: SupervisorKeys) -> dict[str, str]:
    rows = conn.execute(f"SELECT {_SEALED_COLUMNS} FROM users ORDER BY name").fetchall()
    return {row[0]: _row_mac(keys, row) for row in rows}


def _row_mac(keys: SupervisorKeys, row: tuple) -> str:
    canonical = json.dumps([_plain(value) for value in row], separators=(",", ":"))
    return crypto.mac(keys.users, canonical.encode("utf-8")).hex()


def _plain(value: object) -> object:
    return bytes(value).hex() if isinstance(value, bytes | memoryview) else value


def _sealed(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        sealed = json.loads(str(get_meta(conn, USERS_SEAL) or "{}"))
    except ValueError:
        return {}
    return sealed if isinstance(sealed, dict) else {}


def seal_users(conn: sqlite3.Connection, keys: SupervisorKeys, names: list[str] | None = None) -> None:
    """Vouch for the rows of `names` as they now are (every row when None).

    A supervisor's action reseals only the rows it changed, so a row edited in the file stays
    flagged however many other changes a supervisor makes afterwards.
    """
    current = _row_macs(conn, keys)
    sealed = {} if names is None else _sealed(conn)
    for name in current if names is None else names:
        if name in current:
            sealed[name] = current[name]
    set_meta(conn, USERS_SEAL, json.dumps(sealed, sort_keys=True))


def users_tag(conn: sqlite3.Connection, keys: SupervisorKeys, seq: int) -> str:
    """A MAC of the whole seal for the audit entry `seq` that records a users change.

    The seal alone can be put back from an earlier copy of the file together with the rows it
    vouches for; the newest tag in the (forward-secure) audit log then no longer matches it.
    The entry's number is inside the MAC, so a tag copied into a new entry does not check out.
    """
    message = f"{seq}:{json.dumps(_sealed(conn), sort_keys=True)}".encode()
    return crypto.mac(keys.users, message).hex()[:32]


def note_users_change(conn: sqlite3.Connection, seq: int) -> None:
    """Where the newest tagged users change is, so a login need not scan the audit log for it."""
    set_meta(conn, LAST_USERS_CHANGE, str(seq))


def rolled_back(conn: sqlite3.Connection, keys: SupervisorKeys) -> bool:
    """Whether the users table (with its seal) is older than the last users change the audit log records.

    The pointer to that change is plain, so it is only where the search starts: a tagged entry
    after it means the pointer was moved back, and the tag of the entry it names must match.
    """
    start = str(get_meta(conn, LAST_USERS_CHANGE) or "")
    after = int(start) if start.isdigit() else 0
    later = conn.execute(
        "SELECT seq, detail FROM audit WHERE seq >= ? AND detail LIKE '%users=%' ORDER BY seq DESC LIMIT 1", (after,)
    ).fetchone()
    if later is None:
        return after > 0  # the pointer names an entry that is gone
    tag = str(later[1]).rpartition("users=")[2].split(" ")[0]
    return not hmac.compare_digest(tag, users_tag(conn, keys, int(later[0])))


def changed_rows(conn: sqlite3.Connection, keys: SupervisorKeys) -> list[str]:
    """Users whose row is not as a supervisor left it: edited, added or removed in the file."""
    current, sealed = _row_macs(conn, keys), _sealed(conn)
    names = sorted(set(current) | set(sealed))
    return [name for name in names if not hmac.compare_digest(current.get(name, ""), str(sealed.get(name, "")))]


def users_intact(conn: sqlite3.Connection, keys: SupervisorKeys) -> bool:
    """Whether the users table is as supervisors left it."""
    return not changed_rows(conn, keys)


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
