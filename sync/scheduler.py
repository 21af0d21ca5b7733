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
    kind: str  # "link_up", "link_down", "started", "synced", "failed"
    detail: str = ""
    error: FieldappError | None = None  # with "failed": the error itself, for the user's language


class AutoSync:
    def __init__(
        self,
        probe: Callable[[], bool],
        sync_once: Callable[[], str],
        has_work: Callable[[], bool],
        on_event: Callable[[SyncEvent], None] | None = None,
        probe_every_s: float = 15.0,
        auto: bool = True,
        on_exit: Callable[[], None] = lambda: None,
    ) -> None:
        self._probe = probe
        self._sync_once = sync_once
        self._has_work = has_work
        self._on_event = on_event or (lambda _e: None)
        self._probe_every = probe_every_s
        self.auto = auto  # False: only sync_now() syncs; the link is still watched
        self._forced = threading.Event()
        self._on_exit = on_exit  # runs on this thread as it ends: it closes what the thread opened
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fieldapp-autosync", daemon=True)
        self.link_up = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Ask the thread to end, and wait up to `timeout` s for it (0: do not wait at all)."""
        self._stop.set()
        self._wake.set()
        if timeout and self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def sync_soon(self) -> None:
        """Ask for a sync now (after a save); it runs if the link is up and auto-sync is on."""
        self._wake.set()

    def sync_now(self) -> None:
        """The user's button: sync even with nothing queued (to pull verdicts), even if auto is off."""
        self._forced.set()
        self._wake.set()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._tick()
                self._wake.wait(self._probe_every)
                self._wake.clear()
        finally:
            self._on_exit()

    def _tick(self) -> None:
        forced = self._forced.is_set()
        self._forced.clear()
        up = self._safe_probe()
        came_up = up and not self.link_up
        if up != self.link_up:
            self.link_up = up
            self._on_event(SyncEvent("link_up" if up else "link_down"))
        if self._stop.is_set():
            return  # stopped while probing: no sync starts after a stop
        if not forced and not (up and self.auto and (came_up or self._has_work())):
            return  # a forced sync runs even when the probe failed: the user hears why it failed
        self._on_event(SyncEvent("started"))
        try:
            summary = self._sync_once()
        except FieldappError as exc:
            self._on_event(SyncEvent("failed", exc.message_en, exc))
        else:
            self._on_event(SyncEvent("synced", summary))

    def _safe_probe(self) -> bool:
        try:
            return self._probe()
        except Exception:  # a probe that fails in any way means "no link"
            return False
