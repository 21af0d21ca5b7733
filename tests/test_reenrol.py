"""Enrolling a laptop again: its records stay its own, and nothing is left unsent in silence.

A laptop's records belong to its office and its store, not to a device id: after a revoke and
a new code, the laptop keeps sending new versions of its old records (accepted, not conflict)
and hears the verdicts on records its old device sent. Another laptop of the same office still
cannot overwrite them. A code for another office is refused before it is spent; a code whose
answer the laptop lost can be used again by the same store. `sync` exits 7 while anything is
left unsent. Real server processes on loopback; laptops driven through the CLI.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import requests
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS
from servers import Laptop, ServerProcess
from test_server_protocol import envelope, normalised, post
from test_sync import OTHER_OFFICE, enrolled_laptop

from fieldapp.device import Enrolment
from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store
from sync import protocol
from sync.client import SyncClient
from sync.errors import EXIT_AUDIT_FLAGGED, EXIT_UNSENT
from sync.service import request_enrolment


def devices(server: ServerProcess) -> list[dict[str, object]]:
    result = server.admin("devices", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def pull(server: ServerProcess, token: str) -> list[dict[str, object]]:
    response = requests.get(
        server.url + protocol.PREFIX + "/pull", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["changes"]


def store_id_of(laptop: Laptop) -> str:
    """The store's id as anyone holding the data folder (but not a passphrase) can read it."""
    with sqlite3.connect(laptop.data_dir / STORE_FILE) as conn:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0])


