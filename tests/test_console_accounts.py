"""`fieldapp-server user add|list|disable|password`: console accounts made with the real CLI, as an operator does.

The password comes from FIELDAPP_SERVER_PASSWORD or is typed twice at a terminal (a real pty
here) without echo; it is never an argument and only its Argon2id hash is stored.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select as io_select
import subprocess
import sys
import termios
import time
from pathlib import Path

from sqlalchemy import select

from sync.server import storage as t
from sync.server.console import accounts
from sync.server.console.web import ConsoleSettings
from sync.server.database import connect

GOOD = "kopi tubruk 2026"


def cli(db: str, folder: Path, *args: str, password: str | None = GOOD) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_SERVER_")}
    if password is not None:
        env["FIELDAPP_SERVER_PASSWORD"] = password
    command = [sys.executable, "-m", "sync.server.cli", "--db", db, "--key-file", str(folder / "server.key"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


def refused(result: subprocess.CompletedProcess[str], phrase: str) -> None:
    """Exit 2, one line naming the cause, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert phrase in result.stderr.strip().splitlines()[-1], result.stderr


def test_add_list_and_disable_end_sessions(server_db: str, tmp_path: Path) -> None:
    added = cli(server_db, tmp_path, "user", "add", "Ana", "--role", "admin")
    assert added.returncode == 0 and "ana added as admin" in added.stdout, added.stderr
    assert cli(server_db, tmp_path, "user", "add", "budi", "--role", "viewer").returncode == 0
    listed = json.loads(cli(server_db, tmp_path, "user", "list", "--json").stdout)
    expected = [("ana", "admin", False), ("budi", "viewer", False)]
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == expected
    assert "password" not in json.dumps(listed)
    engine = connect(server_db)
    try:
        with engine.connect() as conn:
            stored = conn.execute(select(t.console_users.c.password_hash)).scalars().all()
        assert all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and GOOD not in h for h in stored)
        assert accounts.password_matches(GOOD, stored[0]) and not accounts.password_matches(GOOD + "x", stored[0])
        settings = ConsoleSettings()
        token = accounts.create_session(engine, "budi", settings)
        assert accounts.session_for_token(engine, token, settings) is not None
        disabled = cli(server_db, tmp_path, "user", "disable", "budi")
        assert disabled.returncode == 0 and "1 session(s) ended" in disabled.stdout, disabled.stderr
        assert accounts.session_for_token(engine, token, settings) is None
        with engine.connect() as conn:
            assert conn.execute(select(t.console_sessions)).all() == []
    finally:
        engine.dispose()
    text = cli(server_db, tmp_path, "user", "list").stdout.splitlines()
    assert text[0].split()[:3] == ["ana", "admin", "active"] and text[1].split()[:3] == ["budi", "viewer", "disabled"]
    refused(cli(server_db, tmp_path, "user", "disable", "nobody"), "no console user 'nobody'")
    refused(cli(server_db, tmp_path, "user", "add", "ANA", "--role", "viewer"), "exists already")


def test_refusals_say_why_and_change_nothing(server_db: str, tmp_path: Path) -> None:
    bad_role = cli(server_db, tmp_path, "user", "add", "citra", "--role", "superuser")
    assert bad_role.returncode == 2 and "invalid choice: 'superuser'" in bad_role.stderr
    refused(cli(server_db, tmp_path, "user", "add", "citra", "--role", "admin", password=""), "the password is empty")
    refused(cli(server_db, tmp_path, "user", "add", "citra", "--role", "admin", password="short1"), "too short")
    refused(cli(server_db, tmp_path, "user", "add", "citra", "--role", "admin", password="aaaaaaaaaaaa"), "too easy")
    refused(cli(server_db, tmp_path, "user", "add", "citra", "--role", "admin", password="citra12345"), "too easy")
    refused(cli(server_db, tmp_path, "user", "add", "a b", "--role", "admin"), "the name must be")
    refused(cli(server_db, tmp_path, "user", "add", "citra", "--role", "admin", password=None), "no password given")
    assert json.loads(cli(server_db, tmp_path, "user", "list", "--json").stdout) == []


def run_in_terminal(db: str, folder: Path, answers: list[str]) -> tuple[int, str]:
    """`user add` at a real terminal (a pty as its controlling tty), answering each prompt in turn."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_SERVER_")}
    command = [sys.executable, "-m", "sync.server.cli", "--db", db, "--key-file", str(folder / "server.key")]
    primary, secondary = pty.openpty()

    def take_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [*command, "user", "add", "dewi", "--role", "verifier"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
        preexec_fn=take_terminal,
    )
    os.close(secondary)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = io_select.select([primary], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            prompts = seen.count(b"Password for dewi: ") + seen.count(b"Again: ")
            while pending and prompts > len(answers) - len(pending):
                os.write(primary, pending.pop(0).encode() + b"\r")
        elif process.poll() is not None:
            break
    code = process.wait(timeout=30)
    os.close(primary)
    return code, seen.decode("utf-8", "replace")


def test_password_typed_twice_at_a_terminal_without_echo(server_db: str, tmp_path: Path) -> None:
    code, shown = run_in_terminal(server_db, tmp_path, [GOOD, GOOD + "typo"])
    assert code == 2 and "the two passwords differ" in shown and GOOD not in shown
    code, shown = run_in_terminal(server_db, tmp_path, [GOOD, GOOD])
    assert code == 0 and "dewi added as verifier" in shown, shown
    assert GOOD not in shown  # never echoed
    listed = json.loads(cli(server_db, tmp_path, "user", "list", "--json").stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("dewi", "verifier")]
    engine = connect(server_db)
    try:
        guard = accounts.LoginGuard(engine, 5, 15)
        assert guard.attempt("dewi", GOOD).outcome == "ok"
    finally:
        engine.dispose()


def test_a_forgotten_password_is_replaced_which_unlocks_enables_and_ends_old_sessions(
    server_db: str, tmp_path: Path
) -> None:
    assert cli(server_db, tmp_path, "user", "add", "sari", "--role", "verifier").returncode == 0
    engine = connect(server_db)
    try:
        settings = ConsoleSettings()
        guard = accounts.LoginGuard(engine, max_failures=5, lockout_minutes=15)
        old_session = accounts.create_session(engine, "sari", settings)
        for attempt in range(5):
            guard.attempt("sari", f"lupa sandi {attempt}")
        assert guard.attempt("sari", GOOD).outcome == "locked"
        assert cli(server_db, tmp_path, "user", "disable", "sari").returncode == 0
        new = "teh manis hangat 7"
        replaced = cli(server_db, tmp_path, "user", "password", "Sari", password=new)
        assert replaced.returncode == 0 and "sari has a new password" in replaced.stdout, replaced.stderr
        assert new not in replaced.stdout + replaced.stderr
        assert accounts.session_for_token(engine, old_session, settings) is None
        assert guard.attempt("sari", GOOD).outcome == "wrong"  # the old password no longer opens it
        assert guard.attempt("sari", new).outcome == "ok"  # unlocked and enabled again
        [listed] = json.loads(cli(server_db, tmp_path, "user", "list", "--json").stdout)
        assert (listed["name"], listed["disabled"], listed["locked_until"]) == ("sari", False, None)
    finally:
        engine.dispose()
    refused(cli(server_db, tmp_path, "user", "password", "nobody"), "no console user 'nobody'")
    refused(cli(server_db, tmp_path, "user", "password", "sari", password="pendek"), "")
    refused(cli(server_db, tmp_path, "user", "password", "sari", password=None), "FIELDAPP_SERVER_PASSWORD")
