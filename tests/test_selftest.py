"""`fieldapp --self-test` as a real process: passes here (offscreen), and a broken part is one FAIL line.

Each breakage is real: the region index pointed at a missing file, a corrupt English .qm, a Qt
platform plugin that does not exist (Qt aborts the process that tries it). The output must name
the check that failed, never show a traceback, and exit 1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = Path(sys.executable).with_name("fieldapp")  # the installed entry point (ui.main:cli)
ALL_CHECKS = ["crypto", "argon2id", "sqlite", "regions", "store", "qt", "translations"]
LINE = re.compile(r"^(ok  |FAIL) (\S+)\s+\S.*$")
PATCHED = """
import sys
from pathlib import Path
{patch}
from ui.selftest import run_self_test
raise SystemExit(run_self_test())
"""


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    environment |= {"QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT, timeout=300)


def checks(done: subprocess.CompletedProcess[str]) -> dict[str, tuple[bool, str]]:
    """{name: (passed, line)}; every line of the output must be a check line."""
    found = {}
    for line in done.stdout.splitlines():
        match = LINE.match(line)
        assert match, f"not a check line: {line!r}"
        found[match[2]] = (match[1] == "ok  ", line)
    assert "Traceback" not in done.stdout + done.stderr
    return found


def patched(patch: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-c", PATCHED.format(patch=patch)], **env)


def test_every_check_passes_here_through_the_installed_program() -> None:
    done = run([str(PROGRAM), "--self-test"])
    found = checks(done)
    assert list(found) == ALL_CHECKS
    assert all(passed for passed, _ in found.values()), done.stdout
    assert done.returncode == 0
    assert re.search(r"argon2id\s+\d+\.\d\d s", found["argon2id"][1])  # timed
    assert "platform offscreen" in found["qt"][1]


def test_python_m_fieldapp_runs_the_same_self_test() -> None:
    done = run([sys.executable, "-m", "fieldapp", "--self-test"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(checks(done)) == ALL_CHECKS


def test_missing_region_data_is_a_fail_line_and_exit_1(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "wilayah.idx"
    done = patched(f"import fieldapp.regions as r; r.INDEX_FILE = {str(missing)!r}")
    found = checks(done)
    assert done.returncode == 1
    passed, line = found["regions"]
    assert not passed and "FileNotFoundError" in line, line
    assert found["crypto"][0] and found["sqlite"][0] and found["qt"][0]  # the rest still ran


def test_a_corrupt_translation_file_is_a_fail_line(tmp_path: Path) -> None:
    real = (ROOT / "ui" / "i18n" / "fieldapp_en.qm").read_bytes()
    (tmp_path / "fieldapp_en.qm").write_bytes(real[: len(real) // 3] + b"\0garbage" * 50)
    done = patched(  # the Qt half runs in its own process: patch that process
        f"import ui.i18n as i; i.FOLDER = Path({str(tmp_path)!r})", FIELDAPP_SELF_TEST_PART="qt"
    )
    found = checks(done)
    assert done.returncode == 1
    assert found["qt"][0]
    passed, line = found["translations"]
    assert not passed and "fieldapp_en.qm" in line, line


def test_a_qt_platform_plugin_that_aborts_qt_is_a_fail_line_not_a_crash() -> None:
    done = run([str(PROGRAM), "--self-test"], QT_QPA_PLATFORM="no-such-plugin")
    found = checks(done)
    assert done.returncode == 1
    passed, line = found["qt"]
    assert not passed and "no-such-plugin" in line, line
    assert not found["translations"][0]
    assert all(found[name][0] for name in ("crypto", "argon2id", "sqlite", "regions", "store"))