def test_a_laptop_enrolled_again_after_a_revoke_keeps_its_records_and_hears_their_verdicts(
    tmp_path: Path, server: ServerProcess
) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    edited, untouched = laptop.register([applicant(0), applicant(1)])
    assert laptop.run("sync").returncode == 0
    old_device = str(laptop.status()["device_id"])
    assert server.admin("revoke", old_device).returncode == 0
    assert laptop.run("edit", edited, stdin='{"notes": "nomor HP diperbarui"}').returncode == 0
    assert laptop.run("sync").returncode == 3  # revoked: the remedy is a new code and `enroll`

    again = laptop.enroll(server)
    assert again.returncode == 0, again.stderr
    assert laptop.status()["device_id"] != old_device
    result = laptop.run("sync", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["outcomes"] == {"accepted": 1}  # the old record's new version
    status = laptop.status()
    assert status["conflict"] == 0 and status["synced"] == 2 and status["queued_versions"] == 0
    assert server.stats()["records"] == 2 and server.stats()["versions"] == 3

    # verdicts on records first sent under the revoked device reach the laptop
    assert server.admin("set-status", untouched, "verified").returncode == 0
    assert server.admin("set-status", edited, "rejected", "--reason", "KTP photo unreadable").returncode == 0
    heard = laptop.run("sync", "--json")
    assert heard.returncode == 0 and json.loads(heard.stdout)["pulled"] == 2
    status = laptop.status()
    assert status["verified"] == 1 and status["rejected"] == 1 and status["synced"] == 0
    assert [d["revoked"] for d in devices(server)] == [True, False]
    assert {d["store_id"] for d in devices(server)} == {store_id_of(laptop)}


def test_a_laptop_first_enrolled_by_an_older_fieldapp_is_recognised_by_its_old_token(
    tmp_path: Path, server: ServerProcess
) -> None:
    laptop = Laptop(tmp_path / "a", OFFICE).init()
    store = Store.open(laptop.data_dir)
    store.login(SUPERVISOR, SUPERVISOR_PASS)
    client = SyncClient(server.url)  # no store identity in the request: what an older laptop sent
    enrolled = client.enroll(server.enroll_code(OFFICE), "older fieldapp")
    client.close()
    store.enrol(Enrolment(server.url, enrolled.device_id, enrolled.office, enrolled.token))
    store.close()
    edited, untouched = laptop.register([applicant(0), applicant(1)])
    assert laptop.run("sync").returncode == 0
    assert devices(server)[0]["store_id"] is None
    assert server.admin("revoke", enrolled.device_id).returncode == 0

    assert laptop.enroll(server).returncode == 0
    assert laptop.run("edit", edited, stdin='{"notes": "alamat diperbarui"}').returncode == 0
    result = laptop.run("sync", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["outcomes"] == {"accepted": 1}, result.stdout
    assert server.admin("set-status", untouched, "verified").returncode == 0
    assert json.loads(laptop.run("sync", "--json").stdout)["pulled"] == 1
    assert laptop.status()["verified"] == 1 and laptop.status()["conflict"] == 0


def test_another_laptop_of_the_same_office_still_cannot_overwrite_or_hear_about_a_record(
    tmp_path: Path, server: ServerProcess
) -> None:
    owner = enrolled_laptop(tmp_path, server)
    [record_id] = owner.register([applicant(0)])
    assert owner.run("sync").returncode == 0
    overwrite = {**envelope({**normalised(0), "notes": "ditimpa"}, record_id), "version": 2}

    other_store = {"store_id": str(uuid.uuid4()), "store_proof": "ab" * 32, "office": OFFICE}
    legacy = {}  # a laptop of an older fieldapp: no store identity at all
    stolen_id = {"store_id": store_id_of(owner), "store_proof": "cd" * 32, "office": OFFICE}
    code = server.enroll_code(OFFICE)
    forged = post(server, "/enroll", {"code": code, "device_name": "x", **stolen_id}, token=None)
    assert forged.status_code == 403 and forged.json()["type"].endswith("/store-mismatch"), forged.text
    assert len(devices(server)) == 1  # nothing made, and the code is not spent:
    # A decision made again unchanged is no new decision: the two differ, so the owner hears both.
    decisions = iter(("rejected", "verified"))
    for identity, enrol_code in ((other_store, code), (legacy, server.enroll_code(OFFICE))):
        answer = post(server, "/enroll", {"code": enrol_code, "device_name": "other", **identity}, token=None)
        assert answer.status_code == 200, answer.text
        token = answer.json()["token"]
        pushed = post(server, "/push", {"records": [overwrite]}, token).json()["results"]
        assert [r["outcome"] for r in pushed] == ["conflict"]
        assert server.admin("set-status", record_id, next(decisions)).returncode == 0
        assert pull(server, token) == []
    assert server.stats()["versions"] == 1
    assert json.loads(owner.run("sync", "--json").stdout)["pulled"] == 2
    assert owner.status()["verified"] == 1


def test_sync_exits_7_and_says_what_is_left_while_anything_is_unsent(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    [record_id] = laptop.register([applicant(0)])
    assert laptop.run("sync").returncode == 0
    copy = Laptop(tmp_path / "copy", OFFICE)  # a restored backup used beside the original
    shutil.copytree(laptop.data_dir, copy.data_dir)
    assert laptop.run("edit", record_id, stdin='{"notes": "di laptop asli"}').returncode == 0
    assert copy.run("edit", record_id, stdin='{"notes": "di salinan"}').returncode == 0
    assert laptop.run("sync").returncode == 0

    result = copy.run("sync", "--json")
    # The copy's audit log forks from the one the original anchored: exit 4 comes first, and
    # says what is unsent too (test_audit_anchor.py); the next sync exits 7.
    assert result.returncode == EXIT_AUDIT_FLAGGED == 4, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["outcomes"] == {"conflict": 1} and report["unsent"] == 1 and report["queued_versions"] == 0
    assert report["audit_anchor"] == "forked"
    assert "1 record(s) in conflict" in result.stderr
    again = copy.run("sync")
    assert again.returncode == EXIT_UNSENT == 7
    assert "still unsent" in again.stderr and "1 record(s) in conflict" in again.stderr
    assert "fieldapp list --status conflict" in again.stderr
    assert copy.status()["conflict"] == 1


def test_a_code_for_another_office_is_refused_before_it_is_spent(tmp_path: Path, server: ServerProcess) -> None:
    code = server.enroll_code(OFFICE)
    elsewhere = Laptop(tmp_path / "elsewhere", OTHER_OFFICE).init()
    refused = elsewhere.run("enroll", "--server", server.url, "--code", code)
    assert refused.returncode == 2, refused.stderr
    assert f"for office {OFFICE}" in refused.stderr and OTHER_OFFICE in refused.stderr
    assert "not spent" in refused.stderr and "Traceback" not in refused.stderr
    assert devices(server) == [] and elsewhere.status()["device_id"] is None

    right = Laptop(tmp_path / "right", OFFICE).init()
    taken = right.run("enroll", "--server", server.url, "--code", code)
    assert taken.returncode == 0, taken.stderr
    assert [d["office"] for d in devices(server)] == [OFFICE]


def test_a_laptop_without_an_office_takes_the_codes_office(tmp_path: Path, server: ServerProcess) -> None:
    laptop = Laptop(tmp_path / "new", "")
    made = laptop.run("init", env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert made.returncode == 0, made.stderr
    assert laptop.run("enroll", "--server", server.url, "--code", server.enroll_code(OFFICE)).returncode == 0
    assert laptop.status()["office"] == OFFICE


def test_a_code_whose_answer_was_lost_works_again_for_the_same_store_only(
    tmp_path: Path, server: ServerProcess
) -> None:
    laptop = Laptop(tmp_path / "a", OFFICE).init()
    code = server.enroll_code(OFFICE)
    store = Store.open(laptop.data_dir)
    store.login(SUPERVISOR, SUPERVISOR_PASS)
    identity = store.sync_identity()
    store.close()
    lost = request_enrolment(server.url, code, "laptop", identity=identity)  # then the laptop failed

    again = laptop.run("enroll", "--server", server.url, "--code", code)
    assert again.returncode == 0, again.stderr
    assert laptop.status()["device_id"] == lost.device_id
    assert [d["id"] for d in devices(server)] == [lost.device_id]
    assert post(server, "/push", {"records": [envelope(normalised(0))]}, lost.token).status_code == 401

    other = Laptop(tmp_path / "b", OFFICE).init()
    reused = other.run("enroll", "--server", server.url, "--code", code)
    assert reused.returncode == 3 and "used or expired" in reused.stderr
    laptop.register([applicant(0)])
    assert laptop.run("sync").returncode == 0 and laptop.status()["synced"] == 1
