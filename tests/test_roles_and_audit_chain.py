"""Issue 8, items 2 and 3: an operator with the store file and their own passphrase.

Each test plays the attack the review demonstrated, with nothing but `sqlite3` and the
operator's own key material (`users.unlock` with the operator's passphrase, as any Python on
the laptop could), and checks that it gains nothing or is caught.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp import audit, crypto, keyring, users
from fieldapp.errors import AuthError, NotPermitted, UsageError
from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store

FIXTURES = Path(__file__).parent / "data"
FIXTURE_PASSPHRASE = "fixture passphrase v1"


@pytest.fixture
def office(data_dir: Path) -> Path:
    """A store with a supervisor, an operator and two records; closed."""
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.register([applicant(i, OFFICE) for i in range(2)])
    store.close()
    return data_dir


def _sql(data_dir: Path, *statements: str, params: tuple = ()) -> None:
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        for statement in statements:
            conn.execute(statement, params)


def _login(data_dir: Path, name: str, passphrase: str) -> Store:
    store = Store.open(data_dir)
    store.login(name, passphrase)
    return store


def _actions(store: Store) -> list[str]:
    return [entry.action for entry in store.audit_log()]


# -- item 2: roles -----------------------------------------------------------------------------


def test_an_operator_who_promotes_themself_in_the_file_gains_nothing(office: Path) -> None:
    _sql(office, "UPDATE users SET role = 'supervisor' WHERE name = ?", params=(OPERATOR,))
    store = _login(office, OPERATOR, OPERATOR_PASS)
    assert not store.user.is_supervisor
    refused = [
        lambda: store.audit_log(),
        lambda: store.add_user("kawan", "supervisor", "tiga kata acak sekali"),
        lambda: store.reset_passphrase(SUPERVISOR, "tiga kata acak sekali"),
        lambda: store.disable_user(SUPERVISOR),
        lambda: store.users(),
        lambda: store.export_csv(office.parent / "out.csv"),
        lambda: store.sync_identity(),
        lambda: store.declare_restore(),
    ]
    for attempt in refused:
        with pytest.raises(NotPermitted):
            attempt()
    store.close()
    assert not (office.parent / "out.csv").exists()
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)  # the supervisor hears of it
    assert supervisor.users_tampered()
    assert not supervisor.verify().ok and any("users table" in p for p in supervisor.verify().security_problems)
    details = [e.detail for e in supervisor.audit_log() if e.action == "tamper_detected"]
    assert any("holds no supervisor key" in d for d in details) and any("users table" in d for d in details)
    supervisor.close()


def test_the_cli_refuses_a_promoted_operator_every_supervisor_command(office: Path) -> None:
    _sql(office, "UPDATE users SET role = 'supervisor' WHERE name = ?", params=(OPERATOR,))
    for command in (["audit"], ["user", "list"], ["export", "--out", str(office.parent / "x.csv")]):
        done = run_process(command, office, OPERATOR, OPERATOR_PASS)
        assert done.returncode == 3, (command, done.stderr)
        assert "only a supervisor" in done.stderr
    assert not (office.parent / "x.csv").exists()


def test_a_supervisor_key_wrap_copied_onto_an_operator_does_not_open(office: Path) -> None:
    _sql(
        office,
        "UPDATE users SET role = 'supervisor',"
        " supervisor_key = (SELECT supervisor_key FROM users WHERE name = 'supervisor') WHERE name = ?",
        params=(OPERATOR,),
    )
    store = _login(office, OPERATOR, OPERATOR_PASS)
    assert not store.user.is_supervisor
    with pytest.raises(NotPermitted):
        store.audit_log()
    store.close()


def test_a_disabled_operator_who_sets_disabled_0_cannot_log_in(office: Path) -> None:
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    supervisor.disable_user(OPERATOR)
    supervisor.close()
    _sql(office, "UPDATE users SET disabled = 0 WHERE name = ?", params=(OPERATOR,))
    store = Store.open(office)
    with pytest.raises(AuthError, match="no active user"):
        store.login(OPERATOR, OPERATOR_PASS)
    assert OPERATOR not in store.login_names()
    store.close()
    with sqlite3.connect(office / STORE_FILE) as conn:  # no key wrap is left to open
        assert conn.execute("SELECT length(wrapped_key) FROM users WHERE name = ?", (OPERATOR,)).fetchone()[0] == 0


def test_enabling_gives_the_old_passphrase_back(office: Path) -> None:
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    supervisor.disable_user(OPERATOR)
    supervisor.enable_user(OPERATOR)
    assert supervisor.verify().ok
    supervisor.close()
    store = _login(office, OPERATOR, OPERATOR_PASS)
    assert store.user.name == OPERATOR and not store.user.is_supervisor
    store.close()


def test_a_disabled_users_reset_passphrase_stays_suspended(office: Path) -> None:
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    supervisor.disable_user(OPERATOR)
    supervisor.reset_passphrase(OPERATOR, "sepeda merah melintas pagi")
    supervisor.close()
    _sql(office, "UPDATE users SET disabled = 0 WHERE name = ?", params=(OPERATOR,))
    with pytest.raises(AuthError):
        _login(office, OPERATOR, "sepeda merah melintas pagi")
    _sql(office, "UPDATE users SET disabled = 1 WHERE name = ?", params=(OPERATOR,))
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    supervisor.enable_user(OPERATOR)
    supervisor.close()
    _login(office, OPERATOR, "sepeda merah melintas pagi").close()


def test_an_operator_who_resets_the_supervisors_passphrase_gets_no_powers(office: Path) -> None:
    """With the store key, an operator can rewrap it under a passphrase of their choosing for the
    supervisor's row; they cannot rewrap the supervisor key, so the row earns operator powers."""
    with sqlite3.connect(office / STORE_FILE) as conn:
        _kek, store_key = users.unlock(conn, OPERATOR, OPERATOR_PASS)
        users.set_passphrase(conn, SUPERVISOR, "rampas kunci kantor desa", store_key, "2026-12-01T00:00:00Z")
    store = _login(office, SUPERVISOR, "rampas kunci kantor desa")
    assert not store.user.is_supervisor
    with pytest.raises(NotPermitted):
        store.add_user("kawan", "supervisor", "tiga kata acak sekali")
    store.close()


