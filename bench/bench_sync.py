"""Benchmark sync: the engine against one-request-per-record, wire size, a slow link, server ingest.

    python bench/bench_sync.py [--records 3000] [--pg-url postgresql+psycopg://...]

The server runs as its own process on loopback (SQLite in a temp folder; PostgreSQL when a URL
is given or FIELDAPP_TEST_PG_URL is set). Prints its figures, then one JSON object on the last
line. The baseline sends the same kind of records one HTTP request per record, as ODK Collect
does, to the same server in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import requests

from fieldapp.device import Enrolment
from fieldapp.sample import applicant
from fieldapp.store import Store
from sync import protocol
from sync.client import SyncClient
from sync.engine import SyncEngine, envelope
from sync.faultproxy import FaultProxy, LinkProfile

OFFICE = "32.16.01.2001"
PASSPHRASE = "benchmark passphrase"


class Server:
    def __init__(self, db_url: str, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.base = [sys.executable, "-m", "sync.server.cli", "--db", db_url, "--key-file", str(folder / "key")]
        self.process = subprocess.Popen(
            [*self.base, "serve", "--port", "0", "--rate", "100000", "--enrol-rate", "1000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        self.url = line.split("listening on ", 1)[1].strip()
        self.port = int(self.url.rsplit(":", 1)[1])

    def code(self) -> str:
        out = subprocess.run([*self.base, "enroll-code", "--office", OFFICE], capture_output=True, text=True)
        return out.stdout.strip().splitlines()[-1]

    def records(self) -> int:
        out = subprocess.run([*self.base, "stats", "--json"], capture_output=True, text=True)
        return json.loads(out.stdout)["records"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def laptop(folder: Path, server: Server, first: int, count: int) -> Store:
    store, _ = Store.create(folder, "bench", PASSPHRASE, OFFICE)
    client = SyncClient(server.url)
    enrolled = client.enroll(server.code(), folder.name)
    client.close()
    store.enrol(Enrolment(server.url, enrolled.device_id, enrolled.office, enrolled.token))
    for start in range(first, first + count, 1000):
        store.register([applicant(i) for i in range(start, min(start + 1000, first + count))])
    return store


def timed_engine(store: Store, url: str) -> tuple[float, int]:
    enrolment = store.enrolment()
    client = SyncClient(url, enrolment.token)  # type: ignore[union-attr]
    started = time.perf_counter()
    SyncEngine(store, client).run()
    elapsed = time.perf_counter() - started
    client.close()
    assert store.sync_status()["queued_versions"] == 0
    return elapsed, client.bytes_sent


def one_request_per_record(store: Store, url: str) -> float:
    """The baseline: the same engine code path, but every record its own HTTP request."""
    enrolment = store.enrolment()
    client = SyncClient(url, enrolment.token)  # type: ignore[union-attr]
    started = time.perf_counter()
    while queued := store.queued_versions(1):
        response = client.push([envelope(queued[0])])
        from sync.engine import verdict

        store.settle([verdict(queued[0].entry, r) for r in response.results])
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed


def json_bytes(store: Store, count: int) -> int:
    """The push bodies' size as plain JSON, for the same records, batch by batch."""
    total, done = 0, 0
    queued = [envelope(q).model_dump() for q in store.queued_versions(count)]
    for start in range(0, len(queued), 500):
        total += len(
            json.dumps({"records": queued[start : start + 500]}, ensure_ascii=False, separators=(",", ":")).encode()
        )
        done += len(queued[start : start + 500])
    return total


