"""The store's drafts side: who may save, open, list, discard and purge drafts.

Mixed into `fieldapp.store.Store`. Operators see and change only the drafts they started;
supervisors (a session holding the supervisor key) see and change all of them. The owner a
rule is checked against is the one sealed into the draft (`fieldapp.drafts.context`): a draft
whose owner column was edited by hand fails to open before anyone acts on it, and the failure
is audited as `tamper_detected`. Starting, discarding and purging are audited; each autosave
is not (the log would fill with them), and a supervisor opening someone else's draft is
audited as `draft_view`, as opening a record is.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from fieldapp import crypto, drafts, records, settings
from fieldapp.db import checkpoint, transaction
from fieldapp.drafts import DraftInfo
from fieldapp.errors import FieldappError, NotPermitted, StoreDamaged, UsageError
from fieldapp.timestamps import iso_utc, parse, utc_now
from fieldapp.users import User

log = logging.getLogger(__name__)
MAX_PURGE_DAYS = 36_500


class DraftsSide:
    _conn: sqlite3.Connection

    if TYPE_CHECKING:  # supplied by Store

        @property
        def user(self) -> User: ...

        def _require(self, role: str | None = None) -> crypto.SubKeys: ...

        def _audit(self, action: str, record_id: str | None = None, detail: str = "") -> None: ...

    def save_draft(self, fields: dict[str, object], draft_id: str | None = None) -> str:
        """Seal the form's data as a draft (a new one without `draft_id`); returns its id.

        One transaction, no key derivation: cheap enough to run a moment after every change.
        A draft keeps the owner and start time it was started with, whoever saves it next.
        """
        keys = self._require()
        plaintext = drafts.encode(fields)
        sections = drafts.sections_of(fields)
        now = utc_now()
        with self._tamper_reported(draft_id), transaction(self._conn):
            if draft_id is None:
                info = DraftInfo(records.new_record_id(), self.user.name, now, now, sections)
                self._audit("draft_start", detail=f"draft={info.id}")
            else:
                current, _ = self._authentic_draft(keys, draft_id)
                info = DraftInfo(current.id, current.owner, current.started_at, now, sections)
            drafts.write(self._conn, keys, info, plaintext)
        return info.id

    def drafts(self) -> list[DraftInfo]:
        """Supervisors see every draft, operators their own; the most recently saved first.

        Each is opened to check it (a few microseconds each): one changed by hand is listed,
        flagged `damaged`, rather than shown as if it were sound.
        """
        keys = self._require()
        owner = None if self.user.is_supervisor else self.user.name
        listed = []
        for info, blob in drafts.newest(self._conn, owner):
            try:
                drafts.open_fields(keys, info, blob)
            except (crypto.Tampered, ValueError):
                log.warning("draft %s fails its integrity check", info.id)
                info = DraftInfo(info.id, info.owner, info.started_at, info.saved_at, info.sections, damaged=True)
            listed.append(info)
        return listed

    def open_draft(self, draft_id: str) -> dict[str, object]:
        """The draft's fields, for its owner or a supervisor (who is audited opening another's)."""
        keys = self._require()
        with self._tamper_reported(draft_id):
            info, fields = self._authentic_draft(keys, draft_id)
        if info.owner != self.user.name:
            with transaction(self._conn):
                self._audit("draft_view", detail=f"draft={info.id} owner={info.owner}")
        return fields

    def discard_draft(self, draft_id: str) -> None:
        """Throw a draft away (audited). A supervisor may discard one that fails to open."""
        keys = self._require()
        with self._tamper_reported(draft_id), transaction(self._conn):
            info = self._draft_to_discard(keys, draft_id)
            drafts.delete(self._conn, info.id)
            self._audit("draft_discard", detail=f"draft={info.id} owner={info.owner}")
        self._wipe_wal()

    def purge_drafts(self, older_than_days: int) -> int:
        """Discard every draft not saved for more than `older_than_days` days (supervisors); audited."""
        self._require("supervisor")
        if isinstance(older_than_days, bool) or not isinstance(older_than_days, int):
            raise UsageError("the number of days must be a whole number", "jumlah hari harus bilangan bulat")
        if not 0 <= older_than_days <= MAX_PURGE_DAYS:
            raise UsageError(
                f"the number of days must be from 0 to {MAX_PURGE_DAYS}",
                f"jumlah hari harus antara 0 dan {MAX_PURGE_DAYS}",
            )
        with transaction(self._conn):
            count = drafts.delete_saved_before(self._conn, _days_ago(older_than_days))
            self._audit("draft_purge", detail=f"count={count} older_than_days={older_than_days}")
        self._wipe_wal()
        log.info("purged %d draft(s) not saved for more than %d days", count, older_than_days)
        return count

    def _purge_old_drafts(self) -> int:
        """At login: discard drafts older than the laptop's `draft_days` setting (audited when any).

        Settings that fail to open (changed by hand) purge nothing: the setting is not known,
        and a wrong guess would destroy someone's work. Nor does a purge that would take every
        draft: that is what a clock jumped forward (a flat CMOS battery, a wrong year typed)
        looks like, and a laptop left unused for longer than `draft_days` looks the same from
        inside. Those drafts go once a newer one exists, or by `fieldapp drafts purge`; the skip
        is logged and audited (`draft_purge count=0 skipped=N`).
        """
        keys = self._require()
        try:
            days = settings.load(self._conn, keys).draft_days
        except (FieldappError, ValueError, TypeError):
            log.warning("settings fail to open: old drafts are not purged at this login")
            return 0
        cutoff = _days_ago(days)
        with transaction(self._conn):
            older, newer = drafts.saved_around(self._conn, cutoff)
            if older and not newer:
                self._audit("draft_purge", detail=f"count=0 skipped={older} automatic draft_days={days} all_older")
                log.warning(
                    "every draft (%d) is older than %d days: not purged automatically (has the clock jumped?)",
                    older,
                    days,
                )
                return 0
            count = drafts.delete_saved_before(self._conn, cutoff)
            if count:
                self._audit("draft_purge", detail=f"count={count} automatic draft_days={days}")
        if count:
            self._wipe_wal()
            log.info("purged %d draft(s) older than %d days", count, days)
        return count

    def _wipe_wal(self) -> None:
        """After drafts were deleted: their earlier versions leave the WAL now, not at some later checkpoint.

        `secure_delete` (fieldapp.db) zeroes the rows in the file; the WAL still holds the pages as
        they were before, until a checkpoint empties it. A reader in the way only delays that.
        """
        if not checkpoint(self._conn):
            log.info("the WAL is in use by a reader; it is emptied at a later checkpoint")

    def _consume_draft(self, keys: crypto.SubKeys, draft_id: str) -> None:
        """Delete the draft a registration was saved from, inside the registration's transaction.

        A draft already gone (discarded elsewhere, purged) is no reason to refuse a valid
        registration; one the user may not touch, or one changed by hand, is.
        """
        if drafts.find(self._conn, draft_id.strip()) is None:
            log.info("the draft a registration was saved from is already gone")
            return
        info, _ = self._authentic_draft(keys, draft_id)
        drafts.delete(self._conn, info.id)

    def _draft_to_discard(self, keys: crypto.SubKeys, draft_id: str) -> DraftInfo:
        """A supervisor may throw away a draft that no longer opens; an operator only their own, intact."""
        if self.user.is_supervisor:
            return self._draft_row(draft_id)[0]
        return self._authentic_draft(keys, draft_id)[0]

    def _draft_row(self, draft_id: str) -> tuple[DraftInfo, bytes]:
        """The row, or the store's not-found error (naming nothing that was typed)."""
        found = drafts.find(self._conn, draft_id.strip()) if isinstance(draft_id, str) else None
        if found is None:
            raise UsageError("no draft with that id", "tidak ada draf dengan nomor itu")
        return found

    def _authentic_draft(self, keys: crypto.SubKeys, draft_id: str) -> tuple[DraftInfo, dict[str, object]]:
        """The draft and its fields, if this user may act on it and its sealed owner agrees."""
        info, blob = self._draft_row(draft_id)
        if not self.user.is_supervisor and info.owner != self.user.name:
            raise NotPermitted(
                "this draft was started by another user; only they or a supervisor may use it",
                "draf ini dimulai oleh pengguna lain; hanya dia atau supervisor yang boleh memakainya",
            )
        try:
            return info, drafts.open_fields(keys, info, blob)
        except ValueError:  # sealed, authentic, but not JSON: cannot be an authentic draft either
            raise crypto.Tampered() from None

    @contextmanager
    def _tamper_reported(self, draft_id: str | None) -> Iterator[None]:
        """A draft that fails to open: audited (after the failed transaction rolled back), then refused."""
        try:
            yield
        except crypto.Tampered:
            raise self._report_tampered(draft_id) from None

    def _report_tampered(self, draft_id: str | None) -> StoreDamaged:
        shown_id = (draft_id or "").strip().lower()
        with transaction(self._conn):
            self._audit("tamper_detected", detail=f"draft={shown_id} fails its integrity check")
        log.warning("draft %s fails its integrity check (changed outside fieldapp)", shown_id)
        return StoreDamaged(
            "this draft was changed outside fieldapp and cannot be opened; a supervisor can discard it",
            "draf ini diubah di luar fieldapp dan tidak dapat dibuka; supervisor dapat membuangnya",
        )


def _days_ago(days: int) -> str:
    return iso_utc(parse(utc_now()) - dt.timedelta(days=days))
