"""Benchmark the audit chain: what the forward-secure key costs each append and each `verify`.

    python bench/bench_audit.py [--entries 5000] [--rounds 3]

In one process, on an in-memory store with the real schema, appends `--entries` entries in
one transaction and then walks the chain as `verify` does, two ways in the same run:

- the baseline: entries MACed under the store key's audit sub-key (how stores before the
  supervisor key chain their log, and how every store did before issue 8);
- the forward-secure chain (issue 8): each append opens and reseals the chain's next key and
  steps it one way; a supervisor's walk re-derives every key from the supervisor key's seed.

Prints the best of `--rounds` for each, the ratio to the baseline, and one JSON object on the
last line. There is no target: a register or an edit costs an Argon2id login (~0.2 s here) and
one append, so what matters is that an append stays far below a millisecond.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time

from fieldapp import audit, crypto, schema


def run(entries: int, forward_secure: bool) -> tuple[float, float]:
    """(microseconds per append, milliseconds for the whole chain walk)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.migrate(conn)
    keys = crypto.SubKeys.derive(os.urandom(32))
    seed = os.urandom(32) if forward_secure else None
    if seed is not None:
        audit.start_forward_secure(conn, keys, seed)
    conn.execute("BEGIN")
    started = time.perf_counter()
    for _ in range(entries):
        audit.append(conn, keys, "2026-12-01T00:00:00.000Z", "operator1", "view", None, "")
    conn.execute("COMMIT")
    append_us = (time.perf_counter() - started) / entries * 1e6
    started = time.perf_counter()
    checked = audit.check_chain(conn, keys, seed)
    walk_ms = (time.perf_counter() - started) * 1000
    assert not checked.broken and not checked.problems and checked.unchecked == 0
    conn.close()
    return append_us, walk_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    baseline = min(run(args.entries, False) for _ in range(args.rounds))
    forward = min(run(args.entries, True) for _ in range(args.rounds))
    print(f"entries: {args.entries}, best of {args.rounds} rounds")
    print(f"store-key MAC (baseline): {baseline[0]:7.1f} us per append, chain walk {baseline[1]:6.0f} ms")
    print(f"forward-secure (now):     {forward[0]:7.1f} us per append, chain walk {forward[1]:6.0f} ms")
    print(f"ratio now / baseline: append {forward[0] / baseline[0]:.2f}, walk {forward[1] / baseline[1]:.2f}")
    print(
        json.dumps(
            {
                "entries": args.entries,
                "baseline_append_us": round(baseline[0], 1),
                "append_us": round(forward[0], 1),
                "baseline_walk_ms": round(baseline[1]),
                "walk_ms": round(forward[1]),
            }
        )
    )


if __name__ == "__main__":
    main()
