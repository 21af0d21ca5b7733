"""Sync for a long-running front end: one background thread, its own store connection, cancel.

The desktop app starts one `SyncService` after login and stops it on lock or exit. The service
watches the link (`AutoSync`), syncs by itself when auto-sync is on, syncs on request, reports
progress and every event by callbacks (the app turns them into Qt signals), and can be
cancelled between batches. It imports no Qt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from fieldapp.device import Enrolment
from fieldapp.errors import AuthError, NotPermitted
from fieldapp.store import Store
from fieldapp.store_sync import StoreIdentity
from sync.client import SyncClient, check_server_url
from sync.engine import Progress, SyncEngine, SyncReport
from sync.errors import Cancelled, NotEnrolled
from sync.scheduler import AutoSync, SyncEvent

log = logging.getLogger(__name__)
PROBE_EVERY_S = 15.0


class SyncService:
    def __init__(
        self,
        store: Store,
        on_event: Callable[[SyncEvent], None],
        on_progress: Callable[[Progress], None] = lambda _p: None,
        auto: bool = True,
        probe_every_s: float = PROBE_EVERY_S,
    ) -> None:
        self._source = store
        self._on_event = on_event
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self._store: Store | None = None  # the service thread's own connection, made on that thread
        self._client: SyncClient | None = None
        self._client_device = ""
        self.last_report: SyncReport | None = None
        self._auto = AutoSync(
            self._probe, self._sync_once, self._has_work, self._event, probe_every_s, auto, on_exit=self._close
        )

    # -- what the app calls ------------------------------------------------------------------

    def start(self) -> None:
        self._auto.start()

    def stop(self, wait_s: float = 0.0) -> None:
        """Cancel a running sync (what was answered is kept) and end the thread.

        Without `wait_s` it returns at once (a lock must not freeze the window while a batch
        is still with the server): the thread stops at the next step, no new sync starts, and
        the thread closes its own store connection as it ends. `wait_s` waits for that (exit).
        """
        self._cancel.set()
        self._auto.stop(wait_s)
        if self._store is not None:
            self._store.lock()  # the key goes now; a batch still with the server is sent again next time

    def sync_now(self) -> None:
        self._cancel.clear()
        self._auto.sync_now()

    def sync_soon(self) -> None:
        self._auto.sync_soon()

    def cancel(self) -> None:
        self._cancel.set()

    def set_auto(self, enabled: bool) -> None:
        self._auto.auto = enabled
        if enabled:
            self._auto.sync_soon()

    @property
    def link_up(self) -> bool:
        return self._auto.link_up

    # -- what the service thread runs ---------------------------------------------------------

    def _own_store(self) -> Store:
        if self._store is None:
            self._store = self._source.clone()
        return self._store

    def _client_for(self, enrolment: Enrolment) -> SyncClient:
        if self._client is None or self._client_device != enrolment.device_id:  # enrolled again: a new token
            self._close_client()
            self._client = SyncClient(enrolment.server_url, enrolment.token, enrolment.ca_file or None)
            self._client_device = enrolment.device_id
        return self._client

    def _enrolment(self) -> Enrolment:
        enrolment = self._own_store().enrolment()
        if enrolment is None:
            raise NotEnrolled(
                "this laptop is not enrolled with a server yet", "laptop ini belum terdaftar di server pusat"
            )
        return enrolment

    def _probe(self) -> bool:
        try:
            self._client_for(self._enrolment()).health()
        except Exception:  # any failure of the probe means "no link"
            return False
        return True

    def _has_work(self) -> bool:
        return int(self._own_store().pending_outbox()) > 0

    def _sync_once(self) -> str:
        if self._auto.stopping:
            raise Cancelled()
        store = self._own_store()
        client = self._client_for(self._enrolment())
        engine = SyncEngine(
            store,
            client,
            progress=self._on_progress,
            sleep=self._cancel.wait,  # a pause between retries ends as soon as the user cancels
            cancelled=lambda: self._cancel.is_set() or self._auto.stopping,
        )
        try:
            self.last_report = engine.run()
        finally:
            self._cancel.clear()  # a cancel stops this run, not the next one
        return self.last_report.summary()

    def _event(self, event: SyncEvent) -> None:
        if event.kind == "failed":
            log.info("sync failed: %s", event.detail)
        self._on_event(event)

    def _close_client(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _close(self) -> None:
        self._close_client()
        if self._store is not None:
            self._store.close()
            self._store = None


def request_enrolment(
    server_url: str, code: str, name: str, ca_file: str = "", identity: StoreIdentity | None = None
) -> Enrolment:
    """Spend a one-time code at the server: the network half of enrolling, with no store in it.

    The app runs this on its network worker and then `Store.enrol()` on its database worker;
    `identity` (`Store.sync_identity()`, read on the database worker first) tells the server
    which office and store ask, so that it refuses a code for another office before spending
    it, keeps the store's records with the laptop across enrolments, and answers a retry of
    the same code by the same store with the same device.
    """
    server = check_server_url(server_url)
    client = SyncClient(server, ca_file=ca_file or None)
    try:
        enrolled = client.enroll(code.strip(), name, identity)
    except NotEnrolled as exc:
        raise AuthError(
            f"enrolment refused: {exc.message_en}", f"pendaftaran perangkat ditolak: {exc.message_id}"
        ) from None
    finally:
        client.close()
    return Enrolment(server, enrolled.device_id, enrolled.office, enrolled.token, ca_file)


def enroll(store: Store, server_url: str, code: str, name: str, ca_file: str = "") -> Enrolment:
    """Enrol this laptop with a one-time code and keep the token (sealed) in the store."""
    if not store.user.is_supervisor:
        raise NotPermitted(
            "only a supervisor may enrol this laptop", "hanya supervisor yang boleh mendaftarkan laptop ini"
        )
    enrolment = request_enrolment(server_url, code, name, ca_file, store.sync_identity())
    store.enrol(enrolment)
    return enrolment
