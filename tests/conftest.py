"""Shared fixtures: real stores in temp folders, and the CLI run in-process or as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from fieldapp.cli import main
from fieldapp.sample import applicant
from fieldapp.store import Store

SUPERVISOR = "supervisor"
SUPERVISOR_PASS = "correct horse battery"
OPERATOR = "operator1"
OPERATOR_PASS = "operator pass 123"
OFFICE = "32.16.01.2001"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "laptop"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """A new store, logged in as its first supervisor."""
    created, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    yield created
    created.close()


@pytest.fixture
def people() -> list[dict[str, object]]:
    return [applicant(i, OFFICE) for i in range(10)]


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `fieldapp ...` in this process, as a user, with stdin text; returns code and output."""

    def run(
        *args: str,
        user: str | None = SUPERVISOR,
        passphrase: str | None = SUPERVISOR_PASS,
        stdin: str = "",
        env: dict[str, str] | None = None,
    ) -> Result:
        for name in ("FIELDAPP_USER", "FIELDAPP_PASSPHRASE", "FIELDAPP_NEW_PASSPHRASE", "FIELDAPP_RECOVERY_CODE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("FIELDAPP_DATA_DIR", str(data_dir))
        if user is not None:
            monkeypatch.setenv("FIELDAPP_USER", user)
        if passphrase is not None:
            monkeypatch.setenv("FIELDAPP_PASSPHRASE", passphrase)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr("sys.stdin", _Stdin(stdin))
        monkeypatch.setattr("fieldapp.cli_io._interactive", lambda: False)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


class _Stdin:
    """A non-terminal standard input holding fixed text."""

    def __init__(self, text: str) -> None:
        self._text = text

    def read(self) -> str:
        return self._text

    def isatty(self) -> bool:
        return False


def run_process(
    args: list[str],
    data_dir: Path,
    user: str = SUPERVISOR,
    passphrase: str = SUPERVISOR_PASS,
    stdin: str = "",
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m fieldapp ...` as a real process, with no terminal."""
    env = {
        **os.environ,
        "FIELDAPP_DATA_DIR": str(data_dir),
        "FIELDAPP_USER": user,
        "FIELDAPP_PASSPHRASE": passphrase,
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        start_new_session=True,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The server's database URL: a SQLite file, or a fresh database on the CI's PostgreSQL."""
    from servers import PG_URL, fresh_pg_database

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set FIELDAPP_TEST_PG_URL (.ci/run starts one and sets it)")
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def server(server_db: str, tmp_path: Path):
    from servers import ServerProcess

    process = ServerProcess(server_db, tmp_path / "server").start()
    yield process
    process.stop()
