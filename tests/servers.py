"""Real server processes and real laptops (data folders driven through the CLI) for sync tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from conftest import SUPERVISOR, SUPERVISOR_PASS, run_process

PG_URL = os.environ.get("FIELDAPP_TEST_PG_URL")


class ServerProcess:
    """`fieldapp-server serve` as a child process on a free loopback port."""

    def __init__(self, db_url: str, folder: Path, extra: tuple[str, ...] = ()) -> None:
        self.db_url = db_url
        self.folder = folder
        self.key_file = folder / "server.key"
        self.log_file = folder / "server.log"
        self.extra = extra
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def _base(self) -> list[str]:
        return [sys.executable, "-m", "sync.server.cli", "--db", self.db_url, "--key-file", str(self.key_file)]

    def start(self) -> ServerProcess:
        log = self.log_file.open("a")
        self.process = subprocess.Popen(
            [*self._base(), "serve", "--port", str(self.port), "--rate", "1000", *self.extra],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        if "listening on" not in line:
            raise RuntimeError(f"server did not start: {line!r}\n{self.log_file.read_text()[-3000:]}")
        self.url = line.split("listening on ", 1)[1].strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._base(), *args], capture_output=True, text=True, timeout=60)

    def enroll_code(self, office: str) -> str:
        result = self.admin("enroll-code", "--office", office)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    def stats(self) -> dict[str, int]:
        result = self.admin("stats", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    assert PG_URL is not None
    name = f"fieldapp_t_{uuid.uuid4().hex[:12]}"
    admin_dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:  # unreachable: the test fails here
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _old = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Laptop:
    """One laptop's data folder, driven through the `fieldapp` CLI as separate processes."""

    def __init__(self, data_dir: Path, office: str) -> None:
        self.data_dir = data_dir
        self.office = office

    def run(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return run_process(
            list(args), self.data_dir, SUPERVISOR, SUPERVISOR_PASS, stdin=stdin, env=env, timeout=timeout
        )

    def init(self) -> Laptop:
        result = self.run("init", "--office", self.office, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
        assert result.returncode == 0, result.stderr
        return self

    def enroll(self, server: ServerProcess, *extra: str) -> subprocess.CompletedProcess[str]:
        code = server.enroll_code(self.office)
        return self.run("enroll", "--server", server.url, "--code", code, *extra)

    def register(self, records: list[dict[str, object]]) -> list[str]:
        result = self.run("register", "--json", stdin=json.dumps(records))
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout)["ids"]

    def status(self) -> dict[str, object]:
        result = self.run("status", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def wait_until(condition, timeout: float = 30.0, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
