"""The store: batches, the store-wide rules, versions, outbox and audit, users and keys."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp.errors import AuthError, InvalidRecords, LockedOut, NotPermitted, StoreTooNew, UsageError
from fieldapp.sample import applicant
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import STORE_FILE, Store


def rows(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        return conn.execute(sql).fetchall()


def test_register_writes_record_outbox_and_audit_together(store: Store, data_dir: Path, people: list) -> None:
    ids = store.register(people[:3])
    assert len(set(ids)) == 3
    assert rows(data_dir, "SELECT COUNT(*) FROM record_versions") == [(3,)]
    assert sorted(r[0] for r in rows(data_dir, "SELECT record_id FROM outbox")) == sorted(ids)
    registered = rows(data_dir, "SELECT record_id FROM audit WHERE action = 'register'")
    assert sorted(r[0] for r in registered) == sorted(ids)
    assert store.counts()["pending"] == 3 and store.pending_outbox() == 3
    summary = store.summaries()[0]
    assert summary.id == ids[-1] and summary.nik_masked.startswith("*" * 12) and summary.state == "pending"
    assert rows(data_dir, f"SELECT office FROM records WHERE id = '{ids[0]}'") == [(OFFICE,)]


def test_one_bad_record_saves_none_of_the_batch(store: Store, data_dir: Path, people: list) -> None:
    batch = [people[0], {**people[1], "phone": "12"}, people[2], {**people[3], "consent": False}]
    with pytest.raises(InvalidRecords) as refused:
        store.register(batch)
    assert [(p.index, p.field, p.code) for p in refused.value.problems] == [
        (1, "phone", "phone_format"),
        (3, "consent", "consent_missing"),
    ]
    assert rows(data_dir, "SELECT COUNT(*) FROM records") == [(0,)]
    assert rows(data_dir, "SELECT COUNT(*) FROM outbox") == [(0,)]


def test_duplicate_nik_is_refused_in_the_store_and_within_a_batch(store: Store, people: list) -> None:
    store.register([people[0]])
    with pytest.raises(InvalidRecords) as refused:
        store.register([people[0]])
    assert [(p.field, p.code) for p in refused.value.problems] == [("nik", "duplicate_nik")]
    with pytest.raises(InvalidRecords) as refused:
        store.register([people[5], people[5]])
    assert [(p.index, p.code) for p in refused.value.problems] == [(1, "duplicate_nik")]


def test_at_most_two_registrants_per_kk(store: Store) -> None:
    first, second = applicant(10), applicant(11)
    assert first["kk_number"] == second["kk_number"]
    third = {**applicant(12), "kk_number": first["kk_number"]}
    with pytest.raises(InvalidRecords) as refused:
        store.register([first, second, third])
    assert [(p.index, p.field, p.code) for p in refused.value.problems] == [(2, "kk_number", "kk_limit")]
    store.register([first, second])
    with pytest.raises(InvalidRecords):
        store.register([third])


def test_blind_indexes_find_a_nik_without_decrypting(store: Store, data_dir: Path, people: list) -> None:
    ids = store.register(people[:2])
    meta = store.find_by_nik(str(people[1]["nik"]))
    assert meta is not None and meta.id == ids[1]
    index = rows(data_dir, f"SELECT nik_index FROM records WHERE id = '{ids[1]}'")[0][0]
    assert str(people[1]["nik"]).encode() not in index and len(index) == 32


def test_edit_keeps_every_version_and_queues_the_new_one(store: Store, data_dir: Path, people: list) -> None:
    [record_id] = store.register([people[0]])
    assert store.edit(record_id, {"notes": "Dokumen lengkap", "phone": "+62 812 1111 2222"}) == 2
    shown = store.show(record_id)
    assert shown.meta.version == 2 and shown.registration.phone == "+6281211112222"
    assert rows(data_dir, f"SELECT version FROM record_versions WHERE record_id = '{record_id}'") == [(1,), (2,)]
    assert rows(data_dir, f"SELECT version FROM outbox WHERE record_id = '{record_id}'") == [(1,), (2,)]
    assert store.verify().ok


def test_an_invalid_edit_changes_nothing(store: Store, data_dir: Path, people: list) -> None:
    _first, second = store.register(people[:2])
    same_person = {key: people[0][key] for key in ("nik", "birth_date", "sex")}
    with pytest.raises(InvalidRecords) as refused:
        store.edit(second, same_person)
    assert [(p.field, p.code) for p in refused.value.problems] == [("nik", "duplicate_nik")]
    with pytest.raises(InvalidRecords):
        store.edit(second, {"email": "nope"})
    assert store.show(second).meta.version == 1
    assert rows(data_dir, "SELECT COUNT(*) FROM outbox") == [(2,)]


def test_edit_may_fix_a_nik_typo_without_tripping_its_own_duplicate(store: Store, people: list) -> None:
    [record_id] = store.register([people[0]])
    assert store.edit(record_id, {"nik": people[0]["nik"], "full_name": "Nama Baru"}) == 2


def test_records_are_found_by_id_prefix_name_part_and_whole_nik(store: Store, people: list) -> None:
    ids = store.register(people)
    assert store.show(ids[4][:30]).meta.id == ids[4]
    with pytest.raises(UsageError):
        store.show("no-such-record")
    name = str(people[6]["full_name"])
    found = store.summaries(search=name.split()[1].upper())
    assert ids[6] in [s.id for s in found] and all(name.split()[1] in s.full_name for s in found)
    assert [s.id for s in store.summaries(search=str(people[2]["nik"]))] == [ids[2]]
    store.edit(ids[6], {"full_name": "Zubaidah Nasution"})
    assert [s.id for s in store.summaries(search="zubaidah")] == [ids[6]]
    assert store.summaries(state="synced") == []
    with pytest.raises(UsageError):
        store.summaries(state="lost")


def test_search_sees_records_written_by_another_process(store: Store, data_dir: Path, people: list) -> None:
    store.register([people[0]])
    assert store.summaries(search="zubaidah") == []
    other = Store.open(data_dir)
    other.login(SUPERVISOR, SUPERVISOR_PASS)
    other.register([{**people[1], "full_name": "Zubaidah Nasution"}])
    other.close()
    assert len(store.summaries(search="zubaidah")) == 1


def test_viewing_a_full_record_is_audited(store: Store, people: list) -> None:
    [record_id] = store.register([people[0]])
    store.show(record_id)
    actions = [(e.action, e.record_id) for e in store.audit_log()]
    assert actions[-1] == ("view", record_id)
    assert [a for a, _ in actions] == ["init", "register", "view"]


# -- users and keys ---------------------------------------------------------------------------


def test_roles_limit_what_an_operator_may_do(store: Store, data_dir: Path, people: list) -> None:
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.close()
    operator = Store.open(data_dir)
    operator.login(OPERATOR, OPERATOR_PASS)
    assert operator.register(people[:1])
    for forbidden in (
        lambda: operator.add_user("another", "operator", "x" * 12),
        lambda: operator.disable_user(SUPERVISOR),
        lambda: operator.audit_log(),
        lambda: operator.users(),
    ):
        with pytest.raises(NotPermitted):
            forbidden()
    operator.close()


def test_user_rules(store: Store) -> None:
    with pytest.raises(UsageError):
        store.add_user("op", "operator", "short")
    with pytest.raises(UsageError):
        store.add_user("Bad Name", "operator", "long enough pass")
    with pytest.raises(UsageError):
        store.add_user("op2", "admin", "long enough pass")
    with pytest.raises(UsageError):
        store.disable_user(SUPERVISOR)
    store.add_user("op2", "operator", "long enough pass")
    with pytest.raises(UsageError):
        store.add_user("op2", "operator", "long enough pass")


def test_disabled_user_cannot_log_in_and_reset_rewraps(store: Store, data_dir: Path) -> None:
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.add_user("op2", "operator", "second operator pass")
    store.disable_user("op2")
    store.reset_passphrase(OPERATOR, "a brand new passphrase")
    store.close()
    again = Store.open(data_dir)
    with pytest.raises(AuthError):
        again.login("op2", "second operator pass")
    with pytest.raises(AuthError):
        again.login(OPERATOR, OPERATOR_PASS)
    again.login(OPERATOR, "a brand new passphrase")
    again.close()


def test_five_wrong_passphrases_lock_and_the_log_says_so(store: Store, data_dir: Path) -> None:
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.close()
    attempt = Store.open(data_dir)
    for _ in range(4):
        with pytest.raises(AuthError) as wrong:
            attempt.login(OPERATOR, "wrong passphrase")
        assert not isinstance(wrong.value, LockedOut)
    with pytest.raises(LockedOut):
        attempt.login(OPERATOR, "wrong passphrase")
    with pytest.raises(LockedOut):
        attempt.login(OPERATOR, OPERATOR_PASS)
    attempt.login(SUPERVISOR, SUPERVISOR_PASS)
    actions = [e.action for e in attempt.audit_log()]
    assert actions.count("failed_login") == 5 and actions.count("lockout") == 1
    attempt.reset_passphrase(OPERATOR, OPERATOR_PASS)
    attempt.close()
    unlocked = Store.open(data_dir)
    unlocked.login(OPERATOR, OPERATOR_PASS)
    unlocked.close()


def test_recovery_code_sets_a_new_passphrase_and_is_replaced(data_dir: Path, people: list) -> None:
    store, code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    [record_id] = store.register(people[:1])
    store.close()
    locked = Store.open(data_dir)
    with pytest.raises(AuthError):
        locked.recover(SUPERVISOR, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "forgotten and replaced")
    new_code = locked.recover(SUPERVISOR, code.lower().replace("-", " "), "forgotten and replaced")
    assert new_code != code
    locked.close()
    again = Store.open(data_dir)
    again.login(SUPERVISOR, "forgotten and replaced")
    assert again.show(record_id).registration.nik == people[0]["nik"]
    with pytest.raises(AuthError):
        again.recover(SUPERVISOR, code, "once more replaced")
    again.close()


def test_a_second_init_and_a_missing_store_are_refused(store: Store, data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS)
    with pytest.raises(UsageError):
        Store.open(tmp_path / "nowhere")
    with pytest.raises(UsageError):
        Store.create(tmp_path / "other", SUPERVISOR, SUPERVISOR_PASS, "99.99.99.9999")


def test_a_store_from_a_newer_fieldapp_is_refused(store: Store, data_dir: Path) -> None:
    store.close()
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreTooNew) as refused:
        Store.open(data_dir)
    assert "newer" in str(refused.value)
    done = run_process(["list"], data_dir)  # the CLI: a clear refusal naming both versions, not a bug's exit 1
    assert done.returncode == 2, done.stderr
    assert "schema 99" in done.stderr and f"({SCHEMA_VERSION})" in done.stderr and "Traceback" not in done.stderr


def test_the_store_files_are_private(store: Store, data_dir: Path) -> None:
    assert (data_dir.stat().st_mode & 0o077) == 0
    assert ((data_dir / STORE_FILE).stat().st_mode & 0o077) == 0
