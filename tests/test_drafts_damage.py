"""Drafts edited by hand into values of the wrong SQLite type, and drafts' bytes left on disk.

Every column of the drafts table is set, in a real store, to each SQLite type it must not hold
(a number, a blob, text that is not UTF-8; `sealed` as text or a number): the draft is listed
as damaged, `verify` names it and still checks the rest, a supervisor discards it by the id the
list shows, and no caller meets a TypeError. Then: with `secure_delete` forced OFF before
fieldapp's own pragmas (as in SQLite builds without SQLITE_SECURE_DELETE), a discarded draft's
sealed bytes are in neither the store file nor its WAL.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS
from test_drafts import OTHER, OTHER_PASS, session

from fieldapp import db
from fieldapp.errors import FieldappError, StoreDamaged
from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store
from fieldapp.timestamps import iso_utc

TEXT_COLUMNS = ("id", "owner", "started_at", "saved_at", "sections")
# Each wrong type a column can be given by hand, as the SQL expression that makes it from the value.
# The text columns have TEXT affinity, so SQLite stores a number put there as its text ('7', '9.5'):
# nonsense text, kept as a case; a blob and text that is not UTF-8 do stay of the wrong type. The
# numbers sort after any time of this century, so the purge at login leaves those rows listed.
NOT_TEXT = {
    "integer": "7",
    "real": "9.5",
    "blob": "CAST({column} AS BLOB)",
    "text-not-utf8": "CAST(X'ff41fe' AS TEXT)",
}
NOT_BLOB = {"text": "'abc'", "text-of-the-blob-hex": "hex(sealed)", "integer": "7", "real": "1.5"}
CASES = [(column, kind, sql) for column in TEXT_COLUMNS for kind, sql in NOT_TEXT.items()] + [
    ("sealed", kind, sql) for kind, sql in NOT_BLOB.items()
]


@pytest.fixture
def office(store: Store, data_dir: Path) -> Path:
    """As in test_drafts: a supervisor and two operators, closed for each test to log in."""
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.add_user(OTHER, "operator", OTHER_PASS)
    store.close()
    return data_dir


def half(index: int) -> dict[str, object]:
    person = applicant(index, OFFICE)
    return {key: person[key] for key in ("nik", "full_name", "phone")}


def edit(data_dir: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(data_dir / STORE_FILE)
    with conn:
        conn.execute(sql, params)
    conn.close()


@pytest.mark.parametrize(("column", "kind", "value"), CASES, ids=[f"{c}-{k}" for c, k, _v in CASES])
def test_a_column_of_the_wrong_type_is_listed_damaged_verified_and_discarded_without_a_crash(
    office: Path, cli, column: str, kind: str, value: str
) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        bad = operator.save_draft(half(0))
        edited = operator.save_draft(half(1))  # damaged the usual way: its start time changed
        intact = operator.save_draft(half(2))
        operator.register([applicant(5, OFFICE)])
    edit(office, f"UPDATE drafts SET {column} = {value.format(column=column)} WHERE id = ?", bad)
    edit(office, "UPDATE drafts SET started_at = '2020-01-01T00:00:00.000Z' WHERE id = ?", edited)

    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        mine = operator.drafts()
        assert intact in [info.id for info in mine if not info.damaged]
        assert len(mine) == (2 if column == "owner" else 3)  # a non-text owner is nobody's: not listed as theirs
        for info in mine:
            if info.damaged:
                with pytest.raises(FieldappError):  # refused with the store's message, never a TypeError
                    operator.open_draft(info.id)
                with pytest.raises(FieldappError):
                    operator.discard_draft(info.id)
        with pytest.raises(FieldappError):
            operator.open_draft(bad)
        assert operator.open_draft(intact) == half(2)

    with session(office) as boss:
        listed = boss.drafts()
        assert len(listed) == 3
        [shown] = [info for info in listed if info.damaged and info.id != edited]
        assert json.dumps(shown.as_dict())  # the CLI's --json can print it
        assert shown.id == bad or column == "id"
        report = boss.verify()
        assert not report.ok and report.records == 1 and report.versions == 1
        assert sorted(report.bad_drafts) == sorted([shown.id, edited])
        with pytest.raises(StoreDamaged):
            boss.open_draft(shown.id)

    listed_cli = cli("drafts", "--json")
    assert listed_cli.code == 0
    assert {row["id"] for row in json.loads(listed_cli.out) if row["damaged"]} == {shown.id, edited}
    verified = cli("verify", "--json")
    assert verified.code == 4 and sorted(json.loads(verified.out)["bad_drafts"]) == sorted([shown.id, edited])
    assert f"BAD draft {shown.id}" in cli("verify").out

    with session(office) as boss:
        boss.discard_draft(shown.id)  # by the id the list showed, whatever type the column holds
        boss.discard_draft(edited)
        assert [info.id for info in boss.drafts()] == [intact]
        assert boss.verify().ok
        assert any(entry.action == "draft_discard" and shown.id in entry.detail for entry in boss.audit_log())


def test_a_bad_id_is_named_by_its_type_and_bytes_and_found_by_that_name(office: Path) -> None:
    with session(office) as boss:
        draft_id = boss.save_draft(half(0))
    edit(office, "UPDATE drafts SET id = X'00ff41' WHERE id = ?", draft_id)
    with session(office) as boss:
        [info] = boss.drafts()
        assert (info.id, info.damaged) == ("blob:00ff41", True)
        boss.discard_draft(" BLOB:00FF41 ")  # typed into the CLI: case and spaces do not matter
        assert boss.drafts() == []


def test_a_sealed_number_is_not_turned_into_that_many_bytes(office: Path) -> None:
    """bytes(n) of an integer is n zero bytes: a sealed value of 10**12 must not ask for a terabyte."""
    with session(office) as boss:
        draft_id = boss.save_draft(half(0))
    edit(office, "UPDATE drafts SET sealed = 1000000000000 WHERE id = ?", draft_id)
    with session(office) as boss:
        [info] = boss.drafts()
        assert info.damaged and boss.verify().bad_drafts == [draft_id]


# -- a discarded draft leaves no bytes behind --------------------------------------------------------------


@pytest.fixture
def secure_delete_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new SQLite connection starts with secure_delete OFF, before fieldapp's pragmas run."""
    real = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


