"""The store's side of sync: enrolment, the queue going out, verdicts and status coming back.

Mixed into `fieldapp.store.Store` (which supplies the connection, `_require` and `_audit`), so
the facade stays one object for the engine, the CLI and the app while its sync half lives in a
file of its own.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldapp import audit, crypto, device, keyring, outbox, records, supervisor
from fieldapp.db import transaction
from fieldapp.device import Enrolment
from fieldapp.errors import StoreDamaged, UsageError
from fieldapp.outbox import OutboxEntry, QueuedVersion, Verdict
from fieldapp.timestamps import utc_now

SYNC_ERROR_MARK = " error="
log = logging.getLogger(__name__)
STORE_PROOF_LABEL = "sync-store-proof"


@dataclass(frozen=True)
class StoreIdentity:
    """What a laptop tells the server when it enrols: its office and its store, proven.

    The server ties every device of one store together, so the store's records stay the
    laptop's across enrolments (after a revoke) while another laptop of the office cannot
    touch them. `store_id` alone can be read from the data folder without a passphrase, so the
    store is proven by `proof`, derived from the store key; `previous_token` is the device
    token the laptop held before, which lets the server join a device an older fieldapp
    enrolled to the store.
    """

    office: str
    store_id: str
    proof: str
    previous_token: str = ""

    def __repr__(self) -> str:  # never show the proof or the token
        return f"StoreIdentity(office={self.office!r}, store_id={self.store_id!r})"


@dataclass(frozen=True)
class SyncRun:
    """One line of the sync history: when, who, what moved, and how it ended."""

    at: str
    user: str
    summary: str
    error: str | None

    @classmethod
    def from_audit(cls, entry: audit.AuditEntry) -> SyncRun:
        summary, _, error = entry.detail.partition(SYNC_ERROR_MARK)
        return cls(entry.at, entry.user, summary, error or None)

    def count(self, name: str) -> int:
        """A number from the summary, e.g. count("pushed")."""
        for part in self.summary.split():
            key, _, value = part.partition("=")
            if key == name and value.isdigit():
                return int(value)
        return 0


class SyncSide:
    _conn: sqlite3.Connection
    _office: str | None

    if TYPE_CHECKING:  # supplied by Store

        @property
        def office(self) -> str: ...

        def _require(self, role: str | None = None) -> crypto.SubKeys: ...

        def _unlocked_key(self) -> bytes: ...

        def _audit(self, action: str, record_id: str | None = None, detail: str = "") -> None: ...

    def enrolment(self) -> Enrolment | None:
        """Where and as whom this laptop syncs; EnrolmentTampered (audited) if the file was edited."""
        keys = self._require()
        try:
            enrolment = device.load(self._conn, keys, supervisor.is_old_store(self._conn))
        except device.EnrolmentTampered:
            with transaction(self._conn):
                self._audit("tamper_detected", detail="sync settings differ from their sealed copy")
            log.warning("sync settings differ from their sealed copy: sync stopped")
            raise
        if enrolment is not None and device.needs_sealing(self._conn):
            with transaction(self._conn):
                device.save(self._conn, keys, enrolment)
        return enrolment

    def sync_identity(self) -> StoreIdentity:
        """This store as the server should know it at enrolment (supervisors, who enrol)."""
        self._require("supervisor")
        try:
            previous = self.enrolment()
        except (crypto.Tampered, device.EnrolmentTampered):  # damaged or edited: enrolling again is the remedy
            previous = None
        return StoreIdentity(
            office=self.office,
            store_id=str(keyring.get_meta(self._conn, "store_id") or ""),
            proof=crypto.subkey(self._unlocked_key(), STORE_PROOF_LABEL).hex(),
            previous_token=previous.token if previous is not None else "",
        )

    def enrol(self, enrolment: Enrolment) -> None:
        """Keep the server's device id and token (sealed); the office comes from the server."""
        keys = self._require("supervisor")
        if self.office and enrolment.office != self.office:
            raise UsageError(
                f"the enrolment code is for office {enrolment.office}, but this laptop belongs to {self.office}",
                f"kode pendaftaran untuk kantor {enrolment.office}, tetapi laptop ini milik {self.office}",
            )
        with transaction(self._conn):
            keyring.set_meta(self._conn, "office", enrolment.office)
            device.save(self._conn, keys, enrolment)
            self._audit("enrol", detail=f"device={enrolment.device_id} office={enrolment.office}")
        self._office = enrolment.office

    def queued_versions(self, limit: int, after_seq: int = 0) -> list[QueuedVersion]:
        """The oldest versions waiting for the server (after `after_seq`), decrypted for sending.

        A version that fails its integrity check is passed over (it stays queued, and
        `unreadable_queued()` names it): one damaged record never stops the rest being sent.
        An entry whose own MAC fails (re-queued or invented in the file) stops the whole sync:
        OutboxTampered, audited, and nothing of the batch is sent.
        """
        keys = self._require()
        queued: list[QueuedVersion] = []
        while len(queued) < limit:
            rows = outbox.next_versions(self._conn, limit - len(queued), after_seq)
            if not rows:
                break
            self._check_queue(keys, rows)
            for row in rows:
                after_seq = row[0]
                readable = _readable(keys, row)
                if readable is not None:
                    queued.append(readable)
        return queued

    def _check_queue(self, keys: crypto.SubKeys, rows: list[tuple]) -> None:
        try:
            outbox.check_queued(keys.outbox, rows)
        except outbox.OutboxTampered:
            with transaction(self._conn):
                self._audit("tamper_detected", detail="a sync queue entry fails its MAC")
            log.warning("a sync queue entry fails its MAC: sync stopped")
            raise

    def unreadable_queued(self) -> list[tuple[str, int]]:
        """(record id, version) of every queued version that fails its integrity check."""
        keys = self._require()
        rows = outbox.next_versions(self._conn, -1)
        return [(row[1], row[2]) for row in rows if _readable(keys, row) is None]

    def settle(self, verdicts: list[Verdict]) -> int:
        """Write the server's verdicts: entries leave the queue, records take their new state."""
        keys = self._require()
        now = utc_now()
        with transaction(self._conn):
            return sum(outbox.settle(self._conn, keys.outbox, verdict, now) for verdict in verdicts)

    def sync_attempt_failed(self, entries: list[OutboxEntry], error: str) -> None:
        self._require()
        with transaction(self._conn):
            outbox.note_failure(self._conn, entries, error)
            keyring.set_meta(self._conn, "last_error", error)

    def pull_cursor(self) -> int:
        """Where the last pull stopped, sealed: an edited cursor stops sync (audited), exit 4.

        A cursor moved back only re-applies old changes; one moved forward would hide a
        verdict from the laptop for good, so it is kept with the other sealed sync state. A
        store from before keeps its plain cursor until the next pull seals it.
        """
        keys = self._require()
        try:
            sealed = _open_state(self._conn, keys, CURSOR_STATE)
        except crypto.Tampered:
            with transaction(self._conn):
                self._audit("tamper_detected", detail="the pull cursor differs from its sealed copy")
            log.warning("the pull cursor differs from its sealed copy: sync stopped")
            raise
        if sealed:
            return int(sealed["cursor"])  # type: ignore[call-overload]
        plain = keyring.get_meta(self._conn, "pull_cursor")
        if plain is None:
            return 0  # never pulled (or the sealed cursor was removed: everything is asked for again, harmlessly)
        if not supervisor.is_old_store(self._conn) or not str(plain).isdigit():
            with transaction(self._conn):
                self._audit("tamper_detected", detail="the pull cursor differs from its sealed copy")
            log.warning("a plain pull cursor in a store that seals it: sync stopped")
            raise crypto.Tampered()
        return int(str(plain))

    def _seal_old_sync_state(self, keys: crypto.SubKeys) -> None:
        """Seal what an older fieldapp left plain, at the upgrade to the supervisor key (see store_users)."""
        if device.needs_sealing(self._conn):
            try:
                enrolment = device.load(self._conn, keys, old_store=True)
            except (crypto.Tampered, device.EnrolmentTampered):
                enrolment = None  # damaged already: sync will say so, and enrolling again mends it
            if enrolment is not None:
                device.save(self._conn, keys, enrolment)
        plain = keyring.get_meta(self._conn, "pull_cursor")
        if plain is not None and str(plain).isdigit() and not keyring.get_meta(self._conn, CURSOR_STATE):
            _seal_state(self._conn, keys, CURSOR_STATE, {"cursor": int(str(plain))})
            self._conn.execute("DELETE FROM meta WHERE key = 'pull_cursor'")

    def apply_status_changes(self, changes: list[outbox.StatusUpdate], cursor: int) -> int:
        """(record id, state, note[, version]) from the server, and the cursor after them, in one step.

        A change lands only on the version it judged (when the server names it): a record
        edited since, or with a newer version still queued, keeps its state.
        """
        keys = self._require()
        with transaction(self._conn):
            changed = outbox.apply_status_changes(self._conn, changes)
            _seal_state(self._conn, keys, CURSOR_STATE, {"cursor": cursor})
            self._conn.execute("DELETE FROM meta WHERE key = 'pull_cursor'")
        return changed

    # -- the audit chain's anchor on the server ----------------------------------------------

    def audit_head(self) -> audit.AuditHead:
        """The chain's last (sequence, MAC), which the sync engine anchors on the server."""
        self._require()
        return audit.head(self._conn)

    def audit_mac_at(self, seq: int) -> str | None:
        """The MAC (hex) of entry `seq`: proof to the server that the chain it saw is still ours."""
        self._require()
        return audit.mac_at(self._conn, seq)

    def restore_declared(self) -> bool:
        """Whether a supervisor declared a backup restore that the server has not yet accepted."""
        keys = self._require()
        return bool(_open_state(self._conn, keys, RESTORE_STATE).get("declared"))

    def declare_restore(self) -> None:
        """Say, audited, that this store was restored from a backup (supervisor).

        A restored store's audit log is shorter than, or differs from, the one the server last
        anchored. Declared, the next sync tells the server so, and the server accepts the new
        chain (noting the restore for the central team) instead of flagging a rollback.
        """
        keys = self._require("supervisor")
        with transaction(self._conn):
            self._audit("restore_declared", detail="the store was restored from a backup")
            _seal_state(self._conn, keys, RESTORE_STATE, {"declared": True, "at": utc_now()})

    def audit_anchored(self, outcome: str, server_seq: int) -> None:
        """Keep what the server said of our chain; a rolled-back or forked chain is audited.

        `outcome` is the server's word: "ok", "restore_accepted", "rolled_back" or "forked". The
        server judges each sync against the chain it saw last, so the sync after a flag is
        "ok" again; the laptop keeps showing the flag until a supervisor declares a restore and
        the server accepts it.
        """
        keys = self._require()
        if outcome not in ANCHOR_OUTCOMES:
            raise ValueError(f"unknown anchor outcome {outcome!r}")
        with transaction(self._conn):
            previous = _open_state(self._conn, keys, ANCHOR_STATE)
            if outcome in ANCHOR_FLAGS and previous.get("outcome") != outcome:
                self._audit("tamper_detected", detail=f"server: audit log {outcome} (server had seq {server_seq})")
            if outcome == "restore_accepted":
                _seal_state(self._conn, keys, RESTORE_STATE, {})
            if not (outcome == "ok" and previous.get("outcome") in ANCHOR_FLAGS):  # a flag stays until declared
                _seal_state(
                    self._conn, keys, ANCHOR_STATE, {"outcome": outcome, "server_seq": server_seq, "at": utc_now()}
                )
        if outcome in ANCHOR_FLAGS:
            log.warning("the server reports this store's audit log as %s", outcome)

    def audit_anchor_state(self) -> dict[str, object]:
        """The server's last word on our chain: {"outcome", "server_seq", "at"}, or {} before any."""
        keys = self._require()
        return _open_state(self._conn, keys, ANCHOR_STATE)

    def sync_finished(self, summary: str, error: str | None) -> None:
        """Remember when sync last ran and how it ended (shown by `status` and the sync history)."""
        self._require()
        with transaction(self._conn):
            keyring.set_meta(self._conn, "last_sync_at", utc_now())
            keyring.set_meta(self._conn, "last_error", error or "")
            self._audit("sync", detail=summary + (f"{SYNC_ERROR_MARK}{error}" if error else ""))

    def sync_history(self, limit: int = 50) -> list[SyncRun]:
        """The latest sync runs, newest first, from the audit log (supervisors)."""
        self._require("supervisor")
        runs = [entry for entry in audit.entries(self._conn) if entry.action == "sync"][-limit:]
        return [SyncRun.from_audit(entry) for entry in reversed(runs)]

    def sync_status(self) -> dict[str, object]:
        self._require()
        return outbox.sync_status(self._conn)


