"""`fieldapp-server` keeps its contract: a refusal is one line on stderr and exit 2, never a traceback.

Every test runs the real command as a child process, as an operator would.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import OFFICE
from sqlalchemy import select

from sync.server import storage as t
from sync.server.database import connect
from sync.server.embedded import EmbeddedServer

SERVER = Path(sys.executable).with_name("fieldapp-server")


def run_server(*args: str, home: Path, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """`fieldapp-server ARGS` with its default folder under `home` and a usual umask (022)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_SERVER_")}
    env["XDG_DATA_HOME"] = str(home / "xdg")
    return subprocess.run(
        [str(SERVER), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )


def assert_refused(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    """Exit 2, one line on stderr naming the cause, nothing on stdout, no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fieldapp-server: ")
    for phrase in phrases:
        assert phrase in lines[0]
    assert result.stdout == ""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# --- serve -----------------------------------------------------------------------------------


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_server(
            "--db",
            sqlite_url(tmp_path / "s.sqlite3"),
            "--key-file",
            str(tmp_path / "server.key"),
            "serve",
            "--port",
            str(port),
            home=tmp_path,
        )
    assert_refused(result, f"port {port}", "already in use")


@pytest.mark.parametrize(
    ("extra", "phrases"),
    [
        (("--host", "no-such-host.invalid"), ("cannot listen on no-such-host.invalid",)),
        (("--tls-cert", "/no/such/cert.pem", "--tls-key", "/no/such/key.pem"), ("--tls-cert", "no such file")),
        (("--tls-cert", "KEYFILE"), ("not a PEM certificate",)),
        (("--tls-key", "KEYFILE"), ("--tls-key needs --tls-cert",)),
    ],
)
def test_serve_refuses_what_it_cannot_use_before_saying_it_listens(
    tmp_path: Path, extra: tuple[str, ...], phrases: tuple[str, ...]
) -> None:
    key_file = tmp_path / "server.key"
    key_file.write_text("not a certificate\n")
    args = [str(key_file) if a == "KEYFILE" else a for a in extra]
    result = run_server("--db", sqlite_url(tmp_path / "s.sqlite3"), "serve", "--port", "0", *args, home=tmp_path)
    assert_refused(result, *phrases)


def test_a_key_file_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "server.key"
    key_file.write_text("garbage\n")
    db = sqlite_url(tmp_path / "s.sqlite3")
    assert_refused(
        run_server("--db", db, "--key-file", str(key_file), "serve", "--port", "0", home=tmp_path),
        "does not hold a fieldapp-server key",
    )
    assert_refused(
        run_server("--db", db, "--key-file", str(tmp_path), "serve", "--port", "0", home=tmp_path),
        "it is a folder",
    )
    missing = tmp_path / "nowhere" / "server.key"
    assert_refused(
        run_server("--db", db, "--key-file", str(missing), "serve", "--port", "0", home=tmp_path), "does not exist"
    )
    assert not missing.parent.exists()


def test_serve_logs_its_startup_and_keeps_the_sqlite_files_private(tmp_path: Path) -> None:
    """The database and its -wal and -shm (present while serving) are 0600, even with umask 022."""
    db = tmp_path / "s.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_SERVER_")}
    process = subprocess.Popen(
        [str(SERVER), "--db", sqlite_url(db), "--key-file", str(tmp_path / "k"), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: os.umask(0o022),
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert "listening on http://127.0.0.1:" in line
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert wal.exists() and shm.exists()
        assert [mode(db), mode(wal), mode(shm)] == [0o600, 0o600, 0o600]
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "alembic" in err  # serve may log its startup


# --- the database ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["nonsense", "bogus://host/db", "postgresql+psycopg://fieldapp:pw-s3cret@127.0.0.1:1/fieldapp"],
)
def test_a_bad_db_url_is_one_line_without_its_password(tmp_path: Path, url: str) -> None:
    result = run_server("--db", url, "stats", home=tmp_path)
    assert_refused(result)
    assert "pw-s3cret" not in result.stderr


def test_a_missing_database_folder_is_refused_not_created(tmp_path: Path) -> None:
    folder = tmp_path / "tpyo"
    result = run_server("--db", sqlite_url(folder / "server.sqlite3"), "stats", home=tmp_path)
    assert_refused(result, str(folder), "does not exist")
    assert not folder.exists()


def test_the_default_database_is_made_private_in_a_private_folder(tmp_path: Path) -> None:
    result = run_server("stats", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "xdg" / "fieldapp-server"
    assert mode(folder) == 0o700
    assert mode(folder / "server.sqlite3") == 0o600


def test_a_new_database_file_named_by_db_is_0600(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert run_server("--db", sqlite_url(db), "stats", home=tmp_path).returncode == 0
    assert mode(db) == 0o600


def test_the_embedded_server_makes_its_database_0600(tmp_path: Path) -> None:
    with EmbeddedServer(tmp_path / "demo") as _server:
        assert mode(tmp_path / "demo" / "server.sqlite3") == 0o600
    assert mode(tmp_path / "demo") == 0o700


def test_files_that_are_not_a_server_database_are_refused_and_left_alone(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    assert_refused(run_server("--db", sqlite_url(text), "stats", home=tmp_path), "not a SQLite database")
    assert text.read_text() == "hello\n"

    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE mine (x)")
    conn.close()
    assert_refused(run_server("--db", sqlite_url(other), "stats", home=tmp_path), "not a fieldapp-server database")
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["mine"]
    conn.close()

    assert_refused(run_server("--db", sqlite_url(tmp_path), "stats", home=tmp_path), "is a folder")


# --- admin commands --------------------------------------------------------------------------


def test_admin_commands_print_only_what_they_say(tmp_path: Path) -> None:
    """No Alembic INFO lines, even on the run that creates the schema."""
    db = sqlite_url(tmp_path / "s.sqlite3")
    made = run_server("--db", db, "enroll-code", "--office", OFFICE, home=tmp_path)
    assert made.returncode == 0 and made.stderr == ""
    assert made.stdout.splitlines()[0].startswith("Enrolment code for office")
    for args in (("devices",), ("devices", "--json"), ("stats",), ("stats", "--json")):
        result = run_server("--db", db, *args, home=tmp_path)
        assert result.returncode == 0 and result.stderr == "", args
    assert_refused(run_server("--db", db, "revoke", "no-such-device", home=tmp_path), "no device")
    assert_refused(run_server("--db", db, "set-status", "no-such-record", "verified", home=tmp_path), "no record")


@pytest.mark.parametrize("hours", ["-1", "0", "nan", "inf", "1e300"])
def test_enrol_code_lifetime_must_be_a_positive_number_of_hours(tmp_path: Path, hours: str) -> None:
    db = tmp_path / "s.sqlite3"
    result = run_server(
        "--db", sqlite_url(db), "enroll-code", "--office", OFFICE, f"--ttl-hours={hours}", home=tmp_path
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--ttl-hours: must be a positive number of hours" in result.stderr
    assert result.stdout == ""
    assert not db.exists()  # refused before the database was touched


def test_enrol_code_lifetime_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = run_server("--db", sqlite_url(db), "enroll-code", "--office", OFFICE, "--ttl-hours", "1.5", home=tmp_path)
    assert result.returncode == 0, result.stderr
    engine = connect(sqlite_url(db))
    try:
        with engine.connect() as conn:
            row = conn.execute(select(t.enrol_codes.c.created_at, t.enrol_codes.c.expires_at)).one()
    finally:
        engine.dispose()
    lifetime = dt.datetime.fromisoformat(row.expires_at) - dt.datetime.fromisoformat(row.created_at)
    assert lifetime == dt.timedelta(hours=1.5)


def _add_records(db: str, ids: list[str]) -> None:
    """Records as the server keeps them after a push (the columns only; the content is not read)."""
    engine = connect(db)
    now = "2026-01-01T00:00:00Z"
    try:
        with engine.begin() as conn:
            for n, record_id in enumerate(ids):
                conn.execute(
                    t.records.insert().values(
                        id=record_id,
                        version=1,
                        office=OFFICE,
                        device_id="d0000000-0000-4000-8000-000000000000",
                        operator="op",
                        content_mac="0" * 64,
                        nik_index=n.to_bytes(32, "big"),
                        kk_index=n.to_bytes(32, "big"),
                        status="received",
                        created_at=now,
                        received_at=now,
                    )
                )
    finally:
        engine.dispose()


def _statuses(db: str) -> dict[str, str]:
    engine = connect(db)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(t.records.c.id, t.records.c.status)).all())
    finally:
        engine.dispose()


def test_set_status_takes_a_unique_id_prefix(tmp_path: Path, server_db: str) -> None:
    db = server_db
    assert run_server("--db", db, "stats", home=tmp_path).returncode == 0
    first, second, third = (str(uuid.UUID(int=n << 116 | 7, version=4)) for n in (0xAB1, 0xAB2, 0xC00))
    _add_records(db, [first, second, third])

    done = run_server("--db", db, "set-status", third[:4], "verified", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Record {third} is now verified.\n"
    assert _statuses(db)[third] == "verified"

    assert_refused(run_server("--db", db, "set-status", first[:2], "rejected", home=tmp_path), "ambiguous")
    assert_refused(run_server("--db", db, "set-status", "ffff", "rejected", home=tmp_path), "no record")
    assert_refused(run_server("--db", db, "set-status", "a%", "rejected", home=tmp_path), "no record")
    assert _statuses(db)[first] == _statuses(db)[second] == "received"

    whole = run_server("--db", db, "set-status", first, "rejected", "--reason", "KTP unreadable", home=tmp_path)
    assert whole.returncode == 0 and _statuses(db)[first] == "rejected"

    for reason in ("x" * 501, "KTP\x1b[2J unreadable"):
        refused = run_server("--db", db, "set-status", second, "rejected", "--reason", reason, home=tmp_path)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "argument --reason: must" in refused.stderr
    assert _statuses(db)[second] == "received"


def test_devices_never_print_control_characters_a_laptop_chose(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "s.sqlite3")
    assert run_server("--db", db, "stats", home=tmp_path).returncode == 0
    engine = connect(db)
    try:
        with engine.begin() as conn:
            conn.execute(
                t.devices.insert().values(
                    id="d0000000-0000-4000-8000-000000000001",
                    office=OFFICE,
                    name="laptop\x1b[2J\u202eevil\x07",
                    token_hash="0" * 64,
                    enrolled_at="2026-01-01T00:00:00Z",
                    revoked=False,
                )
            )
    finally:
        engine.dispose()
    shown = run_server("--db", db, "devices", home=tmp_path)
    assert shown.returncode == 0
    assert "laptop?[2J?evil?" in shown.stdout
    assert not any(c in shown.stdout for c in "\x1b\u202e\x07")


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`fieldapp-server stats | true`: the reader is gone before the first line is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_server("--db", sqlite_url(tmp_path / "s.sqlite3"), "stats", home=tmp_path, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 0
    assert result.stderr == ""
