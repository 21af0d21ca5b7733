"""One user's lockout counts down for that user only: the supervisor who comes to reset a
locked-out operator can still log in."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS
from gui import make_store
from PySide6.QtCore import Qt
from ui_driver import open_app, press, type_into

from fieldapp import users
from fieldapp.errors import AuthError
from fieldapp.store import Store

pytestmark = pytest.mark.gui


def test_a_locked_out_operator_does_not_lock_out_the_supervisor(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    with Store.open(data_dir) as store:
        for _ in range(users.MAX_FAILED_ATTEMPTS):
            with pytest.raises(AuthError):
                store.login(OPERATOR, OPERATOR_PASS + "x")
    _session, window = open_app(qtbot, data_dir)
    screen = window.pages.currentWidget()
    qtbot.waitUntil(lambda: screen.user.count() > 0)
    screen.user.setCurrentText(OPERATOR)
    type_into(qtbot, screen.passphrase, "anything at all")
    press(qtbot, screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "dikunci" in screen.message.text(), timeout=10_000)
    screen.user.setCurrentText(SUPERVISOR)  # the supervisor comes to help
    type_into(qtbot, screen.passphrase, SUPERVISOR_PASS)
    press(qtbot, screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