def on_disk(data_dir: Path) -> bytes:
    return b"".join(
        path.read_bytes() for path in (data_dir / STORE_FILE, data_dir / f"{STORE_FILE}-wal") if path.exists()
    )


def sealed_versions(data_dir: Path, draft_id: str) -> bytes:
    conn = sqlite3.connect(data_dir / STORE_FILE)
    try:
        return bytes(conn.execute("SELECT sealed FROM drafts WHERE id = ?", (draft_id,)).fetchone()[0])
    finally:
        conn.close()


def test_every_store_connection_has_secure_delete_on(office: Path, secure_delete_off: None) -> None:
    probe = sqlite3.connect(office / STORE_FILE)
    assert probe.execute("PRAGMA secure_delete").fetchone()[0] == 0  # the forced default
    probe.close()
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        assert operator._conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        worker = operator.clone()
        assert worker._conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        worker.close()


@pytest.mark.parametrize("how", ["discarded-by-its-owner", "discarded-by-a-supervisor", "purged"])
def test_a_discarded_draft_leaves_no_sealed_bytes_in_the_file_or_the_wal(
    office: Path, secure_delete_off: None, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    seen: list[bytes] = []
    with session(office, OTHER, OTHER_PASS) as operator:
        draft_id = None
        for step in range(3):  # three autosaves: every version's blob must go, not only the last
            draft_id = operator.save_draft({**half(0), "notes": "x" * (step + 1)}, draft_id)
            seen.append(sealed_versions(office, draft_id))
        assert draft_id is not None
        if how == "discarded-by-its-owner":
            operator.discard_draft(draft_id)
        else:
            with session(office) as boss:
                if how == "purged":
                    later = iso_utc(dt.datetime.now(dt.UTC) + dt.timedelta(days=40))
                    monkeypatch.setattr("fieldapp.store_drafts.utc_now", lambda: later)
                    assert boss.purge_drafts(30) == 1
                else:
                    boss.discard_draft(draft_id)
        raw = on_disk(office)  # the operator's connection still open: no checkpoint at close helped
        assert (office / f"{STORE_FILE}-wal").stat().st_size == 0
        for blob in seen:
            assert blob[12:60] not in raw and blob[-32:] not in raw


def test_a_reader_in_the_way_delays_the_wal_wipe_without_failing_the_discard(office: Path) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        draft_id = operator.save_draft(half(0))
        reader = sqlite3.connect(office / STORE_FILE)
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM drafts").fetchone()  # holds a snapshot with the draft in it
        started = time.monotonic()
        operator.discard_draft(draft_id)
        assert time.monotonic() - started < 2  # not the 10 s busy timeout
        assert operator.drafts() == []
        reader.rollback()
        reader.close()
        assert db.checkpoint(operator._conn)  # the reader gone, the next checkpoint empties the WAL
        assert (office / f"{STORE_FILE}-wal").stat().st_size == 0


# -- a clock jumped forward ------------------------------------------------------------------------------


def test_a_clock_jumped_forward_purges_nothing_at_login_but_says_so(
    office: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, cli
) -> None:
    with session(office, OPERATOR, OPERATOR_PASS) as operator:
        first = operator.save_draft(half(0))
        second = operator.save_draft(half(1))
    jumped = iso_utc(dt.datetime.now(dt.UTC) + dt.timedelta(days=400))  # a flat CMOS battery, a wrong year typed
    monkeypatch.setattr("fieldapp.store_drafts.utc_now", lambda: jumped)
    with caplog.at_level("WARNING", logger="fieldapp.store_drafts"), session(office, OTHER, OTHER_PASS):
        pass
    assert "has the clock jumped?" in caplog.text
    with session(office) as boss:
        assert {info.id for info in boss.drafts()} == {first, second}
        purges = [entry.detail for entry in boss.audit_log() if entry.action == "draft_purge"]
        assert purges == ["count=0 skipped=2 automatic draft_days=30 all_older"] * 2  # the operator's login, this one
        newer = boss.save_draft(half(2))  # saved at the jumped time: now the others are old beside it
    with session(office, OTHER, OTHER_PASS):
        pass
    with session(office) as boss:
        assert [info.id for info in boss.drafts()] == [newer]
        purges = [entry.detail for entry in boss.audit_log() if entry.action == "draft_purge"]
        assert purges[-1] == "count=2 automatic draft_days=30"
    a_day_on = iso_utc(dt.datetime.now(dt.UTC) + dt.timedelta(days=401))
    monkeypatch.setattr("fieldapp.store_drafts.utc_now", lambda: a_day_on)
    assert "Discarded 1 draft(s)" in cli("drafts", "purge", "--older-than", "0").out  # the command is not held back
    with session(office) as boss:
        assert boss.drafts() == []
