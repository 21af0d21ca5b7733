"""Issue 8, items 4 and 5: lockout that holds under parallel logins and a moved clock, guessable
passphrases refused, nothing decrypted left in memory after close or lock, sealed search names
that do not give a name's length away, and a data folder private from its first moment."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp import crypto, records, users
from fieldapp.errors import AuthError, LockedOut, UsageError
from fieldapp.regions import fold
from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store

PARALLEL_LOGINS = 24


def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / STORE_FILE)


def _failed_logins(data_dir: Path) -> int:
    with _db(data_dir) as conn:
        return conn.execute("SELECT count(*) FROM pending_audit WHERE action = 'failed_login'").fetchone()[0]


def _failed_attempts(data_dir: Path, name: str = SUPERVISOR) -> int:
    with _db(data_dir) as conn:
        return conn.execute("SELECT failed_attempts FROM users WHERE name = ?", (name,)).fetchone()[0]


# -- item 4: lockout --------------------------------------------------------------------------


def test_parallel_wrong_logins_get_no_more_guesses_than_the_limit(store: Store, data_dir: Path) -> None:
    """24 processes started together with a wrong passphrase: only 5 passphrases are checked."""
    store.close()
    env = {
        **os.environ,
        "FIELDAPP_DATA_DIR": str(data_dir),
        "FIELDAPP_USER": SUPERVISOR,
        "FIELDAPP_PASSPHRASE": "a wrong guess of a passphrase",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "fieldapp", "list"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(PARALLEL_LOGINS)
    ]
    outcomes = [(process.wait(timeout=240), process.stderr.read()) for process in processes]  # type: ignore[union-attr]
    assert all(code == 3 for code, _err in outcomes), outcomes
    told_wrong = sum("attempt(s) left" in err for _code, err in outcomes)
    assert told_wrong <= users.MAX_FAILED_ATTEMPTS - 1  # the fifth wrong one is told of the lockout
    assert sum("is locked" in err for _code, err in outcomes) == PARALLEL_LOGINS - told_wrong
    assert _failed_logins(data_dir) == users.MAX_FAILED_ATTEMPTS  # the guesses Argon2id actually checked
    assert _failed_attempts(data_dir) == users.MAX_FAILED_ATTEMPTS
    right = run_process(["list"], data_dir)  # the owner too waits out the lock: it is not lifted by a race
    assert right.returncode == 3 and "locked" in right.stderr


def test_a_right_passphrase_clears_the_attempt_it_counted_first(store: Store, data_dir: Path) -> None:
    store.close()
    for _ in range(3):
        assert run_process(["list"], data_dir, passphrase="not the passphrase at all").returncode == 3
    assert _failed_attempts(data_dir) == 3
    assert run_process(["list"], data_dir).returncode == 0
    assert _failed_attempts(data_dir) == 0


def test_a_clock_set_forward_does_not_lift_the_lock_for_good(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving the clock past each timed wait buys a few guesses; from the hard limit on, none."""
    store.close()
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(3 * users.HARD_LOCK_ATTEMPTS):
        clock[0] += 10 * users.LONGEST_LOCK_SECONDS  # the attacker moves the clock far forward
        with Store.open(data_dir) as opened, pytest.raises(AuthError):
            opened.login(SUPERVISOR, "another wrong guess here")
    assert _failed_logins(data_dir) == users.HARD_LOCK_ATTEMPTS  # guesses checked, whatever the clock said
    clock[0] += 10**9
    with Store.open(data_dir) as opened, pytest.raises(LockedOut, match="supervisor must reset"):
        opened.login(SUPERVISOR, SUPERVISOR_PASS)  # even the right one: only a reset or recovery lifts it


