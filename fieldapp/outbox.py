"""The outbox: every saved version waits here until the server has answered for it.

Written in the same transaction as the record, so a version is never saved without being
queued, nor queued without being saved. Delivery is at least once; the server is idempotent on
(record id, version, content hash), so a retry is always safe. An entry leaves the queue only
when a server verdict for it is written, in one transaction with the record's new state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from hmac import compare_digest

from fieldapp.crypto import mac
from fieldapp.errors import StoreDamaged
from fieldapp.keyring import get_meta, set_meta
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
_SEALED_MARKER = "outbox_sealed"


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


def entry_mac(key: bytes, seq: int, record_id: str, version: int, sent: bool) -> bytes:
    """What a queue entry is and whether it was sent, bound under the store's outbox key."""
    return mac(key, f"outbox:{seq}:{record_id}:{version}:{'sent' if sent else 'queued'}".encode("ascii"))


class OutboxTampered(StoreDamaged):
    """A queue entry whose MAC fails: someone re-queued or invented an entry in the file."""

    def __init__(self) -> None:
        super().__init__(
            "the sync queue in the store file was changed outside fieldapp; sync is stopped and nothing "
            "was sent. Run 'fieldapp verify' and tell IT",
            "antrean sinkronisasi di berkas penyimpanan diubah di luar fieldapp; sinkronisasi dihentikan "
            "dan tidak ada data yang dikirim. Hubungi petugas TI",
        )


def enqueue(conn: sqlite3.Connection, key: bytes, record_id: str, version: int, now: str) -> None:
    seq = conn.execute(
        "INSERT INTO outbox (record_id, version, enqueued_at) VALUES (?, ?, ?)",
        (record_id, version, now),
    ).lastrowid
    conn.execute("UPDATE outbox SET mac = ? WHERE seq = ?", (entry_mac(key, seq, record_id, version, False), seq))


def check_queued(key: bytes, rows: list[tuple]) -> None:
    """Refuse the whole batch if one unsent row's MAC fails (rows as next_versions gives them)."""
    for row in rows:
        seq, record_id, version = row[0], row[1], row[2]
        if not compare_digest(bytes(row[-1] or b""), entry_mac(key, seq, record_id, version, False)):
            raise OutboxTampered()


def seal_legacy(conn: sqlite3.Connection, key: bytes, old_store: bool) -> int:
    """MAC the entries an older fieldapp queued, once per store; returns how many.

    Only a store from before the supervisor key (`supervisor.is_old_store`) can hold such
    entries; in any other, a missing marker is an edit and nothing is sealed.

    They are trusted as they are, once: the first login after the upgrade seals them and
    leaves a marker MACed under the same key. After that no entry is ever sealed this way
    again, so a row inserted or re-queued by hand stays without a valid MAC and stops sync.
    A missing marker beside entries that do carry MACs is an edit, not an old store: nothing is
    sealed then, and the unsealed entries stop the next sync (the login itself goes on).
    """
    marker = get_meta(conn, _SEALED_MARKER)
    if isinstance(marker, bytes) and compare_digest(marker, mac(key, _SEALED_MARKER.encode())):
        return 0
    if not old_store:
        return 0
    if conn.execute("SELECT 1 FROM outbox WHERE mac IS NOT NULL LIMIT 1").fetchone():
        return 0
    rows = conn.execute("SELECT seq, record_id, version, sent_at IS NOT NULL FROM outbox WHERE mac IS NULL").fetchall()
    conn.executemany(
        "UPDATE outbox SET mac = ? WHERE seq = ?",
        [(entry_mac(key, seq, record_id, version, bool(sent)), seq) for seq, record_id, version, sent in rows],
    )
    mark_sealed(conn, key)
    return len(rows)


def mark_sealed(conn: sqlite3.Connection, key: bytes) -> None:
    """Every entry of this store carries a MAC from now on (a new store starts so)."""
    set_meta(conn, _SEALED_MARKER, mac(key, _SEALED_MARKER.encode()))


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])


def next_versions(conn: sqlite3.Connection, limit: int, after_seq: int = 0) -> list[tuple]:
    """The oldest unsent entries after `after_seq`, with their sealed versions, in one query.

    Rows: (seq, record id, version, record created_at, version created_at, operator, schema,
    ciphertext, mac). A record's versions go in the order they were saved.
    """
    return conn.execute(
        "SELECT o.seq, o.record_id, o.version, r.created_at, v.created_at, v.operator, v.schema, v.ciphertext, o.mac"
        " FROM outbox o JOIN record_versions v ON v.record_id = o.record_id AND v.version = o.version"
        " JOIN records r ON r.id = o.record_id"
        " WHERE o.sent_at IS NULL AND o.seq > ? ORDER BY o.seq LIMIT ?",
        (after_seq, limit),
    ).fetchall()


def settle(conn: sqlite3.Connection, key: bytes, verdict: Verdict, now: str) -> bool:
    """Mark a version answered and move its record's state; False if it was not queued."""
    if verdict.outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {verdict.outcome!r}")
    entry = verdict.entry
    sent_mac = entry_mac(key, entry.seq, entry.record_id, entry.version, True)
    done = conn.execute(
        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, mac = ?"
        " WHERE seq = ? AND sent_at IS NULL",
        (now, sent_mac, entry.seq),
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


StatusUpdate = tuple[str, str, str] | tuple[str, str, str, int | None]


def apply_status_changes(conn: sqlite3.Connection, changes: list[StatusUpdate]) -> int:
    """(record id, state, note[, version]) from the server's pull; a record still `pending` keeps that.

    A change naming a version lands only on a record still at that version: a "verified" for
    version 1 must not mark the edit saved since as verified. One without (from a server older
    than protocol revision 3) is applied as such servers meant it, to the record as it is.
    """
    changed = 0
    for record_id, state, note, *judged in changes:
        version = judged[0] if judged else None
        if version is None:
            sql, args = "WHERE id = ? AND state != 'pending'", (record_id,)
        else:
            sql, args = "WHERE id = ? AND version = ? AND state != 'pending'", (record_id, version)
        changed += conn.execute(f"UPDATE records SET state = ?, server_note = ? {sql}", (state, note, *args)).rowcount
    return changed


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
