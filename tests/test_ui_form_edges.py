"""The registration form's edges, in the real window: a corrected duplicate NIK saves at once,
and a birth date the operator typed on purpose survives a corrected NIK."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS
from gui import make_store, on_lane
from PySide6.QtCore import Qt
from test_ui_operator import login
from ui_driver import fill_form, open_app, press, type_into

from fieldapp.sample import applicant

pytestmark = pytest.mark.gui


def test_a_birth_date_typed_on_purpose_survives_a_corrected_nik(qtbot, data_dir: Path) -> None:
    """The operator types the birth date from the KTP, then the NIK, then fixes one NIK digit.

    `_nik_typed` sets `_filled_from_nik = True` even when it filled nothing, so the second
    complete NIK overwrites the date the operator typed (and hides the NIK/birth-date mismatch
    the form should flag).
    """
    make_store(data_dir)
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    person = applicant(3, OFFICE)
    type_into(qtbot, form.birth_date, "01-02-1990")  # from the KTP, on purpose
    type_into(qtbot, form.nik, person["nik"])
    assert form.birth_date.text() == "01-02-1990"  # not overwritten: right
    form.nik.setFocus()
    form.nik.end(False)
    press(qtbot, form.nik, Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.nik, "9")  # a corrected last digit: the NIK is complete again
    assert form.birth_date.text() == "01-02-1990", "the operator's own birth date was overwritten"


def test_a_corrected_duplicate_nik_saves_at_once(qtbot, data_dir: Path) -> None:
    """Duplicate NIK flagged; the operator fixes it and presses Ctrl+S straight away.

    `save()` stops the 250 ms check timer and refuses on the stale `_store_problems`, and since
    the timer was stopped no new check ever clears them: every later Ctrl+S is refused too,
    with "NIK sudah terdaftar" under a NIK that is not registered.
    """
    make_store(data_dir, records=2)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    fresh = applicant(7, OFFICE)
    fill_form(qtbot, form, {**fresh, "nik": applicant(0, OFFICE)["nik"]})
    qtbot.waitUntil(lambda: "sudah terdaftar" in form.fields["nik"].message.text(), timeout=5_000)
    form.nik.setFocus()
    form.nik.selectAll()
    qtbot.keyClicks(form.nik, fresh["nik"])  # corrected
    press(qtbot, form.nik, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(800)
    press(qtbot, form.nik, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # and once more, later
    qtbot.wait(800)
    assert on_lane(session, lambda ctx: ctx.store.count()) == 3, form.fields["nik"].message.text()