def test_a_clock_set_back_does_not_lift_a_lock(store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.close()
    now = time.time()
    with Store.open(data_dir) as opened:
        for _ in range(users.MAX_FAILED_ATTEMPTS):
            with pytest.raises(AuthError):
                opened.login(SUPERVISOR, "another wrong guess here")
    monkeypatch.setattr(time, "time", lambda: now - 86_400)
    with Store.open(data_dir) as opened, pytest.raises(LockedOut):
        opened.login(SUPERVISOR, SUPERVISOR_PASS)


def test_the_hard_lock_is_lifted_by_a_supervisor_reset(store: Store, data_dir: Path) -> None:
    store.add_user("operator2", "operator", "operator two passphrase")
    with _db(data_dir) as conn:
        conn.execute("UPDATE users SET failed_attempts = ? WHERE name = 'operator2'", (users.HARD_LOCK_ATTEMPTS,))
    with Store.open(data_dir) as opened, pytest.raises(LockedOut, match="supervisor must reset"):
        opened.login("operator2", "operator two passphrase")
    store.reset_passphrase("operator2", "a fresh operator passphrase")
    with Store.open(data_dir) as opened:
        assert opened.login("operator2", "a fresh operator passphrase").name == "operator2"


@pytest.mark.parametrize(
    "weak",
    ["password123", "qwertyuiop", "aaaaaaaaaaaa", "1234567890", "indonesia2024", "bismillah123", "supervisor2026"],
)
def test_a_common_or_guessable_passphrase_is_refused(weak: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="too easy to guess") as refused:
        Store.create(tmp_path / "laptop", SUPERVISOR, weak, OFFICE)
    assert "mudah ditebak" in refused.value.message_id
    assert not (tmp_path / "laptop" / STORE_FILE).exists()


def test_the_users_own_name_makes_a_passphrase_guessable() -> None:
    users.check_passphrase("hendrawati19", None)
    with pytest.raises(UsageError, match="too easy to guess"):
        users.check_passphrase("hendrawati19", "hendrawati")


def test_init_refuses_a_guessable_passphrase_with_exit_2(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    result = run_process(
        ["init", "--user", SUPERVISOR, "--office", OFFICE],
        data_dir,
        env={"FIELDAPP_NEW_PASSPHRASE": "password1234"},
    )
    assert result.returncode == 2 and "too easy to guess" in result.stderr
    assert "Traceback" not in result.stderr


# -- item 5: memory and metadata --------------------------------------------------------------


def _searched(store: Store) -> object:
    store.register([applicant(1), applicant(2)])
    assert store.summaries(search=str(applicant(1)["full_name"]).split()[0])
    index = store._names  # the object a leak would keep alive
    assert index is not None and index._names
    return index


def test_close_forgets_the_search_names_and_key(store: Store) -> None:
    index = _searched(store)
    store.close()
    assert index._names is None and index._keys is None  # type: ignore[attr-defined]
    assert store._names is None and store._keys is None and store._store_key is None


def test_lock_forgets_the_search_names_and_key(store: Store) -> None:
    index = _searched(store)
    names = index._names  # type: ignore[attr-defined]
    store.lock()
    assert names == {}  # emptied in place, not only dropped
    assert index._names is None and index._keys is None  # type: ignore[attr-defined]
    with pytest.raises(AuthError):
        store.summaries(search="a")


def test_sealed_search_names_do_not_give_the_length_away(store: Store) -> None:
    keys = crypto.SubKeys.derive(store._unlocked_key())
    sizes = {len(records.seal_search_name(keys, "id", 1, "x" * n)) for n in range(1, 33)}
    assert len(sizes) == 1
    assert len(records.seal_search_name(keys, "id", 1, "y" * 33)) > sizes.pop()
    for name in ("Siti", "Ni Luh Putu Ayu Kadek Sri Wahyuni Purnamasari", "Bà Nguyễn"):
        assert records.open_search_name(keys, "id", 1, records.seal_search_name(keys, "id", 1, name)) == fold(name)


def test_search_names_sealed_before_padding_still_open(store: Store) -> None:
    keys = crypto.SubKeys.derive(store._unlocked_key())
    old = crypto.seal(keys.search, crypto.KIND_SEARCH, b"siti aminah", records.search_context("id", 1))
    assert records.open_search_name(keys, "id", 1, old) == "siti aminah"


def test_the_stored_search_names_are_padded(store: Store, data_dir: Path) -> None:
    store.register([applicant(n) for n in range(1, 6)])
    with _db(data_dir) as conn:
        lengths = {len(blob) for (blob,) in conn.execute("SELECT search FROM records")}
    assert lengths <= {32 + size for size in records.SEARCH_NAME_SIZES}
    assert len(lengths) == 1  # five different names, one size


def test_the_data_folder_and_its_new_parents_are_private_from_the_start(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        data_dir = tmp_path / "home" / "share" / "fieldapp"
        store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
        store.close()
    finally:
        os.umask(old_umask)
    for folder in (data_dir, data_dir.parent, data_dir.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
