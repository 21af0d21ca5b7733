"""The app's language: Bahasa Indonesia by default, English selectable.

Screens are written with Indonesian source strings inside `self.tr(...)`, so the default never
depends on a compiled file; `ui/i18n/fieldapp_en.ts` holds the English translation, compiled
to `fieldapp_en.qm` by `python -m ui.i18n` (pyside6-lrelease); `python -m ui.i18n update`
collects new strings first (pyside6-lupdate). A test fails when a string has no translation.
Messages from the core come in both languages already (`message_en`, `message_id`); `pick()`
chooses between them.
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


def tool(name: str) -> str:
    """The path of a PySide6 tool (next to this Python in a venv, else on PATH)."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def sources() -> list[Path]:
    return sorted(Path(__file__).resolve().parent.glob("*.py"))


def extract(target: Path) -> None:
    """Collect every tr()/translate() string of ui/ into `target` (.ts), keeping translations."""
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            *map(str, sources()),
            "-ts",
            str(target),
        ],
        check=True,
    )


def compile_translations(folder: Path = FOLDER) -> list[Path]:
    """Compile every .ts in `folder` to its .qm; returns the .qm files written."""
    written = []
    for source in sorted(folder.glob("*.ts")):
        target = source.with_suffix(".qm")
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(source), "-qm", str(target)], check=True)
        written.append(target)
    return written


if __name__ == "__main__":
    # python -m ui.i18n          compile the .ts files to .qm
    # python -m ui.i18n update   first collect new strings into each .ts (then translate them)
    if sys.argv[1:] == ["update"]:
        for language in LANGUAGES:
            if language != DEFAULT:
                extract(FOLDER / f"fieldapp_{language}.ts")
    for path in compile_translations():
        print(path)
