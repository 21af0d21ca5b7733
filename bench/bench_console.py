"""Benchmark the central console on PostgreSQL: the dashboard and the review queue over 1,000,000 records.

    python bench/bench_console.py [--records 1000000] [--pg-url postgresql+psycopg://...]

Seeds a fresh database directly (COPY) with synthetic records: 300 offices (desa) of three
kabupaten, 120 days, sealed blobs of random bytes (nothing decrypts them: no timed page does),
a spread of states and 1% duplicates; then fills the tallies as migration 0006 does. A real
`fieldapp-server serve` process answers the timed pages over loopback, logged in as an admin;
the figure is the server's own time per request (its access log's "ms"), median of --samples.
The baseline, in the same run on the same database: the dashboard's counts made straight from
the records (COUNT ... GROUP BY), as a console without tallies would. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import requests
from sqlalchemy import Engine, func, select

from fieldapp.regions import regions
from sync.server import storage as t
from sync.server.console import accounts, queries
from sync.server.database import open_database
from sync.server.tallies import RECORD_STATES

KABUPATEN = ("32.16", "32.75", "32.18")
OFFICES_PER_KABUPATEN = 100
DAYS = 120
FIRST_DAY = 20_000  # days since 1970-01-01: 2024-10-04
PASSWORD = "kopi-tubruk-4821-jalan"


def offices() -> list[str]:
    found = []
    for kabupaten in KABUPATEN:
        desa = [d.code for kecamatan in regions().children(kabupaten) for d in regions().children(kecamatan.code)]
        found += sorted(desa)[:OFFICES_PER_KABUPATEN]
    return found


def fresh_pg(url: str) -> tuple[str, str]:
    name = f"fieldapp_bench_console_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rpartition("/")[0] + "/" + name, name


def seed(db_url: str, count: int) -> None:
    """COPY `count` records (and their versions, and 1% duplicates), then the tallies from them."""
    rng = random.Random(7)
    places = offices()
    dsn = db_url.replace("postgresql+psycopg://", "postgresql://")
    blob = bytes(rng.getrandbits(8) for _ in range(180))
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with (
            cur.copy(
                "COPY records (id, version, office, device_id, operator, content_mac, nik_index, kk_index, status,"
                " reason, reason_code, created_at, received_at, day) FROM STDIN"
            ) as records,
        ):
            for n in range(count):
                record_id, office, day, status, created_at = _record(rng, n, places)
                rejected = status == "rejected"
                records.write_row(
                    (
                        record_id,
                        1,
                        office,
                        f"device-{office}",
                        "siti",
                        "m" * 64,
                        n.to_bytes(32, "big"),
                        (n // 2).to_bytes(32, "big"),
                        status,
                        "Data tidak lengkap" if rejected else None,
                        "incomplete_data" if rejected else None,
                        created_at,
                        created_at,
                        day,
                    )
                )
        rng = random.Random(7)
        with cur.copy(
            "COPY record_versions (record_id, version, content_mac, ciphertext, received_at) FROM STDIN"
        ) as versions:
            for n in range(count):
                record_id, _office, _day, _status, created_at = _record(rng, n, places)
                versions.write_row((record_id, 1, "m" * 64, blob, created_at))
        rng = random.Random(7)
        with cur.copy(
            "COPY duplicates (record_id, version, content_mac, office, device_id, first_record_id, received_at)"
            " FROM STDIN"
        ) as duplicates:
            for n in range(count):
                record_id, office, _day, _status, created_at = _record(rng, n, places)
                if n % 100 == 0:
                    duplicates.write_row((str(uuid.uuid4()), 1, "m" * 64, office, "d", record_id, created_at))
        cur.execute(
            "INSERT INTO tallies (office, day, status, n) "
            "SELECT office, day, status, COUNT(*) FROM records GROUP BY office, day, status"
        )
        cur.execute(
            "INSERT INTO tallies (office, day, status, n) SELECT office, substr(received_at, 1, 10), 'duplicate',"
            " COUNT(*) FROM duplicates GROUP BY 1, 2"
        )
        cur.execute("INSERT INTO targets VALUES ('32.16', 400000, '2026-01-01T00:00:00.000Z')")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _record(rng: random.Random, n: int, places: list[str]) -> tuple[str, str, str, str, str]:
    office = places[rng.randrange(len(places))]
    day_no = FIRST_DAY + rng.randrange(DAYS)
    day = time.strftime("%Y-%m-%d", time.gmtime(day_no * 86400))
    roll = rng.random()
    status = "accepted" if roll < 0.8 else "verified" if roll < 0.92 else "rejected"
    seconds = rng.randrange(1, 9 * 3600)  # 07:00 to 16:00 in Bekasi
    created_at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(day_no * 86400 + seconds))
    record_id = str(uuid.UUID(int=(day_no << 96) | (n << 32) | rng.getrandbits(32)))
    return record_id, office, day, status, created_at


class Console:
    """A real `fieldapp-server serve` and a logged-in admin's browser session (requests)."""

    def __init__(self, db_url: str, folder: Path) -> None:
        self.log = folder / "server.log"
        base = [sys.executable, "-m", "sync.server.cli", "--db", db_url, "--key-file", str(folder / "key")]
        self.process = subprocess.Popen(
            [*base, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=self.log.open("w"), text=True
        )
        self.url = self.process.stdout.readline().split("listening on ", 1)[1].strip()  # type: ignore[union-attr]
        self.session = requests.Session()
        page = self.session.get(self.url + "/console/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        answer = self.session.post(
            self.url + "/console/login", data={"csrf_token": token, "username": "benchadmin", "password": PASSWORD}
        )
        assert answer.url.endswith("/console/"), "login failed"

    def server_ms(self, path: str, samples: int) -> float:
        """The median of the server's own times (its access log) for `samples` GETs of `path`."""
        before = len(self._times())
        for _ in range(samples):
            answer = self.session.get(self.url + path)
            assert answer.status_code == 200, (path, answer.status_code)
        time.sleep(0.2)
        return statistics.median(self._times()[before:])

    def _times(self) -> list[float]:
        return [
            json.loads(line.split(" ", 3)[3])["ms"]
            for line in self.log.read_text().splitlines()
            if "fieldapp.server.access" in line and '"/console/' in line and '"GET"' in line
        ]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def baseline_ms(engine: Engine, samples: int) -> float:
    """The dashboard's counts from the records themselves: per office and state, per day."""
    r = t.records.c
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(select(r.office, r.status, func.count()).group_by(r.office, r.status)).all()
            conn.execute(
                select(r.day, func.count())
                .where(r.status.in_(RECORD_STATES))
                .group_by(r.day)
                .order_by(r.day.desc())
                .limit(60)
            ).all()
            conn.execute(select(func.count()).select_from(t.duplicates)).all()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def tallies_ms(engine: Engine, samples: int) -> float:
    """The same counts as the dashboard reads them (queries.dashboard, from the tallies)."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        with engine.connect() as conn:
            queries.dashboard(conn)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def deep_cursor(engine: Engine, offset: int, where: str = "") -> str:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            f"SELECT day, id FROM records {where} ORDER BY day DESC, id DESC OFFSET {offset} LIMIT 1"
        ).one()
    return f"{row.day}_{row.id}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--pg-url", default=os.environ.get("FIELDAPP_TEST_PG_URL"))
    args = parser.parse_args()
    if not args.pg_url:
        raise SystemExit("give --pg-url or set FIELDAPP_TEST_PG_URL: this benchmark runs on PostgreSQL")
    try:
        db_url, name = fresh_pg(args.pg_url)
    except psycopg.OperationalError:
        raise SystemExit("cannot reach the PostgreSQL of --pg-url: start one (bash .ci/start-postgres)") from None
    engine = open_database(db_url)
    try:
        accounts.add_user(engine, "benchadmin", "admin", PASSWORD)
        started = time.perf_counter()
        seed(db_url, args.records)
        print(f"seeded {args.records:,} records in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        deep = deep_cursor(engine, args.records // 2)
        deep_filtered = deep_cursor(
            engine,
            args.records // 20,
            "WHERE status = 'accepted' AND office BETWEEN '32.16.00.0000' AND '32.16.99.9999'",
        )
        with tempfile.TemporaryDirectory(prefix="fieldapp-bench-console-") as temp:
            console = Console(db_url, Path(temp))
            try:
                pages = {
                    "dashboard": "/console/",
                    "dashboard_kabupaten": "/console/?region=32.16",
                    "dashboard_kecamatan": "/console/?region=32.16.01",
                    "review_first": "/console/review",
                    "review_filtered": "/console/review?state=accepted&region=32.16.01&from=2024-11-01&to=2024-12-31",
                    "review_deep": f"/console/review?after={deep}",
                    "review_filtered_deep": f"/console/review?state=accepted&region=32.16&after={deep_filtered}",
                    "review_one_desa": f"/console/review?region={offices()[5]}",
                    "duplicates": "/console/duplicates",
                }
                for path in pages.values():  # warm: the region list, the plans, the page cache
                    console.server_ms(path, 2)
                figures = {name: console.server_ms(path, args.samples) for name, path in pages.items()}
            finally:
                console.stop()
        baseline = baseline_ms(engine, max(3, args.samples // 4))
        counted = tallies_ms(engine, args.samples)
    finally:
        engine.dispose()
        with psycopg.connect(args.pg_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for page, ms in figures.items():
        print(f"{page:<22} {ms:8.1f} ms (server, median of {args.samples})")
    review = max(v for k, v in figures.items() if k.startswith("review"))
    dashboard = max(v for k, v in figures.items() if k.startswith("dashboard"))
    print(f"dashboard, worst of three   {dashboard:.1f} ms (target <= 300)")
    print(f"review page, worst of five  {review:.1f} ms (target <= 200)")
    print(f"dashboard counts from the tallies {counted:.1f} ms; from the records (baseline) {baseline:.0f} ms")
    print(f"speedup of the counts {baseline / counted:.0f}x")
    result = {
        "records": args.records,
        "dashboard_ms": round(dashboard, 1),
        "review_page_ms": round(review, 1),
        "baseline_dashboard_from_records_ms": round(baseline, 1),
        "dashboard_counts_from_tallies_ms": round(counted, 1),
        "speedup": round(baseline / counted, 1),
        **{f"{k}_ms": round(v, 1) for k, v in figures.items()},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
