"""Drafts: sealed like records, owned by who started them, gone with the registration saved from them.

Real stores in temp folders, the CLI in-process and as a process, and a child process killed
with SIGKILL between the record's insert and the draft's delete.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS, run_process
from test_privacy import leaks, marked_applicant, markers

from fieldapp import drafts, provision
from fieldapp.drafts import SECTIONS, DraftInfo, sections_of
from fieldapp.errors import InvalidRecords, NotPermitted, StoreDamaged, UsageError
from fieldapp.sample import applicant
from fieldapp.settings import Settings
from fieldapp.store import STORE_FILE, Store
from fieldapp.timestamps import iso_utc

OTHER = "operator2"
OTHER_PASS = "second operator pass 77"
FIXTURES = Path(__file__).parent / "data"
FIXTURE_PASSPHRASE = "fixture passphrase v1"
CHILD = Path(__file__).with_name("drafts_crash_child.py")


@pytest.fixture
def office(store: Store, data_dir: Path) -> Path:
    """A store with a supervisor and two operators; closed, so each test logs in as whom it needs."""
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.add_user(OTHER, "operator", OTHER_PASS)
    store.close()
    return data_dir


def session(data_dir: Path, name: str = SUPERVISOR, passphrase: str = SUPERVISOR_PASS) -> Store:
    store = Store.open(data_dir)
    store.login(name, passphrase)
    return store


def half(index: int = 0) -> dict[str, object]:
    """What an operator has typed a few minutes in: identity and phone, an empty address."""
    person = applicant(index, OFFICE)
    return {
        **{key: person[key] for key in ("nik", "kk_number", "full_name", "birth_date", "sex", "phone")},
        "ktp_address": {"street": "", "rt": None, "rw": "", "desa_code": None},
        "in_formal_education": False,
        "consent": False,
    }


def actions(store: Store) -> list[tuple[str, str]]:
    return [(entry.action, entry.detail) for entry in store.audit_log()]


# -- round trip, sections, audit -----------------------------------------------------------------


def test_a_draft_round_trips_and_lists_who_when_and_how_far(store: Store) -> None:
    draft_id = store.save_draft(half())
    assert store.open_draft(draft_id) == half()
    [info] = store.drafts()
    assert (info.id, info.owner, info.sections, info.damaged) == (draft_id, SUPERVISOR, ("identity", "contact"), False)
    assert info.started_at == info.saved_at
    whole = applicant(0, OFFICE)
    time.sleep(0.005)
    assert store.save_draft(whole, draft_id) == draft_id
    [again] = store.drafts()
    assert again.sections == SECTIONS and again.started_at == info.started_at and again.saved_at > info.saved_at
    assert store.open_draft(draft_id) == whole


def test_sections_count_a_field_filled_only_when_something_is_in_it() -> None:
    assert sections_of({}) == ()
    assert sections_of({"nik": "", "phone": None, "consent": False, "ktp_address": {}}) == ()
    assert sections_of({"ktp_address": {"street": "", "rt": None}}) == ()
    assert sections_of({"domicile_address": {"street": "", "rt": "3"}}) == ("address",)
    assert sections_of({"notes": "x", "sex": "female", "in_formal_education": True}) == ("identity", "work", "consent")
    assert sections_of({"email": "a@b.c", "nik": "1"}) == ("identity", "contact")  # in the form's order
    every = {key for keys in drafts.SECTION_FIELDS.values() for key in keys}
    assert every == set(applicant(0)) and sum(len(keys) for keys in drafts.SECTION_FIELDS.values()) == len(every)


def test_drafts_list_newest_saved_first(store: Store) -> None:
    first = store.save_draft(half(0))
    second = store.save_draft(half(1))
    time.sleep(0.005)
    store.save_draft(half(0), first)
    assert [info.id for info in store.drafts()] == [first, second]


def test_starting_is_audited_once_not_every_save_and_discarding_is_audited(store: Store) -> None:
    draft_id = store.save_draft(half())
    for _ in range(5):
        store.save_draft(half(), draft_id)
    store.discard_draft(draft_id)
    logged = [(action, detail) for action, detail in actions(store) if action.startswith("draft")]
    assert logged == [("draft_start", f"draft={draft_id}"), ("draft_discard", f"draft={draft_id} owner={SUPERVISOR}")]
    assert store.drafts() == []
    with pytest.raises(UsageError):
        store.open_draft(draft_id)


def test_an_unknown_draft_is_the_usual_not_found_naming_nothing_typed(store: Store) -> None:
    typed = "3216015501900001"  # a NIK typed where the id belongs
    for call in (store.open_draft, store.discard_draft, lambda d: store.save_draft({}, d)):
        with pytest.raises(UsageError) as refused:
            call(typed)
        assert typed not in str(refused.value) and typed not in refused.value.message_id
        assert "draf" in refused.value.message_id


def test_what_a_form_could_not_produce_is_refused(store: Store) -> None:
    for bad in (["a list"], {"nik": object()}, {1: "x"}, {"notes": "x" * (drafts.MAX_DRAFT_BYTES + 1)}):
        with pytest.raises(UsageError):
            store.save_draft(bad)  # type: ignore[arg-type]
    assert store.drafts() == []


def test_a_save_is_cheap(store: Store) -> None:
    draft_id = store.save_draft(applicant(0, OFFICE))
    times = []
    for _ in range(30):
        started = time.perf_counter()
        store.save_draft(applicant(0, OFFICE), draft_id)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.020, times


# -- who may do what ---------------------------------------------------------------------------------


def test_an_operator_sees_and_touches_only_their_own_drafts(office: Path) -> None:
    with session(office) as boss:
        boss_draft = boss.save_draft(half(0))
    with session(office, OTHER, OTHER_PASS) as other:
        other_draft = other.save_draft(half(1))
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        own = operator.save_draft(half(2))
        assert [info.id for info in operator.drafts()] == [own]
        for foreign in (boss_draft, other_draft):
            with pytest.raises(NotPermitted):
                operator.open_draft(foreign)
            with pytest.raises(NotPermitted):
                operator.save_draft(applicant(9, OFFICE), foreign)
            with pytest.raises(NotPermitted):
                operator.discard_draft(foreign)
            with pytest.raises(NotPermitted):
                operator.register([applicant(5, OFFICE)], draft_id=foreign)
        with pytest.raises(NotPermitted):
            operator.purge_drafts(0)
        assert operator.count() == 0  # the refused registration saved nothing
    with session(office, OTHER, OTHER_PASS) as other:
        assert other.open_draft(other_draft) == half(1)


def test_a_supervisor_sees_opens_overwrites_and_discards_any_draft(office: Path) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        theirs = operator.save_draft(half(0))
    with session(office, OTHER, OTHER_PASS) as other:
        others = other.save_draft(half(1))
    with session(office) as boss:
        assert {(info.id, info.owner) for info in boss.drafts()} == {(theirs, OPERATOR), (others, OTHER)}
        assert boss.open_draft(theirs) == half(0)
        assert ("draft_view", f"draft={theirs} owner={OPERATOR}") in actions(boss)
        boss.save_draft(applicant(0, OFFICE), theirs)
        boss.discard_draft(others)
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        [info] = operator.drafts()
        assert info.owner == OPERATOR and operator.open_draft(theirs) == applicant(0, OFFICE)  # still theirs


# -- hand edits ----------------------------------------------------------------------------------------


def _edit(data_dir: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(data_dir / STORE_FILE)
    with conn:
        conn.execute(sql, params)
    conn.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("owner", OPERATOR),
        ("sections", "identity"),
        ("saved_at", "2999-01-01T00:00:00.000Z"),
        ("started_at", "2020-01-01T00:00:00.000Z"),
    ],
)
def test_a_column_changed_by_hand_makes_the_draft_refused_cleanly_and_reported(
    office: Path, column: str, value: str
) -> None:
    with session(office, OTHER, OTHER_PASS) as other:
        draft_id = other.save_draft(half(0))
    _edit(office, f"UPDATE drafts SET {column} = ? WHERE id = ?", value, draft_id)
    reader = (OPERATOR, OPERATOR_PASS) if column == "owner" else (OTHER, OTHER_PASS)
    with session(office, *reader) as operator:
        [listed] = operator.drafts()
        assert listed.damaged and listed.id == draft_id
        with pytest.raises(StoreDamaged) as refused:
            operator.open_draft(draft_id)
        assert "changed outside fieldapp" in str(refused.value)
        with pytest.raises(StoreDamaged):
            operator.save_draft(half(3), draft_id)  # nor overwritten, by the owner the column names
        with pytest.raises(StoreDamaged):
            operator.discard_draft(draft_id)
        with pytest.raises(StoreDamaged):
            operator.register([applicant(0, OFFICE)], draft_id=draft_id)
        assert operator.count() == 0
    with session(office) as boss:
        report = boss.verify()
        assert not report.ok and report.bad_drafts == [draft_id]
        assert sum(action == "tamper_detected" and draft_id in detail for action, detail in actions(boss)) == 4
        boss.discard_draft(draft_id)  # a supervisor can clear it away
        assert boss.verify().ok and boss.drafts() == []


def test_a_sealed_draft_moved_onto_another_row_fails_to_open(office: Path) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        mine = operator.save_draft(half(0))
        spare = operator.save_draft(half(1))
    _edit(office, "UPDATE drafts SET sealed = (SELECT sealed FROM drafts WHERE id = ?) WHERE id = ?", spare, mine)
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        with pytest.raises(StoreDamaged):
            operator.open_draft(mine)
        assert operator.open_draft(spare) == half(1)


def test_verify_and_the_cli_name_a_damaged_draft(office: Path, cli) -> None:
    with session(office) as boss:
        draft_id = boss.save_draft(half(0))
    _edit(office, "UPDATE drafts SET owner = ? WHERE id = ?", OPERATOR, draft_id)
    listed = cli("drafts", "--json", user=OPERATOR, passphrase=OPERATOR_PASS)
    assert listed.code == 0 and json.loads(listed.out)[0]["damaged"] is True and draft_id in listed.err
    verified = cli("verify", "--json")
    assert verified.code == 4 and json.loads(verified.out)["bad_drafts"] == [draft_id]
    assert f"BAD draft {draft_id}" in cli("verify").out


# -- saving the registration from its draft ----------------------------------------------------------------


def test_registering_from_a_draft_deletes_it_and_a_refused_registration_keeps_it(store: Store) -> None:
    draft_id = store.save_draft(half(0))
    broken = {**applicant(0, OFFICE), "nik": "123"}
    with pytest.raises(InvalidRecords):
        store.register([broken], draft_id=draft_id)
    assert [info.id for info in store.drafts()] == [draft_id]
    [record_id] = store.register([applicant(0, OFFICE)], draft_id=draft_id)
    assert store.drafts() == []
    register = [entry for entry in store.audit_log() if entry.action == "register"]
    assert (register[-1].record_id, register[-1].detail) == (record_id, f"from_draft={draft_id}")


def test_a_draft_gone_meanwhile_does_not_stop_a_valid_registration(store: Store) -> None:
    draft_id = store.save_draft(half(0))
    store.discard_draft(draft_id)  # from another screen, or the CLI
    assert store.register([applicant(0, OFFICE)], draft_id=draft_id)
    assert store.count() == 1


def _run_child(data_dir: Path, first: int, point: str, wait: float) -> list[str]:
    env = {
        **os.environ,
        "FIELDAPP_USER": OPERATOR,
        "FIELDAPP_PASSPHRASE": OPERATOR_PASS,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), str(first), point],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    if point == "none":
        started = child.stdout.readline()  # the first draft saved: the child is past its login
        assert started.startswith("draft"), child.stderr.read()
        time.sleep(wait)
        child.send_signal(signal.SIGKILL)
        lines = [started.rstrip("\n")]
    else:
        lines = []
    child.wait(timeout=60)
    lines += child.stdout.read().splitlines()
    assert child.returncode == -signal.SIGKILL, child.stderr.read()
    return lines


@pytest.mark.slow
def test_killed_between_the_record_and_the_draft_leaves_one_or_the_other_never_both_nor_neither(
    office: Path,
) -> None:
    points = ["delete", "commit", "committed", *["none"] * 8]
    next_index, landed = 0, set()
    rng = random.Random(11)
    for point in points:
        lines = _run_child(office, next_index, point, rng.uniform(0.05, 0.5))
        drafted = {int(words[1]): words[2] for words in (line.split() for line in lines) if words[0] == "draft"}
        saved = {int(words[1]) for words in (line.split() for line in lines) if words[0] == "saved"}
        killed = [line.split() for line in lines if line.startswith("killing")]
        with session(office, OPERATOR, OPERATOR_PASS) as check:
            assert check.verify().ok
            present = {info.id for info in check.drafts()}
            for index, draft_id in drafted.items():
                has_record = check.find_by_nik(str(applicant(index)["nik"])) is not None
                has_draft = draft_id in present
                assert has_record != has_draft, (point, index, has_record, has_draft)
                if index in saved:
                    assert has_record
            if killed:
                index, where = int(killed[0][1]), killed[0][2]
                has_record = check.find_by_nik(str(applicant(index)["nik"])) is not None
                assert has_record == (where == "committed"), (where, has_record)
                landed.add(where)
            assert check.pending_outbox() == check.count()
        next_index = max(drafted, default=next_index) + 1
    assert landed == {"delete", "commit", "committed"}


# -- purging -------------------------------------------------------------------------------------------------


def _save_dated(store: Store, monkeypatch: pytest.MonkeyPatch, when: str, fields: dict[str, object]) -> str:
    """A draft saved while the laptop's clock said `when` (its time is sealed into it)."""
    with monkeypatch.context() as clock:
        clock.setattr("fieldapp.store_drafts.utc_now", lambda: when)
        return store.save_draft(fields)


