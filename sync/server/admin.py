"""Devices, enrolment codes, status changes and counts: the server's bookkeeping.

Enrolment codes, device tokens and store proofs are stored only as SHA-256 hashes: a stolen
database yields no working code or token. A code works once, until it expires (or again for the
same store, whose first answer was lost). Devices of one laptop's store share its records.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Row, func, select

from fieldapp.regions import dotted, regions
from fieldapp.timestamps import iso_utc, utc_now
from sync.server import storage as t
from sync.server.ingest import Device
from sync.server.tallies import Tally

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


WRONG_CODE = "the enrolment code is wrong, used or expired"


class OfficeMismatch(AdminError):
    """The code is for another office than the laptop's: nothing was spent or made."""


class StoreMismatch(AdminError):
    """The request names a store the server knows but does not prove it: nothing was spent."""


@dataclass(frozen=True)
class StoreClaim:
    """Who asks for a device: the laptop's office ("" when it has none yet) and its store.

    `proof` is derived from the store's key on the laptop; the server keeps only its hash, the
    first time the store enrols. `previous_token` is the token the laptop held before, if any.
    """

    office: str
    store_id: str | None = None
    proof: str = ""
    previous_token: str | None = None

    def __repr__(self) -> str:  # never show the proof or the token
        return f"StoreClaim(office={self.office!r}, store_id={self.store_id!r})"


def enrol(engine: Engine, code: str, device_name: str, claim: StoreClaim | None = None) -> Enrolled:
    """Spend a code on a new device; the token is returned once and only its hash is stored.

    With a claim (what laptops send since protocol revision 2), before anything is spent: a
    code for another office, or a known store not proven, is refused. The new device joins
    its store, so it may send new versions of the store's records and hears their verdicts.
    A code this same store already spent (the laptop failed before keeping the answer) gives
    the same device again, with a new token, while the code has not expired.
    """
    code_hash = _hash(normalize_code(code))
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        row = conn.execute(select(t.enrol_codes).where(t.enrol_codes.c.code_hash == code_hash)).first()
        if row is None or row.expires_at < utc_now():
            raise AdminError(WRONG_CODE)
        if claim is not None:
            _check_claim(conn, claim, row.office)
        if row.used_by is not None:
            device_id = _spent_by_same_store(conn, row.used_by, claim)
            conn.execute(t.devices.update().where(t.devices.c.id == device_id).values(token_hash=_hash(token)))
        else:
            device_id = _spend(conn, code_hash, row.office, device_name, token, claim)
        if claim is not None and claim.store_id is not None and claim.previous_token:
            _adopt_older_device(conn, claim, row.office)
    return Enrolled(device_id, token, row.office)


def _check_claim(conn: Connection, claim: StoreClaim, code_office: str) -> None:
    """Refuse, before anything is written, a code for another office or a store not proven."""
    if claim.office and claim.office != code_office:
        raise OfficeMismatch(f"the code is for office {code_office}, but this laptop belongs to {claim.office}")
    if claim.store_id is None:
        return
    store = conn.execute(select(t.stores).where(t.stores.c.id == claim.store_id)).first()
    if store is None:
        return
    if not hmac.compare_digest(store.proof_hash, _hash(claim.proof)):
        raise StoreMismatch("this laptop's store is known to the server, but its proof does not match")
    if store.office != code_office:
        raise OfficeMismatch(f"the code is for office {code_office}, but this laptop belongs to {store.office}")


def _spent_by_same_store(conn: Connection, device_id: str, claim: StoreClaim | None) -> str:
    """The device a spent code made, if the same (proven) store asks again and it still works."""
    device = conn.execute(
        select(t.devices.c.id, t.devices.c.store_id, t.devices.c.revoked).where(t.devices.c.id == device_id)
    ).first()
    if claim is None or claim.store_id is None or device is None:
        raise AdminError(WRONG_CODE)
    if device.revoked or device.store_id != claim.store_id:
        raise AdminError(WRONG_CODE)
    return str(device.id)


