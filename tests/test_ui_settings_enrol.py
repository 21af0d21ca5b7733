"""Enrolling from Settings updates the session's office at once (receipts and region pickers
use it), as enrolling from the first-run wizard does."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS
from gui import logged_in

from fieldapp.device import Enrolment
from fieldapp.store import Store

pytestmark = pytest.mark.gui


def test_enrolling_from_settings_updates_the_sessions_office(qtbot, data_dir: Path) -> None:
    from ui.app import application
    from ui.settings_screen import Screen

    application()
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS)  # no office yet
    store.close()
    session = logged_in(data_dir)
    assert session.office == ""
    screen = Screen(session)
    qtbot.addWidget(screen)
    screen.server._keep(
        Enrolment("http://127.0.0.1:9", "device-1", OFFICE, "token", "")
    )  # what the net lane hands over
    qtbot.waitUntil(lambda: "terdaftar" in screen.server.message.text(), timeout=5_000)
    office = session.office
    session.shutdown()
    assert office == OFFICE
