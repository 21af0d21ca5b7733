"""The registrations list and the record dialog, on a real store: paging, search, filters, damage, audit."""

from __future__ import annotations

import gc
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS
from gui import logged_in, make_store, on_lane
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget

from fieldapp.regions import fold
from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store
from ui.record_dialog import RecordDialog, readable_note
from ui.records_model import COL_CREATED, COL_NAME, PAGE, RecordsModel
from ui.records_screen import Screen
from ui.session import Session

RECORDS = 250
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One store with RECORDS registrations, copied for each test (Argon2 and 250 saves take a while)."""
    folder = tmp_path_factory.mktemp("template") / "laptop"
    return folder, make_store(folder, records=RECORDS)


@pytest.fixture
def ids(template: tuple[Path, list[str]], data_dir: Path) -> list[str]:
    shutil.copytree(template[0], data_dir)
    return template[1]


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """A precaution: free sessions and ops' relays on this thread, between tests.

    They sit in reference cycles, so Python's cycle collector frees them whenever it next runs,
    on whatever thread is allocating then, which may be a database lane. Destroying a QObject
    on a foreign thread is undefined in Qt. (Not shown to cause a crash here; see store_log.)
    """
    gc.collect()
    gc.disable()
    yield
    gc.enable()
    gc.collect()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def store_log() -> Iterator[list[str]]:
    """What the store logs, kept in memory and away from pytest's captured stderr.

    The store warns about a damaged record from the database lane; a write to the captured
    stderr from that thread while pytest swaps its capture crashed the test process.
    """
    handler = _Collect()
    logger = logging.getLogger("fieldapp.store")
    logger.addHandler(handler)
    logger.propagate = False
    yield handler.messages
    logger.propagate = True
    logger.removeHandler(handler)


def shut(session: Session) -> None:
    session.shutdown()


@pytest.fixture
def session(ids: list[str], data_dir: Path) -> Iterator[Session]:
    opened = logged_in(data_dir)
    yield opened
    shut(opened)


@pytest.fixture
def owner(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def screen(qtbot, session: Session) -> Screen:
    shown = Screen(session)
    qtbot.addWidget(shown)
    shown.resize(1176, 700)
    shown.show()
    qtbot.waitUntil(lambda: shown.model.rowCount() > 0 and shown.model.total is not None, timeout=WAIT_MS)
    return shown


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the message boxes the error mapper shows (a modal box would block the test)."""
    shown: list[str] = []
    monkeypatch.setattr("ui.errors.QMessageBox.warning", lambda _parent, _title, text: shown.append(text))
    return shown


def set_states(data_dir: Path, state: str, every: int) -> int:
    """Give every `every`-th record `state` (as a sync would); returns how many."""
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        return conn.execute("UPDATE records SET state = ? WHERE seq % ? = 0", (state, every)).rowcount


def damage(data_dir: Path, record_id: str) -> None:
    """Flip one bit inside the current version's ciphertext, the way disk rot or tampering would."""
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        blob = bytearray(
            conn.execute("SELECT ciphertext FROM record_versions WHERE record_id = ?", (record_id,)).fetchone()[0]
        )
        blob[len(blob) // 2] ^= 0x01
        conn.execute("UPDATE record_versions SET ciphertext = ? WHERE record_id = ?", (bytes(blob), record_id))


def load_all(qtbot, model: RecordsModel) -> None:
    while model.canFetchMore() or model.is_loading():
        if model.canFetchMore():
            model.fetchMore()
        qtbot.waitUntil(lambda: not model.is_loading(), timeout=WAIT_MS)


def record_pages(session: Session) -> list[tuple[int | None, int]]:
    """Record the (limit, offset) of every summaries() call the core gets from now on."""
    calls: list[tuple[int | None, int]] = []
    store = session.lanes.store
    real = store.summaries

    def spy(*args: object, **kwargs: object) -> object:
        calls.append((kwargs.get("limit"), kwargs.get("offset", 0)))  # type: ignore[arg-type]
        return real(*args, **kwargs)

    store.summaries = spy
    return calls


# -- the model -------------------------------------------------------------------------------


def test_the_list_pages_lazily_and_never_asks_for_everything(qtbot, session: Session, owner: QWidget, ids) -> None:
    calls = record_pages(session)
    model = RecordsModel(session, owner)
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE and model.total == RECORDS, timeout=WAIT_MS)
    qtbot.wait(200)
    assert model.rowCount() == PAGE  # nothing more until the view asks
    assert model.summary(0).id == ids[-1]  # newest first
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page at a time
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE, timeout=WAIT_MS)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == RECORDS, timeout=WAIT_MS)
    assert not model.canFetchMore()
    assert calls == [(PAGE, 0), (PAGE, PAGE), (PAGE, 2 * PAGE)]
    assert [model.summary(row).id for row in range(RECORDS)] == list(reversed(ids))


