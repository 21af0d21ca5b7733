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


def test_recovery_sets_a_new_passphrase_and_shows_the_new_code_once(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS)
    store.close()
    _session, window = open_app(qtbot, data_dir)
    screen = window.pages.currentWidget()
    qtbot.waitUntil(lambda: screen.recover_user.count() == 1)
    shown: list[str] = []
    monkeypatch.setattr(screen, "show_new_recovery_code", shown.append)
    screen.show_page(1)
    screen.recovery_code.setText("WRONG-WRONG-WRONG-WRONG-WRONG")
    screen.new_passphrase.setText("a brand new passphrase")
    screen.new_passphrase_again.setText("a brand new passphrase")
    screen.recover()
    qtbot.waitUntil(lambda: "salah" in screen.recover_message.text(), timeout=10_000)
    assert screen.recovery_code.text() == "" and screen.new_passphrase.text() == ""  # secrets leave the widgets
    screen.recovery_code.setText(code)
    screen.new_passphrase.setText("a brand new passphrase")
    screen.new_passphrase_again.setText("a brand new passphrase")
    screen.recover()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0] != code and len(shown[0]) == len(code)
    screen.user.setCurrentText(SUPERVISOR)
    type_into(qtbot, screen.passphrase, "a brand new passphrase")
    press(qtbot, screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