def _days_ago(days: float) -> str:
    return iso_utc(dt.datetime.now(dt.UTC) - dt.timedelta(days=days))


def test_drafts_older_than_the_setting_are_purged_at_login_audited(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        stale = _save_dated(operator, monkeypatch, _days_ago(31), half(0))
        kept = _save_dated(operator, monkeypatch, _days_ago(29), half(1))
        fresh = operator.save_draft(half(2))
    with session(office, OTHER, OTHER_PASS) as other:  # anyone's login applies the laptop's policy
        assert other.drafts() == []
    with session(office) as boss:
        assert {info.id for info in boss.drafts()} == {kept, fresh}
        purges = [(user, detail) for user, action, detail in _log(boss) if action == "draft_purge"]
        assert purges == [(OTHER, "count=1 automatic draft_days=30")]
        assert stale not in {info.id for info in boss.drafts()}
        boss.save_settings(Settings(draft_days=7))
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        assert [info.id for info in operator.drafts()] == [fresh]
    with session(office) as boss:
        purges = [detail for _, action, detail in _log(boss) if action == "draft_purge"]
        assert purges[-1] == "count=1 automatic draft_days=7" and len(purges) == 2  # no entry when none go


def _log(store: Store) -> list[tuple[str, str, str]]:
    return [(entry.user, entry.action, entry.detail) for entry in store.audit_log()]


def test_settings_that_fail_to_open_purge_nothing(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with session(office) as boss:
        stale = _save_dated(boss, monkeypatch, _days_ago(400), half(0))
        boss.save_settings(Settings(draft_days=30))
    _edit(office, "UPDATE meta SET value = X'00' WHERE key = 'settings'")
    with session(office) as boss:
        assert [info.id for info in boss.drafts()] == [stale]


def test_the_purge_command_is_a_supervisors_audited_with_the_count(
    office: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        _save_dated(operator, monkeypatch, _days_ago(10), half(0))
        _save_dated(operator, monkeypatch, _days_ago(3), half(1))
        operator.save_draft(half(2))
    refused = cli("drafts", "purge", "--older-than", "0", user=OPERATOR, passphrase=OPERATOR_PASS)
    assert refused.code == 3 and "supervisor" in refused.err
    for bad in ("-1", "x", "1.5", "36501"):
        assert cli("drafts", "purge", "--older-than", bad).code == 2
    assert cli("drafts", "purge").code == 2  # --older-than is required
    done = cli("drafts", "purge", "--older-than", "5", "--json")
    assert done.code == 0 and json.loads(done.out) == {"purged": 1, "older_than_days": 5}
    plain = cli("drafts", "purge", "--older-than", "0")
    assert plain.code == 0 and "Discarded 2 draft(s)" in plain.out
    assert json.loads(cli("drafts", "--json").out) == []
    with session(office) as boss:
        purges = [(user, detail) for user, action, detail in _log(boss) if action == "draft_purge"]
        assert purges == [(SUPERVISOR, "count=1 older_than_days=5"), (SUPERVISOR, "count=2 older_than_days=0")]


def test_the_purge_api_checks_its_number(store: Store) -> None:
    for bad in (-1, True, 1.5, 36_501):
        with pytest.raises(UsageError):
            store.purge_drafts(bad)  # type: ignore[arg-type]
    assert store.purge_drafts(0) == 0


def test_draft_days_is_range_checked_audited_and_provisionable(store: Store) -> None:
    for bad in (0, 366, True, "30"):
        with pytest.raises(UsageError):
            store.save_settings(Settings(draft_days=bad))  # type: ignore[arg-type]
    store.save_settings(Settings(draft_days=90))
    assert store.settings().draft_days == 90
    assert "draft_days=90" in [e for e in store.audit_log() if e.action == "settings"][-1].detail
    document = {
        "fieldapp_provisioning": 1,
        "server_url": "https://prakerja.example.go.id",
        "office": OFFICE,
        "enrol_code": "ABCD-EFGH-JKLM-NPQR",
    }
    assert provision.parse(json.dumps({**document, "draft_days": 14})).settings_over(Settings()).draft_days == 14
    for bad in (0, 366, True, 7.0):
        with pytest.raises(provision.ProvisioningInvalid) as refused:
            provision.parse(json.dumps({**document, "draft_days": bad}))
        assert refused.value.field == "draft_days"


# -- what a list and the files show ------------------------------------------------------------------------------


def test_lists_hold_no_personal_data(office: Path, cli) -> None:
    person = marked_applicant(1)
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        draft_id = operator.save_draft(person)
        info = operator.drafts()[0]
    assert set(info.as_dict()) == {"id", "owner", "started_at", "saved_at", "sections", "damaged"}
    assert [field.name for field in DraftInfo.__dataclass_fields__.values()][:5] == [
        "id",
        "owner",
        "started_at",
        "saved_at",
        "sections",
    ]
    listed = cli("drafts", "--json")
    table = cli("drafts", user=OPERATOR, passphrase=OPERATOR_PASS)
    assert listed.code == 0 and table.code == 0
    assert json.loads(listed.out) == [{**info.as_dict()}]
    assert draft_id in table.out and "identity,contact,address,work,consent" in table.out
    for text in (listed.out, listed.err, table.out, table.err, repr(info)):
        assert not [m for m in markers(person) if m in text]


def test_no_marker_typed_into_a_draft_reaches_any_file_in_the_data_folder(office: Path) -> None:
    people = [marked_applicant(n) for n in range(4)]
    store = session(office, OPERATOR, OPERATOR_PASS)
    ids = []
    for person in people:
        draft_id = store.save_draft({"nik": person["nik"]})  # autosaves as the form fills
        for size in (3, 9, len(person)):
            store.save_draft(dict(list(person.items())[:size]), draft_id)
        ids.append(draft_id)
    store.register([people[0]], draft_id=ids[0])
    store.discard_draft(ids[1])
    store.open_draft(ids[2])
    secrets = [m for person in people for m in markers(person)] + [OPERATOR_PASS]
    assert (office / f"{STORE_FILE}-wal").exists()
    assert leaks(office, secrets) == []  # with the WAL and -shm still there
    store.close()
    for args in (["drafts", "--json"], ["drafts", "purge", "--older-than", "0"], ["verify"]):
        assert run_process(args, office).returncode == 0
    assert leaks(office, secrets) == []
    assert list(office.rglob("*.log")), "the scan should have covered a log"


# -- upgrades, the fixture, backup and restore -----------------------------------------------------------


def test_a_v4_store_upgrades_to_drafts_and_they_stay(tmp_path: Path) -> None:
    copy = tmp_path / "store_v4"
    shutil.copytree(FIXTURES / "store_v4", copy)
    with Store.open(copy) as store:
        store.login("operator1", FIXTURE_PASSPHRASE)
        draft_id = store.save_draft(half(0))
    assert (copy / f"{STORE_FILE}.v4.bak").exists()
    with Store.open(copy) as store:
        store.login("operator1", FIXTURE_PASSPHRASE)
        assert store.open_draft(draft_id) == half(0)
        assert [info.id for info in store.drafts()] == [draft_id]


def test_the_v5_fixture_opens_with_its_draft(tmp_path: Path) -> None:
    copy = tmp_path / "store_v5"
    shutil.copytree(FIXTURES / "store_v5", copy)
    with Store.open(copy) as store:
        store.login("supervisor", FIXTURE_PASSPHRASE)
        [info] = store.drafts()
        assert (info.owner, info.sections, info.damaged) == ("supervisor", ("identity", "contact", "consent"), False)
        fields = store.open_draft(info.id)
        assert fields["notes"] == "draft in the fixture"
        assert fields["nik"] == applicant(3, seed=11)["nik"]
        assert store.verify().ok
        store.register([{**applicant(3, seed=11), "notes": "saved from the fixture's draft"}], draft_id=info.id)
        assert store.drafts() == []
    with Store.open(copy) as store:
        store.login("operator1", FIXTURE_PASSPHRASE)
        assert store.drafts() == []


def test_drafts_survive_backup_and_restore(office: Path, tmp_path: Path, cli) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        draft_id = operator.save_draft(half(0))
    out = tmp_path / "laptop.fabackup"
    assert cli("backup", str(out)).code == 0
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        operator.discard_draft(draft_id)
        later = operator.save_draft(half(1))
    restored = cli("restore", str(out), "--replace")
    assert restored.code == 0, restored.err
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        assert [info.id for info in operator.drafts()] == [draft_id]
        assert operator.open_draft(draft_id) == half(0)
        assert later not in {info.id for info in operator.drafts()}
    elsewhere = tmp_path / "new-laptop"
    moved = cli("restore", str(out), env={"FIELDAPP_DATA_DIR": str(elsewhere)})
    assert moved.code == 0, moved.err
    with session(elsewhere, OPERATOR, OPERATOR_PASS) as operator:
        assert operator.open_draft(draft_id) == half(0)


def test_drafts_never_reach_the_outbox(store: Store) -> None:
    store.save_draft(applicant(0, OFFICE))
    assert store.pending_outbox() == 0 and store.queued_versions(10) == []


def test_the_drafts_command_as_a_real_process(office: Path) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        draft_id = operator.save_draft(half(0))
    done = run_process(["drafts", "--json"], office, OPERATOR, OPERATOR_PASS)
    assert done.returncode == 0, done.stderr
    assert [row["id"] for row in json.loads(done.stdout)] == [draft_id]
    missing = run_process(["drafts"], office.parent / "nowhere")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