def test_oldest_first_goes_to_the_core(qtbot, session: Session, owner: QWidget, ids) -> None:
    model = RecordsModel(session, owner)
    model.set_filters(oldest_first=True)
    qtbot.waitUntil(lambda: model.rowCount() == PAGE, timeout=WAIT_MS)
    assert [model.summary(row).id for row in range(PAGE)] == ids[:PAGE]


def test_a_page_for_old_filters_is_dropped(qtbot, session: Session, owner: QWidget) -> None:
    first, second = applicant(0, OFFICE)["full_name"], applicant(1, OFFICE)["full_name"]
    model = RecordsModel(session, owner)
    model.set_filters(search=str(first))
    model.set_filters(search=str(second))  # before the first search has answered
    qtbot.waitUntil(lambda: model.total is not None and not model.is_loading(), timeout=WAIT_MS)
    qtbot.wait(200)
    names = {model.summary(row).full_name for row in range(model.rowCount())}
    assert names == {second}


def test_clear_empties_the_model_and_drops_pages_in_flight(qtbot, session: Session, owner: QWidget) -> None:
    model = RecordsModel(session, owner)
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE, timeout=WAIT_MS)
    model.clear()
    assert model.rowCount() == 0 and not model.canFetchMore()
    model.refresh()
    model.clear()  # the refresh's page is on its way
    qtbot.wait(500)
    assert model.rowCount() == 0 and model.total is None


def test_a_damaged_record_is_flagged_and_the_rest_still_loads(
    qtbot, data_dir: Path, ids, owner: QWidget, store_log: list[str]
) -> None:
    damage(data_dir, ids[10])
    session = logged_in(data_dir)
    try:
        model = RecordsModel(session, owner)
        model.refresh()
        load_all(qtbot, model)
        assert model.rowCount() == RECORDS
        row = model.row_of(ids[10])
        name = model.index(row, COL_NAME)
        assert name.data() == "Data rusak"
        assert "integritas" in name.data(Qt.ItemDataRole.ToolTipRole)
        assert name.data(Qt.ItemDataRole.BackgroundRole) is not None
        healthy = model.index(row + 1, COL_NAME)
        assert healthy.data() != "Data rusak" and healthy.data(Qt.ItemDataRole.BackgroundRole) is None
        assert [model.summary(r).damaged for r in range(RECORDS)].count(True) == 1
        nik = str(applicant(10, OFFICE)["nik"])
        assert store_log and all(ids[10] in line and nik not in line for line in store_log)
    finally:
        shut(session)


# -- the screen ------------------------------------------------------------------------------


def test_the_view_fetches_more_when_scrolled_to_the_end(qtbot, screen: Screen) -> None:
    assert screen.model.rowCount() == PAGE
    assert screen.count_label.text() == "250 data"
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2 * PAGE, timeout=WAIT_MS)


def test_search_by_name_goes_to_the_core_after_a_pause(qtbot, screen: Screen) -> None:
    name = str(applicant(7, OFFICE)["full_name"])
    expected = sum(1 for i in range(RECORDS) if fold(name) in fold(str(applicant(i, OFFICE)["full_name"])))
    screen.search.setText(name.lower())
    assert screen.model.search == ""  # typing does not search on every key
    qtbot.waitUntil(lambda: screen.model.total == expected and not screen.model.is_loading(), timeout=WAIT_MS)
    assert screen.model.rowCount() == expected
    assert {screen.model.summary(row).full_name for row in range(expected)} == {name}
    assert screen.count_label.text() == f"{expected} data cocok"


