"""Driving the real app window in tests: typing into the form as an operator would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from fieldapp.nik import masked  # noqa: F401  (re-exported for tests)
from ui.app import application, build_window


def open_app(qtbot: Any, data_dir: Any, probe_every_s: float | None = None):  # type: ignore[no-untyped-def]
    application()
    session, window = build_window(data_dir)
    if probe_every_s is not None:
        session.probe_every_s = probe_every_s
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return session, window


def type_into(qtbot: Any, widget: QWidget, text: str) -> None:
    """Click into a field, type, and leave it with Tab (as an operator does)."""
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def fill_form(qtbot: Any, form: Any, person: dict[str, Any]) -> None:
    """Type a whole applicant into the registration form."""
    type_into(qtbot, form.nik, person["nik"])
    type_into(qtbot, form.kk, person["kk_number"])
    type_into(qtbot, form.full_name, person["full_name"])
    type_into(qtbot, form.mother_name, person["mother_name"])
    type_into(qtbot, form.birth_place, person["birth_place"])
    type_into(qtbot, form.phone, person["phone"])
    type_into(qtbot, form.email, person["email"])
    address = person["ktp_address"]
    type_into(qtbot, form.ktp.street, address["street"])
    type_into(qtbot, form.ktp.rt, address["rt"])
    type_into(qtbot, form.ktp.rw, address["rw"])
    form.ktp.region.set_code(address["desa_code"])
    form.education.setCurrentIndex(form.education.findData(person["education"]))
    form.employment.setCurrentIndex(form.employment.findData(person["employment_status"]))
    type_into(qtbot, form.interest, person["training_interest"])
    form.consent.setChecked(True)


def press(
    qtbot: Any, widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(widget, key, modifier)
    QApplication.processEvents()
