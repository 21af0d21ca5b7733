"""The supervisor's day against a real server process on loopback: sync with progress, a
duplicate coming back with its reason, the server going down (offline shown, records stay
queued) and coming back (auto-sync drains the queue), and auto-lock dropping every model."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS
from gui import make_store, on_lane
from PySide6.QtCore import Qt
from servers import ServerProcess
from test_ui_operator import login
from ui_driver import open_app

from fieldapp.errors import AuthError
from fieldapp.sample import applicant
from fieldapp.store import Store
from sync.client import SyncClient
from sync.engine import SyncEngine
from sync.service import enroll

pytestmark = pytest.mark.gui
OTHER_OFFICE = "32.16.02.2001"


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    process = ServerProcess(f"sqlite:///{tmp_path / 'server' / 'central.sqlite3'}", tmp_path / "server").start()
    yield process
    process.stop()


def other_office_registers_first(folder: Path, server: ServerProcess, person: dict) -> None:
    store, _code = Store.create(folder, SUPERVISOR, SUPERVISOR_PASS, OTHER_OFFICE)
    try:
        enroll(store, server.url, server.enroll_code(OTHER_OFFICE), "laptop-b")
        store.register([{**person, "ktp_address": {**person["ktp_address"], "desa_code": OTHER_OFFICE}}])
        enrolment = store.enrolment()
        client = SyncClient(enrolment.server_url, enrolment.token)
        SyncEngine(store, client).run()
        client.close()
    finally:
        store.close()


def enrolled_laptop(data_dir: Path, server: ServerProcess, records: int) -> None:
    make_store(data_dir, records=records)
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        enroll(store, server.url, server.enroll_code(OFFICE), "laptop-a")


def test_sync_shows_progress_brings_back_a_duplicate_and_survives_the_server_going_away(
    qtbot, data_dir: Path, tmp_path: Path, server: ServerProcess
) -> None:
    twin = applicant(900, OFFICE)
    other_office_registers_first(tmp_path / "laptop-b", server, twin)
    enrolled_laptop(data_dir, server, records=40)
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        store.settings()
        store.register([twin])
        from fieldapp.settings import Settings

        store.save_settings(Settings(auto_sync=False))  # the supervisor syncs by hand first
    session, window = open_app(qtbot, data_dir, probe_every_s=0.3)
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    screen = window.workspace.open("sync")
    qtbot.waitUntil(lambda: session.sync_state.state == "online", timeout=10_000)
    progress: list[tuple[int, int]] = []
    session.sync_progress.connect(lambda phase, done, total: phase == "push" and progress.append((done, total)))
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.result.text().startswith("Selesai"), timeout=30_000)
    assert progress and progress[-1] == (41, 41)
    assert "1 duplikat" in screen.result.text()
    qtbot.waitUntil(lambda: screen.problem_table.rowCount() == 1)
    reason = screen.problem_table.item(0, 4).text()
    assert reason.startswith("NIK ini sudah terdaftar di kantor lain")  # no office named to another office
    assert screen.problem_table.item(0, 3).text() == "Duplikat"
    qtbot.waitUntil(lambda: screen.history_table.rowCount() >= 1)
    assert screen.history_table.item(0, 2).text() == "41" and screen.history_table.item(0, 7).text() == "Berhasil"

    screen.problem_table.selectRow(0)
    assert screen.fix_button.isEnabled() and not screen.resend_button.isEnabled()  # resending a duplicate cannot help
    opened: list = []
    from ui.record_dialog import open_record

    open_record(session, screen, screen.problems[0].id, opened=opened.append)
    qtbot.waitUntil(lambda: bool(opened))
    dialog = opened[0]
    dialog.start_edit()
    corrected = applicant(900 + 9000, OFFICE)["nik"]  # the operator had typed the wrong serial digits
    dialog.form.nik.setText(str(corrected))
    dialog.form.save()
    qtbot.waitUntil(lambda: window.status.pending.text().startswith("1 data"), timeout=10_000)
    dialog.close()
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.result.text().startswith("Selesai: 1 data dikirim (1 diterima"), timeout=30_000)
    qtbot.waitUntil(lambda: screen.problem_table.rowCount() == 0)  # fixed and accepted

    server.stop()
    qtbot.waitUntil(lambda: session.sync_state.state == "offline", timeout=10_000)
    assert "Offline" in window.status.link.text()
    on_lane(session, lambda ctx: ctx.store.register([applicant(i, OFFICE) for i in range(600, 605)]))
    session.notify("records")
    qtbot.waitUntil(lambda: window.status.pending.text().startswith("5 data"))
    settings = on_lane(session, lambda ctx: ctx.store.settings())
    on_lane(session, lambda ctx: ctx.store.save_settings(type(settings)(auto_sync=True)))
    session.set_auto_sync(True)
    server.start()  # same port
    qtbot.waitUntil(lambda: on_lane(session, lambda ctx: ctx.store.pending_outbox()) == 0, timeout=30_000)
    qtbot.waitUntil(lambda: window.status.pending.text().startswith("0 data"), timeout=10_000)
    assert server.stats()["records"] == 47  # 40 + the fixed one + 5 + laptop B's: none lost, none twice


def test_a_revoked_device_is_told_to_enrol_again(qtbot, data_dir: Path, server: ServerProcess) -> None:
    enrolled_laptop(data_dir, server, records=2)
    devices = server.admin("devices", "--json")
    import json

    for device in json.loads(devices.stdout):
        assert server.admin("revoke", device["id"]).returncode == 0
    session, window = open_app(qtbot, data_dir, probe_every_s=0.3)
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    screen = window.workspace.open("sync")
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "mendaftarkan" in screen.result.text(), timeout=15_000)
    assert session.sync_state.state == "revoked"
    assert "ditolak server" in window.status.link.text()
    assert on_lane(session, lambda ctx: ctx.store.pending_outbox()) == 2  # the queue is kept


def test_auto_lock_returns_to_login_and_drops_every_decrypted_value(qtbot, data_dir: Path) -> None:
    make_store(data_dir, records=30)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    form = window.workspace.screens["register"].form
    form.full_name.setText("Nama Yang Diketik")
    records = window.workspace.open("records")
    model = records.model
    qtbot.waitUntil(lambda: model.rowCount() == 30, timeout=10_000)
    window.idle.timer.start(200)  # the supervisor's minutes, shortened for the test
    qtbot.waitUntil(lambda: window.workspace is None, timeout=5_000)
    qtbot.wait(100)
    assert not shiboken6.isValid(model) or model.rowCount() == 0
    assert not shiboken6.isValid(form)
    assert window.pages.currentWidget().__class__.__name__ == "LoginScreen"
    with pytest.raises(AuthError):
        on_lane(session, lambda ctx: ctx.store.summaries())  # the key itself is gone
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    assert window.workspace.screens["register"].form.full_name.text() == ""
