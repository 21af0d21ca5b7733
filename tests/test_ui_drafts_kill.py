"""The must-show of drafts: the real app in its own process (offscreen) has half a registration
typed into it, autosaves it, and is killed with SIGKILL (no close, no flush, a power cut). Started
again, the operator logs in, is offered the draft, continues it, and every typed field, pick and
tick is back. In between, nothing typed is found in clear anywhere in the data folder (database,
WAL, logs) or the temporary folder."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import OPERATOR, OPERATOR_PASS
from draft_driver import expected_data, expected_widgets, markers
from gui import make_store
from test_privacy import leaks

from fieldapp.store import Store

pytestmark = [pytest.mark.gui, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]
CHILD = Path(__file__).resolve().parent / "draft_app_child.py"
ROOT = Path(__file__).resolve().parents[1]


def child_env(temp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env.update(QT_QPA_PLATFORM="offscreen", TMPDIR=str(temp), FIELDAPP_USER=OPERATOR, FIELDAPP_PASSPHRASE=OPERATOR_PASS)
    return env


def wait_for_line(process: subprocess.Popen[str], prefix: str, timeout: float) -> str:
    """The first stdout line starting with `prefix` (read on a thread: a hung child fails the test)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the app never printed {prefix!r}") from None
        if line.startswith(prefix):
            return line


def test_a_half_typed_registration_survives_sigkill_and_comes_back_whole(data_dir: Path, tmp_path: Path) -> None:
    make_store(data_dir)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = child_env(temp)
    typing = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), "type"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        line = wait_for_line(typing, "autosaved", timeout=120)
    finally:
        typing.send_signal(signal.SIGKILL)
        typing.wait(30)
    assert typing.returncode == -signal.SIGKILL
    assert float(line.split()[1]) < 10.0  # the debounced save came within seconds of the last change
    assert leaks(data_dir, markers()) == []  # the killed app's database, WAL and log
    assert leaks(temp, markers()) == []

    restored = subprocess.run(
        [sys.executable, str(CHILD), str(data_dir), "restore"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
    )
    assert restored.returncode == 0, restored.stderr[-2000:]
    shown = json.loads(restored.stdout.strip().splitlines()[-1])
    assert shown["data"] == expected_data()
    widgets, wanted = shown["widgets"], expected_widgets()
    for key, value in wanted.items():
        assert widgets[key] == value, key
    with Store.open(data_dir) as store:  # the same draft, continued: not a copy
        store.login(OPERATOR, OPERATOR_PASS)
        drafts = store.drafts()
    assert [d.id for d in drafts] == [shown["draft"]]
    assert drafts[0].sections == ("identity", "contact", "address", "work")
