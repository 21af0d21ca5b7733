"""The store: the one object the CLI, the desktop app and the sync engine talk to.

It owns the SQLite connection, unlocks the store key for one user, applies the rules that need
the whole store (one NIK per laptop, two registrants per KK), and writes every change together
with its outbox and audit entries in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fieldapp import (
    audit,
    crypto,
    errors,
    integrity,
    keyring,
    logs,
    outbox,
    records,
    reports,
    schema,
    settings,
    supervisor,
    timestamps,
    users,
)
from fieldapp.db import check_is_store, connect, damaged, disk_problem, transaction
from fieldapp.errors import (
    AuthError,
    InvalidRecords,
    LockedOut,
    NotPermitted,
    Problem,
    StoreDamaged,
    UsageError,
)
from fieldapp.files import make_private_folder
from fieldapp.integrity import VerifyReport
from fieldapp.nik import masked
from fieldapp.records import RecordMeta, StoredRecord
from fieldapp.regions import dotted, regions
from fieldapp.registration import Registration
from fieldapp.search import NameIndex
from fieldapp.store_drafts import DraftsSide
from fieldapp.store_sync import SyncSide
from fieldapp.store_users import UsersSide
from fieldapp.supervisor import SupervisorKeys
from fieldapp.timestamps import utc_now
from fieldapp.users import User

STORE_FILE = "store.sqlite3"
MAX_PER_KK = 2
log = logging.getLogger(__name__)


local_day = timestamps.local_day


@dataclass(frozen=True)
class RecordSummary:
    """One line of a list: no more personal data than an operator needs to pick a record."""

    id: str
    nik_masked: str
    full_name: str
    state: str
    version: int
    operator: str
    created_at: str
    updated_at: str
    server_note: str = ""
    damaged: bool = False  # its ciphertext failed to open: listed, flagged, never a crash

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


class Store(SyncSide, UsersSide, DraftsSide):
    """An open store; most methods need `login()` first."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._user: User | None = None
        self._keys: crypto.SubKeys | None = None
        self._store_key: bytes | None = None
        self._supervisor_key: bytes | None = None
        self._supervisor: SupervisorKeys | None = None
        self._names: NameIndex | None = None
        self._office: str | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, data_dir: Path, supervisor: str, passphrase: str, office: str | None = None) -> tuple[Store, str]:
        """A new store with its first supervisor, logged in; returns it and the recovery code."""
        users.check_name(supervisor)
        users.check_passphrase(passphrase, supervisor)
        office_code = _check_office(office)
        path = Path(data_dir) / STORE_FILE
        if _exists(path):
            check_is_store(path)  # an empty or foreign file says so, rather than "a store exists"
            raise UsageError(f"a store already exists in {data_dir}", f"penyimpanan sudah ada di {data_dir}")
        made = _make_folder(Path(data_dir))
        conn: sqlite3.Connection | None = None
        try:
            conn = connect(path)
            _migrate(conn, path)
            store_key, supervisor_key = crypto.new_key(), crypto.new_key()
            code = _first_rows(conn, supervisor, passphrase, store_key, supervisor_key, office_code)
        except BaseException:  # a failed init leaves nothing behind: no half-made store to trip over
            if conn is not None:
                conn.close()
            _remove_new_store(path, made)
            raise
        store = cls(conn, path)
        store._unlock(users.find(conn, supervisor), store_key, supervisor_key)  # type: ignore[arg-type]
        logs.store_folder_opened(Path(data_dir))
        log.info("store created")
        return store, code

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open an existing store; never creates one (nor its folder), never writes a foreign file."""
        path = Path(data_dir) / STORE_FILE
        try:
            path.stat()
        except FileNotFoundError:
            raise UsageError(
                f"no store in {data_dir}; run 'fieldapp init' first",
                f"belum ada penyimpanan di {data_dir}; jalankan 'fieldapp init' dulu",
            ) from None
        except OSError as exc:  # a folder this account may not enter, say
            raise errors.disk_problem(exc.errno or errno.EIO) from None
        check_is_store(path)
        conn = connect(path)
        try:
            _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
        logs.store_folder_opened(Path(data_dir))
        return cls(conn, path)

    def clone(self) -> Store:
        """Another connection to the same store, logged in as the same user, for another thread.

        SQLite connections belong to the thread that made them; the sync worker and the GUI
        each use their own, without asking for the passphrase twice.
        """
        other = Store.open(self.path.parent)
        other._unlock(self.user, self._unlocked_key(), self._supervisor_key)
        return other

    def close(self) -> None:
        """Forget the keys and the decrypted search names, then close the connection."""
        self.lock()
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def office(self) -> str:
        """This laptop's desa code (read once: every save stamps it on the record)."""
        if self._office is None:
            self._office = str(keyring.get_meta(self._conn, "office") or "")
        return self._office

    @property
    def user(self) -> User:
        if self._user is None:
            raise AuthError("log in first", "silakan masuk terlebih dahulu")
        return self._user

    # -- authentication --------------------------------------------------------------------

    def login(self, name: str, passphrase: str) -> User:
        """Unlock the store key with a user's passphrase; the guess is counted before it is checked."""
        if not passphrase.strip():  # a script's empty variable: not an attempt, so no lockout for it
            self._active_user(name)
            raise AuthError("no passphrase given", "kata sandi belum diisi")
        self._claim_attempt(name)
        try:
            kek, store_key = users.unlock(self._conn, name, passphrase)
        except crypto.Tampered:
            raise self._count_failure(name) from None
        keys = crypto.SubKeys.derive(store_key)
        with transaction(self._conn):
            users.clear_failures(self._conn, name)
            user = self._active_user(name)  # as it is now, not as it was before Argon2id ran
            outbox.seal_legacy(self._conn, keys.outbox, supervisor.is_old_store(self._conn))
            supervisor_key, wrong = self._supervisor_key_at_login(user, kek, keys)
        self._unlock(user, store_key, supervisor_key)
        wrong = wrong or self._check_users_sealed()
        with transaction(self._conn):
            audit.absorb_pending(self._conn, keys)
            self._audit("login")
            if wrong:
                self._audit("tamper_detected", detail=wrong)
        if wrong:
            log.warning("at login: tampering detected (the audit log names it)")
        self._purge_old_drafts()
        return self.user

    def _active_user(self, name: str) -> User:
        user = users.find(self._conn, name)
        if user is None or user.disabled or not users.has_key_wrap(self._conn, name):
            raise AuthError(f"no active user {name!r}", f"tidak ada pengguna aktif {name!r}")
        return user

    def _claim_attempt(self, name: str) -> None:
        """Count this guess durably, in one write transaction, or refuse it while locked.

        Counting before Argon2id runs (not after it failed) is what makes parallel logins
        safe: each process waits its turn for the write lock and sees every guess before it.
        """
        now = time.time()
        with transaction(self._conn):
            user = self._active_user(name)
            locked = self._lockout(user, now)
            if locked is None:
                users.claim_attempt(self._conn, name, now)
        if locked is not None:
            raise locked

    @staticmethod
    def _lockout(user: User, now: float | None = None) -> LockedOut | None:
        wait = users.lock_wait(user, time.time() if now is None else now)
        if wait is None:
            return None
        if wait == float("inf"):
            return LockedOut(
                f"user {user.name!r} is locked after {user.failed_attempts} wrong passphrases in a row; "
                "a supervisor must reset the passphrase (or use the recovery code)",
                f"pengguna {user.name!r} dikunci setelah {user.failed_attempts} kali salah kata sandi berturut-turut; "
                "supervisor harus mengatur ulang kata sandi (atau gunakan kode pemulihan)",
            )
        seconds = int(wait + 0.999)
        return LockedOut(
            f"user {user.name!r} is locked after too many wrong passphrases; try again in {seconds} s",
            f"pengguna {user.name!r} dikunci karena terlalu banyak salah kata sandi; coba lagi dalam {seconds} detik",
            wait_seconds=seconds,
        )

    def _count_failure(self, name: str) -> AuthError:
        """Note a wrong passphrase (already counted by `_claim_attempt`); the error to show for it."""
        now = time.time()
        with transaction(self._conn):
            counted = users.find(self._conn, name)
            assert counted is not None
            audit.note_pending(self._conn, utc_now(), name, "failed_login", f"attempt={counted.failed_attempts}")
            if users.lock_seconds(counted.failed_attempts) and counted.failed_attempts <= users.HARD_LOCK_ATTEMPTS:
                audit.note_pending(
                    self._conn,
                    utc_now(),
                    name,
                    "lockout",
                    f"seconds={users.lock_seconds(counted.failed_attempts)}"
                    if counted.failed_attempts < users.HARD_LOCK_ATTEMPTS
                    else "until_reset",
                )
        log.warning("failed login (attempt %d in a row)", counted.failed_attempts)  # no name: it may be anything typed
        locked = self._lockout(counted, now)
        if locked is not None:
            return locked
        left = users.MAX_FAILED_ATTEMPTS - counted.failed_attempts
        return AuthError(
            f"wrong passphrase for {name!r} ({left} attempt(s) left before a lockout)",
            f"kata sandi salah untuk {name!r} (sisa {left} percobaan sebelum dikunci)",
        )

    def login_names(self) -> list[str]:
        """The active users' names, for the login screen's picker (no key is needed for them)."""
        active = [user.name for user in users.all_users(self._conn) if not user.disabled]
        return [name for name in active if users.has_key_wrap(self._conn, name)]

    def lock(self) -> None:
        """Forget the key and every decrypted name; the next call needs `login()` again."""
        self._user = None
        self._keys = None
        self._store_key = None
        self._supervisor_key = None
        self._supervisor = None
        if self._names is not None:
            self._names.clear()  # the index object may outlive this store's reference to it
        self._names = None

    def _unlock(self, user: User, store_key: bytes, supervisor_key: bytes | None) -> None:
        self._user = self._as_session_user(user, supervisor_key)
        self._store_key = store_key
        self._supervisor_key = supervisor_key
        self._supervisor = SupervisorKeys.derive(supervisor_key) if supervisor_key is not None else None
        self._keys = crypto.SubKeys.derive(store_key)
        self._names = NameIndex(self._conn, self._keys)

    def recover(self, name: str, code: str, new_passphrase: str) -> str:
        """Set a user's passphrase with the recovery code; returns the code that replaces it.

        The code carries the supervisor key, so a supervisor recovering their passphrase keeps
        supervisor powers; an operator's row never gets it. In a store upgraded from before the
        supervisor key, the old code carries only the store key until a supervisor makes a new
        one (`new_recovery_code`).
        """
        users.check_passphrase(new_passphrase, name)
        user = users.find(self._conn, name)
        if user is None:
            raise AuthError(f"no user {name!r}", f"tidak ada pengguna {name!r}")
        try:
            store_key, supervisor_key = keyring.unwrap_with_recovery(self._conn, code)
        except crypto.Tampered:
            raise AuthError("the recovery code is wrong", "kode pemulihan salah") from None
        keys = crypto.SubKeys.derive(store_key)
        with transaction(self._conn):
            derived = SupervisorKeys.derive(supervisor_key) if supervisor_key is not None else None
            intact = derived is not None and self._row_intact(user, derived)
            granted = supervisor_key if intact and user.role == "supervisor" else None
            users.set_passphrase(self._conn, name, new_passphrase, store_key, utc_now(), supervisor_key=granted)
            if user.disabled and derived is not None:
                supervisor.suspend(self._conn, derived, name, utc_now())
            new_code = keyring.new_recovery(self._conn, store_key, supervisor_key)
            self._unlock(user, store_key, granted)
            audit.absorb_pending(self._conn, keys)
            if intact:
                self._audit_users_change(derived, [name], "recover", f"user={name}")  # type: ignore[arg-type]
            else:
                self._audit("recover", detail=f"user={name}")
        return new_code

    def _row_intact(self, user: User, keys: SupervisorKeys) -> bool:
        """Whether a recovering user's row is as supervisors left it: only then is it resealed (and
        a supervisor's given the supervisor key back); an edited row stays flagged."""
        return user.name not in supervisor.changed_rows(self._conn, keys) and not supervisor.rolled_back(
            self._conn, keys
        )

    def _require(self, role: str | None = None) -> crypto.SubKeys:
        user = self.user
        if self._keys is None:
            raise AuthError("log in first", "silakan masuk terlebih dahulu")
        if role == "supervisor" and (not user.is_supervisor or self._supervisor_key is None):
            raise NotPermitted("only a supervisor may do this", "hanya supervisor yang boleh melakukan ini")
        return self._keys

    def _audit(self, action: str, record_id: str | None = None, detail: str = "") -> None:
        audit.append(self._conn, self._keys, utc_now(), self.user.name, action, record_id, detail)  # type: ignore[arg-type]

    def _unlocked_key(self) -> bytes:
        """The store key itself: needed only to wrap it for another passphrase."""
        if self._store_key is None:
            raise AuthError("log in first", "silakan masuk terlebih dahulu")
        return self._store_key

    # -- records ---------------------------------------------------------------------------

    def register(
        self, raw_records: Iterable[object], today: dt.date | None = None, draft_id: str | None = None
    ) -> list[str]:
        """Validate a whole batch and save all of it, or raise InvalidRecords and save none.

        With `draft_id`, the draft the batch was typed into is deleted in the same transaction:
        a power cut leaves the draft and no record, or the record and no draft.
        """
        keys = self._require()
        from fieldapp.validation import check  # late: phonenumbers and the region list load on first save

        day = today or dt.date.today()
        checked = [check(raw, day, index) for index, raw in enumerate(raw_records)]
        problems = [problem for _, found in checked for problem in found]
        valid = [(index, reg) for index, (reg, _) in enumerate(checked) if reg is not None]
        now = utc_now()
        detail = f"from_draft={draft_id.strip().lower()}" if draft_id is not None else ""
        with self._tamper_reported(draft_id), transaction(self._conn):
            problems += self._store_rule_problems(keys, valid)
            if problems:
                raise InvalidRecords(sorted(problems, key=lambda p: p.index))
            ids = [self._insert_new(keys, reg, now, detail) for _, reg in valid]
            if draft_id is not None:
                self._consume_draft(keys, draft_id)
        for record_id, (_, reg) in zip(ids, valid, strict=True):
            self._names.remember(record_id, reg.full_name)  # type: ignore[union-attr]
        log.info("registered %d record(s)", len(ids))
        return ids

    def _store_rule_problems(
        self, keys: crypto.SubKeys, batch: list[tuple[int, Registration]], editing: str | None = None
    ) -> list[Problem]:
        """One NIK per laptop, at most two registrants per KK, counting the batch itself."""
        problems: list[Problem] = []
        niks_in_batch: set[str] = set()
        kk_added: Counter[str] = Counter()
        for index, reg in batch:
            owner = records.id_with_nik(self._conn, keys, reg.nik)
            if (owner is not None and owner != editing) or reg.nik in niks_in_batch:
                problems.append(Problem("nik", "duplicate_nik", index))
            holders = [h for h in records.kk_holders(self._conn, keys, reg.kk_number) if h != editing]
            if len(holders) + kk_added[reg.kk_number] >= MAX_PER_KK:
                problems.append(Problem("kk_number", "kk_limit", index))
            niks_in_batch.add(reg.nik)
            kk_added[reg.kk_number] += 1
        return problems

    def _insert_new(self, keys: crypto.SubKeys, reg: Registration, now: str, detail: str = "") -> str:
        record_id = records.new_record_id()
        meta = RecordMeta(record_id, 1, "pending", self.office, self.user.name, now, now)
        records.write_version(self._conn, keys, meta, reg)
        outbox.enqueue(self._conn, keys.outbox, record_id, 1, now)
        self._audit("register", record_id, detail)
        return record_id

    def edit(self, record_id: str, changes: dict[str, object]) -> int:
        """Save a new version with `changes` applied; returns the record's version number after it.

        An edit that changes nothing (after the rules' normalising) saves nothing and queues
        nothing: it returns the current version. To send an unchanged record again, `resend()`.
        """
        keys = self._require()
        from fieldapp.validation import check  # late, as in register()

        if not isinstance(changes, dict):
            raise InvalidRecords([Problem("record", "not_object")])
        current = records.load(self._conn, keys, self._meta(record_id))
        merged = {**current.registration.to_json(), **changes}
        reg, problems = check(merged, local_day(current.meta.created_at))
        if reg is not None and not problems and reg == current.registration:
            return current.meta.version
        return self._save_version(keys, current.meta.id, reg, problems, "edit")

    def resend(self, record_id: str) -> int:
        """A new, unchanged version, queued: the server judges the record again (after a fix on
        its side, or a re-enrolment); returns the new version number."""
        keys = self._require()
        current = records.load(self._conn, keys, self._meta(record_id))
        return self._save_version(keys, current.meta.id, current.registration, [], "resend")

    def _save_version(
        self, keys: crypto.SubKeys, record_id: str, reg: Registration | None, problems: list[Problem], action: str
    ) -> int:
        """Write the next version of a record, queued and audited, if the store's rules allow it."""
        now = utc_now()
        with transaction(self._conn):
            meta = self._meta(record_id)  # re-read inside the write lock
            if reg is not None:
                problems = problems + self._store_rule_problems(keys, [(0, reg)], editing=meta.id)
            if problems:
                raise InvalidRecords(problems)
            new_meta = RecordMeta(
                meta.id, meta.version + 1, "pending", meta.office, self.user.name, meta.created_at, now
            )
            records.write_version(self._conn, keys, new_meta, reg)  # type: ignore[arg-type]
            outbox.enqueue(self._conn, keys.outbox, meta.id, new_meta.version, now)
            self._audit(action, meta.id, f"version={new_meta.version}")
        self._names.remember(meta.id, reg.full_name)  # type: ignore[union-attr]
        return new_meta.version

    def record_meta(self, record_id: str) -> RecordMeta:
        """A record's state, version and owner by id or unique prefix (nothing is decrypted)."""
        self._require()
        return self._meta(record_id)

    def show(self, record_id: str) -> StoredRecord:
        """The full record, decrypted on purpose: this is audited as a view."""
        keys = self._require()
        stored = records.load(self._conn, keys, self._meta(record_id))
        with transaction(self._conn):
            self._audit("view", stored.meta.id)
        return stored

    def find_by_nik(self, nik: str) -> RecordMeta | None:
        """Which record holds this NIK (by blind index; nothing is decrypted)."""
        keys = self._require()
        record_id = records.id_with_nik(self._conn, keys, nik)
        return records.find_meta(self._conn, record_id) if record_id else None

    def summaries(
        self,
        state: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        oldest_first: bool = False,
    ) -> list[RecordSummary]:
        """Records newest first (or oldest), optionally by state and by name (or exact NIK) search.

        `offset` and `limit` page through the list, so a screen asks for one page at a time.
        """
        keys = self._require()
        _check_state(state)
        ids = self._search_ids(keys, search) if search else None
        if ids is not None and limit is not None and state is None and not oldest_first:
            ids = ids[: offset + limit]  # already newest first: no need to hand SQLite every match
        rows = records.newest(self._conn, state, limit, ids, offset, oldest_first)
        return [self._summary(keys, *row) for row in rows]

    def count(self, state: str | None = None, search: str | None = None) -> int:
        """How many records `summaries()` lists with the same filters."""
        keys = self._require()
        _check_state(state)
        ids = self._search_ids(keys, search) if search else None
        return records.count(self._conn, state, ids)

    def unsearchable(self) -> list[str]:
        """Ids of records a name search cannot see (their sealed name is damaged), after a search."""
        self._require()
        return list(self._names.unsearchable)  # type: ignore[union-attr]

    def warm_search(self) -> None:
        """Decrypt the names the search needs now (about 0.3 s at 100,000 records), not on the first search."""
        self._require()
        self._names.matching("")  # type: ignore[union-attr]

    def _search_ids(self, keys: crypto.SubKeys, text: str) -> list[str]:
        compact = text.strip()
        if len(compact) == 16 and compact.isdigit():
            owner = records.id_with_nik(self._conn, keys, compact)
            return [owner] if owner else []
        return self._names.matching(compact)  # type: ignore[union-attr]

    @staticmethod
    def _summary(keys: crypto.SubKeys, meta: RecordMeta, schema_no: int, blob: bytes) -> RecordSummary:
        try:
            reg = records.open_registration(keys, meta.id, meta.version, schema_no, blob)
            nik, name, damaged = masked(reg.nik), reg.full_name, False
        except StoreDamaged:  # listed and flagged: one bad row never breaks a list
            log.warning("record %s version %d fails its integrity check", meta.id, meta.version)
            nik, name, damaged = "", "", True
        return RecordSummary(
            meta.id,
            nik,
            name,
            meta.state,
            meta.version,
            meta.operator,
            meta.created_at,
            meta.updated_at,
            meta.server_note,
            damaged=damaged,
        )

    def versions(self, record_id: str) -> list[records.VersionInfo]:
        """A record's saved versions, oldest first: when and by whom (nothing is decrypted)."""
        self._require()
        return records.versions(self._conn, self._meta(record_id).id)

    def identity_problems(self, nik: str | None, kk_number: str | None, editing: str | None = None) -> list[Problem]:
        """The store's rules for a NIK and KK typed into a form, before anything is saved.

        The same rules `register()` and `edit()` apply, asked early so the operator hears of a
        duplicate NIK or a full KK while the applicant is still at the desk.
        """
        keys = self._require()
        problems = []
        owner = records.id_with_nik(self._conn, keys, nik) if nik else None
        if owner is not None and owner != editing:
            problems.append(Problem("nik", "duplicate_nik"))
        holders = [h for h in records.kk_holders(self._conn, keys, kk_number) if h != editing] if kk_number else []
        if len(holders) >= MAX_PER_KK:
            problems.append(Problem("kk_number", "kk_limit"))
        return problems

    def note_receipt(self, record_id: str) -> None:
        """Audit that a receipt (with the applicant's name) was printed or saved."""
        self._require()
        meta = self._meta(record_id)
        with transaction(self._conn):
            self._audit("receipt", meta.id)

    def counts(self) -> dict[str, int]:
        self._require()
        return records.state_counts(self._conn)

    def pending_outbox(self) -> int:
        self._require()
        return outbox.pending_count(self._conn)

    def _meta(self, record_id: str) -> RecordMeta:
        """A record by its id or an unambiguous prefix of at least 8 characters.

        The messages never repeat what was asked for: someone may have typed a NIK or a name
        where the id belongs, and messages reach the log.
        """
        record_id = record_id.strip().lower()  # ids are lower-case hex; one read aloud may be typed in capitals
        meta = records.find_meta(self._conn, record_id)
        if meta is None and len(record_id) >= 8:
            found = records.ids_starting_with(self._conn, record_id)
            if len(found) > 1:
                raise UsageError(
                    "ambiguous record id: more than one record starts with it; give more of the id",
                    "nomor data ambigu: lebih dari satu data diawali dengan itu; ketik lebih lengkap",
                )
            if found:
                meta = records.find_meta(self._conn, found[0])
        if meta is None:
            raise UsageError(
                "no record with that id (give a record id from 'fieldapp list', not a NIK or a name)",
                "tidak ada data dengan nomor itu (pakai nomor data dari daftar, bukan NIK atau nama)",
            )
        return meta

    # -- integrity -------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Decrypt every version, check the indexes and the audit chain; change nothing."""
        return integrity.check(self._conn, self._require(), self._supervisor)

    # -- settings, reports, export ------------------------------------------------------------

    def settings(self) -> settings.Settings:
        return settings.load(self._conn, self._require())

    def save_settings(self, new: settings.Settings) -> None:
        """Keep the laptop's policy (auto-lock, auto-sync); a supervisor's decision, audited."""
        keys = self._require("supervisor")
        with transaction(self._conn):
            settings.save(self._conn, keys, new)
            self._audit("settings", detail=new.describe())

    def report(self, progress: reports.Progress | None = None) -> reports.Report:
        return reports.build(self._conn, self._require("supervisor"), progress)

    def export_csv(self, path: Path, progress: reports.Progress | None = None) -> tuple[int, int]:
        """Write every record, decrypted, to a CSV file the supervisor chose; audited."""
        keys = self._require("supervisor")
        self._refuse_inside_data_folder(Path(path))
        written, damaged = reports.write_csv(self._conn, keys, Path(path), progress)
        try:
            with transaction(self._conn):
                self._audit("export", detail=f"records={written} damaged={damaged} file={Path(path).name}")
        except BaseException:  # an export the audit log cannot record does not happen
            Path(path).unlink(missing_ok=True)
            raise
        return written, damaged

    def _refuse_inside_data_folder(self, target: Path) -> None:
        """An export holds personal data in the clear: never over the store, its log, or beside them."""
        try:
            inside = target.resolve().is_relative_to(self.path.parent.resolve())
        except (OSError, RuntimeError, ValueError):
            inside = True
        if inside or not target.name:
            raise UsageError(
                "choose an export file outside the data folder (it would overwrite or sit beside the store)",
                "pilih berkas ekspor di luar folder data (berkas itu akan menimpa atau berada di samping penyimpanan)",
            )

    def audit_log(self, limit: int | None = None) -> list[audit.AuditEntry]:
        self._require("supervisor")
        return audit.entries(self._conn, limit)


