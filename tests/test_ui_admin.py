"""The supervisor screens (users, reports, settings) driven through their widgets, against a real
store on the session's lanes and, for enrolment, the reference server in this process.

Every outcome is checked where it lands: a fresh `Store.open` for users and settings, the file
on disk and the audit log for the export, `sync_status()` for enrolment.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS
from gui import logged_in, make_store, on_lane
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldapp.errors import AuthError, NotPermitted
from fieldapp.outbox import Verdict
from fieldapp.store import STORE_FILE, Store
from ui import i18n, reports_screen, settings_screen, users_screen
from ui.session import Session

NEW_USER, NEW_PASS = "kasir.desa", "sepuluh karakter"
WAIT_MS = 15_000


@pytest.fixture
def sessions(qtbot) -> Iterator[Callable[..., Session]]:
    """Logged-in sessions on `data_dir`, each shut down at the end of the test."""
    made: list[Session] = []

    def make(data_dir: Path, user: str = SUPERVISOR, passphrase: str = SUPERVISOR_PASS) -> Session:
        session = logged_in(data_dir, user, passphrase)
        made.append(session)
        return session

    yield make
    for session in made:
        session.shutdown()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes answered Yes without showing; (title, text) of each is recorded."""
    shown: list[tuple[str, str]] = []

    def answer(_parent, title, text, *_args, **_kwargs):
        shown.append((title, text))
        return QMessageBox.StandardButton.Yes

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(answer))
    return shown


def _fresh_login(data_dir: Path, name: str, passphrase: str) -> Store:
    store = Store.open(data_dir)
    store.login(name, passphrase)
    return store


def _status_of(screen: users_screen.Screen, name: str) -> str:
    for row in range(screen.table.rowCount()):
        if screen.table.item(row, 0).text() == name:
            return screen.table.item(row, 2).text()
    return ""


def _users_screen(qtbot, session: Session) -> users_screen.Screen:
    screen = users_screen.Screen(session)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2, timeout=WAIT_MS)
    return screen


# -- users ---------------------------------------------------------------------------------------


def test_add_an_operator_who_can_then_log_in(qtbot, data_dir: Path, sessions) -> None:
    make_store(data_dir)
    screen = _users_screen(qtbot, sessions(data_dir))
    form = screen.add_form
    qtbot.keyClicks(form.name, NEW_USER)
    form.role.setCurrentIndex(form.role.findData("operator"))
    qtbot.keyClicks(form.passphrase, NEW_PASS)
    qtbot.keyClicks(form.again, NEW_PASS)
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert form.passphrase.text() == form.again.text() == ""  # gone from the widgets at once
    qtbot.waitUntil(lambda: screen.table.rowCount() == 3, timeout=WAIT_MS)
    assert _status_of(screen, NEW_USER) == "aktif"
    assert NEW_USER in form.message.text()
    store = _fresh_login(data_dir, NEW_USER, NEW_PASS)
    try:
        assert store.user.role == "operator"
    finally:
        store.close()


def test_a_users_table_changed_outside_fieldapp_is_shown(qtbot, data_dir: Path, sessions) -> None:
    make_store(data_dir)
    with sqlite3.connect(data_dir / STORE_FILE) as conn:  # an operator promotes themself
        conn.execute("UPDATE users SET role = 'supervisor' WHERE name = ?", (OPERATOR,))
    screen = _users_screen(qtbot, sessions(data_dir))
    qtbot.waitUntil(lambda: not screen.tamper_warning.isHidden(), timeout=WAIT_MS)
    assert "di luar fieldapp" in screen.tamper_warning.text()
    screen.show_users(screen.users, tampered=False)
    assert screen.tamper_warning.isHidden()


def test_add_user_shows_mismatch_and_the_cores_rules_inline(qtbot, data_dir: Path, sessions) -> None:
    make_store(data_dir)
    screen = _users_screen(qtbot, sessions(data_dir))
    form = screen.add_form
    form.name.setText(NEW_USER)
    form.passphrase.setText(NEW_PASS)
    form.again.setText(NEW_PASS + "x")
    form.add()
    assert "tidak sama" in form.message.text()
    form.name.setText("Bad Name")
    form.passphrase.setText(NEW_PASS)
    form.again.setText(NEW_PASS)
    form.add()
    qtbot.waitUntil(lambda: "nama pengguna" in form.message.text(), timeout=WAIT_MS)
    form.name.setText(NEW_USER)
    form.passphrase.setText("pendek")
    form.again.setText("pendek")
    form.add()
    qtbot.waitUntil(lambda: "minimal 10" in form.message.text(), timeout=WAIT_MS)
    assert screen.table.rowCount() == 2


