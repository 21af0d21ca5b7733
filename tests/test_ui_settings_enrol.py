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


def test_the_app_states_its_office_so_a_wrong_code_is_refused_unspent(qtbot, data_dir: Path, tmp_path) -> None:
    """From Settings, as from the CLI: the laptop states its office and store; the server refuses a
    code for another office before spending it, so the right laptop can still use it."""
    import json

    from servers import ServerProcess

    from ui.app import application
    from ui.settings_screen import Screen

    application()
    Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)[0].close()
    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server").start()
    session = logged_in(data_dir)
    try:
        other_office = "32.16.01.2002"
        code = server.enroll_code(other_office)
        screen = Screen(session)
        qtbot.addWidget(screen)
        screen.server.url.setText(server.url)
        screen.server.code.setText(code)
        screen.server.enrol()
        qtbot.waitUntil(lambda: screen.server.enrol_button.isEnabled(), timeout=30_000)
        assert "terdaftar di server" not in screen.server.message.text()
        assert json.loads(server.admin("devices", "--json").stdout) == []
        Store.create(tmp_path / "other", SUPERVISOR, SUPERVISOR_PASS, other_office)[0].close()
        right = subprocess_enrol(tmp_path / "other", server.url, code)
        assert right.returncode == 0, right.stderr
    finally:
        session.shutdown()
        server.stop()


def subprocess_enrol(folder: Path, url: str, code: str):  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {**os.environ, "FIELDAPP_DATA_DIR": str(folder), "FIELDAPP_USER": SUPERVISOR}
    env |= {"FIELDAPP_PASSPHRASE": SUPERVISOR_PASS, "FIELDAPP_ENROLL_CODE": code}
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "enroll", "--server", url],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