def test_search_by_a_whole_nik_finds_one_record(qtbot, screen: Screen, ids) -> None:
    nik = str(applicant(42, OFFICE)["nik"])
    screen.search.setText(nik)
    screen.search_timer.timeout.emit()  # as if the pause had passed
    qtbot.waitUntil(lambda: screen.model.total == 1 and screen.model.rowCount() == 1, timeout=WAIT_MS)
    found = screen.model.summary(0)
    assert found.id == ids[42] and found.nik_masked.endswith(nik[-4:]) and nik not in found.nik_masked
    screen.search.setText(nik[:10])  # part of a NIK is not searched as one: the hint says so
    assert screen.hint.isVisible()


def test_the_state_filter_goes_to_the_core(qtbot, data_dir: Path, ids, owner: QWidget) -> None:
    duplicates = set_states(data_dir, "duplicate", 5)
    session = logged_in(data_dir)
    try:
        screen = Screen(session, owner)
        qtbot.waitUntil(lambda: screen.model.total == RECORDS, timeout=WAIT_MS)
        screen.state_combo.setCurrentIndex(screen.state_combo.findData("duplicate"))
        qtbot.waitUntil(lambda: screen.model.total == duplicates and not screen.model.is_loading(), timeout=WAIT_MS)
        assert {screen.model.summary(row).state for row in range(screen.model.rowCount())} == {"duplicate"}
        assert screen.model.index(0, 3).data() == "Duplikat"
        screen.state_combo.setCurrentIndex(screen.state_combo.findData("verified"))
        qtbot.waitUntil(lambda: screen.model.total == 0, timeout=WAIT_MS)
        assert screen.empty.text()
    finally:
        shut(session)


def test_a_click_on_the_date_header_turns_the_order_round(qtbot, screen: Screen, ids) -> None:
    header = screen.table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(COL_CREATED) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and screen.model.summary(0).id == ids[0], timeout=WAIT_MS)
    assert screen.order_combo.currentIndex() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


def test_the_list_refreshes_when_records_change(qtbot, screen: Screen, session: Session) -> None:
    new_id = on_lane(session, lambda ctx: ctx.store.register([applicant(RECORDS, OFFICE)]))[0]
    session.notify("sync")
    qtbot.wait(200)
    assert screen.model.total == RECORDS  # not its area
    session.notify("records")
    qtbot.waitUntil(lambda: screen.model.total == RECORDS + 1 and screen.model.rowCount() > 0, timeout=WAIT_MS)
    assert screen.model.summary(0).id == new_id


def test_the_list_is_emptied_on_lock(qtbot, screen: Screen, session: Session) -> None:
    session.lock()
    assert screen.model.rowCount() == 0 and not screen.model.canFetchMore()


# -- the record dialog -----------------------------------------------------------------------


def open_with_enter(qtbot, screen: Screen, row: int) -> RecordDialog:
    screen.table.setFocus()
    screen.table.selectRow(row)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=WAIT_MS)
    return screen.dialog  # type: ignore[return-value]


def texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)]


def test_opening_a_record_shows_it_whole_and_audits_the_view(qtbot, screen: Screen, data_dir: Path, ids) -> None:
    dialog = open_with_enter(qtbot, screen, 3)
    record_id = ids[-4]
    person = applicant(RECORDS - 4, OFFICE)
    shown = texts(dialog)
    assert dialog.record_id == record_id
    for value in (person["nik"], person["kk_number"], person["full_name"], person["mother_name"]):
        assert value in shown
    assert {"Sagara Makmur", "Tarumajaya", "Kabupaten Bekasi", "Jawa Barat"} <= set(shown)
    assert "Sama dengan alamat KTP" in shown
    assert ("Perempuan" if person["sex"] == "female" else "Laki-laki") in shown
    assert dialog.findChild(QWidget, "versionHistory").rowCount() == 1
    assert dialog.findChild(QWidget, "serverVerdict") is None  # pending: nothing from the server yet
    dialog.reject()
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=WAIT_MS)
    screen.session.shutdown()
    store = Store.open(data_dir)
    try:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        views = [e for e in store.audit_log() if e.action == "view"]
    finally:
        store.close()
    assert [(e.record_id, e.user) for e in views] == [(record_id, SUPERVISOR)]


