"""Everyday offline commands load only what they use (issue 7: a command's wall time was mostly imports).

Each command runs in a fresh interpreter through the program's entry point (`ui.main.cli`, what
the `fieldapp` script calls), which then reports which heavy packages are in `sys.modules` and
how much of the region file it read. Not timed: bench/bench_cli.py measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS

from fieldapp.sample import applicant
from fieldapp.store import Store

ROOT = Path(__file__).resolve().parent.parent
HTTP = ("requests", "urllib3", "pydantic", "pydantic_core", "charset_normalizer", "sync.client", "sync.engine")
QT = ("PySide6", "shiboken6")
HEAVY = (*HTTP, *QT, "phonenumbers", "email_validator", "rich", "fastapi", "sqlalchemy")
CHILD = """
import json, sys
from ui.main import cli
code = cli(sys.argv[1:])
import fieldapp.regions as regions
index = regions._index
print("\\nREPORT " + json.dumps({
    "code": code,
    "loaded": sorted(name for name in %r if name in sys.modules),
    "region_parts": None if index is None else index.parts_read(),
}))
"""


def run_child(data_dir: Path, *args: str, stdin: str = "") -> tuple[dict[str, object], str, str]:
    """Run `fieldapp ARGS` in a new interpreter; (its report, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env |= {"FIELDAPP_DATA_DIR": str(data_dir), "FIELDAPP_USER": SUPERVISOR, "FIELDAPP_PASSPHRASE": SUPERVISOR_PASS}
    done = subprocess.run(
        [sys.executable, "-c", CHILD % (HEAVY,), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    output, _, report = done.stdout.rpartition("\nREPORT ")
    return json.loads(report), output, done.stderr


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("speed") / "laptop"
    store, _code = Store.create(folder, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    store.register([applicant(i, OFFICE) for i in range(3)])
    store.close()
    return folder


def test_status_loads_no_http_no_rules_no_qt_and_no_region_file(laptop: Path) -> None:
    report, out, _err = run_child(laptop, "status")
    assert report["code"] == 0 and "pending: 3" in out
    assert report["loaded"] == []
    assert report["region_parts"] is None


def test_list_loads_no_http_no_rules_no_qt_and_no_region_file(laptop: Path) -> None:
    report, _out, err = run_child(laptop, "list", "--limit", "20")
    assert report["code"] == 0 and "(3 row(s))" in err
    assert report["loaded"] == []
    assert report["region_parts"] is None


def test_register_reads_one_part_of_the_region_file_and_loads_no_http(laptop: Path) -> None:
    report, _out, err = run_child(laptop, "register", "-", stdin=json.dumps(applicant(50, OFFICE)))
    assert report["code"] == 0 and "1 record(s) saved" in err
    loaded = set(report["loaded"])  # type: ignore[arg-type]
    assert {"phonenumbers", "email_validator"} <= loaded  # the record really was checked
    assert not loaded & {*HTTP, *QT, "fastapi", "sqlalchemy"}
    assert report["region_parts"] == [1, False]  # its kabupaten's part only; no name search


def test_the_server_commands_still_load_their_http_client(laptop: Path) -> None:
    """The imports moved into enroll and sync: each gets as far as its first check."""
    report, _out, err = run_child(laptop, "enroll", "--server", "http://192.0.2.1", "--code", "X")
    assert report["code"] == 2 and "plain http is allowed only to this machine" in err
    assert "requests" in report["loaded"]  # type: ignore[operator]
    report, _out, err = run_child(laptop, "sync")
    assert report["code"] != 0 and "not enrolled" in err
    assert "sync.client" in report["loaded"] and "sync.engine" in report["loaded"]  # type: ignore[operator]
