"""Every store written by a released schema version still opens, upgrades and reads back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldapp.sample import applicant
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import Store

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