ANCHOR_STATE = "audit_anchor_state"
CURSOR_STATE = "pull_cursor_sealed"
RESTORE_STATE = "restore_declared"
ANCHOR_OUTCOMES = ("ok", "restore_accepted", "rolled_back", "forked")
ANCHOR_FLAGS = ("rolled_back", "forked")


def _seal_state(conn: sqlite3.Connection, keys: crypto.SubKeys, name: str, value: dict[str, object]) -> None:
    """A small piece of sync state, sealed so the file alone cannot change it."""
    blob = crypto.seal(keys.secrets, crypto.KIND_SECRET, json.dumps(value).encode(), b"state:" + name.encode())
    keyring.set_meta(conn, name, blob)


def _open_state(conn: sqlite3.Connection, keys: crypto.SubKeys, name: str) -> dict[str, object]:
    """A sealed piece of sync state ({} when never set); StoreDamaged when edited in the file."""
    blob = keyring.get_meta(conn, name)
    if blob is None:
        return {}
    if not isinstance(blob, bytes):
        raise crypto.Tampered()
    return dict(json.loads(crypto.open_sealed(keys.secrets, crypto.KIND_SECRET, blob, b"state:" + name.encode())))


def _readable(keys: crypto.SubKeys, row: tuple) -> QueuedVersion | None:
    """One outbox row decrypted for sending, or None (logged by id) if it is damaged."""
    seq, record_id, version, created_at, updated_at, operator, schema_no, blob, _mac = row
    try:
        registration = records.open_registration(keys, record_id, version, schema_no, blob)
    except StoreDamaged:
        log.warning("queued record %s version %d fails its integrity check; left in the queue", record_id, version)
        return None
    return QueuedVersion(OutboxEntry(seq, record_id, version), created_at, updated_at, operator, registration.to_json())
