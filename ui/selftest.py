"""`fieldapp --self-test`: IT's check that this installation (a bundle or a pip install) works.

One line per check, `ok` or `FAIL` with the reason, exit 0 when all pass and 1 otherwise; never a
traceback. The core checks (cryptography, Argon2id, SQLite, region data, an encrypted write and
read) are fieldapp.selfcheck's. The Qt checks run in a child process of this same program:
a Qt platform plugin that cannot load (a missing libxcb-cursor0, say) makes Qt abort the whole
process, and that must become a FAIL line, not a silent crash.
"""

from __future__ import annotations

import os
import subprocess
import sys

from fieldapp.selfcheck import CheckResult, reason, run_check, run_core_checks

QT_PART = "FIELDAPP_SELF_TEST_PART"  # set to "qt" in the child that runs only the Qt checks
QT_TIMEOUT_S = 120
QT_NAMES = ("qt", "translations")
KNOWN_TEXT = ("AddUserForm", "Tambah pengguna", "Add user")  # context, Indonesian source, English


def run_self_test() -> int:
    """Print one line per check; 0 when every check passed, 1 otherwise."""
    if os.environ.get(QT_PART) == "qt":
        return _print_all(_qt_checks())
    return _print_all([*run_core_checks(), *qt_results()])


def _print_all(results: list[CheckResult]) -> int:
    for result in results:
        print(result.line(), flush=True)
    return 0 if all(result.ok for result in results) else 1


def qt_results() -> list[CheckResult]:
    """The Qt checks' lines, from a child process; its death becomes a FAIL line with Qt's words."""
    env = {**os.environ, QT_PART: "qt"}
    no_display = not _has_display()
    if no_display:  # over ssh, say: the bundle's plugins still load, offscreen
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        done = subprocess.run(
            self_test_command(), env=env, capture_output=True, text=True, timeout=QT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return [CheckResult("qt", False, f"the Qt checks could not run: {reason(exc)}")]
    results = [_parsed(line) for line in done.stdout.splitlines()]
    found = [result for result in results if result is not None]
    if not any(result.name == "qt" for result in found):
        found.insert(0, CheckResult("qt", False, _death(done)))
    named = {result.name for result in found}
    found += [CheckResult(name, False, "not checked: Qt could not start") for name in QT_NAMES if name not in named]
    if no_display:
        found = [_noted_offscreen(result) for result in found]
    return found


def self_test_command() -> list[str]:
    """This program with `--self-test`: the bundle's executable, or this Python running ui.main."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--self-test"]
    return [sys.executable, "-m", "ui.main", "--self-test"]


def _has_display() -> bool:
    from ui.main import has_display

    return has_display()


def _parsed(line: str) -> CheckResult | None:
    status, _, rest = line.partition(" ")
    if status not in ("ok", "FAIL"):
        return None
    name, _, detail = rest.strip().partition(" ")
    return CheckResult(name, status == "ok", detail.strip())


def _death(done: subprocess.CompletedProcess[str]) -> str:
    """Why the Qt child printed no `qt` line: Qt's own last words on stderr, and how it ended."""
    words = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    said = next((line for line in words if "plugin" in line.lower()), words[-1] if words else "no message")
    return f"Qt could not start (exit {done.returncode}): {said}"[:300]


def _noted_offscreen(result: CheckResult) -> CheckResult:
    if result.name != "qt" or not result.ok:
        return result
    return CheckResult(result.name, True, f"{result.detail}; no display here, so checked offscreen")


def _qt_checks() -> list[CheckResult]:
    return [run_check("qt", check_qt), run_check("translations", check_translations)]


def check_qt() -> str:
    """A QApplication on this platform's plugin (xcb, wayland, windows, offscreen in CI)."""
    import PySide6
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] or "fieldapp"])
    return f"platform {app.platformName()}, Qt {qVersion()}, PySide6 {PySide6.__version__}"  # type: ignore[attr-defined]


def check_translations() -> str:
    """The English .qm loads and translates a known string (the app's language switch needs it)."""
    from PySide6.QtCore import QTranslator

    from ui.i18n import FOLDER

    path = FOLDER / "fieldapp_en.qm"
    translator = QTranslator()
    if not translator.load(str(path)):
        raise RuntimeError(f"{path.name} did not load (missing or not a translation file)")
    context, source, expected = KNOWN_TEXT
    found = translator.translate(context, source)
    if found != expected:
        raise RuntimeError(f"{path.name} translates {source!r} as {found!r}, expected {expected!r}")
    return f"{path.name} loaded; {source!r} -> {found!r}"
