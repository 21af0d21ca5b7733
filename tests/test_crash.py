"""Power-cut safety: a process saving records is killed with SIGKILL at random moments.

After each kill the store must open, pass `verify`, hold every record the child reported as
saved, and hold an interrupted batch either whole or not at all.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS

from fieldapp.sample import applicant
from fieldapp.store import Store

KILLS = 24
CHILD = Path(__file__).with_name("crash_child.py")


def run_until_killed(data_dir: Path, first: int, rng: random.Random) -> list[str]:
    env = {
        **os.environ,
        "FIELDAPP_USER": SUPERVISOR,
        "FIELDAPP_PASSPHRASE": SUPERVISOR_PASS,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    started = child.stdout.readline()  # first "saving" line: the child is past its login
    assert started.startswith("saving"), child.stderr.read() if child.stderr else ""
    time.sleep(rng.uniform(0.0, 0.4))
    assert child.poll() is None, child.stderr.read() if child.stderr else ""
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    return [started.rstrip("\n"), *child.stdout.read().splitlines()]


def saved_ids(lines: list[str]) -> tuple[list[str], tuple[int, int] | None, int]:
    """Ids reported saved, the batch (first index, count) in flight at the kill, and the next index."""
    ids: list[str] = []
    in_flight: tuple[int, int] | None = None
    next_index = 0
    for line in lines:
        word, _, rest = line.partition(" ")
        if word == "saving":
            first, count = (int(n) for n in rest.split())
            in_flight, next_index = (first, count), first + count
        elif word == "saved" and in_flight is not None and len(rest.split()) == in_flight[1]:
            ids += rest.split()
            in_flight = None
    return ids, in_flight, next_index


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_reported(data_dir: Path) -> None:
    created, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    created.close()
    rng = random.Random(20261128)
    reported: list[str] = []
    next_index = 0
    partial_batches = 0
    for _kill in range(KILLS):
        lines = run_until_killed(data_dir, next_index, rng)
        ids, in_flight, next_index = saved_ids(lines)
        reported += ids
        store = Store.open(data_dir)
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        report = store.verify()
        assert report.ok, report
        present = {s.id for s in store.summaries()}
        assert set(reported) <= present
        if in_flight is not None:
            first, count = in_flight
            niks = [applicant(i)["nik"] for i in range(first, first + count)]
            found = [store.find_by_nik(str(nik)) for nik in niks]
            assert all(found) or not any(found), "a batch was saved in part"
            partial_batches += count > 1
            reported += [meta.id for meta in found if meta is not None]
        assert present == set(reported)
        assert store.pending_outbox() == len(present)
        store.close()
    assert len(reported) > KILLS
    assert partial_batches > 0, "no kill landed inside a batch; the test did not test batches"