def _spend(
    conn: Connection, code_hash: str, office: str, device_name: str, token: str, claim: StoreClaim | None
) -> str:
    """Mark the code used by a new device, and make the device (and its store, the first time)."""
    device_id = str(uuid.uuid4())
    spent = conn.execute(
        t.enrol_codes.update()
        .where((t.enrol_codes.c.code_hash == code_hash) & t.enrol_codes.c.used_by.is_(None))
        .values(used_by=device_id)
    )
    if spent.rowcount != 1:
        raise AdminError(WRONG_CODE)
    now = utc_now()
    store_id = None
    if claim is not None and claim.store_id is not None:
        store_id = claim.store_id
        if conn.execute(select(t.stores.c.id).where(t.stores.c.id == store_id)).first() is None:
            conn.execute(
                t.stores.insert().values(id=store_id, office=office, proof_hash=_hash(claim.proof), created_at=now)
            )
    conn.execute(
        t.devices.insert().values(
            id=device_id,
            office=office,
            name=device_name,
            token_hash=_hash(token),
            enrolled_at=now,
            revoked=False,
            store_id=store_id,
        )
    )
    return device_id


def _adopt_older_device(conn: Connection, claim: StoreClaim, office: str) -> None:
    """A device enrolled by an older fieldapp (no store) joins the store whose laptop holds its token.

    The token, even revoked, proves the laptop was that device; its records and verdicts then
    follow the laptop into its new enrolment.
    """
    conn.execute(
        t.devices.update()
        .where(
            (t.devices.c.token_hash == _hash(str(claim.previous_token)))
            & t.devices.c.store_id.is_(None)
            & (t.devices.c.office == office)
        )
        .values(store_id=claim.store_id)
    )


@dataclass(frozen=True)
class TokenCheck:
    device: Device | None
    revoked: bool


def device_for_token(engine: Engine, token: str) -> TokenCheck:
    with engine.connect() as conn:
        row = conn.execute(
            select(t.devices.c.id, t.devices.c.office, t.devices.c.store_id, t.devices.c.revoked).where(
                t.devices.c.token_hash == _hash(token)
            )
        ).first()
    if row is None:
        return TokenCheck(None, False)
    return TokenCheck(Device(row.id, row.office, row.store_id), bool(row.revoked))


def list_devices(engine: Engine) -> list[dict[str, object]]:
    """Every device, with the audit anchor it sent last (`audit_seq` None: it never anchored).

    `audit_flag` is "", "rolled_back", "forked" or "restore_declared", with `audit_flag_at`: a
    flag stays until a later one replaces it (see sync.server.anchors).
    """
    anchors = t.audit_anchors
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.devices.c.id,
                t.devices.c.office,
                t.devices.c.name,
                t.devices.c.enrolled_at,
                t.devices.c.revoked,
                t.devices.c.revoked_at,
                t.devices.c.store_id,
                t.devices.c.last_seen_at,
                anchors.c.seq.label("audit_seq"),
                anchors.c.anchored_at.label("audit_anchored_at"),
                func.coalesce(anchors.c.flag, "").label("audit_flag"),
                anchors.c.flag_at.label("audit_flag_at"),
            )
            .select_from(t.devices.outerjoin(anchors, anchors.c.device_id == t.devices.c.id))
            .order_by(t.devices.c.enrolled_at)
        )
        return [dict(row._mapping) for row in rows]


def revoke(engine: Engine, device_id: str) -> None:
    with engine.begin() as conn:
        done = conn.execute(
            t.devices.update().where(t.devices.c.id == device_id).values(revoked=True, revoked_at=utc_now())
        )
    if done.rowcount != 1:
        raise AdminError(f"no device {device_id!r}")


class VersionChanged(AdminError):
    """The record has a newer version than the one the decision was made on: nothing changed."""