def test_disable_a_user_and_not_yourself(qtbot, data_dir: Path, sessions, answers) -> None:
    make_store(data_dir)
    screen = _users_screen(qtbot, sessions(data_dir))
    screen.select_user(OPERATOR)
    assert screen.disable_button.isEnabled()
    qtbot.mouseClick(screen.disable_button, Qt.MouseButton.LeftButton)
    assert answers and OPERATOR in answers[0][1]  # asked first
    qtbot.waitUntil(lambda: _status_of(screen, OPERATOR) == "nonaktif", timeout=WAIT_MS)
    with pytest.raises(AuthError):
        _fresh_login(data_dir, OPERATOR, OPERATOR_PASS)
    screen.select_user(SUPERVISOR)
    screen.disable_selected()
    qtbot.waitUntil(lambda: "diri sendiri" in screen.message.text(), timeout=WAIT_MS)
    assert _status_of(screen, SUPERVISOR) == "aktif"


def test_a_disabled_user_is_enabled_again_and_can_log_in(qtbot, data_dir: Path, sessions, answers) -> None:
    make_store(data_dir)
    screen = _users_screen(qtbot, sessions(data_dir))
    screen.select_user(OPERATOR)
    assert not screen.enable_button.isEnabled()
    screen.disable_selected()
    qtbot.waitUntil(lambda: _status_of(screen, OPERATOR) == "nonaktif", timeout=WAIT_MS)
    screen.select_user(OPERATOR)
    assert screen.enable_button.isEnabled() and not screen.disable_button.isEnabled()
    qtbot.mouseClick(screen.enable_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _status_of(screen, OPERATOR) == "aktif", timeout=WAIT_MS)
    assert "dapat masuk lagi" in screen.message.text()
    _fresh_login(data_dir, OPERATOR, OPERATOR_PASS).close()


def test_disable_cancelled_changes_nothing(qtbot, data_dir: Path, sessions, monkeypatch) -> None:
    make_store(data_dir)
    screen = _users_screen(qtbot, sessions(data_dir))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.No))
    screen.select_user(OPERATOR)
    screen.disable_selected()
    qtbot.wait(200)
    assert _status_of(screen, OPERATOR) == "aktif"


def test_reset_passphrase_lifts_a_lockout(qtbot, data_dir: Path, sessions) -> None:
    make_store(data_dir)
    for _attempt in range(5):  # five wrong passphrases lock the operator out
        with Store.open(data_dir) as store, pytest.raises(AuthError):
            store.login(OPERATOR, "wrong passphrase")
    screen = _users_screen(qtbot, sessions(data_dir))
    assert _status_of(screen, OPERATOR).startswith("terkunci sampai")
    screen.select_user(OPERATOR)
    form = screen.reset_form
    assert form.target.text() == OPERATOR
    qtbot.keyClicks(form.passphrase, NEW_PASS)
    qtbot.keyClicks(form.again, NEW_PASS)
    qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    assert form.passphrase.text() == form.again.text() == ""
    qtbot.waitUntil(lambda: _status_of(screen, OPERATOR) == "aktif", timeout=WAIT_MS)
    store = _fresh_login(data_dir, OPERATOR, NEW_PASS)
    store.close()


# -- reports and export ------------------------------------------------------------------------


def _give_states(data_dir: Path) -> dict[str, int]:
    """Server verdicts for 16 of 30 records, then 4 of the synced ones verified by a pull."""
    store = _fresh_login(data_dir, SUPERVISOR, SUPERVISOR_PASS)
    try:
        queued = store.queued_versions(30)
        outcomes = ["accepted"] * 10 + ["duplicate"] * 3 + ["conflict"] * 2 + ["rejected"]
        store.settle([Verdict(q.entry, outcome) for q, outcome in zip(queued, outcomes, strict=False)])
        store.apply_status_changes([(q.entry.record_id, "verified", "") for q in queued[:4]], 1)
    finally:
        store.close()
    return {"pending": 14, "synced": 6, "verified": 4, "duplicate": 3, "conflict": 2, "rejected": 1}


def _reports_screen(qtbot, session: Session) -> reports_screen.Screen:
    screen = reports_screen.Screen(session)
    qtbot.addWidget(screen)
    screen.show()  # a report is built when the screen is shown
    qtbot.waitUntil(lambda: screen.report is not None, timeout=WAIT_MS)
    return screen


