"""Audit anchors: the head of each laptop's audit chain, kept at every sync and checked (revision 4).

The laptop's audit log is a MAC chain; on the laptop alone, a store put back to an older copy
(rolled back, truncated) or one whose log was rewritten still verifies. The server keeps the
latest (sequence, head) each device sent and, at the next sync, asks the laptop to prove it
still holds that entry: a head that went back is `rolled_back`, one whose entry at the kept
sequence differs (or is missing) is `forked`. A supervisor who restored a backup declares it,
and the server accepts the new chain as `restore_accepted`, noting it for the central team.

Whatever the verdict, the new head becomes the anchor, so the next sync is judged against the
chain the laptop now has. The flag and its time stay on the device's row, shown by
`fieldapp-server devices`, until a later flag replaces them. The anchor is looked up across
every device of the laptop's store, so enrolling again does not reset the check.
"""

from __future__ import annotations

import hmac
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Row, select
from sqlalchemy.exc import IntegrityError

from fieldapp.timestamps import utc_now
from sync import protocol
from sync.server import storage as t
from sync.server.ingest import Device

log = logging.getLogger("fieldapp.server.anchors")
FLAGS = {"rolled_back": "rolled_back", "forked": "forked", "restore_accepted": "restore_declared"}


class AnchorMoved(Exception):
    """The anchor changed since the laptop read it (another sync of the same store): read it again."""

    def __init__(self, held: int) -> None:
        super().__init__(f"the server now holds audit entry {held}")
        self.held = held


@dataclass(frozen=True)
class Anchored:
    outcome: protocol.AnchorOutcome
    held_before: int  # the sequence number the server held before this request


class Anchors:
    """Reads and moves the anchors; one move at a time, so two syncs never judge against the same head."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()  # one server process; PostgreSQL rows are locked as well

    def held(self, device: Device) -> int:
        """The sequence number of the head this device's store anchored last (0: none yet)."""
        with self.engine.connect() as conn:
            row = _latest(conn, device)
        return int(row.seq) if row is not None else 0

    def anchor(self, device: Device, claim: protocol.AnchorRequest) -> Anchored:
        """Judge `claim` against the anchor, keep it as the new anchor, and note a flag."""
        with self._lock, self.engine.begin() as conn:
            row = _latest(conn, device, lock=True)
            held = int(row.seq) if row is not None else 0
            if claim.known_seq != held:
                raise AnchorMoved(held)
            outcome: protocol.AnchorOutcome = "restore_accepted" if claim.restored else judge(row, claim)
            try:
                _keep(conn, device.id, claim, FLAGS.get(outcome, ""))
            except IntegrityError:  # a first anchor of the same device at the same moment
                raise AnchorMoved(held) from None
        if outcome != "ok":  # device ids and numbers only: nothing personal
            log.warning("device %s: audit log %s (server held %d, device sent %d)", device.id, outcome, held, claim.seq)
        return Anchored(outcome, held)


def judge(row: Row | None, claim: protocol.AnchorRequest) -> protocol.AnchorOutcome:
    """`ok`, or how the laptop's chain differs from the one the server saw last."""
    if row is None:
        return "ok"
    if claim.seq < row.seq:
        return "rolled_back"
    if claim.known_head is None or not hmac.compare_digest(claim.known_head, str(row.head)):
        return "forked"
    return "ok"


def _latest(conn: Connection, device: Device, lock: bool = False) -> Row | None:
    """The newest anchor of any device of this device's store (of this device, without a store)."""
    anchors = t.audit_anchors
    mine = anchors.c.device_id == device.id
    if device.store_id is not None:
        mine = anchors.c.device_id.in_(select(t.devices.c.id).where(t.devices.c.store_id == device.store_id))
    query = select(anchors).where(mine).order_by(anchors.c.anchored_at.desc(), anchors.c.seq.desc()).limit(1)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def _keep(conn: Connection, device_id: str, claim: protocol.AnchorRequest, flag: str) -> None:
    """Make the claimed head this device's anchor; a flag (and its time) only replaces a flag."""
    now = utc_now()
    values: dict[str, object] = {"seq": claim.seq, "head": claim.head, "anchored_at": now}
    if flag:
        values.update(flag=flag, flag_at=now)
    updated = conn.execute(t.audit_anchors.update().where(t.audit_anchors.c.device_id == device_id).values(values))
    if updated.rowcount == 0:
        conn.execute(t.audit_anchors.insert().values({"device_id": device_id, "flag": "", "flag_at": None, **values}))


def by_device(conn: Connection) -> dict[str, Row]:
    """Every device's own anchor row, for the device list."""
    return {row.device_id: row for row in conn.execute(select(t.audit_anchors))}
