"""Sync end to end: real laptops (CLI processes) against a real server process, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import OFFICE
from servers import Laptop, ServerProcess

from fieldapp.sample import applicant

OTHER_OFFICE = "32.16.02.2001"


def enrolled_laptop(tmp_path: Path, server: ServerProcess, name: str = "a", office: str = OFFICE) -> Laptop:
    laptop = Laptop(tmp_path / name, office).init()
    result = laptop.enroll(server)
    assert result.returncode == 0, result.stderr
    return laptop


def test_records_reach_the_server_once_and_verdicts_come_back(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    ids = laptop.register([applicant(i) for i in range(30)])
    before = laptop.status()
    assert before["pending"] == 30 and before["last_sync_at"] is None

    first = laptop.run("sync", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["outcomes"] == {"accepted": 30}
    assert "push: 30/30" in first.stderr
    after = laptop.status()
    assert after["pending"] == 0 and after["synced"] == 30 and after["queued_versions"] == 0
    assert after["last_sync_at"] and after["last_error"] is None
    assert server.stats()["records"] == 30

    assert server.admin("set-status", ids[0], "verified").returncode == 0
    assert server.admin("set-status", ids[1], "rejected", "--reason", "KTP photo unreadable").returncode == 0
    again = laptop.run("sync", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["pulled"] == 2
    status = laptop.status()
    assert status["verified"] == 1 and status["rejected"] == 1 and status["synced"] == 28
    rejected = json.loads(laptop.run("list", "--status", "rejected", "--json").stdout)
    assert [r["server_note"] for r in rejected] == ["KTP photo unreadable"]


def test_an_edit_after_sync_is_sent_as_a_new_version(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    [record_id] = laptop.register([applicant(0)])
    assert laptop.run("sync").returncode == 0
    assert laptop.run("edit", record_id, stdin='{"notes": "nomor HP diperbarui"}').returncode == 0
    assert laptop.status()["pending"] == 1
    assert laptop.run("sync").returncode == 0
    assert laptop.status()["synced"] == 1
    assert server.stats()["records"] == 1 and server.stats()["versions"] == 2


def test_the_same_nik_from_another_office_is_a_duplicate_that_names_no_office(
    tmp_path: Path, server: ServerProcess
) -> None:
    first = enrolled_laptop(tmp_path, server, "a", OFFICE)
    second = enrolled_laptop(tmp_path, server, "b", OTHER_OFFICE)
    person = applicant(5)
    first.register([person])
    [twin_id] = second.register([{**person, "ktp_address": {**person["ktp_address"], "desa_code": OTHER_OFFICE}}])
    assert first.run("sync").returncode == 0
    result = second.run("sync", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["outcomes"] == {"duplicate": 1}
    [row] = json.loads(second.run("list", "--json").stdout)
    assert row["id"] == twin_id and row["state"] == "duplicate"
    assert row["server_note"] == "NIK already registered"  # another office's: no office, no time (issue 8)
    assert server.stats()["duplicates"] == 1 and server.stats()["records"] == 1
    assert second.run("sync", "--json").returncode == 0  # nothing queued any more
    assert server.stats()["duplicates"] == 1


def test_unreachable_server_exits_5_and_keeps_the_queue(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    laptop.register([applicant(i) for i in range(3)])
    server.stop()
    result = laptop.run("sync")
    assert result.returncode == 5, result.stderr
    status = laptop.status()
    assert status["pending"] == 3 and status["queued_versions"] == 3 and status["last_error"]
    server.start()
    assert laptop.run("sync").returncode == 0
    assert laptop.status()["synced"] == 3


def test_a_revoked_device_exits_3_and_keeps_its_queue(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    laptop.register([applicant(0)])
    device_id = laptop.status()["device_id"]
    devices = json.loads(server.admin("devices", "--json").stdout)
    assert {"id", "office", "enrolled_at", "revoked"} <= set(devices[0]) and devices[0]["revoked"] is False
    assert server.admin("revoke", str(device_id)).returncode == 0
    assert json.loads(server.admin("devices", "--json").stdout)[0]["revoked"] is True
    result = laptop.run("sync")
    assert result.returncode == 3 and "revoked" in result.stderr
    assert laptop.status()["pending"] == 1 and server.stats()["records"] == 0


def test_sync_needs_an_enrolment_and_a_supervisor(tmp_path: Path, server: ServerProcess) -> None:
    laptop = Laptop(tmp_path / "a", OFFICE).init()
    assert laptop.run("sync").returncode == 3
    used = server.enroll_code(OFFICE)
    assert laptop.run("enroll", "--server", server.url, "--code", used).returncode == 0
    other = Laptop(tmp_path / "b", OFFICE).init()
    reused = other.run("enroll", "--server", server.url, "--code", used)
    assert reused.returncode == 3 and "used or expired" in reused.stderr
    elsewhere = Laptop(tmp_path / "c", OTHER_OFFICE).init()
    wrong_office = elsewhere.run("enroll", "--server", server.url, "--code", server.enroll_code(OFFICE))
    assert wrong_office.returncode == 2 and "office" in wrong_office.stderr


def test_plain_http_is_refused_except_to_loopback(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path / "a", OFFICE).init()
    for url in ("http://example.org:8765", "ftp://127.0.0.1/", "http://192.0.2.10"):
        result = laptop.run("enroll", "--server", url, "--code", "AAAA-BBBB-CCCC-DDDD")
        assert result.returncode == 2, (url, result.stderr)


def test_no_personal_data_in_server_logs_or_database(tmp_path: Path, server: ServerProcess) -> None:
    from test_privacy import leaks, marked_applicant, markers

    laptop = enrolled_laptop(tmp_path, server)
    records = [marked_applicant(n) for n in range(5)]
    laptop.register(records)
    assert laptop.run("sync").returncode == 0
    server.stop()
    secrets = [m for r in records for m in markers(r)]
    assert leaks(server.folder, secrets) == []  # server.log with its access log, key, SQLite file
    assert leaks(tmp_path / "a", secrets) == []
    access = [line for line in server.log_file.read_text().splitlines() if '"path": "/v1/push"' in line]
    assert access and all('"device": ' in line for line in access)
