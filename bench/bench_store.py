"""Benchmark the store at scale: saves against a plain sqlite3 baseline, lookups, open, import.

    python bench/bench_store.py [--records 100000] [--samples 500]

Prints its figures, then one JSON object on the last line. The baseline (a plain sqlite3 insert
of the same JSON, WAL + synchronous=FULL, one commit per insert) runs in the same folder, in the
same run, interleaved with the store's saves so both see the same disk.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fieldapp import crypto
from fieldapp.sample import applicant
from fieldapp.store import Store

PASSPHRASE = "benchmark passphrase"
BATCH = 1000


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def p99_ms(samples: list[float]) -> float:
    return round(sorted(samples)[int(len(samples) * 0.99) - 1] * 1000, 3)


def bulk_import(store: Store, records: int) -> float:
    started = time.perf_counter()
    for first in range(0, records, BATCH):
        store.register([applicant(i) for i in range(first, min(first + BATCH, records))])
        if first % 20_000 == 0:
            print(f"  imported {first + BATCH:>7,} ...", file=sys.stderr)
    return records / (time.perf_counter() - started)


def plain_baseline(folder: Path, records: int) -> sqlite3.Connection:
    conn = sqlite3.connect(folder / "plain.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO plain (body) VALUES (?)", ((json.dumps(applicant(i)),) for i in range(records)))
    conn.execute("COMMIT")
    return conn


def timed_saves(store: Store, plain: sqlite3.Connection, first: int, samples: int) -> tuple[list[float], list[float]]:
    ours, baseline = [], []
    for i in range(first, first + samples):
        record = applicant(i)
        body = json.dumps(record)
        started = time.perf_counter()
        plain.execute("BEGIN")
        plain.execute("INSERT INTO plain (body) VALUES (?)", (body,))
        plain.execute("COMMIT")
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        store.register([record])
        ours.append(time.perf_counter() - started)
    return ours, baseline


def lookups(store: Store, records: int, samples: int) -> tuple[list[float], list[float], float]:
    rng = random.Random(1)
    nik_times = []
    for _ in range(samples):
        nik = str(applicant(rng.randrange(records))["nik"])
        started = time.perf_counter()
        assert store.find_by_nik(nik) is not None
        nik_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    store.summaries(search="rahma", limit=50)
    cold = time.perf_counter() - started
    search_times = []
    for _ in range(max(samples // 10, 20)):
        text = str(applicant(rng.randrange(records))["full_name"]).split()[1][1:5]
        started = time.perf_counter()
        assert store.summaries(search=text, limit=50)
        search_times.append(time.perf_counter() - started)
    return nik_times, search_times, cold


def open_unlock_first_page(folder: Path) -> tuple[float, float]:
    """Seconds for open + login + first 50 rows, and the part of that spent in Argon2id."""
    kdf_seconds = 0.0
    real_derive = crypto.derive_kek

    def counting_derive(*args: object) -> bytes:
        nonlocal kdf_seconds
        started = time.perf_counter()
        try:
            return real_derive(*args)  # type: ignore[arg-type]
        finally:
            kdf_seconds += time.perf_counter() - started

    crypto.derive_kek = counting_derive  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        store = Store.open(folder)
        store.login("bench", PASSPHRASE)
        page = store.summaries(limit=50)
        total = time.perf_counter() - started
    finally:
        crypto.derive_kek = real_derive  # type: ignore[assignment]
    assert len(page) == 50
    store.close()
    return total, kdf_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-") as temp:
        folder = Path(temp)
        store, _code = Store.create(folder / "store", "bench", PASSPHRASE, "32.16.01.2001")
        print(f"Importing {args.records:,} records in batches of {BATCH} ...", file=sys.stderr)
        import_rate = bulk_import(store, args.records)
        plain = plain_baseline(folder, args.records)
        ours, baseline = timed_saves(store, plain, args.records, args.samples)
        nik_times, search_times, cold_search = lookups(store, args.records, args.samples)
        store.close()
        open_total, open_kdf = open_unlock_first_page(folder / "store")
        db_mb = (folder / "store" / "store.sqlite3").stat().st_size / 1e6
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "records": args.records,
        "save_ms_median": median_ms(ours),
        "save_ms_p99": p99_ms(ours),
        "plain_save_ms_median": median_ms(baseline),
        "save_ratio": round(statistics.median(ours) / statistics.median(baseline), 3),
        "save_overhead_ms": round((statistics.median(ours) - statistics.median(baseline)) * 1000, 3),
        "nik_lookup_ms_median": median_ms(nik_times),
        "name_search_ms_median": median_ms(search_times),
        "name_search_cold_ms": round(cold_search * 1000, 1),
        "open_ms": round((open_total - open_kdf) * 1000, 1),
        "open_kdf_ms": round(open_kdf * 1000, 1),
        "import_records_per_s": round(import_rate),
        "store_mb": round(db_mb, 1),
        "rss_mb": round(rss_mb, 1),
    }
    r = result
    lines = [
        f"records                 {args.records:,}",
        f"save, durable           median {r['save_ms_median']} ms, p99 {r['save_ms_p99']} ms"
        " (validate, encrypt, record + outbox + audit in one transaction)",
        f"plain sqlite3 insert    median {r['plain_save_ms_median']} ms (same JSON, WAL, synchronous=FULL)",
        f"save ratio              {r['save_ratio']} (target <= 1.3): {r['save_overhead_ms']} ms more per save",
        f"NIK lookup              {r['nik_lookup_ms_median']} ms median (target <= 1)",
        f"name search             {r['name_search_ms_median']} ms median, first {r['name_search_cold_ms']} ms"
        " (target <= 100)",
        f"open + unlock + 50 rows {r['open_ms']} ms, Argon2id aside ({r['open_kdf_ms']} ms) (target <= 300)",
        f"bulk import             {r['import_records_per_s']:,} records/s (target >= 5,000)",
        f"store size              {r['store_mb']} MB",
        f"peak RSS                {r['rss_mb']} MB (target <= 300)",
    ]
    print("\n".join(lines))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
