"""The app's language: Bahasa Indonesia by default, English selectable.

Screens are written with Indonesian source strings inside `self.tr(...)`, so the default never
depends on a compiled file; `ui/i18n/fieldapp_en.ts` holds the English translation, compiled
to `fieldapp_en.qm` by `python -m ui.i18n` (pyside6-lrelease). Messages from the core come in
both languages already (`message_en`, `message_id`); `pick()` chooses between them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"
FOLDER = Path(__file__).resolve().parent / "i18n"
_state = {"language": DEFAULT}
_translator: QTranslator | None = None


def language() -> str:
    return _state["language"]


def pick(message_en: str, message_id: str) -> str:
    """A core message in the app's language."""
    return message_id if language() == "id" else message_en


def apply(code: str) -> None:
    """Switch the app's language; screens built after this speak it."""
    global _translator
    app = QCoreApplication.instance()
    code = code if code in LANGUAGES else DEFAULT
    if _translator is not None and app is not None:
        app.removeTranslator(_translator)
        _translator = None
    if code != DEFAULT and app is not None:
        translator = QTranslator()
        if translator.load(str(FOLDER / f"fieldapp_{code}.qm")):
            app.installTranslator(translator)
            _translator = translator
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian if code == "id" else QLocale.Language.English))
    _state["language"] = code


def lrelease() -> str:
    """The path of pyside6-lrelease (next to this Python in a venv, else on PATH)."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    return str(beside) if beside.exists() else (shutil.which("pyside6-lrelease") or "pyside6-lrelease")


def compile_translations(folder: Path = FOLDER) -> list[Path]:
    """Compile every .ts in `folder` to its .qm; returns the .qm files written."""
    written = []
    for source in sorted(folder.glob("*.ts")):
        target = source.with_suffix(".qm")
        subprocess.run([lrelease(), "-silent", str(source), "-qm", str(target)], check=True)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in compile_translations():
        print(path)