def test_the_server_verdict_is_shown_in_words(qtbot, data_dir: Path, ids, owner: QWidget) -> None:
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        conn.execute(
            "UPDATE records SET state = 'rejected', server_note = 'phone: phone_format' WHERE id = ?", (ids[-1],)
        )
    session = logged_in(data_dir)
    try:
        screen = Screen(session, owner)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=WAIT_MS)
        screen.open_id(ids[-1])
        qtbot.waitUntil(lambda: screen.dialog is not None, timeout=WAIT_MS)
        verdict = screen.dialog.findChild(QWidget, "serverVerdict")
        assert verdict is not None and verdict.isVisibleTo(screen.dialog)
        assert any("Ditolak" in text for text in texts(verdict))
        assert any(readable_note("rejected", "phone: phone_format") in text for text in texts(verdict))
        screen.dialog.reject()
    finally:
        shut(session)


@pytest.mark.parametrize("answer", ["No", "Yes"])
def test_editing_a_verified_record_asks_first(qtbot, data_dir: Path, ids, owner: QWidget, monkeypatch, answer) -> None:
    from PySide6.QtWidgets import QMessageBox

    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        conn.execute("UPDATE records SET state = 'verified' WHERE id = ?", (ids[-1],))
    asked: list[str] = []

    def reply(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(reply))
    session = logged_in(data_dir)
    try:
        screen = Screen(session, owner)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=WAIT_MS)
        screen.open_id(ids[-1])
        qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.view is not None, timeout=WAIT_MS)
        screen.dialog.edit_button.click()
        assert len(asked) == 1 and "diperiksa ulang" in asked[0]
        assert (screen.dialog.form is not None) == (answer == "Yes")
        screen.dialog.reject()
    finally:
        shut(session)


def test_a_damaged_record_does_not_open_and_says_why(
    qtbot, data_dir: Path, ids, owner: QWidget, warnings: list[str], store_log: list[str]
) -> None:
    damage(data_dir, ids[-1])
    session = logged_in(data_dir)
    try:
        screen = Screen(session, owner)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=WAIT_MS)
        screen.open_id(ids[-1])
        qtbot.waitUntil(lambda: bool(warnings), timeout=WAIT_MS)
        assert screen.dialog is None and owner.findChild(RecordDialog) is None
        assert "integrity" not in warnings[0]  # the Indonesian message, not the English one
        screen.open_id(ids[-2])  # the next record opens as usual
        qtbot.waitUntil(lambda: screen.dialog is not None, timeout=WAIT_MS)
        screen.dialog.reject()
    finally:
        shut(session)


def test_closing_the_dialog_drops_the_record(qtbot, screen: Screen) -> None:
    dialog = open_with_enter(qtbot, screen, 0)
    assert dialog.view is not None
    dialog.reject()
    assert dialog.view is None and screen.dialog is None


def test_editing_reloads_the_record_and_the_list(qtbot, screen: Screen, session: Session, ids) -> None:
    form_module = pytest.importorskip("ui.registration_form", reason="the registration form is not written yet")
    dialog = open_with_enter(qtbot, screen, 0)
    dialog.edit_button.click()
    assert isinstance(dialog.form, form_module.RegistrationForm)
    on_lane(session, lambda ctx: ctx.store.edit(ids[-1], {"notes": "nomor HP diganti"}))  # what the form saves
    session.notify("records")  # as the form does after its save
    dialog.form.saved.emit(ids[-1])
    qtbot.waitUntil(lambda: dialog.findChild(QWidget, "versionHistory").rowCount() == 2, timeout=WAIT_MS)
    assert "nomor HP diganti" in texts(dialog)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and screen.model.summary(0).version == 2, timeout=WAIT_MS)
    dialog.edit_button.click()
    dialog.form.cancelled.emit()
    assert dialog.form is None and dialog.pages.currentWidget() is dialog.details
    dialog.reject()