def test_report_counts_per_state_day_and_desa(qtbot, data_dir: Path, sessions) -> None:
    make_store(data_dir, records=30)
    expected = _give_states(data_dir)
    screen = _reports_screen(qtbot, sessions(data_dir))
    shown = {state: int(label.text()) for state, label in screen.state_values.items()}
    assert shown == {**dict.fromkeys(shown, 0), **expected}
    assert screen.total_value.text() == "30"
    assert sum(value for _label, value in screen.chart.bars) == 30
    assert screen.desa_table.rowCount() == 1
    assert screen.desa_table.item(0, 1).text() == OFFICE
    assert screen.desa_table.item(0, 2).text() == "30"


def test_export_writes_every_row_and_is_audited(qtbot, data_dir: Path, sessions, tmp_path: Path, monkeypatch) -> None:
    make_store(data_dir, records=30)
    session = sessions(data_dir)
    screen = _reports_screen(qtbot, session)
    target = tmp_path / "export" / "prakerja.csv"
    target.parent.mkdir()
    monkeypatch.setattr(screen, "confirm_export", lambda: True)
    monkeypatch.setattr(screen, "choose_export_path", lambda: target)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "30 baris" in screen.status.text(), timeout=WAIT_MS)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 31 and rows[0][0] == "id"
    assert sorted(p.name for p in target.parent.iterdir()) == ["prakerja.csv"]
    actions = [entry.action for entry in on_lane(session, lambda ctx: ctx.store.audit_log())]
    assert "export" in actions


def test_export_warns_first_and_cancel_writes_nothing(qtbot, data_dir: Path, sessions, monkeypatch) -> None:
    make_store(data_dir, records=3)
    screen = _reports_screen(qtbot, sessions(data_dir))
    seen: list[str] = []

    def cancel(_parent, _title, text, *_args, **_kwargs):
        seen.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(cancel))
    monkeypatch.setattr(screen, "choose_export_path", lambda: pytest.fail("no file dialog after a cancel"))
    screen.export()
    assert seen and "data pribadi" in seen[0] and "log audit" in seen[0]


@pytest.mark.parametrize("where", ["parent is a file", "missing folder"])
def test_export_to_an_unwritable_place_says_so_and_leaves_nothing(
    qtbot, data_dir: Path, sessions, tmp_path: Path, monkeypatch, answers, where: str
) -> None:
    make_store(data_dir, records=5)
    session = sessions(data_dir)
    screen = _reports_screen(qtbot, session)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    target = blocker / "out.csv" if where == "parent is a file" else tmp_path / "missing" / "out.csv"
    monkeypatch.setattr(screen, "confirm_export", lambda: True)
    monkeypatch.setattr(screen, "choose_export_path", lambda: target)
    screen.export()
    qtbot.waitUntil(lambda: "gagal" in screen.status.text(), timeout=WAIT_MS)
    assert any("tidak dapat ditulis" in text for _title, text in answers)
    assert screen.export_button.isEnabled()
    assert not target.exists() and not list(tmp_path.rglob("*.partial"))
    actions = [entry.action for entry in on_lane(session, lambda ctx: ctx.store.audit_log())]
    assert "export" not in actions


# -- settings ------------------------------------------------------------------------------------


def _settings_screen(qtbot, session: Session) -> settings_screen.Screen:
    screen = settings_screen.Screen(session)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.server.office_value.text() == OFFICE, timeout=WAIT_MS)
    return screen


class _Idle:
    armed = 0

    def arm(self) -> None:
        self.armed += 1


def test_supervisor_saves_the_policy(qtbot, data_dir: Path, sessions) -> None:
    make_store(data_dir)
    session = sessions(data_dir)
    screen = _settings_screen(qtbot, session)
    screen.idle = _Idle()  # the screen is its own window here; in the app it is the MainWindow
    policy = screen.policy
    assert policy.lock_minutes.value() == 10 and policy.lock_minutes.isEnabled()
    policy.lock_minutes.setValue(25)
    policy.auto_sync.setChecked(False)
    with qtbot.waitSignal(session.changed, timeout=WAIT_MS) as changed:
        qtbot.mouseClick(policy.save_button, Qt.MouseButton.LeftButton)
    assert changed.args == [{"settings"}]
    assert session.settings.auto_lock_minutes == 25 and not session.settings.auto_sync
    assert screen.idle.armed == 1
    store = _fresh_login(data_dir, SUPERVISOR, SUPERVISOR_PASS)
    try:
        assert store.settings().auto_lock_minutes == 25
    finally:
        store.close()