def _exists(path: Path) -> bool:
    """Whether `path` exists; a folder this account may not look into is the user's DiskProblem."""
    try:
        return path.exists()
    except OSError as exc:
        raise errors.disk_problem(exc.errno or errno.EIO) from None


def _make_folder(folder: Path) -> Path | None:
    """`files.make_private_folder`, a refusing disk as the user's DiskProblem."""
    try:
        return make_private_folder(folder)
    except OSError as exc:
        raise errors.disk_problem(exc.errno or errno.EIO) from None


def _remove_new_store(path: Path, made: Path | None) -> None:
    """Undo a failed `create`: its files, and the folders it made (nothing that was there before)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(str(path) + suffix).unlink(missing_ok=True)
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)


def _first_rows(
    conn: sqlite3.Connection,
    supervisor_name: str,
    passphrase: str,
    store_key: bytes,
    supervisor_key: bytes,
    office: str,
) -> str:
    """The new store's identity, first supervisor, recovery code and first audit entry."""
    now = utc_now()
    keys = crypto.SubKeys.derive(store_key)
    derived = SupervisorKeys.derive(supervisor_key)
    with transaction(conn):
        keyring.set_meta(conn, "store_id", str(uuid.uuid4()))
        keyring.set_meta(conn, "office", office)
        keyring.set_meta(conn, "created_at", now)
        users.insert(conn, supervisor_name, "supervisor", passphrase, store_key, now, supervisor_key=supervisor_key)
        supervisor.seal_users(conn, derived)
        code = keyring.new_recovery(conn, store_key, supervisor_key)
        outbox.mark_sealed(conn, keys.outbox)
        audit.start_forward_secure(conn, keys, derived.audit_seed)
        seq = audit.next_seq(conn)
        tag = supervisor.users_tag(conn, derived, seq)
        audit.append(conn, keys, now, supervisor_name, "init", None, f"office={office} users={tag}")
        supervisor.note_users_change(conn, seq)
    return code


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to date; a refusing disk or a damaged file as the user's error.

    A store from an older version is copied first (`fieldapp.backup.before_migration`): an
    upgrade that goes wrong, or a new version that has to be rolled back, leaves the old file.
    """
    try:
        version = schema.current_version(conn)
        if 0 < version < schema.SCHEMA_VERSION:
            from fieldapp.backup import before_migration  # late: only an upgrade pays for it

            before_migration(conn, path, version)
        schema.migrate(conn)
    except sqlite3.Error as exc:
        raise disk_problem(exc, path) or damaged(exc) from None


def _check_state(state: str | None) -> None:
    if state is not None and state not in records.STATES:
        raise UsageError(  # the value is not repeated: a NIK typed in the wrong box must not reach the log
            f"unknown state; one of: {', '.join(records.STATES)}",
            f"status tidak dikenal; pilih salah satu: {', '.join(records.STATES)}",
        )


def _check_office(office: str | None) -> str:
    if not office:
        return ""
    code = dotted(office)
    if code is None or not regions().exists(code, "desa"):
        raise UsageError(
            "--office must be a desa/kelurahan code in the Kemendagri list",
            "--office harus kode desa/kelurahan dalam daftar Kemendagri",
        )
    return code


def data_dir_default() -> Path:
    """FIELDAPP_DATA_DIR, else the platform's per-user data folder."""
    env = os.environ.get("FIELDAPP_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("fieldapp", appauthor=False))
