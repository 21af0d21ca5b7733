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

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

PROGRESS_DELAY_MS = 600  # fast work never flashes a dialog


class Lane:
    """One worker thread and its queue of plain calls, run one at a time in order.

    A plain Python thread, not a QThreadPool: PySide6 6.12 on Python 3.11 loses a reference to
    None each time a QRunnable runs, and after a few thousand ops the interpreter aborts
    ("deallocating None"). Signals emitted from this thread still arrive on the GUI thread.
    """

    def __init__(self, name: str) -> None:
        self._calls: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(target=self._work, name=f"fieldapp-{name}", daemon=True)
        self._thread.start()

    def start(self, call: Callable[[], None]) -> None:
        with self._idle:
            self._pending += 1
        self._calls.put(call)

    def busy(self) -> bool:
        with self._idle:
            return self._pending > 0

    def wait(self, seconds: float = 30.0) -> bool:
        """Wait until every queued call has run; False if that took longer than `seconds`."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=seconds)

    def _work(self) -> None:
        while True:
            call = self._calls.get()
            if call is None:
                return
            try:
                call()
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


class Lanes:
    """The worker threads, and a generation counter that a lock moves on."""

    def __init__(self) -> None:
        self.db = Lane("db")
        self.net = Lane("net")
        self.generation = 0
        self.store: Any = None  # the logged-in Store; touched only on the db lane

    def invalidate(self) -> None:
        """Drop the results of every op started before now (on lock and logout)."""
        self.generation += 1

    def wait(self, seconds: float = 30.0) -> None:
        self.db.wait(seconds)
        self.net.wait(seconds)


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


def _task(fn: Callable[[Context], Any], lanes: Lanes, relay: _Relay, cancel: threading.Event) -> Callable[[], None]:
    """The call a lane runs: the op's function, its answer handed back by signal."""

    def run() -> None:
        ctx = Context(lanes.store, relay.progressed.emit, cancel)
        try:
            result = fn(ctx)
        except BaseException as exc:  # handed to the GUI thread: the error mapper decides
            relay.failed.emit(exc)
        else:
            relay.succeeded.emit(result)

    return run


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
            relay.deleteLater()  # its connections hold these closures: a cycle Python cannot see
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
        pool.start(_task(self._fn, self._lanes, relay, self._cancel))
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
