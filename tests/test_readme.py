"""The README's promises, run as written: the quick start's commands and the app's entry point."""

from __future__ import annotations

import json
import os
import re
import shlex
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


def laptop_commands() -> list[list[str]]:
    """The "On a laptop" block of the README, each line as arguments (comments dropped)."""
    text = (ROOT / "README.md").read_text()
    block = text.split("## On a laptop", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line.split("  #", 1)[0]) for line in block.strip().splitlines()]


def test_the_readme_laptop_commands_work_as_written(tmp_path: Path) -> None:
    """Each line run as the real `fieldapp` program, against a real server on loopback."""
    from servers import ServerProcess

    from fieldapp.sample import applicant

    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server").start()
    try:
        (tmp_path / "applicants.json").write_text(json.dumps([applicant(i, "32.16.01.2001") for i in range(3)]))
        commands = laptop_commands()
        assert [c[0] for c in commands] == ["fieldapp"] * len(commands)
        record_id = ""
        passphrases = {"kepala": "kepala passphrase 1", "siti": "siti passphrase 22"}
        for words in commands:
            args = [substitute(word, server, record_id) for word in words[1:]]
            user = args[args.index("--user") + 1]
            env = {
                **os.environ,
                "FIELDAPP_DATA_DIR": str(tmp_path / "laptop"),
                "FIELDAPP_PASSPHRASE": passphrases[user],
                "FIELDAPP_NEW_PASSPHRASE": passphrases["siti" if "add" in args else user],
            }
            done = subprocess.run(
                [str(Path(sys.executable).with_name("fieldapp")), *args],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (args, done.stdout, done.stderr)
            if "register" in args:
                record_id = done.stdout.split()[0]
        assert "synced" in done.stdout or (tmp_path / "prakerja.csv").exists()
        assert server.stats()["records"] == 3
    finally:
        server.stop()


def substitute(word: str, server: object, record_id: str) -> str:
    """The README's placeholders made real: the test server, a fresh code, a saved record id."""
    if word == "https://prakerja.example.go.id":
        return server.url  # type: ignore[attr-defined]
    if word == "XXXX-XXXX-XXXX-XXXX":
        return server.enroll_code("32.16.01.2001")  # type: ignore[attr-defined]
    if word.endswith("..."):
        return record_id
    return word


def test_ui_screenshots_renders_every_screen_at_both_sizes(tmp_path: Path) -> None:
    """`python -m ui.screenshots OUTDIR`, as the issue gives it: at least eight screens, 1366x768."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "ui.screenshots", str(tmp_path / "shots")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    from PySide6.QtGui import QImage

    small = sorted((tmp_path / "shots").glob("*.png"))
    large = sorted((tmp_path / "shots" / "1920x1080").glob("*.png"))
    assert len(small) >= 8 and [p.name for p in small] == [p.name for p in large]
    assert {(QImage(str(p)).width(), QImage(str(p)).height()) for p in small if "record-detail" not in p.name} == {
        (1366, 768)
    }
