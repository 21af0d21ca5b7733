"""Drafts in the app window (offscreen): the autosave (debounced, off the GUI thread, at once on
a screen switch, a lock and a quit), the offer at login, the "Draf" list for an operator and a
supervisor, discarding (asked once), and saving the registration taking its draft with it."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS
from draft_driver import expected_data, expected_widgets, markers, type_half, type_text, widget_values
from gui import make_store, on_lane
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from test_ui_i18n import visible_texts
from test_ui_operator import login
from ui_driver import fill_form, open_app, press

from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store
from ui import draft_autosave
from ui.draft_offer import DraftOfferDialog

pytestmark = pytest.mark.gui


def drafts_of(session) -> list:  # type: ignore[no-untyped-def]
    return on_lane(session, lambda ctx: ctx.store.drafts())


def stored_drafts(data_dir: Path, user: str = SUPERVISOR, passphrase: str = SUPERVISOR_PASS) -> dict[str, dict]:
    """Every draft's fields, read with a store of our own once the app has let go of it."""
    with Store.open(data_dir) as store:
        store.login(user, passphrase)
        return {info.id: store.open_draft(info.id) for info in store.drafts()}


def make_draft(data_dir: Path, user: str, passphrase: str, fields: dict) -> str:
    with Store.open(data_dir) as store:
        store.login(user, passphrase)
        return store.save_draft(fields)


