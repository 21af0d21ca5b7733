"""Benchmark the desktop app (offscreen Qt): cold start, a save, the list at scale, the GUI during a sync.

    python bench/bench_ui.py [--records 100000] [--sync-records 5000] [--saves 30] [--starts 5]

Four figures, each against a baseline measured in the same run:

- cold start: a fresh process, from just before it is spawned until the login screen has been
  painted, against a process that only makes a QApplication and paints an empty QWidget;
- save: from Ctrl+S on a filled registration form until the form is empty again (the receipt
  drawn beside it), against `Store.register([person])` called directly, saves interleaved;
- list: the first page of "Daftar Pendaftar" on a store of `--records` records, from the
  refresh until the rows are in the model, against `Store.summaries(limit=<page>)`;
- GUI block: a 10 ms timer on the GUI thread while "Sinkronkan sekarang" pushes `--sync-records`
  records to the reference server (its own process), against the same timer with no sync.

Prints its figures, then one JSON object on the last line. Everything lives in a temp folder.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, SignalInstance
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fieldapp.sample import applicant
from fieldapp.settings import Settings
from fieldapp.store import Store
from sync.service import enroll
from ui.app import application, build_window, collect_garbage_here
from ui.ops import Context
from ui.records_model import PAGE
from ui.session import Session
from ui.window import MainWindow

OFFICE = "32.16.01.2001"
SUPERVISOR = "supervisor"
PASSPHRASE = "benchmark passphrase"
SAVE_STORE_RECORDS = 1000
BATCH = 2000
TICK_MS = 10
TAIL_S = 0.5  # the ticker runs on this long after the sync, to catch the screens refreshing
ROOT = Path(__file__).resolve().parent.parent

# The cold-start child: the same program for the app and for the floor, only {build} differs.
CHILD = """
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
T0 = float(os.environ["BENCH_T0"])
{build}
from PySide6.QtCore import QEvent, QObject, QTimer

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, painted)  # after this paint has finished
        return False

result = {{}}
def painted():
    result["painted_ms"] = (time.time() - T0) * 1000
    ready()
def ready():
    if not names():
        QTimer.singleShot(1, ready)
        return
    result["ready_ms"] = (time.time() - T0) * 1000
    print(json.dumps(result), flush=True)
    app.quit()

watch = Painted()
target.installEventFilter(watch)
window.resize(1366, 768)
window.show()
app.exec()
{finish}
"""
APP_BUILD = """
from pathlib import Path
from ui.app import application, build_window
app = application()
session, window = build_window(Path(sys.argv[1]))
target = window.pages.currentWidget()
assert type(target).__name__ == "LoginScreen", target
names = lambda: target.user.count() > 0
"""
FLOOR_BUILD = """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = target = QWidget()
names = lambda: True
"""


# -- small helpers ---------------------------------------------------------------------------------


class CpuPressure:
    """The share of wall time some task on the machine waited for a CPU (Linux PSI), -1 if unknown."""

    def __init__(self) -> None:
        self.started, self.waited = time.monotonic(), self._total()

    @staticmethod
    def _total() -> float:
        try:
            line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        except (OSError, IndexError):
            return -1.0
        return float(line.rsplit("total=", 1)[1]) / 1e6

    def percent(self) -> float:
        now = self._total()
        if now < 0 or self.waited < 0:
            return -1.0
        return round(100 * (now - self.waited) / (time.monotonic() - self.started), 1)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def median_ms(samples: list[float]) -> float:
    return ms(statistics.median(samples))


def ratio(ours: float, baseline: float) -> float:
    return round(ours / baseline, 2) if baseline else float("inf")


def pump_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Run the event loop until `condition()` holds (not for timing: it sleeps between turns)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        QApplication.processEvents()
        time.sleep(0.002)


def wait_for(
    signal: SignalInstance,
    start: Callable[[], None],
    timeout_ms: int = 60_000,
    accept: Callable[..., bool] = lambda *_args: True,
) -> float:
    """Seconds from `start()` until `signal` fires (with arguments `accept` takes), the GUI idle meanwhile."""
    loop = QEventLoop()
    stamp: list[float] = []

    def fired(*args: object) -> None:
        if not stamp and accept(*args):
            stamp.append(time.perf_counter())
            loop.quit()

    signal.connect(fired)
    QTimer.singleShot(timeout_ms, loop.quit)
    started = time.perf_counter()
    start()
    if not stamp:
        loop.exec()
    signal.disconnect(fired)
    if not stamp:
        raise TimeoutError("no signal in time")
    return stamp[0] - started


def on_lane(session: Session, fn: Callable[[Context], Any]) -> Any:
    """Run `fn` on the session's database lane and wait (set-up and checks only: it blocks the GUI)."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def call() -> None:
        try:
            box["result"] = fn(Context(session.lanes.store, lambda _d, _t: None))
        except BaseException as exc:
            box["error"] = exc
        done.set()

    session.lanes.db.start(call)
    assert done.wait(60), "the database lane did not answer"
    if "error" in box:
        raise box["error"]
    return box["result"]


