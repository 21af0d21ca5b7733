"""Every visible string goes through Qt's translation system and has its English translation.

1. pyside6-lupdate collects the strings of ui/ afresh: each must have a finished English
   translation in the committed `ui/i18n/fieldapp_en.ts`.
2. The committed `.qm` is what `.ts` compiles to (so nobody ships a stale one).
3. In English, no screen shows an Indonesian source string: catches a string the translator
   cannot find at run time (a wrong context, a string built outside tr()).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gui import make_store
from test_ui_operator import login
from ui_driver import open_app

from ui import i18n

TS = i18n.FOLDER / "fieldapp_en.ts"
pytestmark = pytest.mark.gui


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation, or None when unfinished or empty."""
    found: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") not in ("unfinished", "vanished", "obsolete")
            text = translation.text if done and translation is not None else None
            found[(name, message.findtext("source") or "")] = text or None
    return found


def test_every_string_in_the_ui_has_an_english_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    i18n.extract(fresh)
    wanted = messages(fresh)
    assert len(wanted) > 200  # the extraction really ran over the screens
    committed = messages(TS)
    missing = [key for key in wanted if not committed.get(key)]
    assert not missing, f"{len(missing)} string(s) without an English translation, e.g. {missing[:5]}"


def test_the_committed_qm_is_compiled_from_the_committed_ts(tmp_path: Path) -> None:
    (tmp_path / TS.name).write_bytes(TS.read_bytes())
    [compiled] = i18n.compile_translations(tmp_path)
    assert compiled.read_bytes() == TS.with_suffix(".qm").read_bytes(), "run: python -m ui.i18n"


INDONESIAN_ONLY = {"Simpan", "Nama", "Kata sandi", "Pengguna", "Laporan", "Pengaturan", "Daftar", "Sinkronisasi"}


def visible_texts(widget) -> list[str]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QListWidget, QTableView

    texts: list[str] = []
    for child in [widget, *widget.findChildren(object)]:
        if isinstance(child, QLabel | QAbstractButton):
            texts.append(child.text())
        elif isinstance(child, QGroupBox):
            texts.append(child.title())
        elif isinstance(child, QLineEdit):
            texts.append(child.placeholderText())
        elif isinstance(child, QComboBox):
            texts += [child.itemText(i) for i in range(child.count())]
        elif isinstance(child, QListWidget):
            texts += [child.item(i).text() for i in range(child.count())]
        elif isinstance(child, QTableView) and child.model() is not None:
            model = child.model()
            texts += [str(model.headerData(c, _horizontal())) for c in range(model.columnCount())]
    return [text.replace("&", "") for text in texts if text]


def _horizontal():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_in_english_no_screen_shows_an_indonesian_source_string(qtbot, data_dir: Path) -> None:
    make_store(data_dir, records=5)
    session, window = open_app(qtbot, data_dir)
    session.change_language("en")
    window.start()
    try:
        login(qtbot, window, "supervisor", "correct horse battery")
        sources = {source.replace("&", "") for (_context, source) in messages(TS)} - _same_in_both()
        for entry in window.workspace.entries:
            screen = window.workspace.open(entry.key)
            qtbot.wait(200)
            shown = set(visible_texts(screen)) | set(visible_texts(window.workspace.nav))
            untranslated = sorted(shown & (sources | INDONESIAN_ONLY))
            assert not untranslated, f"{entry.key}: {untranslated}"
    finally:
        session.change_language("id")


def _same_in_both() -> set[str]:
    """Strings that read the same in both languages (NIK, RT, Email, Operator ...)."""
    return {source.replace("&", "") for (_c, source), text in messages(TS).items() if text == source}