@pytest.fixture
def save_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each `Store.save_draft` ran on (the real method still does the work)."""
    threads: list[str] = []
    real = Store.save_draft

    def recorded(self, fields, draft_id=None):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(self, fields, draft_id)

    monkeypatch.setattr(Store, "save_draft", recorded)
    return threads


def test_autosave_waits_for_a_pause_in_typing_and_saves_off_the_gui_thread(
    qtbot, data_dir: Path, save_threads: list[str]
) -> None:
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    started = time.monotonic()
    type_text(form.full_name, "Draftmarker Wulandari")  # 21 key presses
    type_text(form.mother_name, "Mothermarker")
    typed_for = time.monotonic() - started
    assert save_threads == [] and not form.draft_note.isVisible()  # nothing yet: still typing
    qtbot.waitUntil(lambda: form.draft_note.isVisible(), timeout=draft_autosave.DRAFT_DELAY_MS + 3_000)
    assert time.monotonic() - started >= typed_for + draft_autosave.DRAFT_DELAY_MS / 1000 - 0.2
    assert len(save_threads) == 1  # one save for 33 keys
    assert save_threads[0].startswith("fieldapp-db") and save_threads[0] != threading.main_thread().name
    assert form.draft_note.text().startswith("Draf tersimpan ") and form.draft_note.text()[-3] == ":"
    [first] = drafts_of(session)
    type_text(form.birth_place, "Placemarker")
    qtbot.waitUntil(lambda: len(save_threads) == 2, timeout=draft_autosave.DRAFT_DELAY_MS + 3_000)
    [again] = drafts_of(session)
    assert again.id == first.id and again.saved_at >= first.saved_at  # the same draft, saved over
    assert again.sections == ("identity",)


def test_a_form_typed_into_and_emptied_again_makes_no_draft(qtbot, data_dir: Path, save_threads: list[str]) -> None:
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    type_text(form.full_name, "Budi")
    form.full_name.selectAll()
    press(qtbot, form.full_name, Qt.Key.Key_Backspace)
    form.education.setCurrentIndex(2)
    form.education.setCurrentIndex(0)
    qtbot.wait(draft_autosave.DRAFT_DELAY_MS + 800)
    assert save_threads == [] and drafts_of(session) == []


def test_switching_screens_locking_and_quitting_each_save_at_once(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    type_text(form.full_name, "Switchmarker")
    window.workspace.open("records")  # well before the 2 s
    qtbot.waitUntil(lambda: len(drafts_of(session)) == 1, timeout=1_000)
    window.workspace.open("register")
    type_text(form.birth_place, "Lockmarker")
    window.lock()  # the save is queued before the store forgets its key
    qtbot.waitUntil(lambda: window.workspace is None)
    [fields] = stored_drafts(data_dir).values()
    assert fields["full_name"] == "Switchmarker" and fields["birth_place"] == "Lockmarker"

    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    window.findChild(DraftOfferDialog).continue_button.click()
    form = window.workspace.screens["register"].form
    qtbot.waitUntil(lambda: form.full_name.text() == "Switchmarker")
    type_text(form.email, "quitmarker@example.org")
    window.close()  # quitting: saved before the store closes
    [fields] = stored_drafts(data_dir).values()
    assert fields["email"] == "quitmarker@example.org" and fields["birth_place"] == "Lockmarker"


def test_at_login_the_newest_draft_is_offered_and_continued_with_every_field(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    type_half(form)
    assert form.data() == expected_data()
    window.lock()
    qtbot.waitUntil(lambda: window.workspace is None)
    older = make_draft(data_dir, OPERATOR, OPERATOR_PASS, {"full_name": "Oldermarker"})
    with Store.open(data_dir) as store:  # make the typed draft the newest saved again
        store.login(OPERATOR, OPERATOR_PASS)
        typed = next(info.id for info in store.drafts() if info.id != older)
        store.save_draft(store.open_draft(typed), typed)
    make_draft(data_dir, SUPERVISOR, SUPERVISOR_PASS, {"full_name": "Othermarker"})  # not the operator's

    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    offer = window.findChild(DraftOfferDialog)
    assert offer.info.id == typed and offer.isVisible()
    texts = " ".join(label.text() for label in offer.findChildren(QLabel))
    assert "Identitas, Kontak, Alamat, Pendidikan & Pekerjaan (4 dari 5)" in texts and "1 draf lain" in texts
    assert not any(marker in texts for marker in markers())  # how far it got, never what was typed
    qtbot.keyClick(offer, Qt.Key.Key_Return)  # "Lanjutkan" is the default
    form = window.workspace.screens["register"].form
    qtbot.waitUntil(lambda: form.nik.text() != "")
    assert window.workspace.stack.currentWidget() is window.workspace.screens["register"]
    assert form.data() == expected_data()
    assert widget_values(form) == expected_widgets()
    assert form.drafts.draft_id == typed
    assert not form.fields["consent"].message.isVisible()  # no "required" under what was not reached yet


def test_later_keeps_the_draft_and_discard_asks_once(qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_store(data_dir)
    draft = make_draft(data_dir, OPERATOR, OPERATOR_PASS, {"full_name": "Latermarker"})
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    window.findChild(DraftOfferDialog).later_button.click()
    assert [d.id for d in drafts_of(session)] == [draft]
    assert window.workspace.screens["register"].form.full_name.text() == ""

    window.lock()
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    offer = window.findChild(DraftOfferDialog)
    asked: list[bool] = []
    monkeypatch.setattr(offer, "confirm_discard", lambda: asked.append(True) or False)
    offer.discard_button.click()
    assert asked == [True] and offer.isVisible() and [d.id for d in drafts_of(session)] == [draft]
    monkeypatch.setattr(offer, "confirm_discard", lambda: asked.append(True) or True)
    offer.discard_button.click()
    assert asked == [True, True]
    qtbot.waitUntil(lambda: drafts_of(session) == [])
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        assert [e.action for e in store.audit_log()].count("draft_discard") == 1


def test_the_draft_list_shows_operators_their_own_and_supervisors_all_without_personal_data(
    qtbot, data_dir: Path
) -> None:
    make_store(data_dir)
    own = make_draft(data_dir, OPERATOR, OPERATOR_PASS, {"full_name": "Ownmarker", "phone": "081377700001"})
    make_draft(data_dir, SUPERVISOR, SUPERVISOR_PASS, {"nik": "3216014507950009"})
    _session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    window.findChild(DraftOfferDialog).later_button.click()
    screen = window.workspace.open("drafts")
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1)
    row = [screen.table.item(0, c).text() for c in range(4)]
    assert row[0] == OPERATOR and row[3] == "Identitas, Kontak (2 dari 5)"
    assert screen.selected_id() == own and window.focusWidget() is screen.table  # keyboard-ready
    shown = " ".join(visible_texts(screen))
    assert "Ownmarker" not in shown and "081377700001" not in shown

    window.lock()
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)  # the supervisor's own draft
    window.findChild(DraftOfferDialog).later_button.click()
    screen = window.workspace.open("drafts")
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2)
    owners = sorted(screen.table.item(r, 0).text() for r in range(2))
    assert owners == sorted([OPERATOR, SUPERVISOR])
    assert "3216014507950009" not in " ".join(visible_texts(screen))


def test_the_list_continues_with_enter_discards_with_delete_and_follows_changes(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(data_dir)
    make_draft(data_dir, OPERATOR, OPERATOR_PASS, {"full_name": "Entermarker", "sex": "male"})
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    window.findChild(DraftOfferDialog).later_button.click()
    form = window.workspace.screens["register"].form
    type_text(form.full_name, "Formmarker")  # the form's own work: kept as a draft of its own
    screen = window.workspace.open("drafts")
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2)  # the switch saved the form at once
    screen.table.selectRow(next(r for r in range(2) if screen.drafts[r].id != form.drafts.draft_id))
    press(qtbot, screen.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.full_name.text() == "Entermarker")
    assert form.sex.currentData() == "male"
    saved = stored_drafts_on_lane(session)
    assert "Formmarker" in [f.get("full_name") for f in saved.values()]  # nothing typed was lost

    screen = window.workspace.open("drafts")
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2)
    screen.table.selectRow(next(r for r in range(2) if screen.drafts[r].id == form.drafts.draft_id))
    asked: list[bool] = []
    monkeypatch.setattr(screen, "confirm_discard", lambda: asked.append(True) or True)
    press(qtbot, screen.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1)
    assert asked == [True]
    assert form.full_name.text() == "" and form.drafts.draft_id is None  # the form let its draft go too
    qtbot.wait(draft_autosave.DRAFT_DELAY_MS + 500)
    assert len(drafts_of(session)) == 1  # and did not bring it back


def stored_drafts_on_lane(session) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return on_lane(session, lambda ctx: {i.id: ctx.store.open_draft(i.id) for i in ctx.store.drafts()})


def test_saving_the_registration_takes_its_draft_with_it(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    screen = window.workspace.screens["register"]
    form = screen.form
    fill_form(qtbot, form, applicant(60, OFFICE))
    qtbot.waitUntil(lambda: form.draft_note.isVisible(), timeout=draft_autosave.DRAFT_DELAY_MS + 3_000)
    assert len(drafts_of(session)) == 1
    form.save()
    qtbot.waitUntil(lambda: screen.panel.receipt is not None, timeout=10_000)
    assert drafts_of(session) == [] and not form.draft_note.isVisible()
    # saved while the autosave of the last change is still on its way: no draft left behind either
    fill_form(qtbot, form, applicant(61, OFFICE))
    form.drafts.save_now()
    form.save()
    qtbot.waitUntil(lambda: form.nik.text() == "", timeout=10_000)
    qtbot.wait(draft_autosave.DRAFT_DELAY_MS + 500)
    assert drafts_of(session) == [] and on_lane(session, lambda ctx: ctx.store.count()) == 2


def test_clearing_the_form_asks_once_and_discards_its_draft(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    type_text(form.full_name, "Clearmarker")
    form.drafts.save_now()
    qtbot.waitUntil(lambda: len(drafts_of(session)) == 1)
    asked: list[bool] = []
    monkeypatch.setattr(form, "confirm_clear", lambda: asked.append(True) or False)
    press(qtbot, form.full_name, Qt.Key.Key_Escape)
    assert asked == [True] and len(drafts_of(session)) == 1
    monkeypatch.setattr(form, "confirm_clear", lambda: asked.append(True) or True)
    press(qtbot, form.full_name, Qt.Key.Key_Escape)
    assert asked == [True, True]
    qtbot.waitUntil(lambda: drafts_of(session) == [] and not form.draft_note.isVisible())


def test_a_record_being_edited_makes_no_draft(qtbot, data_dir: Path) -> None:
    """Drafts are for new registrations: an edit has its saved version to go back to."""
    from ui.registration_form import RegistrationForm

    [record_id] = make_store(data_dir, records=1)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = RegistrationForm(session, window, record_id=record_id, initial=applicant(0, OFFICE))
    assert form.drafts is None
    type_text(form.full_name, " Edited")
    qtbot.wait(draft_autosave.DRAFT_DELAY_MS + 500)
    assert drafts_of(session) == []


def test_a_language_change_keeps_the_half_typed_form_in_the_same_draft(qtbot, data_dir: Path) -> None:
    """The workspace is built again in the new language; the form continues the draft it had."""
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    form = window.workspace.screens["register"].form
    type_half(form)
    settings = window.workspace.open("settings")  # leave(): the save is queued, maybe not yet run
    settings.language.choice.setCurrentIndex(settings.language.choice.findData("en"))
    try:
        settings.language.apply_button.click()  # at once, before that first save has answered
        rebuilt = window.workspace.screens["register"].form
        assert rebuilt is not form
        qtbot.waitUntil(lambda: rebuilt.drafts.draft_id is not None, timeout=5_000)
        [draft] = drafts_of(session)
        assert rebuilt.drafts.draft_id == draft.id
        assert rebuilt.data() == expected_data()
        assert widget_values(rebuilt) == expected_widgets()
        window.workspace.open("register")
        assert widget_values(rebuilt) == expected_widgets()
        type_text(rebuilt.notes, "Languagemarker")
        rebuilt.drafts.save_now()
        qtbot.waitUntil(lambda: stored_notes(session) == ["Languagemarker"], timeout=5_000)
        assert [info.id for info in drafts_of(session)] == [draft.id]  # the same draft, not a second one
        settings = window.workspace.open("settings")
        settings.language.choice.setCurrentIndex(settings.language.choice.findData("id"))
        settings.language.apply_button.click()  # and back: still the one draft, every field
        again = window.workspace.screens["register"].form
        qtbot.waitUntil(lambda: again.drafts.draft_id == draft.id, timeout=5_000)
        assert again.data() == {**expected_data(), "notes": "Languagemarker"}
        assert [info.id for info in drafts_of(session)] == [draft.id]
    finally:
        session.change_language("id")


def stored_notes(session) -> list:  # type: ignore[no-untyped-def]
    return on_lane(session, lambda ctx: [ctx.store.open_draft(info.id).get("notes") for info in ctx.store.drafts()])


def test_an_empty_form_carries_nothing_over_a_language_change(qtbot, data_dir: Path) -> None:
    make_store(data_dir)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, OPERATOR, OPERATOR_PASS)
    try:
        session.change_language("en")
        qtbot.wait(500)
        assert window.workspace.screens["register"].form.drafts.draft_id is None
        assert drafts_of(session) == []
    finally:
        session.change_language("id")


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE drafts SET sealed = 'abc'",
        "UPDATE drafts SET sealed = 1.5",
        "UPDATE drafts SET sections = X'00ff'",
        "UPDATE drafts SET saved_at = X'41'",
        "UPDATE drafts SET id = X'41'",
        "UPDATE drafts SET owner = CAST(owner AS BLOB)",
    ],
)
def test_a_row_of_the_wrong_type_is_shown_flagged_and_discarded_without_an_internal_error(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    make_store(data_dir)
    make_draft(data_dir, SUPERVISOR, SUPERVISOR_PASS, {"full_name": "Typemarker"})
    kept = make_draft(data_dir, SUPERVISOR, SUPERVISOR_PASS, {"full_name": "Keptmarker"})
    conn = sqlite3.connect(data_dir / STORE_FILE)
    with conn:
        conn.execute(f"{edit} WHERE id != ?", (kept,))
    conn.close()
    shown: list[str] = []
    monkeypatch.setattr("ui.errors.show_error", lambda _parent, exc: shown.append(repr(exc)))
    monkeypatch.setattr("ui.errors.report_bug", lambda exc, _parent=None: shown.append(repr(exc)))
    monkeypatch.setattr("ui.drafts_screen.confirm_discard", lambda _parent: True)
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    qtbot.waitUntil(lambda: window.findChild(DraftOfferDialog) is not None)
    assert window.findChild(DraftOfferDialog).info.id == kept  # the damaged one is never offered
    window.findChild(DraftOfferDialog).later_button.click()
    screen = window.workspace.open("drafts")
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2)
    [row] = [n for n, info in enumerate(screen.drafts) if info.damaged]
    assert "Rusak" in screen.table.item(row, 3).text()
    assert "Typemarker" not in " ".join(visible_texts(screen))
    screen.table.selectRow(row)
    assert not screen.continue_button.isEnabled() and screen.discard_button.isEnabled()
    screen.discard_selected()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1)
    assert [info.id for info in drafts_of(session)] == [kept]
    assert shown == []
