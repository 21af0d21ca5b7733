"""The two places the console decrypts: one record for a verifier, and an admin's CSV export.

Each opens the newest record_versions row with the server's record key and the associated
data ingest sealed it with (`server:<id>:<version>`), so a row moved under another id or
version does not open. Callers audit both (web.audit: "view", "export").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, tuple_

from fieldapp import crypto, reports
from fieldapp.records import short_number
from fieldapp.reports import spreadsheet_row
from sync.server import storage as t
from sync.server.console.queries import QueueFilter, region_name
from sync.server.keys import ServerKeys

EXPORT_BATCH = 500
META_COLUMNS = ("id", "registration_number", "version", "office", "office_name", "status", "reason_code", "reason")
META_COLUMNS += ("created_at", "received_at")


def open_record(keys: ServerKeys, record_id: str, version: int, sealed: bytes) -> dict[str, object]:
    plaintext = crypto.open_sealed(keys.record, crypto.KIND_RECORD, sealed, f"server:{record_id}:{version}".encode())
    return json.loads(plaintext)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str | None
    reason_code: str | None
    version: int | None
    changed_at: str
    decided_by: str | None


@dataclass(frozen=True)
class Attempt:
    """A later registration of the same NIK, refused as a duplicate: where and when only."""

    office: str
    office_name: str
    received_at: str


@dataclass(frozen=True)
class RecordDetail:
    id: str
    number: str
    version: int
    office: str
    office_name: str
    device_name: str
    operator: str
    status: str
    reason: str | None
    reason_code: str | None
    created_at: str
    received_at: str
    day: str
    record: dict[str, object]
    history: list[Decision]
    duplicates: list[Attempt]


def record_detail(conn: Connection, keys: ServerKeys, record_id: str) -> RecordDetail | None:
    """The record decrypted, with its decisions and the duplicates refused against it; None if unknown."""
    r = t.records.c
    row = conn.execute(
        select(t.records, t.devices.c.name.label("device_name"), t.record_versions.c.ciphertext)
        .select_from(
            t.records.join(
                t.record_versions,
                (t.record_versions.c.record_id == r.id) & (t.record_versions.c.version == r.version),
            ).outerjoin(t.devices, t.devices.c.id == r.device_id)
        )
        .where(r.id == record_id)
    ).first()
    if row is None:
        return None
    s = t.status_changes.c
    history = [
        Decision(h.status, h.reason, h.reason_code, h.version, h.changed_at, h.decided_by)
        for h in conn.execute(
            select(s.status, s.reason, s.reason_code, s.version, s.changed_at, s.decided_by)
            .where(s.record_id == record_id)
            .order_by(s.seq.desc())
        )
    ]
    d = t.duplicates.c
    duplicates = [
        Attempt(a.office, region_name(a.office), a.received_at)
        for a in conn.execute(
            select(d.office, d.received_at).where(d.first_record_id == record_id).order_by(d.seq.desc()).limit(100)
        )
    ]
    return RecordDetail(
        row.id,
        short_number(row.id),
        row.version,
        row.office,
        region_name(row.office),
        row.device_name or "",
        row.operator,
        row.status,
        row.reason,
        row.reason_code,
        row.created_at,
        row.received_at,
        row.day,
        open_record(keys, row.id, row.version, row.ciphertext),
        history,
        duplicates,
    )


def csv_header() -> list[str]:
    return reports.csv_header(META_COLUMNS)


def export_csv(engine: Engine, keys: ServerKeys, where: QueueFilter) -> Iterator[str]:
    """The filter's records as CSV text, in pieces of EXPORT_BATCH rows, newest first.

    Streamed: one batch is decrypted at a time, and nothing is written to disk on the server.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header())
    yield "\ufeff" + buffer.getvalue()  # a byte-order mark: Excel then reads the names as UTF-8, as the laptop's export
    r, v = t.records.c, t.record_versions.c
    cursor: tuple[str, str] | None = None
    while True:
        conditions = where.conditions(r.office, r.day, r.status)
        if cursor is not None:
            conditions.append(tuple_(r.day, r.id) < tuple_(*cursor))
        with engine.connect() as conn:
            rows = conn.execute(
                select(r.id, r.version, r.office, r.status, r.reason_code, r.reason, r.created_at, r.received_at, r.day)
                .add_columns(v.ciphertext)
                .select_from(t.records.join(t.record_versions, (v.record_id == r.id) & (v.version == r.version)))
                .where(*conditions)
                .order_by(r.day.desc(), r.id.desc())
                .limit(EXPORT_BATCH)
            ).all()
        if not rows:
            return
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            meta = [row.id, short_number(row.id), row.version, row.office, region_name(row.office)]
            meta += [row.status, row.reason_code, row.reason, row.created_at, row.received_at]
            writer.writerow(spreadsheet_row(meta, open_record(keys, row.id, row.version, row.ciphertext)))
        yield buffer.getvalue()
        cursor = (rows[-1].day, rows[-1].id)
