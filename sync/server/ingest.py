"""Taking in a pushed batch: re-validate, de-duplicate NIK across offices, store idempotently.

Each record gets exactly one verdict, and the same request always gets the same verdicts:
- unknown id, valid, NIK new                 -> accepted (stored)
- same id and version, same content          -> already_have (a retry)
- same id and version, other content         -> conflict
- same id, older version than stored         -> stale
- same id, newer version, valid              -> accepted (the update is stored)
- an id first sent by another laptop's store  -> conflict (devices of one store share its records)
- an id stored under another office           -> conflict (a device files records only for its own office)
- NIK already held by another record          -> duplicate (names that record's office and time only
                                                 when it is the device's own office)
- KK already twice held, once in another office -> duplicate ("KK already registered", nothing more)
- fails the programme's rules                 -> rejected (with every problem)
A device learns nothing about another office's records beyond "already registered": no office,
no time, no count (the central team sees those in the duplicates table). A record's office is
never the device's to say: it is the office the device was enrolled for.
A record never blocks the others: each is decided on its own, inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from fieldapp import crypto, timestamps
from fieldapp.errors import Problem
from fieldapp.registration import Registration
from fieldapp.timestamps import utc_now
from fieldapp.validation import check
from sync import protocol
from sync.server import storage as t
from sync.server.keys import ServerKeys
from sync.server.tallies import Tally
from sync.server.tallies import registration_day as office_day

# Laptops in Indonesia run on UTC+7 to UTC+9; judging age by the calendar day at UTC+9 never
# refuses a registration the laptop accepted, and is at most two hours lenient.
EASTERNMOST_INDONESIA = dt.timezone(dt.timedelta(hours=9))
ATTEMPTS_ON_RACE = 3
MAX_PER_KK = 2  # the programme's rule, across every office


@dataclass(frozen=True)
class Device:
    """An enrolled device; `store_id` names the laptop's store (None: enrolled by an older fieldapp)."""

    id: str
    office: str
    store_id: str | None = None

    def owns(self, device_id: str, store_id: str | None) -> bool:
        """Whether a record first sent by that device is this laptop's: the same device or store."""
        return device_id == self.id or (self.store_id is not None and store_id == self.store_id)


def registration_day(created_at: str) -> dt.date:
    try:
        moment = timestamps.parse(created_at)
    except ValueError:
        return dt.datetime.now(EASTERNMOST_INDONESIA).date()
    return moment.astimezone(EASTERNMOST_INDONESIA).date()


class Ingest:
    def __init__(self, engine: Engine, keys: ServerKeys) -> None:
        self.engine = engine
        self.keys = keys
        # SQLite allows one writer; serialising here avoids "database is locked" under load.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    def push(self, device: Device, envelopes: list[protocol.RecordEnvelope]) -> list[protocol.PushResult]:
        checked = [(e, *check(e.record, registration_day(e.created_at))) for e in envelopes]
        for attempt in range(ATTEMPTS_ON_RACE):
            try:
                return self._decide_and_store(device, checked)
            except IntegrityError:  # another device stored the same NIK at the same moment
                if attempt == ATTEMPTS_ON_RACE - 1:
                    raise
        raise AssertionError("unreachable")

    def _decide_and_store(self, device: Device, checked: list) -> list[protocol.PushResult]:
        lock = self._write_lock or _NoLock()
        with lock, self.engine.begin() as conn:
            batch = _Batch(conn, self.keys, device, checked)
            results = [batch.decide(envelope, registration, problems) for envelope, registration, problems in checked]
            batch.flush()
            return results


