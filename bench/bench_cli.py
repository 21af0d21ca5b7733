"""Benchmark everyday `fieldapp` commands: wall time of the whole process, hyperfine-style.

    python bench/bench_cli.py [--records 1000] [--runs 15] [--warmup 2] [--compare OTHER_CHECKOUT]

On a store of `--records` records, each command runs as a real subprocess of the `fieldapp`
program (the console script beside this interpreter; `python -c "from ui.main import cli..."`
when there is none), the passphrase in FIELDAPP_PASSPHRASE, output to a pipe:

- `status`, `list --limit 20`, `register` of one record (a new applicant each run);
- baselines in the same rounds: `python -c pass` (the interpreter's own start) and
  `python -c "import fieldapp.cli"` (the core CLI's imports: the floor of every command);
- Argon2id, the passphrase's key derivation every command pays, timed in this process once a
  round.

Commands run interleaved, round after round (the order rotating), after `--warmup` rounds that
compile bytecode into a cache (as pip does at install; this checkout may run with
PYTHONDONTWRITEBYTECODE) and warm the disk cache. Prints mean, min and standard deviation of
each, the ratios to the baselines, and the targets with pass/fail; one JSON object on the last
line. The targets (issue 7) were set when Argon2id took ~0.10 s; where it takes longer, the
figures net of Argon2id are shown as well, against the same targets less 0.10 s.

`--compare DIR` also runs the same commands from another checkout (e.g. `git archive HEAD`
unpacked somewhere: PYTHONPATH=DIR, its own store made by its own code), interleaved with
these, so a before/after comparison shares the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fieldapp.crypto import KdfParams, derive_kek, new_salt
from fieldapp.sample import applicant

OFFICE = "32.16.01.2001"
USER = "kepala"
PASSPHRASE = "benchmark passphrase"
TARGETS_S = {"status": 0.25, "list": 0.25, "register": 0.35}
ISSUE_ARGON2_S = 0.10  # what Argon2id cost when the targets were set
LABELS = {
    "python": "python -c pass",
    "import": 'python -c "import fieldapp.cli"',
    "status": "fieldapp status",
    "list": "fieldapp list --limit 20",
    "register": "fieldapp register (1 record)",
}
MAKE_STORE = """
import sys
from fieldapp.sample import applicant
from fieldapp.store import Store
store, _code = Store.create(sys.argv[1], {user!r}, {passphrase!r}, {office!r})
records = int(sys.argv[2])
for start in range(0, records, 500):
    store.register([applicant(i, seed=5) for i in range(start, min(records, start + 500))])
store.close()
"""


def program() -> list[str]:
    """The installed `fieldapp` console script, or the same entry point through -c."""
    script = Path(sys.executable).with_name("fieldapp")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from ui.main import cli; sys.exit(cli())"]


class Variant:
    """One checkout's commands, in their own store and environment."""

    def __init__(self, folder: Path, suffix: str, source: Path | None, records: int) -> None:
        self.folder = folder / f"variant{suffix or '_this'}"
        self.folder.mkdir()
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FIELDAPP_USER")}
        self.env |= {
            "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
            "FIELDAPP_DATA_DIR": str(self.folder / "store"),
            "FIELDAPP_PASSPHRASE": PASSPHRASE,
        }
        if source is not None:
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))
        make = MAKE_STORE.format(user=USER, passphrase=PASSPHRASE, office=OFFICE)
        subprocess.run(
            [sys.executable, "-c", make, str(self.folder / "store"), str(records)],
            env=self.env,
            cwd=self.folder,
            check=True,
        )
        fieldapp = [*program(), "--user", USER]
        self.commands = {
            f"import{suffix}": [sys.executable, "-c", "import fieldapp.cli"],
            f"status{suffix}": [*fieldapp, "status"],
            f"list{suffix}": [*fieldapp, "list", "--limit", "20"],
            f"register{suffix}": [*fieldapp, "register", str(self.folder / "one.json")],
        }
        self.next_applicant = 1_000_000

    def run(self, name: str) -> float:
        if name.startswith("register"):  # a new applicant each time: the same NIK twice is refused
            self.next_applicant += 1
            record = applicant(self.next_applicant, seed=9)
            (self.folder / "one.json").write_text(json.dumps(record), encoding="utf-8")
        command = [sys.executable, "-c", "pass"] if name == "python" else self.commands[name]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=self.env, cwd=self.folder, timeout=120)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{name} exited {done.returncode}:\n{done.stderr.decode(errors='replace')[-2000:]}")
        return elapsed


