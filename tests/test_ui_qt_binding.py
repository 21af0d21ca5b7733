"""The Qt binding keeps Python's reference counts, and the ops helper frees what it makes.

PySide6 6.12.0 on Python 3.11 drops a reference to True on every Signal.emit() and to None on
every QRunnable run: after a few thousand the interpreter aborts ("deallocating None"). The
app emits signals all day, so a binding with that bug must never be installed.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from gui import logged_in, make_store
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from ui import ops

ROUNDS = 3000


class _Emitter(QObject):
    fired = Signal(object)


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)


def test_emitting_signals_does_not_drop_references(qtbot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    before = _counts()
    for number in range(ROUNDS):
        emitter.fired.emit(number)
    worker = threading.Thread(target=lambda: [emitter.fired.emit(None) for _ in range(ROUNDS)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(received) == 2 * ROUNDS)
    after = _counts()
    assert all(a >= b for a, b in zip(after, before, strict=True)), (before, after)


def test_thousands_of_ops_answer_and_leave_nothing_running(qtbot, data_dir: Path) -> None:
    make_store(data_dir, records=3)
    session = logged_in(data_dir)
    parent = QWidget()
    answers: list[int] = []
    try:
        for _ in range(ROUNDS):
            session.op(parent, lambda ctx: ctx.store.pending_outbox()).success(answers.append).run()
        deadline = time.monotonic() + 60
        while len(answers) < ROUNDS and time.monotonic() < deadline:
            QApplication.processEvents()
        assert answers == [3] * ROUNDS
        assert not ops._running  # every relay let go once its op answered
    finally:
        session.shutdown()
