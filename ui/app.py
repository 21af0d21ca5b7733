"""Start the desktop app: Qt, the language, the crash hook, the session and the window."""

from __future__ import annotations

import gc
import itertools
import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from fieldapp import preferences
from fieldapp.logs import setup_logging
from fieldapp.store import data_dir_default
from ui import i18n
from ui.errors import install_crash_hook
from ui.session import Session
from ui.style import STYLE_SHEET
from ui.window import MainWindow

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The one QApplication, made if needed, with the app's name and look."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QCoreApplication.setApplicationName("fieldapp")
    QCoreApplication.setOrganizationName("fieldapp")
    app.setStyleSheet(STYLE_SHEET)  # type: ignore[union-attr]
    return app  # type: ignore[return-value]


def build_window(data_dir: Path, demo_note: str = "") -> tuple[Session, MainWindow]:
    """The session and main window for a data folder, in the laptop's chosen language."""
    i18n.apply(preferences.load(data_dir)["language"])
    session = Session(data_dir)
    session.demo_note = demo_note
    return session, MainWindow(session)


def quit_on_signals(app: QApplication) -> QTimer:
    """Ctrl+C or SIGTERM close the app the normal way (store closed, demo folder removed).

    Python sees a signal only between bytecodes, so a timer wakes it up now and then.
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_args: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    return wake


YOUNG_COLLECT_MS = 5_000
FULL_COLLECT_EVERY = 120  # young collections: a full one every 10 minutes


def collect_garbage_here() -> QTimer:
    """Free reference cycles on the GUI thread, on a timer, instead of wherever Python likes.

    Left automatic, the cycle collector runs on whichever thread happens to allocate: during a
    sync that is the sync thread, which then holds the interpreter for ~100 ms and freezes the
    window (bench_ui measured it); and a cycle holding a Qt object freed on a worker thread is
    undefined behaviour in Qt. What exists at start-up (modules, classes, the window) is frozen
    out of the collector's view, so a full collection only looks at what came since.
    """
    gc.disable()
    gc.freeze()
    rounds = itertools.count(1)
    timer = QTimer()
    timer.timeout.connect(lambda: gc.collect(2 if next(rounds) % FULL_COLLECT_EVERY == 0 else 1))
    timer.start(YOUNG_COLLECT_MS)
    return timer


def run(data_dir: Path | None = None, demo: bool = False) -> int:
    app = application()
    install_crash_hook()
    _wake = quit_on_signals(app)
    if demo:
        from sync.demo_environment import DemoEnvironment

        print("fieldapp demo: starting a central server on loopback and a demo laptop ...", file=sys.stderr)
        environment = DemoEnvironment.start()
        data_dir = environment.data_dir
        print(f"fieldapp demo: {environment.login_note()}", file=sys.stderr)
        print(f"fieldapp demo: data in {environment.folder} (removed when the app closes)", file=sys.stderr, flush=True)
    else:
        environment = None
        data_dir = data_dir or data_dir_default()
    setup_logging(data_dir)
    log.info("app started")
    session, window = build_window(data_dir, environment.login_note() if environment else "")
    window.resize(1366, 768)
    window.show()
    _collector = collect_garbage_here()
    try:
        return app.exec()
    finally:
        session.shutdown()
        if environment is not None:
            environment.stop()