def test_the_recovery_code_gives_a_supervisor_back_their_powers(data_dir: Path) -> None:
    store, code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.close()
    store = Store.open(data_dir)
    new_code = store.recover(OPERATOR, code, "operator lupa sandinya")  # an operator stays an operator
    assert not store.user.is_supervisor
    store.close()
    store = Store.open(data_dir)
    store.recover(SUPERVISOR, new_code, "kepala desa lupa sandinya")
    store.close()
    store = _login(data_dir, SUPERVISOR, "kepala desa lupa sandinya")
    assert store.user.is_supervisor and store.verify().ok
    store.add_user("operator2", "operator", "tiga kata acak sekali")
    store.close()
    assert not _login(data_dir, OPERATOR, "operator lupa sandinya").user.is_supervisor


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_upgraded_store_gets_its_supervisor_key_at_the_first_supervisor_login(version: int, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(FIXTURES / f"store_v{version}", copy)
    operator = _login(copy, "operator1", FIXTURE_PASSPHRASE)  # an operator first: nothing changes for them
    assert not operator.user.is_supervisor
    operator.register([applicant(60)])
    operator.close()
    supervisor = _login(copy, "supervisor", FIXTURE_PASSPHRASE)
    assert supervisor.user.is_supervisor
    report = supervisor.verify()
    assert report.ok and report.audit_unchecked == 0, report
    supervisor.disable_user("operator1")
    supervisor.enable_user("operator1")
    supervisor.close()
    _sql(copy, "UPDATE users SET role = 'supervisor' WHERE name = 'operator1'")  # too late now
    operator = _login(copy, "operator1", FIXTURE_PASSPHRASE)
    assert not operator.user.is_supervisor
    operator.close()
    with sqlite3.connect(copy / STORE_FILE) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'supervisor_key_state'").fetchone() is None


def test_an_upgraded_store_leaves_the_supervisor_key_nowhere_an_operator_can_open(tmp_path: Path) -> None:
    """The old recovery code carries only the store key; a new one carries both (review finding 1)."""
    copy = tmp_path / "store"
    shutil.copytree(FIXTURES / "store_v3", copy)
    with sqlite3.connect(copy / STORE_FILE) as conn:  # the fixture's code is not kept: wrap a known one
        _kek, store_key = users.unlock(conn, "supervisor", FIXTURE_PASSPHRASE)
        old_code = keyring.new_recovery(conn, store_key)
    supervisor = _login(copy, "supervisor", FIXTURE_PASSPHRASE)
    assert supervisor.user.is_supervisor and not supervisor.recovery_carries_supervisor_key()
    supervisor.close()
    with sqlite3.connect(copy / STORE_FILE) as conn:
        assert not conn.execute("SELECT 1 FROM meta WHERE key LIKE 'pending%'").fetchone()
    store = Store.open(copy)
    store.recover("supervisor", old_code, "kepala desa lupa sandinya")
    assert not store.user.is_supervisor  # the old code: records, not powers
    store.close()
    done = run_process(["user", "list"], copy, "supervisor", "kepala desa lupa sandinya")
    assert done.returncode == 3


def test_a_new_recovery_code_gives_an_upgraded_supervisor_their_powers_back(tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(FIXTURES / "store_v3", copy)
    warned = run_process(["user", "list"], copy, "supervisor", FIXTURE_PASSPHRASE)
    assert warned.returncode == 0 and "fieldapp recovery-code" in warned.stderr
    made = run_process(["recovery-code"], copy, "supervisor", FIXTURE_PASSPHRASE)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[-1]
    assert "recovery-code" not in run_process(["user", "list"], copy, "supervisor", FIXTURE_PASSPHRASE).stderr
    store = Store.open(copy)
    store.recover("supervisor", code, "kepala desa lupa sandinya")
    assert store.user.is_supervisor
    store.close()
    assert _login(copy, "supervisor", "kepala desa lupa sandinya").user.is_supervisor


def test_an_operator_cannot_make_a_store_look_old_to_mint_a_supervisor_key(office: Path) -> None:
    """Review finding 3: sqlite3 alone marked the store pending and the operator minted a key."""
    _sql(
        office,
        "DELETE FROM meta WHERE key = 'users_seal'",
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('supervisor_key_state', 'pending')",
        f"UPDATE users SET role = 'supervisor' WHERE name = '{OPERATOR}'",
    )
    store = _login(office, OPERATOR, OPERATOR_PASS)
    assert not store.user.is_supervisor
    store.close()
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    assert supervisor.user.is_supervisor and not supervisor.verify().ok
    supervisor.close()


def test_a_users_table_put_back_from_an_earlier_copy_is_caught(office: Path, tmp_path: Path) -> None:
    """Review finding 4: rows and their seal copied back re-enabled a disabled user unnoticed."""
    before = tmp_path / "copy.sqlite3"
    shutil.copy(office / STORE_FILE, before)
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    supervisor.disable_user(OPERATOR)
    supervisor.close()
    with sqlite3.connect(office / STORE_FILE) as conn:
        conn.execute("ATTACH DATABASE ? AS old", (str(before),))
        conn.execute("DELETE FROM users")
        conn.execute("INSERT INTO users SELECT * FROM old.users")
        conn.execute(
            "UPDATE meta SET value = (SELECT value FROM old.meta WHERE key = 'users_seal') WHERE key = 'users_seal'"
        )
        conn.commit()
        conn.execute("DETACH DATABASE old")
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    assert supervisor.users_tampered()
    assert any("earlier copy" in p for p in supervisor.verify().security_problems)
    with pytest.raises(UsageError, match="changed outside fieldapp"):
        supervisor.enable_user(OPERATOR)
    supervisor.disable_user(OPERATOR)  # the remedy: disabling seals the table again
    assert not supervisor.users_tampered()
    supervisor.close()


def test_an_edited_row_stays_flagged_whatever_the_supervisor_does_next(office: Path) -> None:
    """Review finding 7: one unrelated supervisor action used to seal (approve) an edited row."""
    _sql(office, "UPDATE users SET role = 'supervisor' WHERE name = ?", params=(OPERATOR,))
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    supervisor.add_user("operator2", "operator", "tiga kata acak sekali")
    assert supervisor.users_tampered()
    with pytest.raises(UsageError, match="changed outside fieldapp"):
        supervisor.reset_passphrase(OPERATOR, "sepeda merah melintas pagi")
    supervisor.disable_user(OPERATOR)
    assert not supervisor.users_tampered() and supervisor.verify().ok
    supervisor.close()


_PENDING = "INSERT INTO pending_audit (at, user, action, detail) VALUES"


def test_pending_audit_rows_cannot_forge_entries_or_block_logins(office: Path) -> None:
    """Review finding 9: rows inserted with sqlite3 became authenticated entries, or broke every login."""
    _sql(
        office,
        f"{_PENDING} ('2026-01-01T00:00:00Z', 'supervisor', 'export', 'records=5000')",
        f"{_PENDING} ('2026-01-01T00:00:00Z', 'supervisor', 'no_such', '')",
        f"{_PENDING} ('2026-01-01T00:00:00Z', 'supervisor', 'failed_login', 'attempt=1')",
    )
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    entries = supervisor.audit_log()
    assert "export" not in [e.action for e in entries]
    assert [e.detail for e in entries if e.action == "failed_login"] == ["attempt=1 (noted while locked)"]
    assert any("2 pending audit entries" in e.detail for e in entries if e.action == "tamper_detected")
    supervisor.close()


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE meta SET value = 'not an audit state' WHERE key = 'audit_key'",
        "UPDATE users SET supervisor_key = 'text, not a wrap' WHERE name = 'supervisor'",
        "UPDATE users SET kdf_salt = 'text' WHERE name = 'operator1'",
        "UPDATE meta SET value = x'00' WHERE key = 'recovery_supervisor_wrapped'",
    ],
)
def test_state_edited_into_nonsense_crashes_nothing(office: Path, edit: str) -> None:
    _sql(office, edit)
    for user, passphrase in ((SUPERVISOR, SUPERVISOR_PASS), (OPERATOR, OPERATOR_PASS)):
        done = run_process(["list"], office, user, passphrase)
        assert done.returncode in (0, 3), done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr


