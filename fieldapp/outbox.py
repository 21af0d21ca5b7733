"""The outbox: every saved version waits here until the server acknowledges it.

Written in the same transaction as the record, so a version is never saved without being
queued, nor queued without being saved. Delivery is at least once; the server is idempotent on
(record id, version, content), so a retry is always safe.
"""

from __future__ import annotations

import sqlite3


def enqueue(conn: sqlite3.Connection, record_id: str, version: int, now: str) -> None:
    conn.execute(
        "INSERT INTO outbox (record_id, version, enqueued_at) VALUES (?, ?, ?)",
        (record_id, version, now),
    )


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])
