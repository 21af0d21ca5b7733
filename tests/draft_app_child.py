"""Child process of the SIGKILL test: the real app window (offscreen), driven from inside.

    python tests/draft_app_child.py DATA_DIR type     log in, type half a registration, wait for
                                                      its autosave, print `autosaved`, then idle
                                                      until killed
    python tests/draft_app_child.py DATA_DIR restore  log in, accept the offer to continue the
                                                      draft, print the form as JSON, quit

The user and passphrase come from FIELDAPP_USER / FIELDAPP_PASSPHRASE, never arguments. The app
is built as `ui.app.run` builds it (logging to the data folder, crash hook, the window), only
with this script's driving in place of a person.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from draft_driver import type_half, widget_values  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fieldapp.logs import setup_logging  # noqa: E402
from ui.app import application, build_window  # noqa: E402
from ui.draft_offer import DraftOfferDialog  # noqa: E402
from ui.errors import install_crash_hook  # noqa: E402
from ui.window import MainWindow  # noqa: E402


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise TimeoutError("the app did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def login(window: MainWindow) -> None:
    screen = window.pages.currentWidget()
    wait_until(lambda: screen.user.count() > 0)
    screen.user.setCurrentText(os.environ["FIELDAPP_USER"])
    screen.passphrase.setFocus()
    QTest.keyClicks(screen.passphrase, os.environ["FIELDAPP_PASSPHRASE"])
    QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    wait_until(lambda: window.workspace is not None)


def type_and_wait_for_autosave(window: MainWindow) -> None:
    form = window.workspace.screens["register"].form  # type: ignore[union-attr]
    type_half(form)
    typed_at = time.monotonic()
    keeper = form.drafts
    wait_until(lambda: form.draft_note.isVisible() and keeper.draft_id is not None and keeper._last == form.data())
    wait_until(lambda: not window.session.lanes.db.busy())  # the save has run and committed
    print(f"autosaved {time.monotonic() - typed_at:.2f}", flush=True)
    while True:  # an operator's app, idle, until the power goes
        QApplication.processEvents()
        time.sleep(0.05)


def continue_and_report(window: MainWindow) -> None:
    wait_until(lambda: window.findChild(DraftOfferDialog) is not None)
    offer = window.findChild(DraftOfferDialog)
    QTest.mouseClick(offer.continue_button, Qt.MouseButton.LeftButton)
    form = window.workspace.screens["register"].form  # type: ignore[union-attr]
    wait_until(lambda: form.nik.text() != "")
    print(json.dumps({"data": form.data(), "widgets": widget_values(form), "draft": form.drafts.draft_id}), flush=True)
    window.close()


def main() -> None:
    data_dir, phase = Path(sys.argv[1]), sys.argv[2]
    application()
    install_crash_hook()
    setup_logging(data_dir)
    session, window = build_window(data_dir)
    window.resize(1366, 768)
    window.show()
    login(window)
    if phase == "type":
        type_and_wait_for_autosave(window)
    else:
        continue_and_report(window)
    session.shutdown()


if __name__ == "__main__":
    main()
