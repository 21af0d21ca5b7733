"""Devices, enrolment codes, status changes and counts: the server's bookkeeping.

Enrolment codes and device tokens are stored only as SHA-256 hashes: a stolen database yields
no working code or token. A code works once, until it expires.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from fieldapp.regions import dotted, regions
from fieldapp.timestamps import iso_utc, utc_now
from sync.server import storage as t
from sync.server.ingest import Device

STATUSES = ("verified", "rejected")


class AdminError(Exception):
    """A refused admin or enrolment request; the message is safe to show."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalize_code(code: str) -> str:
    letters = "".join(c for c in code.upper() if c.isalnum())
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def check_office(office: str) -> str:
    code = dotted(office)
    if code is None or not regions().exists(code, "desa"):
        raise AdminError("--office must be a desa/kelurahan code in the Kemendagri list")
    return code


def new_enrol_code(engine: Engine, office: str, ttl_hours: float) -> str:
    """A one-time code (16 letters, 80 bits) for a laptop of `office`; only its hash is kept."""
    office = check_office(office)
    code = normalize_code(base64.b32encode(os.urandom(10)).decode("ascii"))
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            t.enrol_codes.insert().values(
                code_hash=_hash(code),
                office=office,
                created_at=iso_utc(now),
                expires_at=iso_utc(now + dt.timedelta(hours=ttl_hours)),
            )
        )
    return code


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    token: str
    office: str


def enrol(engine: Engine, code: str, device_name: str) -> Enrolled:
    """Spend a code on a new device; the token is returned once and only its hash is stored."""
    code_hash = _hash(normalize_code(code))
    token = secrets.token_urlsafe(32)
    device_id = str(uuid.uuid4())
    with engine.begin() as conn:
        row = conn.execute(select(t.enrol_codes).where(t.enrol_codes.c.code_hash == code_hash)).first()
        if row is None or row.used_by is not None or row.expires_at < utc_now():
            raise AdminError("the enrolment code is wrong, used or expired")
        spent = conn.execute(
            t.enrol_codes.update()
            .where((t.enrol_codes.c.code_hash == code_hash) & t.enrol_codes.c.used_by.is_(None))
            .values(used_by=device_id)
        )
        if spent.rowcount != 1:
            raise AdminError("the enrolment code is wrong, used or expired")
        conn.execute(
            t.devices.insert().values(
                id=device_id,
                office=row.office,
                name=device_name,
                token_hash=_hash(token),
                enrolled_at=utc_now(),
                revoked=False,
            )
        )
    return Enrolled(device_id, token, row.office)


@dataclass(frozen=True)
class TokenCheck:
    device: Device | None
    revoked: bool


def device_for_token(engine: Engine, token: str) -> TokenCheck:
    with engine.connect() as conn:
        row = conn.execute(
            select(t.devices.c.id, t.devices.c.office, t.devices.c.revoked).where(
                t.devices.c.token_hash == _hash(token)
            )
        ).first()
    if row is None:
        return TokenCheck(None, False)
    return TokenCheck(Device(row.id, row.office), bool(row.revoked))


def list_devices(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.devices.c.id,
                t.devices.c.office,
                t.devices.c.name,
                t.devices.c.enrolled_at,
                t.devices.c.revoked,
                t.devices.c.revoked_at,
            ).order_by(t.devices.c.enrolled_at)
        )
        return [dict(row._mapping) for row in rows]


def revoke(engine: Engine, device_id: str) -> None:
    with engine.begin() as conn:
        done = conn.execute(
            t.devices.update().where(t.devices.c.id == device_id).values(revoked=True, revoked_at=utc_now())
        )
    if done.rowcount != 1:
        raise AdminError(f"no device {device_id!r}")


def set_status(engine: Engine, record_id: str, status: str, reason: str | None) -> None:
    """A central decision on a record; the laptop that sent it sees it at its next pull."""
    if status not in STATUSES:
        raise AdminError("status must be verified or rejected")
    with engine.begin() as conn:
        row = conn.execute(select(t.records.c.device_id).where(t.records.c.id == record_id)).first()
        if row is None:
            raise AdminError(f"no record {record_id!r}")
        now = utc_now()
        conn.execute(t.records.update().where(t.records.c.id == record_id).values(status=status, reason=reason))
        conn.execute(
            t.status_changes.insert().values(
                record_id=record_id, device_id=row.device_id, status=status, reason=reason, changed_at=now
            )
        )


def changes_since(engine: Engine, device: Device, cursor: int, limit: int) -> tuple[list[dict], int, bool]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.status_changes.c.seq,
                t.status_changes.c.record_id,
                t.status_changes.c.status,
                t.status_changes.c.reason,
                t.status_changes.c.changed_at,
            )
            .where((t.status_changes.c.device_id == device.id) & (t.status_changes.c.seq > cursor))
            .order_by(t.status_changes.c.seq)
            .limit(limit + 1)
        ).all()
    page = rows[:limit]
    changes = [{"id": r.record_id, "status": r.status, "reason": r.reason, "changed_at": r.changed_at} for r in page]
    return changes, (page[-1].seq if page else cursor), len(rows) > limit


def stats(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:

        def count(table: object, *where: object) -> int:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

        return {
            "records": count(t.records),
            "devices": count(t.devices),
            "revoked_devices": count(t.devices, t.devices.c.revoked.is_(True)),
            "duplicates": count(t.duplicates),
            "verified": count(t.records, t.records.c.status == "verified"),
            "rejected": count(t.records, t.records.c.status == "rejected"),
            "versions": count(t.record_versions),
        }
