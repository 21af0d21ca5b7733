"""Every store written by a released schema version still opens, upgrades and reads back."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldapp import schema
from fieldapp.errors import FieldappError
from fieldapp.sample import applicant
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import STORE_FILE, Store

FIXTURES = sorted((Path(__file__).parent / "data").glob("store_v*"))
FIXTURE_PASSPHRASE = "fixture passphrase v1"


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert Path(__file__).parent / "data" / f"store_v{SCHEMA_VERSION}" in FIXTURES


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_an_old_store_opens_and_every_record_reads_back(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copytree(fixture, copy)
    store = Store.open(copy)
    store.login("supervisor", FIXTURE_PASSPHRASE)
    report = store.verify()
    assert report.ok and report.records == 3 and report.versions == 4
    niks = {str(applicant(i, seed=11)["nik"]) for i in range(3)}
    shown = [store.show(s.id).registration for s in store.summaries()]
    assert {r.nik for r in shown} == niks
    assert "edited in the fixture" in {r.notes for r in shown}
    assert len(store.queued_versions(10)) == 4  # an old queue is sealed at login, not refused as edited
    assert store.register([applicant(50)])
    store.close()


# -- a draft across a real migration -----------------------------------------------------------------------
# The v5 fixture is at the current schema, so opening it migrates nothing. One harmless step appended
# for the test makes the real upgrade run on it: the pre-upgrade copy, then the step in its transaction.

DRAFT_FIXTURE = Path(__file__).parent / "data" / "store_v5"
V5_DRAFT_NOTES = "draft in the fixture"


def draft_rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT * FROM drafts ORDER BY id").fetchall()
    finally:
        conn.close()


def schema_number(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def one_more_step(monkeypatch: pytest.MonkeyPatch, step: Callable[[sqlite3.Connection], None]) -> int:
    """Append `step` to the store's migrations for this test; returns the new schema number."""
    steps = [*schema.MIGRATIONS, step]
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(steps))
    return len(steps)


def test_a_draft_crosses_a_real_schema_upgrade_intact_and_its_backup_holds_it_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(DRAFT_FIXTURE, copy)
    before = draft_rows(copy / STORE_FILE)
    assert len(before) == 1 and schema_number(copy / STORE_FILE) == SCHEMA_VERSION
    in_transaction: list[bool] = []

    def unused_table(conn: sqlite3.Connection) -> None:
        in_transaction.append(conn.in_transaction)
        conn.execute("CREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY)")

    target = one_more_step(monkeypatch, unused_table)
    with Store.open(copy) as store:
        store.login("supervisor", FIXTURE_PASSPHRASE)
        [info] = store.drafts()
        assert not info.damaged and store.open_draft(info.id)["notes"] == V5_DRAFT_NOTES
        assert store.verify().ok
    assert in_transaction == [True]
    assert schema_number(copy / STORE_FILE) == target
    assert draft_rows(copy / STORE_FILE) == before  # the very bytes: nothing re-sealed, nothing lost

    backup = copy / f"{STORE_FILE}.v{SCHEMA_VERSION}.bak"
    assert schema_number(backup) == SCHEMA_VERSION and draft_rows(backup) == before
    monkeypatch.undo()  # this fieldapp again: the backup, put back as the store, opens with its draft
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(backup, restored / STORE_FILE)
    with Store.open(restored) as store:
        store.login("operator1", FIXTURE_PASSPHRASE)
        assert store.drafts() == []  # the supervisor's draft: not an operator's to see
        store.login("supervisor", FIXTURE_PASSPHRASE)
        [info] = store.drafts()
        assert store.open_draft(info.id)["notes"] == V5_DRAFT_NOTES


def test_a_failing_upgrade_step_leaves_the_draft_and_the_schema_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(DRAFT_FIXTURE, copy)
    before = draft_rows(copy / STORE_FILE)

    def half_done(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM drafts")
        raise sqlite3.OperationalError("disk I/O error")  # as a failing disk would, mid-step

    one_more_step(monkeypatch, half_done)
    with pytest.raises(FieldappError):
        Store.open(copy)
    assert schema_number(copy / STORE_FILE) == SCHEMA_VERSION
    assert draft_rows(copy / STORE_FILE) == before
    monkeypatch.undo()
    with Store.open(copy) as store:
        store.login("supervisor", FIXTURE_PASSPHRASE)
        [info] = store.drafts()
        assert store.open_draft(info.id)["notes"] == V5_DRAFT_NOTES
