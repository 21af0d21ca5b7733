"""Sync by itself: as soon as the link comes back, and regularly while records wait.

The desktop app drives this hook; it has no Qt in it. It runs in its own thread with its own
store connection (`Store.clone()`), so a slow link never blocks a save on the GUI's side.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from fieldapp.errors import FieldappError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncEvent:
    kind: str  # "link_up", "link_down", "synced", "failed"
    detail: str = ""


class AutoSync:
    def __init__(
        self,
        probe: Callable[[], bool],
        sync_once: Callable[[], str],
        has_work: Callable[[], bool],
        on_event: Callable[[SyncEvent], None] | None = None,
        probe_every_s: float = 15.0,
    ) -> None:
        self._probe = probe
        self._sync_once = sync_once
        self._has_work = has_work
        self._on_event = on_event or (lambda _e: None)
        self._probe_every = probe_every_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fieldapp-autosync", daemon=True)
        self.link_up = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def sync_soon(self) -> None:
        """Ask for a sync now (after a save, or the user's button); it runs if the link is up."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._tick()
            self._wake.wait(self._probe_every)
            self._wake.clear()

    def _tick(self) -> None:
        up = self._safe_probe()
        if up != self.link_up:
            self.link_up = up
            self._on_event(SyncEvent("link_up" if up else "link_down"))
        if not up or not self._has_work():
            return
        try:
            summary = self._sync_once()
        except FieldappError as exc:
            self._on_event(SyncEvent("failed", exc.message_en))
        else:
            self._on_event(SyncEvent("synced", summary))

    def _safe_probe(self) -> bool:
        try:
            return self._probe()
        except Exception:  # a probe that fails in any way means "no link"
            return False
