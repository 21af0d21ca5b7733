"""The desktop app leaves no personal data in plaintext, and reports a bug without its message.

A whole operator's session through the real window (form typed in, saved, listed, searched,
opened, edited, a report built, the app locked) and then every file under the data folder and
the temporary folder is scanned for each marker, in UTF-8 and UTF-16.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from conftest import SUPERVISOR, SUPERVISOR_PASS
from gui import make_store, on_lane
from PySide6.QtWidgets import QMessageBox
from test_privacy import leaks, marked_applicant, markers
from test_ui_operator import login
from ui_driver import fill_form, open_app

from fieldapp.logs import setup_logging
from ui import errors

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def app_log() -> object:
    """The app's log file handler for one test only (setup_logging adds it to the root logger)."""
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before:
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_a_day_in_the_app_leaves_no_personal_data_on_disk(
    qtbot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    make_store(data_dir)
    setup_logging(data_dir)  # the app's own log, as ui.app.run sets it up
    people = [marked_applicant(n) for n in range(3)]
    session, window = open_app(qtbot, data_dir)
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    form = window.workspace.screens["register"].form
    for person in people:
        fill_form(qtbot, form, {**person, "domicile_address": None})
        form.same_address.setChecked(False)
        form.domicile.load(person["domicile_address"])  # type: ignore[arg-type]
        form.notes.setPlainText(str(person["notes"]))
        form.save()
        qtbot.waitUntil(lambda: form.nik.text() == "", timeout=10_000)
    records = window.workspace.open("records")
    records.search.setText("Markername")
    records.apply_filters()
    qtbot.waitUntil(lambda: records.model.rowCount() == 3, timeout=10_000)
    record_id = records.model.summary(0).id
    on_lane(session, lambda ctx: ctx.store.edit(record_id, {"notes": "Notesmarker edited"}))
    window.workspace.open("reports")
    qtbot.wait(1500)
    window.lock()
    session.shutdown()
    logging.getLogger().handlers[-1].flush()
    secrets = [m for person in people for m in markers(person)] + ["Notesmarker edited"]
    assert (data_dir / "logs" / "fieldapp.log").exists()
    assert not leaks(data_dir, secrets)
    assert not leaks(temp, secrets)
    assert stored_count(data_dir) == 3


def stored_count(data_dir: Path) -> int:
    from fieldapp.store import Store

    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        return store.count()


def test_a_bug_is_logged_by_type_and_frames_only_and_shown_once(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(data_dir)
    setup_logging(data_dir)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "show", lambda box: shown.append(box.text()))
    errors.install_crash_hook()
    secret = "Markername Qwxzv99 3216014101900001"
    for _ in range(3):  # the same bug three times: one dialog
        try:
            raise ValueError(f"could not parse {secret}")
        except ValueError as exc:
            errors.report_bug(exc)
    qtbot.waitUntil(lambda: len(shown) == 1)
    qtbot.wait(100)
    assert len(shown) == 1 and "ValueError" in shown[0] and secret not in shown[0]
    logging.getLogger().handlers[-1].flush()
    log = (data_dir / "logs" / "fieldapp.log").read_text()
    assert "unexpected ValueError" in log and "test_ui_privacy.py" in log
    assert secret not in log and "Markername" not in log
    assert os.environ.get("QT_QPA_PLATFORM") == "offscreen"