@dataclass(frozen=True)
class _Stored:
    id: str
    version: int
    content_mac: str
    device_id: str
    nik_index: bytes
    office: str
    store_id: str | None


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _Batch:
    """One push inside one transaction: what is stored already is read once, up front."""

    def __init__(self, conn: Connection, keys: ServerKeys, device: Device, checked: list) -> None:
        self.conn = conn
        self.keys = keys
        self.device = device
        self.now = utc_now()
        self.new_records: dict[str, dict] = {}
        self.new_versions: list[dict] = []
        self.new_duplicates: list[dict] = []
        self.tally = Tally()  # the console's counts, written in this same transaction
        ids = sorted({e.id for e, _, _ in checked})
        self.stored = {
            row.id: row
            for row in conn.execute(
                select(
                    t.records.c.id,
                    t.records.c.version,
                    t.records.c.content_mac,
                    t.records.c.device_id,
                    t.records.c.nik_index,
                    t.records.c.office,
                    t.devices.c.store_id,
                )
                .select_from(t.records.outerjoin(t.devices, t.devices.c.id == t.records.c.device_id))
                .where(t.records.c.id.in_(ids))
            )
        }
        self.duplicate_macs = {
            (row.record_id, row.version): row.content_mac
            for row in conn.execute(
                select(t.duplicates.c.record_id, t.duplicates.c.version, t.duplicates.c.content_mac).where(
                    t.duplicates.c.record_id.in_(ids)
                )
            )
        }
        self.nik_indexes = {
            e.id: crypto.blind_index(keys.nik_index, reg.nik) for e, reg, _ in checked if reg is not None
        }
        wanted = sorted(set(self.nik_indexes.values()))
        self.nik_owners: dict[bytes, tuple[str, str, str]] = {
            row.nik_index: (row.id, row.office, _server_time(row.created_at, row.received_at))
            for row in conn.execute(
                select(
                    t.records.c.id,
                    t.records.c.office,
                    t.records.c.created_at,
                    t.records.c.received_at,
                    t.records.c.nik_index,
                ).where(t.records.c.nik_index.in_(wanted))
            )
        }

        self.kk_indexes = {
            e.id: crypto.blind_index(keys.kk_index, reg.kk_number) for e, reg, _ in checked if reg is not None
        }
        self.kk_holders: dict[bytes, set[str]] = {}
        self.offices: dict[str, str] = {}  # record id -> office, for the KK holders
        for row in conn.execute(
            select(t.records.c.id, t.records.c.kk_index, t.records.c.office).where(
                t.records.c.kk_index.in_(sorted(set(self.kk_indexes.values())))
            )
        ):
            self.kk_holders.setdefault(row.kk_index, set()).add(row.id)
            self.offices[row.id] = row.office

    def mac(self, content_hash: str) -> str:
        return crypto.mac(self.keys.content, content_hash.encode("ascii")).hex()

    def decide(
        self, e: protocol.RecordEnvelope, registration: Registration | None, problems: list
    ) -> protocol.PushResult:
        mac = self.mac(e.content_hash)
        stored = self.stored.get(e.id)
        if stored is not None:
            if not self.device.owns(stored.device_id, stored.store_id) or stored.office != self.device.office:
                return _result(e, "conflict", reason="this record id belongs to another laptop")
            if e.version == stored.version:
                return _result(e, "already_have" if mac == stored.content_mac else "conflict")
            if e.version < stored.version:
                return _result(e, "stale", reason=f"the server already has version {stored.version}")
        earlier_duplicate = self.duplicate_macs.get((e.id, e.version))
        if stored is None and earlier_duplicate not in (None, mac):
            return _result(e, "conflict")
        if registration is None:
            return _rejected(e, problems)
        nik_index = self.nik_indexes[e.id]
        owner = self.nik_owners.get(nik_index)
        if owner is not None and owner[0] != e.id:
            if earlier_duplicate is None:
                self._store_duplicate(e, mac, owner[0])
            if owner[1] != self.device.office:
                return _result(e, "duplicate", reason=protocol.NIK_ELSEWHERE)
            return _result(e, "duplicate", duplicate_of=protocol.DuplicateOf(office=owner[1], registered_at=owner[2]))
        holders = self.kk_holders.setdefault(self.kk_indexes[e.id], set())
        others = holders - {e.id}
        if len(others) >= MAX_PER_KK:
            if any(self.offices.get(holder, self.device.office) != self.device.office for holder in others):
                return _result(e, "duplicate", reason=protocol.KK_ELSEWHERE)
            return _rejected(e, [Problem("kk_number", "kk_limit")])
        holders.add(e.id)
        self.offices[e.id] = self.device.office
        self._store(e, registration, mac, nik_index, update=stored is not None)
        first_device = stored.device_id if stored is not None else self.device.id
        first_store = stored.store_id if stored is not None else self.device.store_id
        self.stored[e.id] = _Stored(e.id, e.version, mac, first_device, nik_index, self.device.office, first_store)
        self.nik_owners[nik_index] = (e.id, self.device.office, e.created_at)
        return _result(e, "accepted")

    def _store(
        self, e: protocol.RecordEnvelope, registration: Registration, mac: str, nik_index: bytes, update: bool
    ) -> None:
        plaintext = json.dumps(registration.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        sealed = crypto.seal(self.keys.record, crypto.KIND_RECORD, plaintext, f"server:{e.id}:{e.version}".encode())
        values = {
            "version": e.version,
            "operator": e.operator,
            "content_mac": mac,
            "nik_index": nik_index,
            "kk_index": self.kk_indexes[e.id],
            "status": "accepted",
            "reason": None,
            "reason_code": None,
            "received_at": self.now,
        }
        if e.id in self.new_records:  # a second version of a record first seen in this batch
            self.new_records[e.id].update(values)
        elif update:
            self._count_back_to_accepted(e.id)
            self.conn.execute(t.records.update().where(t.records.c.id == e.id).values(**values))
        else:
            day = office_day(self.device.office, e.created_at, self.now)
            self.new_records[e.id] = {
                "id": e.id,
                "office": self.device.office,
                "device_id": self.device.id,
                "created_at": e.created_at,
                "day": day,
                **values,
            }
            self.tally.add(self.device.office, day, "accepted")
        self.new_versions.append(
            {"record_id": e.id, "version": e.version, "content_mac": mac, "ciphertext": sealed, "received_at": self.now}
        )

    def _count_back_to_accepted(self, record_id: str) -> None:
        """A new version goes back to review: move its count from the state it had.

        The row is read again under a lock (PostgreSQL), so a decision committed since the
        batch read it is the state counted, and a count never drifts from the rows.
        """
        row = self.conn.execute(
            select(t.records.c.office, t.records.c.day, t.records.c.status)
            .where(t.records.c.id == record_id)
            .with_for_update()
        ).one()
        self.tally.move(row.office, row.day, row.status, "accepted")

    def _store_duplicate(self, e: protocol.RecordEnvelope, mac: str, first_record_id: str) -> None:
        self.new_duplicates.append(
            {
                "record_id": e.id,
                "version": e.version,
                "content_mac": mac,
                "office": self.device.office,
                "device_id": self.device.id,
                "first_record_id": first_record_id,
                "received_at": self.now,
            }
        )
        self.duplicate_macs[(e.id, e.version)] = mac
        self.tally.add(self.device.office, office_day(self.device.office, self.now, self.now), "duplicate")

    def flush(self) -> None:
        """Insert the batch's new rows with one statement per table, then move the counts."""
        for table, rows in (
            (t.records, list(self.new_records.values())),
            (t.record_versions, self.new_versions),
            (t.duplicates, self.new_duplicates),
        ):
            if rows:
                self.conn.execute(table.insert(), rows)
        self.tally.flush(self.conn)  # last: the counts' rows are locked only until the commit


def _server_time(created_at: str, received_at: str) -> str:
    """A stored registration time in the server's own form; the receipt time for a row stored
    before times were parsed strictly, whose text a device chose and which is never repeated."""
    try:
        return protocol.utc_timestamp(created_at)
    except ValueError:
        return received_at


def _result(e: protocol.RecordEnvelope, outcome: str, **extra: object) -> protocol.PushResult:
    return protocol.PushResult(id=e.id, version=e.version, outcome=outcome, **extra)  # type: ignore[arg-type]


def _rejected(e: protocol.RecordEnvelope, problems: Iterable) -> protocol.PushResult:
    found = [protocol.FieldProblem(field=p.field, code=p.code, message=p.message_en) for p in problems]
    return _result(e, "rejected", reason="the record breaks the programme's rules", problems=found)
