"""The one way screens run work off the GUI thread (Anki's QueryOp/CollectionOp, made small).

    Op(session, parent, lambda ctx: ctx.store.summaries(limit=100)).success(self.show).run()

Two lanes: `db` is a single worker thread that owns the logged-in store (saves, lists,
reports, login itself: Argon2id takes a good part of a second), `net` is another for HTTP that
is not a sync (enrolment); sync has its own thread (`sync.service`). So a slow server never
holds up a save. Results come back on the GUI thread through a signal. An op whose screen has
gone, or that was started before the app locked, delivers nothing: a record decrypted just
before a lock never reaches a model after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

PROGRESS_DELAY_MS = 600  # fast work never flashes a dialog


class Lanes:
    """The worker threads, and a generation counter that a lock moves on."""

    def __init__(self) -> None:
        self.db = _single_thread_pool()
        self.net = _single_thread_pool()
        self.generation = 0
        self.store: Any = None  # the logged-in Store; touched only on the db lane

    def invalidate(self) -> None:
        """Drop the results of every op started before now (on lock and logout)."""
        self.generation += 1

    def wait(self, msecs: int = 30_000) -> None:
        self.db.waitForDone(msecs)
        self.net.waitForDone(msecs)


def _single_thread_pool() -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)  # keep the thread: the store's connection lives with it
    return pool


@dataclass
class Context:
    """What an op's function gets: the store, a progress reporter and the cancel flag."""

    store: Any
    report: Callable[[int, int], None]
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt delivers on the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


_running: set[_Relay] = set()  # keeps relays alive until their op has answered


class _Task(QRunnable):
    def __init__(self, fn: Callable[[Context], Any], lanes: Lanes, relay: _Relay, cancel: threading.Event) -> None:
        super().__init__()
        self._fn, self._lanes, self._relay, self._cancel = fn, lanes, relay, cancel

    def run(self) -> None:
        ctx = Context(self._lanes.store, self._relay.progressed.emit, self._cancel)
        try:
            result = self._fn(ctx)
        except BaseException as exc:  # handed to the GUI thread: the error mapper decides
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class Op:
    """Configure by chaining, then `run()`; failures go to the error mapper unless handled."""

    def __init__(self, lanes: Lanes, parent: QWidget, fn: Callable[[Context], Any], lane: str = "db") -> None:
        self._lanes, self._parent, self._fn, self._lane = lanes, parent, fn, lane
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_progress: Callable[[int, int], None] | None = None
        self._progress_label: str | None = None
        self._cancellable = False
        self._cancel = threading.Event()

    def success(self, callback: Callable[[Any], None]) -> Op:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op:
        self._on_failure = callback
        return self

    def progress(self, callback: Callable[[int, int], None]) -> Op:
        self._on_progress = callback
        return self

    def with_progress(self, label: str, cancellable: bool = False) -> Op:
        """A progress dialog, shown only if the work takes longer than PROGRESS_DELAY_MS."""
        self._progress_label = label
        self._cancellable = cancellable
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> Op:
        relay = _Relay()
        _running.add(relay)
        generation = self._lanes.generation
        dialog = self._dialog()

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            _running.discard(relay)
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if generation != self._lanes.generation or not shiboken6.isValid(self._parent):
                return  # locked meanwhile, or the screen is gone: deliver nothing
            callback(value)

        relay.succeeded.connect(lambda result: finish(self._on_success, result))
        relay.failed.connect(lambda exc: finish(self._fail, exc))
        relay.progressed.connect(lambda done, total: self._progressed(dialog, done, total))
        pool = self._lanes.db if self._lane == "db" else self._lanes.net
        pool.start(_Task(self._fn, self._lanes, relay, self._cancel))
        return self

    def _fail(self, exc: BaseException) -> None:
        if self._on_failure is not None:
            self._on_failure(exc)
            return
        from ui.errors import show_error

        show_error(self._parent, exc)

    def _dialog(self) -> QProgressDialog | None:
        if self._progress_label is None:
            return None
        dialog = QProgressDialog(self._progress_label, "", 0, 0, self._parent)
        dialog.setWindowTitle(self._progress_label)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if self._cancellable:
            dialog.setCancelButtonText(QCoreApplication.translate("ops", "Batal"))
            dialog.canceled.connect(self._cancel.set)
        else:
            dialog.setCancelButton(None)
        QTimer.singleShot(0, lambda: dialog.setValue(0) if shiboken6.isValid(dialog) else None)
        return dialog

    def _progressed(self, dialog: QProgressDialog | None, done: int, total: int) -> None:
        if self._on_progress is not None and shiboken6.isValid(self._parent):
            self._on_progress(done, total)
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, total))