def test_operator_cannot_change_the_policy(qtbot, data_dir: Path, sessions, answers) -> None:
    make_store(data_dir)
    session = sessions(data_dir, OPERATOR, OPERATOR_PASS)
    screen = _settings_screen(qtbot, session)
    policy, server = screen.policy, screen.server
    for widget in (policy.lock_minutes, policy.auto_sync, policy.save_button, server.url, server.code):
        assert not widget.isEnabled()
    assert screen.language.choice.isEnabled()
    policy.lock_minutes.setValue(60)
    policy.save()  # past the disabled button: the core is the guard
    qtbot.waitUntil(lambda: "supervisor" in policy.message.text(), timeout=WAIT_MS)
    assert session.settings.auto_lock_minutes == 10
    with pytest.raises(NotPermitted):
        on_lane(session, lambda ctx: ctx.store.save_settings(ctx.store.settings()))


def test_language_switch_is_saved(qtbot, data_dir: Path, sessions) -> None:
    from fieldapp import preferences

    make_store(data_dir)
    session = sessions(data_dir)
    screen = _settings_screen(qtbot, session)
    try:
        screen.language.choice.setCurrentIndex(screen.language.choice.findData("en"))
        with qtbot.waitSignal(session.language_changed, timeout=WAIT_MS) as switched:
            qtbot.mouseClick(screen.language.apply_button, Qt.MouseButton.LeftButton)
        assert switched.args == ["en"] and i18n.language() == "en"
        assert preferences.load(data_dir)["language"] == "en"
    finally:
        i18n.apply(i18n.DEFAULT)


def test_enrol_against_the_reference_server(qtbot, data_dir: Path, sessions, tmp_path: Path) -> None:
    from sync.server import admin
    from sync.server.embedded import EmbeddedServer

    make_store(data_dir)
    session = sessions(data_dir)
    screen = _settings_screen(qtbot, session)
    box = screen.server
    assert box.device_value.text() == "–"
    with EmbeddedServer(tmp_path / "server") as server:
        code = admin.new_enrol_code(server.engine, OFFICE, 1)
        qtbot.keyClicks(box.url, server.url)
        qtbot.keyClicks(box.code, code)
        qtbot.mouseClick(box.enrol_button, Qt.MouseButton.LeftButton)
        assert box.code.text() == ""  # the one-time code leaves the widget at once
        qtbot.waitUntil(lambda: box.device_value.text() not in ("", "–"), timeout=WAIT_MS)
        session.stop_sync()  # the service started by `enrolled()` must not outlive the server
    status = on_lane(session, lambda ctx: ctx.store.sync_status())
    assert status["device_id"] and status["device_id"] == box.device_value.text()
    assert status["server"] == server.url
    assert "terdaftar" in box.message.text()
    assert box.enrol_button.text().replace("&", "") == "Daftarkan ulang"


def test_enrol_with_a_bad_code_says_why(qtbot, data_dir: Path, sessions, tmp_path: Path) -> None:
    from sync.server.embedded import EmbeddedServer

    make_store(data_dir)
    session = sessions(data_dir)
    screen = _settings_screen(qtbot, session)
    box = screen.server
    with EmbeddedServer(tmp_path / "server") as server:
        box.url.setText(server.url)
        box.code.setText("AAAA-BBBB-CCCC-DDDD")
        box.enrol()
        qtbot.waitUntil(lambda: "ditolak" in box.message.text(), timeout=WAIT_MS)
    assert box.enrol_button.isEnabled() and box.code.text() == ""
    assert on_lane(session, lambda ctx: ctx.store.sync_status())["device_id"] is None


def test_an_upgraded_stores_supervisor_makes_a_new_recovery_code(qtbot, tmp_path: Path, sessions, monkeypatch) -> None:
    copy = tmp_path / "upgraded"
    shutil.copytree(Path(__file__).parent / "data" / "store_v3", copy)
    screen = users_screen.Screen(sessions(copy, "supervisor", "fixture passphrase v1"))
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: not screen.recovery_warning.isHidden(), timeout=WAIT_MS)
    monkeypatch.setattr(screen, "confirm_new_recovery_code", lambda: True)
    qtbot.mouseClick(screen.recovery_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(screen, "recovery_dialog", None) is not None, timeout=WAIT_MS)
    dialog = screen.recovery_dialog
    code = dialog.code.text()
    assert len(code) == 29 and not dialog.ok_button.isEnabled()
    dialog.written.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.recovery_warning.isHidden(), timeout=WAIT_MS)
    store = Store.open(copy)
    try:
        store.recover("supervisor", code, "kepala desa lupa sandinya")
        assert store.user.is_supervisor
    finally:
        store.close()
