"""Issue 8, item 1: where data goes is authenticated. Editing the sync settings in the file
(pointing the laptop at another server) stops sync with exit 4 and an audit entry, and sends
nothing anywhere."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import OFFICE
from servers import Laptop, ServerProcess

from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ok", "protocol": 2}')

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def enrolled(tmp_path: Path) -> Iterator[tuple[ServerProcess, Laptop]]:
    """A reference server on loopback and a laptop enrolled with it; the server stops after."""
    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server").start()
    try:
        laptop = Laptop(tmp_path / "laptop", OFFICE).init()
        assert laptop.enroll(server).returncode == 0
        yield server, laptop
    finally:
        server.stop()


@pytest.fixture
def attacker() -> tuple[str, list[str]]:
    """An HTTP server on loopback that records every request it gets."""
    seen: ClassVar[list[str]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


@pytest.mark.parametrize(
    ("key", "value"),
    [("server_url", None), ("ca_file", "/tmp/attacker-ca.pem"), ("device_id", "0190c0de-0000-7000-8000-000000000000")],
)
def test_edited_sync_settings_stop_sync_and_send_nothing(enrolled, attacker, key: str, value: str | None) -> None:
    url, seen = attacker
    server, laptop = enrolled
    laptop.register([applicant(i, OFFICE) for i in range(3)])
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:  # all it takes is sqlite3
        conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value or url, key))
    synced = laptop.run("sync")
    assert synced.returncode == 4, synced.stderr
    assert "changed outside fieldapp" in synced.stderr and "nothing was sent" in synced.stderr
    assert seen == [] and server.stats()["records"] == 0
    audit = json.loads(laptop.run("audit", "--json").stdout)
    assert "tamper_detected" in [entry["action"] for entry in audit]
    again = laptop.enroll(server)  # the remedy the message gives
    assert again.returncode == 0, again.stderr
    assert laptop.run("sync").returncode == 0 and server.stats()["records"] == 3


def test_a_laptop_enrolled_before_the_sealed_copy_is_sealed_on_its_next_sync(enrolled) -> None:
    _server, laptop = enrolled
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        _as_an_older_fieldapp_left_it(conn)
        conn.execute("DELETE FROM meta WHERE key = 'enrolment_sealed'")
    assert laptop.run("sync").returncode == 0
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        assert conn.execute("SELECT 1 FROM meta WHERE key = 'enrolment_sealed'").fetchone()
        conn.execute("UPDATE meta SET value = 'https://elsewhere.example' WHERE key = 'server_url'")
    assert laptop.run("sync").returncode == 4


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE outbox SET sent_at = NULL",  # every version goes again
        "INSERT INTO outbox (record_id, version, enqueued_at) SELECT record_id, version, enqueued_at FROM outbox",
    ],
)
def test_a_queue_edited_in_the_file_stops_sync_and_sends_nothing(enrolled, edit: str) -> None:
    server, laptop = enrolled
    laptop.register([applicant(i, OFFICE) for i in range(3)])
    assert laptop.run("sync").returncode == 0
    pushes_before = server.stats()
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        conn.execute(edit)
    synced = laptop.run("sync")
    assert synced.returncode == 4 and "sync queue" in synced.stderr, synced.stderr
    assert server.stats() == pushes_before
    audit = json.loads(laptop.run("audit", "--json").stdout)
    assert [e["detail"] for e in audit if e["action"] == "tamper_detected"] == ["a sync queue entry fails its MAC"]


def test_an_edited_pull_cursor_stops_sync(enrolled) -> None:
    """A cursor moved forward would hide the server's verdicts from the laptop for good."""
    _server, laptop = enrolled
    laptop.register([applicant(i, OFFICE) for i in range(2)])
    assert laptop.run("sync").returncode == 0
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        assert conn.execute("SELECT 1 FROM meta WHERE key = 'pull_cursor_sealed'").fetchone()
        assert not conn.execute("SELECT 1 FROM meta WHERE key = 'pull_cursor'").fetchone()  # no plain copy
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('pull_cursor_sealed', ?)",
            (b"FA\x01\x04" + bytes(40),),
        )
    synced = laptop.run("sync")
    assert synced.returncode == 4, synced.stderr
    audit = json.loads(laptop.run("audit", "--json").stdout)
    assert "the pull cursor differs from its sealed copy" in [e["detail"] for e in audit]


def test_a_plain_cursor_from_before_is_sealed_at_the_upgrade(enrolled) -> None:
    _server, laptop = enrolled
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        _as_an_older_fieldapp_left_it(conn)
        conn.execute("INSERT INTO meta (key, value) VALUES ('pull_cursor', '0')")
    assert laptop.run("sync").returncode == 0
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        assert conn.execute("SELECT 1 FROM meta WHERE key = 'pull_cursor_sealed'").fetchone()
        assert not conn.execute("SELECT 1 FROM meta WHERE key = 'pull_cursor'").fetchone()


@pytest.mark.parametrize(
    "edit",
    [
        # review finding 6: remove the sealed copy, point the plain one elsewhere
        "DELETE FROM meta WHERE key = 'enrolment_sealed';"
        " UPDATE meta SET value = 'https://evil.example' WHERE key = 'server_url'",
        # review finding 11: remove the sealed cursor, set a plain one far ahead (verdicts skipped)
        "DELETE FROM meta WHERE key = 'pull_cursor_sealed'; INSERT INTO meta VALUES ('pull_cursor', '999999999')",
    ],
)
def test_removing_a_sealed_copy_does_not_bring_back_the_plain_one(enrolled, edit: str) -> None:
    _server, laptop = enrolled
    laptop.register([applicant(i, OFFICE) for i in range(2)])
    assert laptop.run("sync").returncode == 0
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        conn.executescript(edit)
    synced = laptop.run("sync")
    assert synced.returncode == 4, synced.stderr
    audit = json.loads(laptop.run("audit", "--json").stdout)
    assert "tamper_detected" in [e["action"] for e in audit]


def _as_an_older_fieldapp_left_it(conn: sqlite3.Connection) -> None:
    """Make a store look like one from before the supervisor key (schema 3, not yet upgraded)."""
    conn.execute(
        "DELETE FROM meta WHERE key IN ('users_seal', 'audit_epoch', 'audit_key', 'recovery_supervisor_wrapped')"
    )
    conn.execute("UPDATE users SET supervisor_key = NULL, suspended = NULL")
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('supervisor_key_state', 'pending')")
