"""The README's promises, run as written: the quick start's commands and the app's entry point."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELDAPP = [sys.executable, "-c", "import sys; from ui.main import cli; sys.exit(cli())"]


def test_the_readme_quick_start_is_two_commands_ending_in_the_demo_and_the_tests() -> None:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert blocks[0].strip().endswith(".venv/bin/fieldapp demo")
    assert blocks[1].strip().endswith(".venv/bin/python -m pytest")
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_fieldapp_demo_opens_the_app_and_closes_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [*FIELDAPP, "demo"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()  # type: ignore[union-attr]
        lines.append(line)
        if "removed when the app closes" in line or not line:
            break
    assert any("supervisor: kepala" in line for line in lines), lines
    folder = Path(re.search(r"data in (\S+)", lines[-1])[1])  # type: ignore[index]
    assert (folder / "laptop" / "store.sqlite3").exists()
    time.sleep(1.5)  # the window is up and polling the demo server
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert not folder.exists()  # the demo leaves nothing behind


def test_fieldapp_without_a_display_says_what_to_do_instead() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([*FIELDAPP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no display" in result.stderr and "--headless" in result.stderr


def test_fieldapp_demo_headless_still_prints_the_whole_job() -> None:
    result = subprocess.run([*FIELDAPP, "demo", "--headless"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "duplicate" in result.stdout and "verified" in result.stdout