# -- item 3: the audit chain -------------------------------------------------------------------


def _operator_keys(data_dir: Path) -> crypto.SubKeys:
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        return crypto.SubKeys.derive(users.unlock(conn, OPERATOR, OPERATOR_PASS)[1])


def _rewrite_without(data_dir: Path, keys: crypto.SubKeys, drop: set[int]) -> None:
    """The reviewer's attack: drop the triggers, delete entries, renumber and re-MAC the rest
    with every key the operator holds (the store-key audit key, and the chain's current key)."""
    conn = sqlite3.connect(data_dir / STORE_FILE)
    conn.execute("DROP TRIGGER audit_append_only_update")
    conn.execute("DROP TRIGGER audit_append_only_delete")
    rows = conn.execute("SELECT seq, at, user, action, record_id, detail FROM audit ORDER BY seq").fetchall()
    conn.execute("DELETE FROM audit")
    previous = bytes(32)
    kept = [row for row in rows if row[0] not in drop]
    for new_seq, row in enumerate(kept, start=1):
        entry = audit.AuditEntry(new_seq, *row[1:])
        mac = audit._entry_mac(keys.audit, previous, entry)
        conn.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)", (new_seq, *row[1:], mac))
        previous = mac
    conn.commit()
    conn.close()


def test_an_operator_who_removes_their_views_and_re_macs_the_chain_is_caught(office: Path) -> None:
    store = _login(office, OPERATOR, OPERATOR_PASS)
    for summary in store.summaries():
        store.show(summary.id)  # the views they want gone
    store.close()
    with sqlite3.connect(office / STORE_FILE) as conn:
        views = {row[0] for row in conn.execute("SELECT seq FROM audit WHERE action = 'view'")}
    assert len(views) == 2
    _rewrite_without(office, _operator_keys(office), views)
    verified = run_process(["verify", "--json"], office)
    assert verified.returncode == 4, verified.stderr
    report = json.loads(verified.stdout)
    assert report["bad_audit_entries"] and not report["ok"]


