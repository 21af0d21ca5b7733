"""Record rows: sealing each version, blind indexes, and reading records back.

A record's personal data exists on disk only as AES-GCM ciphertext bound to (id, version,
schema). The `records` row holds the current version's plaintext metadata, keyed blind indexes
of the NIK and KK number (for the duplicate and two-per-KK rules), and a separately sealed copy
of the folded name that the in-memory name search decrypts without touching whole records.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass

from fieldapp import crypto
from fieldapp.crypto import SubKeys
from fieldapp.regions import fold
from fieldapp.registration import Registration

RECORD_SCHEMA = 1
STATES = ("pending", "synced", "duplicate", "conflict", "rejected", "verified")
_META_COLUMNS = "id, version, state, office, operator, created_at, updated_at, server_note"


@dataclass(frozen=True)
class RecordMeta:
    """What may be known about a record without its key: no personal data."""

    id: str
    version: int
    state: str
    office: str
    operator: str
    created_at: str
    updated_at: str
    server_note: str = ""  # what the server said (a duplicate's office, a rejection's codes)


@dataclass(frozen=True)
class StoredRecord:
    meta: RecordMeta
    registration: Registration


def new_record_id(now_ms: int | None = None) -> str:
    """A UUID version 7: 48 bits of Unix milliseconds, then random bits (RFC 9562).

    Time-ordered ids land at the right-hand end of the id and version B-trees, so a save
    dirties one page per tree instead of splitting pages at random places; and the server
    sees roughly when a record was made without decrypting anything.
    """
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    value = (millis & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def record_context(record_id: str, version: int, schema: int) -> bytes:
    return f"record:{record_id}:{version}:{schema}".encode("ascii")


def search_context(record_id: str, version: int) -> bytes:
    return f"search:{record_id}:{version}".encode("ascii")


def seal_registration(keys: SubKeys, record_id: str, version: int, registration: Registration) -> bytes:
    plaintext = json.dumps(registration.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return crypto.seal(keys.record, crypto.KIND_RECORD, plaintext, record_context(record_id, version, RECORD_SCHEMA))


def open_registration(keys: SubKeys, record_id: str, version: int, schema: int, blob: bytes) -> Registration:
    plaintext = crypto.open_sealed(keys.record, crypto.KIND_RECORD, blob, record_context(record_id, version, schema))
    return Registration.from_json(json.loads(plaintext))


SEARCH_NAME_SIZES = (32, 64, 128, 256)  # bytes of plaintext a sealed search name is padded to


def padded_search_name(folded: bytes) -> bytes:
    """The name padded with NULs to the next of a few fixed sizes (beyond them, a multiple of 256).

    Unpadded, a sealed name is exactly its length + 32 bytes, which tells short names from long
    ones (and so narrows a guess). A folded name never holds NUL (names are validated printable
    text), so stripping trailing NULs gives it back, and a value sealed before padding opens
    unchanged.
    """
    size = next((s for s in SEARCH_NAME_SIZES if len(folded) <= s), -(-len(folded) // 256) * 256)
    return folded.ljust(size, b"\0")


def seal_search_name(keys: SubKeys, record_id: str, version: int, full_name: str) -> bytes:
    plaintext = padded_search_name(fold(full_name).encode("utf-8"))
    return crypto.seal(keys.search, crypto.KIND_SEARCH, plaintext, search_context(record_id, version))


def open_search_name(keys: SubKeys, record_id: str, version: int, blob: bytes) -> str:
    plaintext = crypto.open_sealed(keys.search, crypto.KIND_SEARCH, blob, search_context(record_id, version))
    return plaintext.rstrip(b"\0").decode("utf-8")


def nik_index(keys: SubKeys, nik: str) -> bytes:
    return crypto.blind_index(keys.nik_index, nik)


def kk_index(keys: SubKeys, kk_number: str) -> bytes:
    return crypto.blind_index(keys.kk_index, kk_number)


def write_version(
    conn: sqlite3.Connection,
    keys: SubKeys,
    meta: RecordMeta,
    registration: Registration,
) -> None:
    """Insert or update the records row for `meta` and append its sealed version."""
    conn.execute(
        "INSERT INTO record_versions (record_id, version, schema, created_at, operator, ciphertext)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            meta.id,
            meta.version,
            RECORD_SCHEMA,
            meta.updated_at,
            meta.operator,
            seal_registration(keys, meta.id, meta.version, registration),
        ),
    )
    conn.execute(
        "INSERT INTO records (id, version, state, office, operator, created_at, updated_at, nik_index,"
        " kk_index, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state,"
        " operator = excluded.operator, updated_at = excluded.updated_at, nik_index = excluded.nik_index,"
        " kk_index = excluded.kk_index, search = excluded.search",
        (
            meta.id,
            meta.version,
            meta.state,
            meta.office,
            meta.operator,
            meta.created_at,
            meta.updated_at,
            nik_index(keys, registration.nik),
            kk_index(keys, registration.kk_number),
            seal_search_name(keys, meta.id, meta.version, registration.full_name),
        ),
    )


def find_meta(conn: sqlite3.Connection, record_id: str) -> RecordMeta | None:
    row = conn.execute(f"SELECT {_META_COLUMNS} FROM records WHERE id = ?", (record_id,)).fetchone()
    return RecordMeta(*row) if row else None


def ids_starting_with(conn: sqlite3.Connection, prefix: str, limit: int = 2) -> list[str]:
    rows = conn.execute(
        "SELECT id FROM records WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
        (prefix, prefix + "\uffff", limit),
    )
    return [row[0] for row in rows]


def id_with_nik(conn: sqlite3.Connection, keys: SubKeys, nik: str) -> str | None:
    row = conn.execute("SELECT id FROM records WHERE nik_index = ?", (nik_index(keys, nik),)).fetchone()
    return row[0] if row else None


def kk_holders(conn: sqlite3.Connection, keys: SubKeys, kk_number: str) -> list[str]:
    rows = conn.execute("SELECT id FROM records WHERE kk_index = ?", (kk_index(keys, kk_number),))
    return [row[0] for row in rows]


def load(conn: sqlite3.Connection, keys: SubKeys, meta: RecordMeta) -> StoredRecord:
    schema, blob = conn.execute(
        "SELECT schema, ciphertext FROM record_versions WHERE record_id = ? AND version = ?",
        (meta.id, meta.version),
    ).fetchone()
    return StoredRecord(meta, open_registration(keys, meta.id, meta.version, schema, blob))


def newest(
    conn: sqlite3.Connection,
    state: str | None = None,
    limit: int | None = None,
    ids: list[str] | None = None,
    offset: int = 0,
    oldest_first: bool = False,
) -> list[tuple[RecordMeta, int, bytes]]:
    """Current versions, newest record first (or oldest), as (meta, schema, ciphertext) still sealed."""
    where, params = _filters(state, ids)
    sql = (
        "SELECT r.id, r.version, r.state, r.office, r.operator, r.created_at, r.updated_at, r.server_note,"
        " v.schema, v.ciphertext"
        " FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version"
        + where
        + (" ORDER BY r.seq" if oldest_first else " ORDER BY r.seq DESC")
        + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else "")
    )
    return [(RecordMeta(*row[:8]), row[8], row[9]) for row in conn.execute(sql, params)]


def count(conn: sqlite3.Connection, state: str | None = None, ids: list[str] | None = None) -> int:
    """How many records `newest()` would list with the same filters."""
    where, params = _filters(state, ids)
    return int(conn.execute("SELECT COUNT(*) FROM records r" + where, params).fetchone()[0])


def _filters(state: str | None, ids: list[str] | None) -> tuple[str, list[str]]:
    """The WHERE clause (on `records r`) that both the list and its count use."""
    where, params = [], []
    if state is not None:
        where.append("r.state = ?")
        params.append(state)
    if ids is not None:
        where.append("r.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))
    return (" WHERE " + " AND ".join(where) if where else ""), params


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of a record, as its history lists it: who and when, nothing personal."""

    version: int
    created_at: str
    operator: str


def versions(conn: sqlite3.Connection, record_id: str) -> list[VersionInfo]:
    rows = conn.execute(
        "SELECT version, created_at, operator FROM record_versions WHERE record_id = ? ORDER BY version",
        (record_id,),
    )
    return [VersionInfo(*row) for row in rows]


def short_number(record_id: str) -> str:
    """The registration number on an applicant's receipt: the id's last 8 hex digits, grouped.

    A UUIDv7 starts with the time, so records made in the same minute share their first
    digits; the last ones are random. The full id is in the receipt's QR code.
    """
    tail = record_id.replace("-", "")[-8:].upper()
    return f"{tail[:4]}-{tail[4:]}"


def state_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    counts.update(dict(conn.execute("SELECT state, COUNT(*) FROM records GROUP BY state").fetchall()))
    return counts
