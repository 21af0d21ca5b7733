"""The store key's other wrapping: the recovery code, and the store's plaintext settings.

The recovery code is shown once at `init`. It unwraps the store key like a passphrase does,
so a supervisor who forgot their passphrase can set a new one without losing any record.
"""

from __future__ import annotations

import sqlite3

from fieldapp import crypto

RECOVERY_CONTEXT = b"recovery"
RECOVERY_SUPERVISOR_CONTEXT = b"recovery:supervisor-key"


def get_meta(conn: sqlite3.Connection, key: str) -> bytes | str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: bytes | str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def new_recovery(conn: sqlite3.Connection, store_key: bytes, supervisor_key: bytes | None = None) -> str:
    """Wrap the store key (and the supervisor key) under a fresh recovery code; returns the code.

    The code is a supervisor's fallback, so it carries the supervisor key too: recovering a
    supervisor's passphrase gives back supervisor powers, not only the records.
    """
    code = crypto.new_recovery_code()
    params, salt = crypto.KdfParams(), crypto.new_salt()
    kek = crypto.derive_kek(code, salt, params)
    set_meta(conn, "recovery_kdf", params.encode())
    set_meta(conn, "recovery_salt", salt)
    set_meta(conn, "recovery_wrapped", crypto.wrap_key(kek, store_key, RECOVERY_CONTEXT))
    if supervisor_key is not None:
        set_meta(conn, "recovery_supervisor_wrapped", crypto.wrap_key(kek, supervisor_key, RECOVERY_SUPERVISOR_CONTEXT))
    else:
        conn.execute("DELETE FROM meta WHERE key = 'recovery_supervisor_wrapped'")
    return code


def unwrap_with_recovery(conn: sqlite3.Connection, code: str) -> tuple[bytes, bytes | None]:
    """(store key, supervisor key or None), or crypto.Tampered when the code is wrong."""
    params = crypto.KdfParams.decode(str(get_meta(conn, "recovery_kdf")))
    salt = bytes(get_meta(conn, "recovery_salt"))  # type: ignore[arg-type]
    wrapped = bytes(get_meta(conn, "recovery_wrapped"))  # type: ignore[arg-type]
    kek = crypto.derive_kek(crypto.normalize_recovery_code(code), salt, params)
    store_key = crypto.unwrap_key(kek, wrapped, RECOVERY_CONTEXT)
    supervisor_wrapped = get_meta(conn, "recovery_supervisor_wrapped")
    if not isinstance(supervisor_wrapped, bytes):
        return store_key, None
    try:
        return store_key, crypto.unwrap_key(kek, supervisor_wrapped, RECOVERY_SUPERVISOR_CONTEXT)
    except crypto.Tampered:  # the code is right (the store key opened); the other wrap was damaged
        return store_key, None


def recovery_carries_supervisor_key(conn: sqlite3.Connection) -> bool:
    return isinstance(get_meta(conn, "recovery_supervisor_wrapped"), bytes)
