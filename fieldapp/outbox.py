"""The outbox: every saved version waits here until the server has answered for it.

Written in the same transaction as the record, so a version is never saved without being
queued, nor queued without being saved. Delivery is at least once; the server is idempotent on
(record id, version, content hash), so a retry is always safe. An entry leaves the queue only
when a server verdict for it is written, in one transaction with the record's new state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from fieldapp.keyring import get_meta
from fieldapp.records import state_counts

# Server verdict -> the record's state on the laptop (when the verdict is for its current version).
STATE_FOR_OUTCOME = {
    "accepted": "synced",
    "already_have": "synced",
    "duplicate": "duplicate",
    "conflict": "conflict",
    "rejected": "rejected",
}
OUTCOMES = frozenset({*STATE_FOR_OUTCOME, "stale"})


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    record_id: str
    version: int


@dataclass(frozen=True)
class Verdict:
    """The server's answer for one queued version; `note` is shown on the record."""

    entry: OutboxEntry
    outcome: str
    note: str = ""


def enqueue(conn: sqlite3.Connection, record_id: str, version: int, now: str) -> None:
    conn.execute(
        "INSERT INTO outbox (record_id, version, enqueued_at) VALUES (?, ?, ?)",
        (record_id, version, now),
    )


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])


def next_versions(conn: sqlite3.Connection, limit: int, after_seq: int = 0) -> list[tuple]:
    """The oldest unsent entries after `after_seq`, with their sealed versions, in one query.

    Rows: (seq, record id, version, record created_at, version created_at, operator, schema,
    ciphertext). A record's versions go in the order they were saved.
    """
    return conn.execute(
        "SELECT o.seq, o.record_id, o.version, r.created_at, v.created_at, v.operator, v.schema, v.ciphertext"
        " FROM outbox o JOIN record_versions v ON v.record_id = o.record_id AND v.version = o.version"
        " JOIN records r ON r.id = o.record_id"
        " WHERE o.sent_at IS NULL AND o.seq > ? ORDER BY o.seq LIMIT ?",
        (after_seq, limit),
    ).fetchall()


def settle(conn: sqlite3.Connection, verdict: Verdict, now: str) -> bool:
    """Mark a version answered and move its record's state; False if it was not queued."""
    if verdict.outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {verdict.outcome!r}")
    entry = verdict.entry
    done = conn.execute(
        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE seq = ? AND sent_at IS NULL",
        (now, entry.seq),
    ).rowcount
    state = STATE_FOR_OUTCOME.get(verdict.outcome)
    if state is not None:  # only the current version decides the record's state
        conn.execute(
            "UPDATE records SET state = ?, server_note = ? WHERE id = ? AND version = ?",
            (state, verdict.note, entry.record_id, entry.version),
        )
    return done > 0


def note_failure(conn: sqlite3.Connection, entries: list[OutboxEntry], error: str) -> None:
    conn.executemany(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
        [(error, entry.seq) for entry in entries],
    )


@dataclass(frozen=True)
class QueuedVersion:
    """An outbox entry with what the server needs: times, operator and the record itself."""

    entry: OutboxEntry
    created_at: str
    updated_at: str
    operator: str
    record: dict[str, object]


def apply_status_changes(conn: sqlite3.Connection, changes: list[tuple[str, str, str]]) -> int:
    """(record id, state, note) from the server's pull; a record still `pending` keeps that."""
    return sum(
        conn.execute(
            "UPDATE records SET state = ?, server_note = ? WHERE id = ? AND state != 'pending'",
            (state, note, record_id),
        ).rowcount
        for record_id, state, note in changes
    )


def sync_status(conn: sqlite3.Connection) -> dict[str, object]:
    """Records by state, versions still queued, and how and where sync last ran."""
    meta = {key: get_meta(conn, key) for key in ("last_sync_at", "last_error", "server_url", "device_id", "office")}
    return {
        **state_counts(conn),
        "queued_versions": pending_count(conn),
        "last_sync_at": meta["last_sync_at"] or None,
        "last_error": meta["last_error"] or None,
        "server": meta["server_url"] or None,
        "device_id": meta["device_id"] or None,
        "office": meta["office"] or None,
    }
