"""Exactly once through a bad link, a killed client and a restarted server.

The link is a real TCP proxy that refuses, resets, drops answers, delays, answers 5xx, and
truncates or garbles bodies; the server is a real process; the laptop a real store.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process
from servers import ServerProcess, wait_until

from fieldapp.device import Enrolment
from fieldapp.sample import applicant
from fieldapp.store import Store
from sync.client import SyncClient
from sync.engine import Backoff, SyncEngine
from sync.faultproxy import FAULTS, FaultProxy, LinkProfile
from sync.scheduler import AutoSync, SyncEvent


def laptop_store(folder: Path, server: ServerProcess, records: int) -> Store:
    store, _code = Store.create(folder, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    client = SyncClient(server.url)
    enrolled = client.enroll(server.enroll_code(OFFICE), "laptop")
    client.close()
    store.enrol(Enrolment(server.url, enrolled.device_id, enrolled.office, enrolled.token))
    for first in range(0, records, 1000):
        store.register([applicant(i) for i in range(first, min(first + 1000, records))])
    return store


def engine_via(store: Store, port: int, largest_batch: int = 500) -> SyncEngine:
    enrolment = store.enrolment()
    assert enrolment is not None
    client = SyncClient(f"http://127.0.0.1:{port}", enrolment.token, read_timeout=20)
    engine = SyncEngine(store, client, max_failures_in_a_row=60, backoff=Backoff(base=0.02, cap=0.5))
    engine.batch.largest = largest_batch
    return engine


def assert_exactly_once(store: Store, server: ServerProcess, records: int, versions: int) -> None:
    status = store.sync_status()
    assert status["queued_versions"] == 0 and status["pending"] == 0
    assert status["synced"] == records
    stats = server.stats()
    assert stats["records"] == records and stats["versions"] == versions and stats["duplicates"] == 0


@pytest.mark.slow
def test_thousands_of_records_through_a_faulty_link_arrive_exactly_once(tmp_path: Path, server: ServerProcess) -> None:
    records = 2500
    store = laptop_store(tmp_path / "laptop", server, records)
    edited = [s.id for s in store.summaries(limit=200)]
    for record_id in edited:  # second versions queued behind the first ones
        store.edit(record_id, {"notes": "diperbarui"})
    profile = LinkProfile(fault_rate=0.45, delay_s=(0.1, 0.4), seed=42)
    with FaultProxy(("127.0.0.1", server.port), profile) as proxy:
        report = engine_via(store, proxy.port, largest_batch=40).run()
    assert set(proxy.stats.faults) == set(FAULTS), proxy.stats.faults
    assert report.retries > 20
    assert_exactly_once(store, server, records, records + len(edited))
    assert store.verify().ok
    store.close()


@pytest.mark.slow
def test_a_client_killed_mid_sync_loses_and_duplicates_nothing(tmp_path: Path, server: ServerProcess) -> None:
    records = 1500
    store = laptop_store(tmp_path / "laptop", server, records)
    store.close()
    rng = random.Random(7)
    profile = LinkProfile(latency_s=0.03, bytes_per_second=15_000)  # about 11 s for the whole queue
    kills = 0
    with FaultProxy(("127.0.0.1", server.port), profile) as proxy:
        _point_at(tmp_path / "laptop", proxy.port)
        for _ in range(6):
            child = _sync_process(tmp_path / "laptop")
            time.sleep(rng.uniform(1.0, 2.0))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                kills += 1
            child.wait(timeout=60)
        assert 0 < server.stats()["records"] < records  # the kills came mid-sync
        final = run_process(["sync"], tmp_path / "laptop", timeout=300)
        assert final.returncode == 0, final.stderr
    assert kills >= 3
    store = Store.open(tmp_path / "laptop")
    store.login(SUPERVISOR, SUPERVISOR_PASS)
    assert_exactly_once(store, server, records, records)
    assert store.verify().ok
    store.close()


def _point_at(data_dir: Path, port: int) -> None:
    """Make the laptop talk to the proxy instead of the server (same token)."""
    store = Store.open(data_dir)
    store.login(SUPERVISOR, SUPERVISOR_PASS)
    enrolment = store.enrolment()
    assert enrolment is not None
    store.enrol(Enrolment(f"http://127.0.0.1:{port}", enrolment.device_id, enrolment.office, enrolment.token))
    store.close()


def _sync_process(data_dir: Path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "FIELDAPP_DATA_DIR": str(data_dir),
        "FIELDAPP_USER": SUPERVISOR,
        "FIELDAPP_PASSPHRASE": SUPERVISOR_PASS,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "fieldapp", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.slow
def test_a_server_restarted_mid_sync_still_gets_everything_once(tmp_path: Path, server: ServerProcess) -> None:
    records = 2000
    store = laptop_store(tmp_path / "laptop", server, records)
    worker_store = store.clone()
    outcome: dict[str, object] = {}
    with FaultProxy(("127.0.0.1", server.port), LinkProfile(latency_s=0.02)) as proxy:
        engine = engine_via(worker_store, proxy.port, largest_batch=50)

        def run() -> None:
            try:
                outcome["report"] = engine.run()
            except Exception as exc:  # reported by the assertion below
                outcome["error"] = exc

        worker = threading.Thread(target=run)
        worker.start()
        for _ in range(2):
            time.sleep(0.8)
            server.stop(signal.SIGKILL)
            time.sleep(0.3)
            server.start()
        worker.join(timeout=300)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["report"].retries >= 1  # type: ignore[union-attr]
    worker_store.close()
    assert_exactly_once(store, server, records, records)
    store.close()


def test_auto_sync_runs_as_soon_as_the_link_returns(tmp_path: Path, server: ServerProcess) -> None:
    store = laptop_store(tmp_path / "laptop", server, 40)
    server.stop()
    worker = store.clone()
    enrolment = worker.enrolment()
    assert enrolment is not None
    client = SyncClient(enrolment.server_url, enrolment.token)
    events: list[SyncEvent] = []

    def probe() -> bool:
        client.health()
        return True

    def sync_once() -> str:
        return SyncEngine(worker, client, max_failures_in_a_row=2, backoff=Backoff(base=0.05, cap=0.2)).run().summary()

    auto = AutoSync(
        probe,
        sync_once,
        has_work=lambda: worker.sync_status()["queued_versions"] > 0,
        on_event=events.append,
        probe_every_s=0.2,
    )
    auto.start()
    try:
        time.sleep(0.6)
        assert not auto.link_up and store.sync_status()["pending"] == 40
        server.start()
        assert wait_until(lambda: store.sync_status()["synced"] == 40, timeout=30)
    finally:
        auto.stop()
        client.close()
        worker.close()
    kinds = [event.kind for event in events]
    assert "link_up" in kinds and "synced" in kinds
    store.close()
