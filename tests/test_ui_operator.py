"""The operator's day in the real app window (offscreen): first run, login, a registration
with a mistake fixed inline, the receipt as PDF, the duplicate warning, and the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS
from gui import make_store, on_lane
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from ui_driver import fill_form, open_app, press, type_into

from fieldapp.regions import regions
from fieldapp.sample import applicant
from fieldapp.store import Store

pytestmark = pytest.mark.gui


def login(qtbot, window, user: str, passphrase: str) -> None:  # type: ignore[no-untyped-def]
    screen = window.pages.currentWidget()
    qtbot.waitUntil(lambda: screen.user.count() > 0)
    screen.user.setCurrentText(user)
    type_into(qtbot, screen.passphrase, passphrase)
    screen.passphrase.setFocus()
    press(qtbot, screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)


def test_first_run_creates_the_store_shows_the_recovery_code_once_and_opens_the_workspace(
    qtbot, data_dir: Path
) -> None:
    session, window = open_app(qtbot, data_dir)
    wizard = window.pages.currentWidget()
    assert wizard.flow.step == "language"
    wizard.language_buttons["id"].setChecked(True)
    qtbot.mouseClick(wizard.page.findChild(QPushButton, "wizardNext"), Qt.MouseButton.LeftButton)
    type_into(qtbot, wizard.name, SUPERVISOR)
    type_into(qtbot, wizard.passphrase, "too short")
    type_into(qtbot, wizard.passphrase_again, "too short")
    wizard.office.set_code(OFFICE)
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    assert "minimal 10" in wizard.error.text()  # the core's rule, in Indonesian, before anything is made
    assert not (data_dir / "store.sqlite3").exists()
    type_into(qtbot, wizard.passphrase, SUPERVISOR_PASS)
    type_into(qtbot, wizard.passphrase_again, SUPERVISOR_PASS)
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.flow.step == "recovery", timeout=15_000)
    code = wizard.page.findChild(type(wizard.error), "recoveryCode").text()
    assert re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5}){4}", code), code
    next_button = wizard.page.findChild(QPushButton, "wizardNext")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)  # not ticked: refused
    assert wizard.flow.step == "recovery" and "pastikan" in wizard.error.text()
    wizard.written.setChecked(True)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.flow.step == "server"
    skip = next(b for b in wizard.page.findChildren(QPushButton) if b.text().startswith("Lewati"))
    qtbot.mouseClick(skip, Qt.MouseButton.LeftButton)
    assert wizard.flow.step == "done"
    qtbot.mouseClick(wizard.page.findChild(QPushButton, "wizardNext"), Qt.MouseButton.LeftButton)
    assert window.workspace is not None and session.user.name == SUPERVISOR
    assert window.status.link.text().endswith("Belum terhubung ke server pusat")
    with Store.open(data_dir) as store:  # the recovery code shown really opens the store
        store.recover(SUPERVISOR, code, "another passphrase 1")


def test_the_operator_logs_in_after_a_wrong_passphrase_and_registers_an_applicant(
    qtbot, data_dir: Path, tmp_path: Path
) -> None:
    make_store(data_dir, records=3)
    session, window = open_app(qtbot, data_dir)
    screen = window.pages.currentWidget()
    qtbot.waitUntil(lambda: screen.user.count() == 2)
    screen.user.setCurrentText(OPERATOR)
    type_into(qtbot, screen.passphrase, "not my passphrase")
    press(qtbot, screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "salah" in screen.message.text(), timeout=10_000)
    assert "sisa 4 percobaan" in screen.message.text()
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    keys = [entry.key for entry in window.workspace.entries]
    assert keys == ["register", "records", "drafts", "sync", "settings"]  # no users or reports for an operator

    form = window.workspace.screens["register"].form
    person = applicant(50, OFFICE)
    fill_form(qtbot, form, {**person, "phone": "021-8899-7766"})
    assert form.birth_date.text() == "-".join(reversed(str(person["birth_date"]).split("-")))  # from the NIK
    assert form.sex.currentData() == person["sex"]
    qtbot.waitUntil(lambda: "bukan nomor HP" in form.fields["phone"].message.text())
    form.phone.clear()
    type_into(qtbot, form.phone, str(person["phone"]))
    qtbot.waitUntil(lambda: form.fields["phone"].message.text().startswith("Disimpan sebagai +62"))

    press(qtbot, form.interest, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    panel = window.workspace.screens["register"].panel
    qtbot.waitUntil(lambda: panel.receipt is not None, timeout=10_000)
    assert form.nik.text() == "" and form.full_name.text() == ""  # cleared for the next applicant
    assert panel.receipt.full_name == person["full_name"] and panel.receipt.nik_masked.endswith(person["nik"][-4:])
    pdf = tmp_path / "receipt.pdf"
    panel.write_pdf(pdf)
    qtbot.waitUntil(lambda: "PDF" in panel.saved_note.text())  # audited first, then written
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    record_id = panel.receipt.record_id
    session.shutdown()
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        saved = store.show(record_id).registration
        actions = [(e.action, e.record_id) for e in store.audit_log()]
    assert saved.phone == "+62" + str(person["phone"])[1:] and saved.full_name == person["full_name"]
    assert ("register", record_id) in actions and ("receipt", record_id) in actions


def test_a_duplicate_nik_and_a_full_kk_are_said_before_saving(qtbot, data_dir: Path) -> None:
    make_store(data_dir, records=2)  # applicants 0 and 1 share a KK
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    first = applicant(0, OFFICE)
    type_into(qtbot, form.nik, first["nik"])
    type_into(qtbot, form.kk, first["kk_number"])
    qtbot.waitUntil(lambda: "sudah terdaftar di laptop ini" in form.fields["nik"].message.text())
    qtbot.waitUntil(lambda: "dua pendaftar" in form.fields["kk_number"].message.text())
    fill_form(qtbot, form, {**applicant(7, OFFICE), "nik": "", "kk_number": ""})
    form.save()
    qtbot.wait(300)
    assert form.summary.isVisible() and on_lane(session, lambda ctx: ctx.store.count()) == 2


def test_esc_clears_the_form_after_asking(qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_store(data_dir)
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    type_into(qtbot, form.full_name, "Budi Santoso")
    monkeypatch.setattr(form, "confirm_clear", lambda: False)
    press(qtbot, form.full_name, Qt.Key.Key_Escape)
    assert form.full_name.text() == "Budi Santoso"
    monkeypatch.setattr(form, "confirm_clear", lambda: True)
    press(qtbot, form.full_name, Qt.Key.Key_Escape)
    assert form.full_name.text() == "" and form.nik.hasFocus()


def test_every_form_field_has_a_label_buddy_and_an_accessible_name(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    for key, field in form.fields.items():
        assert field.label.buddy() is field.widget, key
        assert field.widget.accessibleName(), key


def test_tab_walks_the_form_in_reading_order(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    form.nik.setFocus()
    expected = [form.kk, form.full_name, form.mother_name, form.birth_place, form.birth_date, form.sex, form.phone]
    expected += [form.email, form.ktp.street, form.ktp.rt, form.ktp.rw, form.ktp.region.search]
    for widget in expected:
        press(qtbot, window.focusWidget(), Qt.Key.Key_Tab)
        assert window.focusWidget() is widget, (window.focusWidget(), widget)


def test_typing_part_of_a_desa_name_finds_it_nearby_first(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    picker = window.workspace.screens["register"].form.ktp.region
    assert picker.combos[2].currentData() == "32.16.01" and picker.code() == ""  # the office's kecamatan
    type_into(qtbot, picker.search, "makmur")  # part of a name: only the office's kecamatan matches inside names
    found = picker.search.completer().model().stringList()
    assert found[0].startswith(("Pantai Makmur", "Sagara Makmur")), found
    picker.search.completer().activated.emit(found[0])
    chosen = picker.code()
    assert chosen.startswith("32.16.01.") and found[0].startswith(regions().get(chosen).name)
    qtbot.waitUntil(lambda: picker.search.text() == "")
    assert picker.combos[3].currentData() == chosen


def test_the_first_run_wizard_provisions_from_a_file_in_the_data_folder(qtbot, data_dir: Path, tmp_path: Path) -> None:
    """IT's file: language and office given, no server questions; the operator makes only the
    supervisor; the wizard enrols off the GUI thread and deletes the spent file."""
    import json

    from servers import ServerProcess

    from fieldapp.provision import FILE_NAME
    from ui import i18n

    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server").start()
    data_dir.mkdir()
    file = data_dir / FILE_NAME
    made = server.admin(
        "provision", "--office", OFFICE, "--out", str(file), "--server-url", server.url, "--language", "en"
    )
    assert made.returncode == 0, made.stderr
    session, window = open_app(qtbot, data_dir)
    try:
        wizard = window.pages.currentWidget()
        assert wizard.flow.step == "supervisor" and i18n.language() == "en"  # the language page is passed over
        assert wizard.office.code() == OFFICE and not wizard.office.isEnabled()
        type_into(qtbot, wizard.name, SUPERVISOR)
        type_into(qtbot, wizard.passphrase, SUPERVISOR_PASS)
        type_into(qtbot, wizard.passphrase_again, SUPERVISOR_PASS)
        qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.flow.step == "recovery", timeout=15_000)
        wizard.written.setChecked(True)
        qtbot.mouseClick(wizard.page.findChild(QPushButton, "wizardNext"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.flow.step == "done", timeout=30_000)  # enrolled with no question asked
        [device] = json.loads(server.admin("devices", "--json").stdout)
        assert device["office"] == OFFICE and session.office == OFFICE
        assert not file.exists(), "the spent provisioning file must not linger"
        qtbot.mouseClick(wizard.page.findChild(QPushButton, "wizardNext"), Qt.MouseButton.LeftButton)
        assert window.workspace is not None and session.sync_state.state != "not_enrolled"
    finally:
        session.shutdown()
        server.stop()
        i18n.apply("id")


def test_the_wizard_names_the_bad_field_of_a_provisioning_file_and_goes_on_without_it(
    qtbot, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    import json

    bad = tmp_path / "media" / "provisioning.json"
    bad.parent.mkdir()
    bad.write_text(
        json.dumps(
            {
                "fieldapp_provisioning": 1,
                "server_url": "https://prakerja.example.go.id",
                "office": "32.16.01",
                "enrol_code": "ABCD-EFGH-JKLM-NPQR",
            }
        )
    )
    monkeypatch.setenv("FIELDAPP_PROVISIONING", str(bad))
    session, window = open_app(qtbot, data_dir)
    try:
        wizard = window.pages.currentWidget()
        assert wizard.flow.step == "language" and wizard.flow.provisioning is None
        assert "'office'" in wizard.error.text() and "ABCD" not in wizard.error.text()
        qtbot.mouseClick(wizard.page.findChild(QPushButton, "wizardNext"), Qt.MouseButton.LeftButton)
        assert wizard.flow.step == "supervisor" and wizard.office.isEnabled()  # as without a file
    finally:
        session.shutdown()
