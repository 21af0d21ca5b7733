"""The append-only audit log, each entry chained to the one before by a MAC.

An entry says who did what to which record and when, never personal data. Its MAC covers the
previous entry's MAC, so an entry cannot be changed, removed or reordered without `verify`
finding it. SQLite triggers refuse UPDATE and DELETE on the table as a second fence.

Failed logins and lockouts happen before anyone has unlocked the store key, so they wait in
`pending_audit` (unauthenticated) and join the chain, with their own times, at the next login.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from fieldapp.crypto import mac

ACTIONS = frozenset(
    {
        "init",
        "login",
        "failed_login",
        "lockout",
        "user_add",
        "user_disable",
        "user_enable",
        "user_reset",
        "recover",
        "register",
        "edit",
        "resend",
        "view",
        "export",
        "receipt",
        "settings",
        "enrol",
        "sync",
        "tamper_detected",
    }
)
_GENESIS = bytes(32)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user: str
    action: str
    record_id: str | None
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at,
            "user": self.user,
            "action": self.action,
            "record_id": self.record_id,
            "detail": self.detail,
        }


def _entry_mac(key: bytes, previous_mac: bytes, entry: AuditEntry) -> bytes:
    body = json.dumps(
        [entry.seq, entry.at, entry.user, entry.action, entry.record_id, entry.detail],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return mac(key, previous_mac + body.encode("ascii"))


def append(
    conn: sqlite3.Connection,
    key: bytes,
    at: str,
    user: str,
    action: str,
    record_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add one entry at the chain's end; call inside the caller's write transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, previous = (last[0] + 1, last[1]) if last else (1, _GENESIS)
    entry = AuditEntry(seq, at, user, action, record_id, detail)
    conn.execute(
        "INSERT INTO audit (seq, at, user, action, record_id, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at, user, action, record_id, detail, _entry_mac(key, previous, entry)),
    )
    return entry


def note_pending(conn: sqlite3.Connection, at: str, user: str, action: str, detail: str = "") -> None:
    """Keep an event that happened while the store was locked, until the next login."""
    conn.execute(
        "INSERT INTO pending_audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
        (at, user, action, detail),
    )


def absorb_pending(conn: sqlite3.Connection, key: bytes) -> int:
    """Move events kept while locked into the chain, oldest first; returns how many."""
    rows = conn.execute("SELECT seq, at, user, action, detail FROM pending_audit ORDER BY seq").fetchall()
    for _, at, user, action, detail in rows:
        append(conn, key, at, user, action, None, detail)
    conn.execute("DELETE FROM pending_audit")
    return len(rows)


def entries(conn: sqlite3.Connection, limit: int | None = None) -> list[AuditEntry]:
    sql = "SELECT seq, at, user, action, record_id, detail FROM audit ORDER BY seq"
    if limit is not None:
        sql = f"SELECT * FROM ({sql} DESC LIMIT {int(limit)}) ORDER BY seq"
    return [AuditEntry(*row) for row in conn.execute(sql)]


def broken_entries(conn: sqlite3.Connection, key: bytes) -> list[int]:
    """Sequence numbers of entries whose MAC does not check out, or that break the numbering.

    Each entry is checked against the MAC stored in the one before it, so one altered entry
    is named on its own; an altered MAC names that entry and the next.
    """
    broken: list[int] = []
    previous, expected_seq = _GENESIS, 1
    for row in conn.execute("SELECT seq, at, user, action, record_id, detail, mac FROM audit ORDER BY seq"):
        entry = AuditEntry(*row[:6])
        stored = bytes(row[6]) if row[6] is not None else b""
        if entry.seq != expected_seq or _entry_mac(key, previous, entry) != stored:
            broken.append(entry.seq)
        previous, expected_seq = stored, entry.seq + 1
    return broken