def ingest_rate(db_url: str, folder: Path, devices: int = 50, per_device: int = 400, batch: int = 100) -> float:
    """Records per second a server takes from many devices pushing at once."""
    server = Server(db_url, folder)
    try:
        tokens = []
        for n in range(devices):
            response = requests.post(server.url + "/v1/enroll", json={"code": server.code(), "device_name": f"d{n}"})
            tokens.append(response.json()["token"])
        bodies = [[_body(d, b, batch) for b in range(per_device // batch)] for d in range(devices)]
        errors: list[str] = []

        def device(n: int) -> None:
            session = requests.Session()
            headers = {
                "Authorization": f"Bearer {tokens[n]}",
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            }
            for body in bodies[n]:
                answer = session.post(server.url + "/v1/push", data=body, headers=headers, timeout=120)
                if answer.status_code != 200:
                    errors.append(str(answer.status_code))

        threads = [threading.Thread(target=device, args=(n,)) for n in range(devices)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        stored = server.records()
        assert not errors and stored == devices * per_device, (errors[:3], stored)
        return stored / elapsed
    finally:
        server.stop()


def _body(device: int, batch_no: int, size: int) -> bytes:
    import datetime as dt

    from fieldapp.validation import check

    records = []
    for k in range(size):
        index = 1_000_000 + (device * 1000 + batch_no * size + k)
        registration, _ = check(applicant(index), dt.date.today())
        record = registration.to_json()  # type: ignore[union-attr]
        records.append(
            {
                "id": str(uuid.uuid4()),
                "version": 1,
                "content_hash": protocol.content_hash(record),
                "created_at": "2026-11-28T03:00:00.000Z",
                "updated_at": "2026-11-28T03:00:00.000Z",
                "operator": "bench",
                "record": record,
            }
        )
    return gzip.compress(json.dumps({"records": records}).encode())


def fresh_pg(url: str) -> str:
    name = f"fieldapp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rpartition("/")[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--slow-records", type=int, default=1000)
    parser.add_argument("--pg-url", default=os.environ.get("FIELDAPP_TEST_PG_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-sync-") as temp:
        folder = Path(temp)
        server = Server(f"sqlite:///{folder / 'server.sqlite3'}", folder / "server")
        try:
            fast = laptop(folder / "engine", server, 0, args.records)
            plain_json = json_bytes(fast, args.records)
            engine_s, wire = timed_engine(fast, server.url)
            baseline = laptop(folder / "baseline", server, 200_000, args.records)
            baseline_s = one_request_per_record(baseline, server.url)
            slow = laptop(folder / "slow", server, 400_000, args.slow_records)
            profile = LinkProfile(bytes_per_second=256_000 / 8, latency_s=0.2)
            with FaultProxy(("127.0.0.1", server.port), profile) as proxy:
                slow_s, _ = timed_engine(slow, f"http://127.0.0.1:{proxy.port}")
        finally:
            server.stop()
        print("Measuring server ingest with 50 concurrent devices (SQLite) ...", file=sys.stderr)
        sqlite_rate = ingest_rate(f"sqlite:///{folder / 'ingest.sqlite3'}", folder / "ingest-sqlite")
        pg_rate = None
        if args.pg_url:
            print("... and PostgreSQL", file=sys.stderr)
            pg_rate = ingest_rate(fresh_pg(args.pg_url), folder / "ingest-pg")
    result = {
        "records": args.records,
        "engine_records_per_s": round(args.records / engine_s),
        "baseline_records_per_s": round(args.records / baseline_s),
        "speedup": round(baseline_s / engine_s, 1),
        "wire_bytes_per_record": round(wire / args.records),
        "json_bytes_per_record": round(plain_json / args.records),
        "wire_ratio": round(wire / plain_json, 3),
        "slow_link_s_per_1000": round(slow_s * 1000 / args.slow_records, 1),
        "server_records_per_s_sqlite": round(sqlite_rate),
        "server_records_per_s_pg": round(pg_rate) if pg_rate else None,
    }
    r = result
    print(f"engine, loopback         {r['engine_records_per_s']:,} records/s")
    print(f"one request per record   {r['baseline_records_per_s']:,} records/s")
    print(f"speedup                  {r['speedup']} (target >= 20)")
    print(
        f"wire bytes per record    {r['wire_bytes_per_record']} vs {r['json_bytes_per_record']} as JSON "
        f"= {r['wire_ratio']} (target <= 0.5)"
    )
    print(f"slow link (256 kbit/s, 400 ms RTT)  {r['slow_link_s_per_1000']} s per 1,000 records (target <= 30)")
    print(
        f"server ingest, 50 devices   SQLite {r['server_records_per_s_sqlite']:,} records/s, "
        f"PostgreSQL {r['server_records_per_s_pg'] or 'not measured (no URL)'} (target >= 2,000 on PostgreSQL)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