def make_store(folder: Path, records: int, first: int = 0) -> Store:
    """A store with a supervisor and `records` synthetic registrations, logged in."""
    store, _code = Store.create(folder, SUPERVISOR, PASSPHRASE, OFFICE)
    for start in range(first, first + records, BATCH):
        store.register([applicant(i, OFFICE) for i in range(start, min(start + BATCH, first + records))])
    return store


def open_window(data_dir: Path) -> tuple[Session, MainWindow]:
    """The real window on an existing store, logged in as the supervisor through the login screen."""
    session, window = build_window(data_dir)
    window.resize(1366, 768)
    window.show()
    login = window.pages.currentWidget()
    pump_until(lambda: login.user.count() > 0)
    login.user.setCurrentText(SUPERVISOR)
    login.passphrase.setText(PASSPHRASE)
    login.submit()
    pump_until(lambda: window.workspace is not None)
    return session, window


def close_window(window: MainWindow) -> None:
    window.close()  # stops sync and closes the store on its lane
    window.deleteLater()
    QApplication.processEvents()


# -- 1. cold start ---------------------------------------------------------------------------------


def one_start(build: str, finish: str, data_dir: Path, pycache: Path) -> dict[str, float]:
    """One child process; its bytecode is cached in `pycache`, as an installed app's would be."""
    code = CHILD.format(build=build, finish=finish)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"PYTHONPYCACHEPREFIX": str(pycache), "BENCH_T0": repr(time.time())}
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    if out.returncode != 0:
        raise RuntimeError(f"cold-start child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_starts(folder: Path, starts: int) -> dict[str, float]:
    """Median of `starts` app starts and floor starts, interleaved, after a first start of each.

    The first start compiles the app's bytecode into a cache (pip does that when it installs an
    app; this checkout runs with PYTHONDONTWRITEBYTECODE) and warms the disk cache: not counted.
    """
    Store.create(folder / "cold", SUPERVISOR, PASSPHRASE, OFFICE)[0].close()
    app_runs, floor_runs = [], []
    for _ in range(starts + 1):
        app_runs.append(one_start(APP_BUILD, "session.shutdown()", folder / "cold", folder / "pycache"))
        floor_runs.append(one_start(FLOOR_BUILD, "", folder / "cold", folder / "pycache"))
    first = app_runs.pop(0)
    floor_runs.pop(0)
    return {
        "cold_start_uncompiled_ms": round(first["painted_ms"], 1),
        "cold_start_ms": round(statistics.median(r["painted_ms"] for r in app_runs), 1),
        "cold_start_names_ms": round(statistics.median(r["ready_ms"] for r in app_runs), 1),
        "cold_start_baseline_ms": round(statistics.median(r["painted_ms"] for r in floor_runs), 1),
    }


# -- 2. save ---------------------------------------------------------------------------------------


class PaintWatch(QObject):
    """Notes when a widget is next painted after `signal` fires (connected after the screen's own slots)."""

    def __init__(self, widget: QWidget, signal: SignalInstance) -> None:
        super().__init__()
        self.at = 0.0
        self.armed = False
        widget.installEventFilter(self)
        signal.connect(self.arm)

    def arm(self, *_args: object) -> None:
        self.at, self.armed = 0.0, True

    def reset(self) -> None:
        self.at, self.armed = 0.0, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.armed and event.type() == QEvent.Type.Paint:
            self.at, self.armed = time.perf_counter(), False
        return False


def fill(session: Session, form: Any, person: dict[str, Any]) -> None:
    """Load a person into the form and let its store checks settle (not timed)."""
    form.load(person)
    form.nik.setFocus()
    pump_until(lambda: not session.lanes.db.busy())
    QApplication.processEvents()


def ctrl_s(form: Any) -> None:
    QTest.keyClick(form.nik, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def one_save(form: Any, watch: PaintWatch) -> tuple[float, float]:
    """Seconds from Ctrl+S until the form is clear (receipt drawn), and until it is painted clear."""
    watch.reset()
    started = time.perf_counter()
    cleared = wait_for(form.saved, lambda: ctrl_s(form), timeout_ms=30_000)
    assert form.nik.text() == "", "the form was not cleared after the save"
    pump_until(lambda: watch.at > 0, timeout=5)
    return cleared, watch.at - started


def saves(folder: Path, count: int) -> dict[str, float]:
    make_store(folder / "save", SAVE_STORE_RECORDS).close()
    baseline_store = make_store(folder / "save-core", SAVE_STORE_RECORDS)
    session, window = open_window(folder / "save")
    try:
        form = window.workspace.open("register").form  # type: ignore[union-attr]
        watch = PaintWatch(form.nik, form.saved)
        ours, painted, core = [], [], []
        for n in range(count):
            person = applicant(SAVE_STORE_RECORDS + n, OFFICE)
            fill(session, form, person)
            cleared, shown = one_save(form, watch)
            ours.append(cleared)
            painted.append(shown)
            started = time.perf_counter()
            baseline_store.register([person])
            core.append(time.perf_counter() - started)
    finally:
        close_window(window)
        baseline_store.close()
    return {"save_ms": median_ms(ours), "save_painted_ms": median_ms(painted), "save_baseline_ms": median_ms(core)}


# -- 3. the list at scale --------------------------------------------------------------------------


def wait_until_timed(start: Callable[[], None], condition: Callable[[], bool], timeout_s: float = 60) -> float:
    """Seconds from `start()` until `condition()` holds, checked every millisecond from an event loop."""
    loop = QEventLoop()
    check = QTimer()
    check.setTimerType(Qt.TimerType.PreciseTimer)
    check.setInterval(1)
    stamp: list[float] = []

    def look() -> None:
        if not stamp and condition():
            stamp.append(time.perf_counter())
            loop.quit()

    check.timeout.connect(look)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    started = time.perf_counter()
    start()
    check.start()
    loop.exec()
    check.stop()
    if not stamp:
        raise TimeoutError("the condition did not hold in time")
    return stamp[0] - started


def list_pages(folder: Path, records: int, repeats: int) -> dict[str, float]:
    print(f"Building a store of {records:,} records ...", file=sys.stderr)
    started = time.perf_counter()
    make_store(folder / "list", records).close()
    print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    core = Store.open(folder / "list")
    core.login(SUPERVISOR, PASSPHRASE)
    _session, window = open_window(folder / "list")
    try:
        workspace = window.workspace
        assert workspace is not None
        opened = wait_until_timed(
            lambda: workspace.open("records"),
            lambda: "records" in workspace.screens and workspace.screens["records"].model.rowCount() > 0,  # type: ignore[attr-defined]
        )
        screen: Any = workspace.screens["records"]
        pump_until(lambda: screen.model.total is not None)
        firsts, painted = refreshes(screen, repeats)
        page_s, count_s = core_list_baseline(core, repeats)
    finally:
        close_window(window)
        core.close()
    return {
        "list_records": records,
        "list_first_page_ms": median_ms(firsts),
        "list_painted_ms": median_ms(painted),
        "list_open_ms": ms(opened),
        "list_baseline_ms": ms(page_s),
        "list_count_ms": ms(count_s),
    }


def refreshes(screen: Any, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds from a refresh until the first page is in the model, and until the table painted it."""
    watch = PaintWatch(screen.table.viewport(), screen.model.page_loaded)
    firsts, painted = [], []
    for _ in range(repeats):
        watch.reset()
        started = time.perf_counter()
        firsts.append(wait_for(screen.model.page_loaded, screen.refresh))
        assert screen.model.rowCount() == PAGE
        pump_until(lambda: watch.at > 0, timeout=5)
        painted.append(watch.at - started)
        pump_until(lambda: screen.model.total is not None)  # the count, asked just before the page
    return firsts, painted


def core_list_baseline(core: Store, repeats: int) -> tuple[float, float]:
    """Median seconds of the core's first page and of its count, called directly."""
    pages, counts = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        assert len(core.summaries(limit=PAGE)) == PAGE
        pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        core.count()
        counts.append(time.perf_counter() - started)
    return statistics.median(pages), statistics.median(counts)


# -- 4. the GUI during a sync ----------------------------------------------------------------------


class Server:
    """The reference server as its own process on a free loopback port (SQLite in the temp folder)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        db = f"sqlite:///{folder / 'central.sqlite3'}"
        self.base = [sys.executable, "-m", "sync.server.cli", "--db", db, "--key-file", str(folder / "server.key")]
        self.log = (folder / "server.log").open("a")
        self.process = subprocess.Popen(
            [*self.base, "serve", "--port", "0", "--rate", "1000"],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=ROOT,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()

    def code(self) -> str:
        out = subprocess.run([*self.base, "enroll-code", "--office", OFFICE], capture_output=True, text=True, cwd=ROOT)
        return out.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


class Ticker:
    """A 10 ms timer on the GUI thread that notes when it really ran."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def gaps(self) -> list[float]:
        self.timer.stop()
        return [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]


def run_events(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def enrolled_laptop(folder: Path, server: Server, records: int) -> None:
    store = make_store(folder, records)
    enroll(store, server.url, server.code(), "bench-laptop")
    store.save_settings(Settings(auto_sync=False))  # the supervisor's button starts the sync
    store.close()


def timed_sync(session: Session, screen: Any, ticker: Ticker) -> tuple[float, list[float]]:
    """Seconds from the click until the sync reports, and the ticker's gaps until TAIL_S after."""
    outcome: list[str] = []

    def finished(kind: str, detail: str, _error: object) -> bool:
        if kind in ("synced", "failed"):
            outcome.append(f"{kind}: {detail}")
            return True
        return False

    ticker.start()
    elapsed = wait_for(session.sync_event, screen.sync_button.click, timeout_ms=600_000, accept=finished)
    run_events(TAIL_S)
    gaps = ticker.gaps()
    if not outcome[0].startswith("synced"):
        raise RuntimeError(f"the sync did not succeed: {outcome[0]}")
    return elapsed, gaps


def gui_during_sync(folder: Path, records: int) -> dict[str, float]:
    server = Server(folder / "server")
    try:
        enrolled_laptop(folder / "sync", server, records)
        session, window = open_window(folder / "sync")
        try:
            screen: Any = window.workspace.open("sync")  # type: ignore[union-attr]
            run_events(1.0)  # the screen's first read, the link probe
            ticker = Ticker()
            pressure = CpuPressure()
            elapsed, gaps = timed_sync(session, screen, ticker)
            sync_pressure = pressure.percent()
            pending = on_lane(session, lambda ctx: ctx.store.pending_outbox())
            assert pending == 0, f"{pending} records still queued after the sync"
            ticker.start()
            run_events(elapsed + TAIL_S)
            idle = ticker.gaps()
            started = time.perf_counter()
            gc.collect()  # what the app's full collection, every ten minutes, costs the GUI thread
            full_gc_s = time.perf_counter() - started
        finally:
            close_window(window)
    finally:
        server.stop()
    return {
        "sync_records": records,
        "sync_s": round(elapsed, 2),
        "sync_records_per_s": round(records / elapsed),
        "max_gui_block_ms": ms(max(gaps) - TICK_MS / 1000),
        "full_gc_pause_ms": ms(full_gc_s),
        "median_gap_ms": median_ms(gaps),
        "idle_max_gap_ms": ms(max(idle)),
        "idle_median_gap_ms": median_ms(idle),
        "idle_max_block_ms": ms(max(idle) - TICK_MS / 1000),
        "sync_cpu_pressure_pct": sync_pressure,
    }


# -- the report ------------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> list[str]:
    return [
        f"cold start to painted login   {r['cold_start_ms']} ms median (target <= 1500); "
        f"empty QWidget {r['cold_start_baseline_ms']} ms: ratio {r['cold_start_ratio']}",
        f"  ... user names listed        {r['cold_start_names_ms']} ms (the store opened on the database lane); "
        f"first start, compiling bytecode: {r['cold_start_uncompiled_ms']} ms",
        f"save, Ctrl+S to cleared form   {r['save_ms']} ms median (target <= 150); painted {r['save_painted_ms']} ms; "
        f"Store.register {r['save_baseline_ms']} ms: ratio {r['save_ratio']}",
        f"list, first page of {r['list_records']:,}   {r['list_first_page_ms']} ms median (target <= 150); painted "
        f"{r['list_painted_ms']} ms; Store.summaries({PAGE}) {r['list_baseline_ms']} ms: ratio {r['list_ratio']}",
        f"  ... screen first opened      {r['list_open_ms']} ms; Store.count() {r['list_count_ms']} ms (runs first)",
        f"GUI block during sync          {r['max_gui_block_ms']} ms longest (target <= 100), median tick "
        f"{r['median_gap_ms']} ms; idle longest {r['idle_max_block_ms']} ms: ratio {r['block_ratio']}",
        f"  ... sync of {r['sync_records']:,}            {r['sync_s']} s, {r['sync_records_per_s']:,} records/s",
        f"  ... full garbage collection  {r['full_gc_pause_ms']} ms on the GUI thread (the app runs one every 10 min)",
        f"machine busy                  some task waited for a CPU {r['cpu_pressure_pct']}% of the run, "
        f"{r['sync_cpu_pressure_pct']}% of the sync (Linux PSI; -1: unknown)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in the store the list is timed on")
    parser.add_argument("--sync-records", type=int, default=5000)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=10, help="list refreshes timed")
    args = parser.parse_args()
    application()
    _collector = collect_garbage_here()  # the cycle collector runs as in the app: on the GUI thread
    pressure = CpuPressure()
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-ui-") as temp:
        folder = Path(temp)
        print("Cold starts ...", file=sys.stderr)
        result: dict[str, Any] = cold_starts(folder, args.starts)
        print("Saves ...", file=sys.stderr)
        result |= saves(folder, args.saves)
        result |= list_pages(folder, args.records, args.repeats)
        print("Sync ...", file=sys.stderr)
        result |= gui_during_sync(folder, args.sync_records)
    result["cpu_pressure_pct"] = pressure.percent()
    result["cold_start_ratio"] = ratio(result["cold_start_ms"], result["cold_start_baseline_ms"])
    result["save_ratio"] = ratio(result["save_ms"], result["save_baseline_ms"])
    result["list_ratio"] = ratio(result["list_first_page_ms"], result["list_baseline_ms"])
    result["block_ratio"] = ratio(result["max_gui_block_ms"], result["idle_max_block_ms"])
    print("\n".join(report(result)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
