"""The app's session: the store on its worker, who is logged in, sync, and lock.

Screens never touch the store: they call `session.op(parent, fn)`, and `fn(ctx)` runs on the
database lane with `ctx.store`. After a write, a screen calls `session.notify("records")` and
every screen that shows records refreshes its part (Anki's "operation did execute").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldapp.errors import FieldappError, StoreDamaged
from fieldapp.settings import Settings
from fieldapp.store import Store
from fieldapp.users import User
from ui.ops import Context, Lanes, Op
from ui.sync_state import SyncState

AREAS = ("records", "drafts", "users", "settings", "sync")
log = logging.getLogger(__name__)
PROBE_EVERY_S = 15.0  # how often the link is checked while logged in


def warm_rules() -> None:
    """Load the region list and the phone metadata (~0.3 s) on a worker, before a screen needs them.

    The form checks as the operator types, on the GUI thread: that is quick only once these
    are in memory.
    """
    from fieldapp.regions import regions
    from fieldapp.validation import normalize_phone

    regions().preload()  # the names the pickers search as the operator types
    normalize_phone("081234567890")


class Session(QObject):
    changed = Signal(set)  # which AREAS changed
    locked = Signal()
    sync_event = Signal(str, str, object)  # kind, detail, error (from the sync thread)
    sync_progress = Signal(str, int, int)  # phase, done, total
    sync_state_changed = Signal(str)
    language_changed = Signal(str)
    closing = Signal()  # about to lock or close the store: last chance to queue a save before it

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.lanes = Lanes()
        self.user: User | None = None
        self.settings = Settings()
        self.office = ""
        self.demo_note = ""  # the demo's users and passphrases, shown on the login screen
        self.probe_every_s = PROBE_EVERY_S  # how often the link is checked (tests make it short)
        self.sync_state = SyncState(enrolled=False)
        self.sync_state.observe(self.sync_state_changed.emit)
        self._service: Any = None  # a sync.service.SyncService while logged in
        self.sync_event.connect(self._apply_sync_event)

    # -- running work ----------------------------------------------------------------------

    def op(self, parent: QWidget, fn: Callable[[Context], Any], lane: str = "db") -> Op:
        return Op(self.lanes, parent, fn, lane)

    def notify(self, *areas: str) -> None:
        self.changed.emit(set(areas))

    @property
    def is_supervisor(self) -> bool:
        return self.user is not None and self.user.is_supervisor

    # -- opening, login, lock (each `fn` below runs on the database lane) ---------------------

    def change_language(self, code: str) -> FieldappError | None:
        """Switch the language now, and keep it for the next start if the disk lets us.

        Returns the reason it could not be kept (a full or read-only disk), for the screen to
        show; the switch itself happens either way.
        """
        from fieldapp import preferences
        from ui import i18n

        i18n.apply(code)
        self.language_changed.emit(code)
        try:
            preferences.save(self.data_dir, language=code)
        except FieldappError as exc:
            return exc
        return None

    def store_exists(self) -> bool:
        return (self.data_dir / "store.sqlite3").exists()

    def open_store(self, ctx: Context) -> list[str]:
        """Open the store on the lane (once) and return the names the login screen offers."""
        if self.lanes.store is None:
            self.lanes.store = Store.open(self.data_dir)
        return self.lanes.store.login_names()

    def create_store(self, ctx: Context, name: str, passphrase: str, office: str) -> str:
        store, code = Store.create(self.data_dir, name, passphrase, office or None)
        self.lanes.store = store
        self._logged_in(store)
        return code

    def login(self, ctx: Context, name: str, passphrase: str) -> User:
        store = self.lanes.store or Store.open(self.data_dir)
        self.lanes.store = store
        store.login(name, passphrase)
        try:
            self._logged_in(store)
        except BaseException:  # a login the screen reports as failed leaves no key behind
            self.user = None
            store.lock()
            raise
        return store.user

    def recover(self, ctx: Context, name: str, code: str, passphrase: str) -> str:
        store = self.lanes.store or Store.open(self.data_dir)
        self.lanes.store = store
        return store.recover(name, code, passphrase)

    def _logged_in(self, store: Store) -> None:
        self.settings = self._settings_of(store)
        self.user = store.user
        self.office = store.office
        self.sync_state.state = "offline" if store.sync_status()["device_id"] else "not_enrolled"
        store.warm_search()  # ~0.3 s at 100,000 records: here, not on the operator's first search
        warm_rules()

    @staticmethod
    def _settings_of(store: Store) -> Settings:
        """The laptop's policy; if its sealed value fails to open, the safe defaults (and a log line).

        Refusing the login instead would lock out the very supervisor who can save it again.
        """
        try:
            return store.settings()
        except StoreDamaged:
            log.warning("the sealed settings fail their integrity check; using the defaults until saved again")
            return Settings()

    def lock(self) -> None:
        """Drop every result in flight and every key; the window shows the login screen.

        `closing` first: a draft save queued then runs on the lane before the store forgets its key.
        """
        self._closing()
        self.lanes.invalidate()
        self.stop_sync()
        self.user = None
        store = self.lanes.store
        if store is not None:
            self.lanes.db.start(store.lock)
        self.locked.emit()

    def shutdown(self) -> None:
        """Stop sync, close the store on its lane and wait for both lanes (safe to call twice)."""
        self._closing()
        self.lanes.invalidate()
        self.stop_sync(wait_s=15.0)
        store = self.lanes.store
        if store is not None:
            self.lanes.db.start(store.close)
        self.lanes.wait()
        self.lanes.store = None

    def _closing(self) -> None:
        if self.user is not None and self.lanes.store is not None:
            self.closing.emit()

    # -- sync ----------------------------------------------------------------------------------

    def start_sync(self) -> None:
        """Start watching the link and syncing (called on the GUI thread after login)."""
        if self._service is not None or self.lanes.store is None:
            return
        from sync.service import SyncService  # late: HTTP and pydantic cost ~0.4 s, not needed to log in

        self._service = SyncService(
            self.lanes.store,
            on_event=lambda e: self.sync_event.emit(e.kind, e.detail, e.error),
            on_progress=lambda p: self.sync_progress.emit(p.phase, p.done, p.total),
            auto=self.settings.auto_sync,
            probe_every_s=self.probe_every_s,
        )
        self._service.start()

    def stop_sync(self, wait_s: float = 0.0) -> None:
        """Stop syncing; on lock at once (the thread winds down by itself), on exit waiting."""
        if self._service is not None:
            self._service.stop(wait_s)
            self._service = None

    def sync_now(self) -> None:
        if self._service is not None:
            self._service.sync_now()

    def sync_soon(self) -> None:
        if self._service is not None:
            self._service.sync_soon()

    def cancel_sync(self) -> None:
        if self._service is not None:
            self._service.cancel()

    def enrol(self, ctx: Context, enrolment: Any) -> None:
        """Keep a new enrolment (on the database lane); the office is the server's word now."""
        ctx.store.enrol(enrolment)
        self.office = ctx.store.office

    def enrolled(self) -> None:
        """A new enrolment is in the store: start over with the new server and token."""
        self.sync_state.enrolled()
        if self.user is not None:
            self.stop_sync()
            self.start_sync()

    def set_auto_sync(self, enabled: bool) -> None:
        if self._service is not None:
            self._service.set_auto(enabled)

    def _apply_sync_event(self, kind: str, _detail: str, error: object) -> None:
        self.sync_state.on_event(kind, error if isinstance(error, BaseException) else None)
        if kind in ("synced", "failed"):
            self.notify("records", "sync")