def test_an_operator_who_cuts_the_end_off_the_chain_is_caught(office: Path) -> None:
    store = _login(office, OPERATOR, OPERATOR_PASS)
    store.show(store.summaries()[0].id)
    store.close()
    with sqlite3.connect(office / STORE_FILE) as conn:
        conn.execute("DROP TRIGGER audit_append_only_delete")
        conn.execute("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)")  # the view, last
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    report = supervisor.verify()
    assert not report.ok and any("end does not match" in p for p in report.security_problems)
    supervisor.close()


def test_an_operator_cannot_move_the_start_of_the_forward_secure_chain(office: Path) -> None:
    _sql(office, "UPDATE meta SET value = '999:00' WHERE key = 'audit_epoch'")
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    assert any("start was changed" in p for p in supervisor.verify().security_problems)
    supervisor.close()


def test_an_operator_can_check_only_what_they_could_forge(office: Path) -> None:
    store = _login(office, OPERATOR, OPERATOR_PASS)
    report = store.verify()
    assert report.ok and report.audit_unchecked == report.audit_entries > 0
    store.close()
    done = run_process(["verify"], office, OPERATOR, OPERATOR_PASS)
    assert done.returncode == 0 and "can be checked only by a supervisor" in done.stdout


def test_an_untouched_chain_verifies(office: Path) -> None:
    store = _login(office, OPERATOR, OPERATOR_PASS)
    store.show(store.summaries()[0].id)
    store.close()
    supervisor = _login(office, SUPERVISOR, SUPERVISOR_PASS)
    report = supervisor.verify()
    assert report.ok and report.audit_unchecked == 0 and not report.security_problems
    assert "view" in _actions(supervisor)
    supervisor.close()
