"""Stopping the sync service (what a lock does, on the GUI thread) never starts a sync, and
returns at once: a probe in flight when the app locks goes no further."""

from __future__ import annotations

import contextlib
import threading
import time

from fieldapp.store import Store
from sync.service import SyncService

BATCH_S = 1.5  # one push batch still talking to a slow server


def test_stop_during_a_probe_does_not_start_a_sync(store: Store) -> None:
    probing = threading.Event()
    seen: dict[str, object] = {}

    class Service(SyncService):
        def _probe(self) -> bool:
            probing.set()
            time.sleep(0.3)  # a probe in flight when the app locks
            return True

        def _has_work(self) -> bool:
            return True

        def _sync_once(self) -> str:
            with contextlib.suppress(Exception):
                super()._sync_once()
            seen["cancel_still_set"] = self._cancel.is_set()
            seen["has_keys"] = self._own_store()._keys is not None
            time.sleep(BATCH_S)  # the engine's batch would go on: nothing asks it to stop
            return "pushed=0"

    service = Service(store, on_event=lambda _e: None, probe_every_s=60)
    service.start()
    assert probing.wait(5)
    began = time.monotonic()
    service.stop()  # Session.lock() -> stop_sync() does this on the GUI thread
    blocked = time.monotonic() - began
    assert blocked < 0.5, f"stop() blocked the caller {blocked:.1f} s"
    assert "cancel_still_set" not in seen, (
        f"a sync started after stop() (cancel flag cleared: {not seen['cancel_still_set']}, "
        f"keys held: {seen['has_keys']}); stop() blocked the caller {blocked:.1f} s"
    )
