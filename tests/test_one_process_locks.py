"""Two connections of one process (the app's GUI and its sync thread) keep their SQLite locks.

A plain `open()`/`close()` of the store file in a process that holds a connection drops that
connection's POSIX locks; another process then believed itself the last one, checkpointed and
deleted the WAL under the app, and records saved afterwards were lost (found in review).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store


def test_a_clone_and_another_process_lose_nothing(data_dir: Path) -> None:
    created, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    created.close()
    gui = Store.open(data_dir)
    gui.login(SUPERVISOR, SUPERVISOR_PASS)
    gui.register([applicant(0, OFFICE)])
    worker = gui.clone()  # what the app's sync thread does
    assert run_process(["status", "--json"], data_dir).returncode == 0  # another process opens and closes
    assert (data_dir / (STORE_FILE + "-wal")).exists()  # not deleted under the app
    gui.register([applicant(i, OFFICE) for i in range(1, 4)])
    other = run_process(
        ["register", "--json"], data_dir, stdin=json.dumps([applicant(i, OFFICE) for i in range(10, 13)])
    )
    assert other.returncode == 0, other.stderr
    gui.register([applicant(i, OFFICE) for i in range(4, 6)])
    worker.close()
    gui.close()
    listed = run_process(["list", "--json"], data_dir)
    assert len(json.loads(listed.stdout)) == 9
    assert run_process(["verify"], data_dir).returncode == 0