def set_status(
    engine: Engine,
    record_id: str,
    status: str,
    reason: str | None,
    *,
    reason_code: str | None = None,
    decided_by: str | None = None,
    version: int | None = None,
    exact: bool = False,
) -> str:
    """A central decision on a record; the laptop that sent it sees it at its next pull.

    `record_id` may be a unique prefix of the id, as the laptop's CLI accepts, unless `exact`
    (the console: a full id only); the full id is returned so the caller can say which record
    changed. The console also gives the reason's code, who decided, and the `version` its
    verifier read: a record changed since is refused.

    The row is read under a lock (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on SQLite, see
    database.py) and written only WHERE its id, version and status are still the ones read, so
    the counts move exactly once for a change, even when the same decision is sent twice at the
    same moment (a double click). A decision that changes nothing (verified twice) writes nothing.
    """
    if status not in STATUSES:
        raise AdminError("status must be verified or rejected")
    with engine.begin() as conn:
        if exact:
            found = conn.execute(select(t.records.c.id).where(t.records.c.id == record_id)).first()
            if found is None:
                raise AdminError("no such record")
        else:
            record_id = _record_by_prefix(conn, record_id).id
        r = t.records.c
        row = conn.execute(
            select(r.device_id, r.version, r.office, r.day, r.status, r.reason, r.reason_code)
            .where(r.id == record_id)
            .with_for_update()
        ).one()
        if version is not None and row.version != version:
            raise VersionChanged(f"record {record_id} has a newer version ({row.version}) than the one judged")
        if (row.status, row.reason, row.reason_code) == (status, reason, reason_code):
            return record_id  # already so: nothing to tell the laptop, nothing to count
        changed = conn.execute(
            t.records.update()
            .where((r.id == record_id) & (r.version == row.version) & (r.status == row.status))
            .values(status=status, reason=reason, reason_code=reason_code)
        )
        if changed.rowcount != 1:  # unreachable while the lock holds; never count a change not made
            raise VersionChanged(f"record {record_id} changed while it was being decided; read it again")
        conn.execute(
            t.status_changes.insert().values(
                record_id=record_id,
                device_id=row.device_id,
                status=status,
                reason=reason,
                changed_at=utc_now(),
                version=row.version,
                reason_code=reason_code,
                decided_by=decided_by,
            )
        )
        tally = Tally()
        tally.move(row.office, row.day, row.status, status)
        tally.flush(conn)
    return record_id


def _record_by_prefix(conn: Connection, prefix: str) -> Row:
    """The one record whose id is `prefix` or starts with it; refused if none or several."""
    if not prefix:
        raise AdminError("give a record id (or a unique start of one)")
    columns = (t.records.c.id, t.records.c.device_id, t.records.c.version)
    exact = conn.execute(select(*columns).where(t.records.c.id == prefix)).first()
    if exact is not None:
        return exact
    found = conn.execute(select(*columns).where(t.records.c.id.startswith(prefix, autoescape=True)).limit(2)).all()
    if not found:
        raise AdminError(f"no record {prefix!r}")
    if len(found) > 1:
        raise AdminError(f"record id {prefix!r} is ambiguous: it starts more than one record id; give more of it")
    return found[0]


def changes_since(engine: Engine, device: Device, cursor: int, limit: int) -> tuple[list[dict], int, bool]:
    """Status changes after `cursor` for records this device's store sent, under any of its devices.

    A laptop enrolled again (after a revoke) hears the verdicts on records its earlier device
    sent; a device without a store (an older fieldapp's) hears only its own.
    """
    mine = t.status_changes.c.device_id == device.id
    if device.store_id is not None:
        mine = t.status_changes.c.device_id.in_(select(t.devices.c.id).where(t.devices.c.store_id == device.store_id))
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                t.status_changes.c.seq,
                t.status_changes.c.record_id,
                t.status_changes.c.status,
                t.status_changes.c.reason,
                t.status_changes.c.changed_at,
                t.status_changes.c.version,
            )
            .where(mine & (t.status_changes.c.seq > cursor))
            .order_by(t.status_changes.c.seq)
            .limit(limit + 1)
        ).all()
    page = rows[:limit]
    changes = [
        {"id": r.record_id, "status": r.status, "reason": r.reason, "changed_at": r.changed_at, "version": r.version}
        for r in page
    ]
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