def rounds(variants: list[Variant], runs: int, warmup: int) -> dict[str, list[float]]:
    """Every command once a round, the order rotating, and one Argon2id derivation in this
    process (what every login costs); the warm-up rounds are not kept."""
    owners = {"python": variants[0]} | {name: v for v in variants for name in v.commands}
    names = list(owners)
    times: dict[str, list[float]] = {name: [] for name in [*names, "argon2"]}
    for number in range(warmup + runs):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed = owners[name].run(name)
            if number >= warmup:
                times[name].append(elapsed)
        if number >= warmup:
            times["argon2"].append(argon2_seconds())
    return times


def argon2_seconds() -> float:
    """One derivation with the store's parameters."""
    started = time.perf_counter()
    derive_kek(PASSPHRASE, new_salt(), KdfParams())
    return time.perf_counter() - started


def cpu_pressure_total() -> float | None:
    """Microseconds some task waited for a CPU, since boot (Linux PSI), or None."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return None
    return float(line.rsplit("total=", 1)[1])


def summarise(times: dict[str, list[float]]) -> dict[str, object]:
    result: dict[str, object] = {}
    means = {name: statistics.fmean(values) for name, values in times.items()}
    argon2_s = means["argon2"]
    for name, values in times.items():
        result[f"{name}_mean_s"] = round(means[name], 4)
        result[f"{name}_min_s"] = round(min(values), 4)
        result[f"{name}_stddev_s"] = round(statistics.stdev(values) if len(values) > 1 else 0.0, 4)
    for name in means:
        command = name.removesuffix("_before")
        if command not in TARGETS_S:
            continue
        target = TARGETS_S[command]
        result[f"{name}_vs_python"] = round(means[name] / means["python"], 2)
        result[f"{name}_vs_import"] = round(means[name] / means["import"], 2)
        result[f"{name}_met"] = means[name] <= target
        result[f"{name}_net_of_argon2_s"] = round(means[name] - argon2_s, 4)
        result[f"{name}_net_met"] = means[name] - argon2_s <= target - ISSUE_ARGON2_S
    for command in TARGETS_S:
        if f"{command}_before" in means:
            result[f"{command}_speedup"] = round(means[f"{command}_before"] / means[command], 2)
    result["argon2_s"] = round(argon2_s, 4)
    return result


def report(result: dict[str, object], names: list[str], runs: int, records: int) -> None:
    print(f"{records} records; {runs} timed runs of each command, interleaved; wall time of the whole process")
    print(f"{'command':<44}{'mean':>8}{'min':>8}{'stddev':>8}{'x python':>10}{'x import':>10}")
    for name in names:
        command, _, variant = name.partition("_")
        label = LABELS[command] + (f" ({variant})" if variant else "")
        ratios = f"{result[f'{name}_vs_python']:>10}{result[f'{name}_vs_import']:>10}" if command in TARGETS_S else ""
        print(
            f"{label:<44}{result[f'{name}_mean_s']:>8.3f}{result[f'{name}_min_s']:>8.3f}"
            f"{result[f'{name}_stddev_s']:>8.3f}{ratios}"
        )
    print(
        f"Argon2id, one derivation in this process, once a round: mean {result['argon2_s']:.3f} s, "
        f"min {result['argon2_min_s']:.3f} s (the targets assumed 0.10 s)"
    )
    for command, target in TARGETS_S.items():
        mean, net = result[f"{command}_mean_s"], result[f"{command}_net_of_argon2_s"]
        print(
            f"target {LABELS[command]:<30} <= {target:.2f} s: {'PASS' if result[f'{command}_met'] else 'FAIL'} "
            f"(mean {mean:.3f} s); net of Argon2id {net:.3f} s <= {target - ISSUE_ARGON2_S:.2f} s: "
            f"{'PASS' if result[f'{command}_net_met'] else 'FAIL'}"
        )
    for command in TARGETS_S:
        if f"{command}_speedup" in result:
            print(f"{LABELS[command]}: before / now = {result[f'{command}_speedup']}")
    pressure = result["cpu_pressure_pct"]
    busy = "unknown" if pressure is None else f"{pressure:.0f}%"
    print(f"machine busy: some task waited for a CPU {busy} of the run (Linux PSI)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="another checkout to time the same way (labelled 'before')")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_cli_"))
    try:
        variants = [Variant(folder, "", None, options.records)]
        if options.compare is not None:
            variants.append(Variant(folder, "_before", options.compare.resolve(), options.records))
        pressure_before, started = cpu_pressure_total(), time.monotonic()
        times = rounds(variants, options.runs, options.warmup)
        pressure_after, elapsed = cpu_pressure_total(), time.monotonic() - started
        result = summarise(times)
        result["cpu_pressure_pct"] = None
        if pressure_before is not None and pressure_after is not None:
            result["cpu_pressure_pct"] = round(100 * (pressure_after - pressure_before) / 1e6 / elapsed, 1)
        result |= {"records": options.records, "runs": options.runs}
        report(result, [name for name in times if name != "argon2"], options.runs, options.records)
        print(json.dumps(result))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
