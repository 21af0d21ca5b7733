"""The server's answers to hostile devices and to the internet (issue 8, items 6-9), over real HTTP."""

from __future__ import annotations

import gzip
import json
import socket
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from conftest import OFFICE
from servers import Laptop, ServerProcess
from test_server_protocol import enrol, envelope, normalised, post, push

from fieldapp import outbox
from fieldapp.sample import applicant
from sync import protocol


def gzip_bomb(inflated_bytes: int) -> bytes:
    """A small gzip body that inflates to just under the server's limit: JSON the server must parse."""
    return gzip.compress(b'{"records": [' + b" " * (inflated_bytes - 20) + b"]}", compresslevel=9)


# --- 7: who asks is settled before the body is read ------------------------------------------


def test_an_unauthenticated_request_is_refused_without_its_body_being_read(server: ServerProcess) -> None:
    """Headers promising a body that never comes: the 401 must come anyway, so nothing waited for it."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(
            b"POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Encoding: gzip\r\nContent-Length: 100000\r\n\r\n"
        )
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def test_an_unauthenticated_gzip_bomb_is_refused_before_inflation(server: ServerProcess) -> None:
    bomb = gzip_bomb(protocol.MAX_BODY_BYTES - 1024)
    assert len(bomb) < 10_000
    token = enrol(server)
    started = time.perf_counter()
    inflated = post(server, "/push", None, token, raw=bomb)
    with_token = time.perf_counter() - started
    assert inflated.status_code == 422  # with a token the body is read: an empty batch
    timings = []
    for forged in (None, "forged-token") * 5:
        started = time.perf_counter()
        refused = post(server, "/push", None, forged, raw=bomb)
        timings.append(time.perf_counter() - started)
        assert refused.status_code == 401 and refused.json()["type"].endswith("/unauthenticated")
    worst = max(timings)
    print(f"gzip bomb {len(bomb)} B: with a token {with_token * 1000:.0f} ms; without, worst {worst * 1000:.0f} ms")
    assert worst < 2.0


def test_an_address_whose_tokens_keep_failing_is_slowed_down(server: ServerProcess) -> None:
    answers = []
    for _ in range(200):
        answers.append(post(server, "/push", None, "forged-token", raw=gzip_bomb(1000)))
        if answers[-1].status_code == 429:
            break
    assert answers[0].status_code == 401 and answers[-1].status_code == 429
    assert answers[-1].json()["type"].endswith("/rate-limited") and int(answers[-1].headers["Retry-After"]) >= 1
    assert requests.get(server.url + "/v1/health", timeout=10).status_code == 200


def test_enrolment_is_rate_limited_before_its_body_is_read(server: ServerProcess) -> None:
    """Enrolments that never send their body: past the burst, the 429 comes without waiting for it."""
    address = urlsplit(server.url)
    conns = [socket.create_connection((address.hostname, address.port), timeout=10) for _ in range(25)]
    try:
        for conn in conns:
            conn.sendall(b"POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{}")
        statuses = []
        for conn in conns:
            conn.settimeout(0.5)
            try:
                statuses.append(conn.recv(100)[:12])
            except TimeoutError:
                statuses.append(b"waited for the body")
    finally:
        for conn in conns:
            conn.close()
    assert statuses.count(b"HTTP/1.1 429") >= 10, statuses


# --- 9: times are parsed strictly; a device's string is never relayed ----------------------------


def test_impossible_times_are_422_not_500(server: ServerProcess) -> None:
    token = enrol(server)
    for bad in (
        "0001-01-01T00:00:00+23:59",
        "0001-01-01T00:00:00+01:00",
        "2026-11-28T03:00:00+15:00",
        "2026-02-30T03:00:00Z",
        "2026-11-28T03:00:00",
        "2026-11-28T03:00:00.000Z\x1b[2J",
        "yesterday, around noon, UTC+7",
    ):
        for field in ("created_at", "updated_at"):
            response = post(server, "/push", {"records": [{**envelope(normalised(0)), field: bad}]}, token)
            assert response.status_code == 422, (bad, field, response.status_code)
            assert response.json()["type"].endswith("/invalid-body")
    assert server.stats()["records"] == 0
    assert "Traceback" not in server.log_file.read_text()


def test_a_time_with_an_offset_is_stored_in_the_servers_own_utc_form() -> None:
    record = envelope(normalised(0))
    parsed = protocol.RecordEnvelope(**{**record, "created_at": "2026-11-28T10:00:00.5+07:00"})
    assert parsed.created_at == "2026-11-28T03:00:00.500Z"


def test_a_devices_time_string_never_reaches_another_device(server: ServerProcess) -> None:
    first, second = enrol(server), enrol(server)
    original = envelope(normalised(0))
    assert push(server, first, [{**original, "created_at": "2026-11-28T10:00:00+07:00"}])[0]["outcome"] == "accepted"
    copy = {**envelope(normalised(0)), "id": envelope(normalised(1))["id"]}
    answer = post(server, "/push", {"records": [copy]}, second)
    assert answer.status_code == 200
    assert "+07:00" not in answer.text and "10:00:00" not in answer.text
    assert json.loads(answer.text)["results"][0]["outcome"] == "duplicate"


# --- 8: a verdict names the version it judged -----------------------------------------------------


def test_a_stale_verdict_does_not_land_on_a_later_edit(tmp_path: Path, server: ServerProcess) -> None:
    laptop = Laptop(tmp_path / "a", OFFICE).init()
    assert laptop.enroll(server).returncode == 0
    [record_id] = laptop.register([applicant(0)])
    assert laptop.run("sync").returncode == 0
    assert server.admin("set-status", record_id, "verified").returncode == 0  # judges version 1
    assert laptop.run("edit", record_id, stdin='{"notes": "nomor HP diperbarui"}').returncode == 0
    synced = laptop.run("sync", "--json")  # sends version 2, then hears the verdict on version 1
    assert synced.returncode == 0 and json.loads(synced.stdout)["pulled"] == 1
    status = laptop.status()
    assert status["verified"] == 0 and status["synced"] == 1
    assert server.admin("set-status", record_id, "verified").returncode == 0  # judges version 2
    assert laptop.run("sync").returncode == 0
    assert laptop.status()["verified"] == 1


def test_only_a_laptop_that_asks_hears_the_version(server: ServerProcess) -> None:
    token = enrol(server)
    record = envelope(normalised(0))
    push(server, token, [record])
    assert server.admin("set-status", str(record["id"]), "rejected", "--reason", "KTP photo unreadable").returncode == 0
    auth = {"Authorization": f"Bearer {token}"}
    old = requests.get(server.url + "/v1/pull", headers=auth, timeout=10)
    assert old.status_code == 200 and "version" not in old.json()["changes"][0]
    new = requests.get(server.url + "/v1/pull", params={"revision": 3}, headers=auth, timeout=10)
    assert new.json()["changes"][0]["version"] == 1
    assert protocol.PullResponse.model_validate_json(old.content).changes[0].version is None


def test_a_change_without_a_version_applies_as_older_servers_meant(tmp_path: Path) -> None:
    """A server older than revision 3 names no version: the laptop applies its word as before."""
    conn = sqlite3.connect(tmp_path / "outbox.sqlite3")
    conn.execute("CREATE TABLE records (id TEXT, version INTEGER, state TEXT, server_note TEXT)")
    conn.executemany("INSERT INTO records VALUES (?, ?, ?, '')", [("a", 2, "synced"), ("b", 2, "synced")])
    assert outbox.apply_status_changes(conn, [("a", "verified", "")]) == 1
    assert outbox.apply_status_changes(conn, [("b", "verified", "", 1)]) == 0
    assert outbox.apply_status_changes(conn, [("b", "rejected", "why", 2)]) == 1
    assert conn.execute("SELECT state FROM records ORDER BY id").fetchall() == [("verified",), ("rejected",)]


# --- 6: a device learns only "already registered" about another office ---------------------------

OTHER_OFFICE = "32.16.02.2001"


def enrol_at(server: ServerProcess, office: str) -> str:
    answer = post(server, "/enroll", {"code": server.enroll_code(office), "device_name": "probe"}, token=None)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def test_a_probing_device_learns_nothing_about_another_offices_nik(server: ServerProcess) -> None:
    home, prober = enrol_at(server, OFFICE), enrol_at(server, OTHER_OFFICE)
    registered = envelope(normalised(0))
    assert push(server, home, [registered])[0]["outcome"] == "accepted"
    answer = post(server, "/push", {"records": [envelope(normalised(0))]}, prober)
    [result] = answer.json()["results"]
    assert result["outcome"] == "duplicate" and result["duplicate_of"] is None
    assert result["reason"] == protocol.NIK_ELSEWHERE
    assert OFFICE not in answer.text and "2026-11-28" not in answer.text
    assert server.stats()["duplicates"] == 1  # the central team still sees it
    [same_office] = push(server, enrol_at(server, OFFICE), [envelope(normalised(0))])
    assert same_office["duplicate_of"] == {"office": OFFICE, "registered_at": "2026-11-28T03:00:00.000Z"}


def test_a_probing_device_learns_no_count_for_another_offices_kk(server: ServerProcess) -> None:
    home, prober = enrol_at(server, OFFICE), enrol_at(server, OTHER_OFFICE)
    a, b, c = normalised(10), normalised(11), normalised(12)
    assert a["kk_number"] == b["kk_number"]
    push(server, home, [envelope(a), envelope(b)])
    answer = post(server, "/push", {"records": [envelope({**c, "kk_number": a["kk_number"]})]}, prober)
    [result] = answer.json()["results"]
    assert result["outcome"] == "duplicate" and result["reason"] == protocol.KK_ELSEWHERE
    assert result["problems"] == [] and result["duplicate_of"] is None
    assert "two" not in answer.text and OFFICE not in answer.text
    assert server.stats()["records"] == 2


def test_the_laptop_says_already_registered_at_another_office_in_its_language() -> None:
    from sync.notes import describe_note, note_for

    result = protocol.PushResult(id="x", version=1, outcome="duplicate", reason=protocol.NIK_ELSEWHERE)
    note = note_for(result)
    assert describe_note(note, "en") == "This NIK is already registered at another office"
    assert describe_note(note, "id") == "NIK ini sudah terdaftar di kantor lain"
    assert "kantor lain" in describe_note(protocol.KK_ELSEWHERE, "id")
