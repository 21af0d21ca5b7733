"""The server's protocol rules over real HTTP: idempotency, verdicts, and bad input never a 500."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import requests
from conftest import OFFICE
from servers import ServerProcess

from fieldapp.records import new_record_id
from fieldapp.sample import applicant
from sync import protocol


def enrol(server: ServerProcess) -> str:
    code = server.enroll_code(OFFICE)
    response = post(server, "/enroll", {"code": code, "device_name": "test"}, token=None)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def post(
    server: ServerProcess,
    path: str,
    body: object,
    token: str | None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    data = raw if raw is not None else gzip.compress(json.dumps(body).encode())
    sent = {"Content-Type": "application/json", "Content-Encoding": "gzip", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    return requests.post(server.url + protocol.PREFIX + path, data=data, headers=sent, timeout=30)


def envelope(record: dict[str, object], record_id: str | None = None, version: int = 1) -> dict[str, object]:
    return {
        "id": record_id or new_record_id(),
        "version": version,
        "content_hash": protocol.content_hash(record),
        "created_at": "2026-11-28T03:00:00.000Z",
        "updated_at": "2026-11-28T03:00:00.000Z",
        "operator": "operator1",
        "record": record,
    }


def push(server: ServerProcess, token: str, envelopes: list[dict[str, object]]) -> list[dict[str, object]]:
    response = post(server, "/push", {"records": envelopes}, token)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def normalised(index: int) -> dict[str, object]:
    """A record as the laptop sends it: already in stored form."""
    import datetime as dt

    from fieldapp.validation import check

    registration, problems = check(applicant(index), dt.date(2026, 11, 28))
    assert registration is not None, problems
    return registration.to_json()


def test_push_is_idempotent_on_id_version_and_content(server: ServerProcess) -> None:
    token = enrol(server)
    first = envelope(normalised(0))
    assert [r["outcome"] for r in push(server, token, [first])] == ["accepted"]
    assert [r["outcome"] for r in push(server, token, [first])] == ["already_have"]
    changed = {**normalised(0), "notes": "other content"}
    assert push(server, token, [{**envelope(changed, str(first["id"])), "version": 1}])[0]["outcome"] == "conflict"
    newer = envelope(changed, str(first["id"]), version=2)
    assert push(server, token, [newer])[0]["outcome"] == "accepted"
    assert push(server, token, [first])[0]["outcome"] == "stale"
    assert server.stats()["records"] == 1 and server.stats()["versions"] == 2


def test_one_bad_record_never_blocks_the_batch(server: ServerProcess) -> None:
    token = enrol(server)
    bad = {**normalised(1), "phone": "021-555", "birth_date": "2015-01-01"}
    results = push(server, token, [envelope(normalised(0)), envelope(bad), envelope(normalised(2))])
    assert [r["outcome"] for r in results] == ["accepted", "rejected", "accepted"]
    codes = {(p["field"], p["code"]) for p in results[1]["problems"]}
    assert ("phone", "phone_format") in codes and ("birth_date", "under_age") in codes
    assert server.stats()["records"] == 2


def test_a_record_from_another_device_with_the_same_id_is_a_conflict(server: ServerProcess) -> None:
    first, second = enrol(server), enrol(server)
    shared = envelope(normalised(0))
    push(server, first, [shared])
    assert push(server, second, [{**shared, "version": 2}])[0]["outcome"] == "conflict"


BAD_BODIES = {
    "malformed json": (gzip.compress(b'{"records": [}'), {}, 400),
    "bad gzip": (b"\x1f\x8b\x08\x00garbage-not-gzip", {}, 400),
    "truncated gzip": (gzip.compress(b'{"records": []}' * 50)[:-12], {}, 400),
    "unsupported encoding": (b"{}", {"Content-Encoding": "br"}, 415),
    "wrong types": (gzip.compress(b'{"records": "all of them"}'), {}, 422),
    "unknown field": (gzip.compress(b'{"records": [], "extra": 1}'), {}, 422),
    "empty batch": (gzip.compress(b'{"records": []}'), {}, 422),
    "oversized": (gzip.compress(b" " * (protocol.MAX_BODY_BYTES + 10)), {}, 413),
    "oversized before compression": (b"x" * (protocol.MAX_BODY_BYTES + 10), {"Content-Encoding": "identity"}, 413),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_bodies_get_a_clear_4xx_problem_and_store_nothing(server: ServerProcess, case: str) -> None:
    token = enrol(server)
    raw, headers, status = BAD_BODIES[case]
    response = post(server, "/push", None, token, raw=raw, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["type"].startswith("https://")
    assert server.stats()["records"] == 0


def test_record_level_type_errors_and_tampered_hashes_are_refused_whole(server: ServerProcess) -> None:
    token = enrol(server)
    wrong_version = {**envelope(normalised(0)), "version": "one"}
    assert post(server, "/push", {"records": [wrong_version]}, token).status_code == 422
    extra = {**envelope(normalised(0)), "secret_field": True}
    assert post(server, "/push", {"records": [extra]}, token).status_code == 422
    tampered = {**envelope(normalised(0)), "content_hash": "0" * 64}
    response = post(server, "/push", {"records": [tampered]}, token)
    assert response.status_code == 400 and response.json()["type"].endswith("/corrupt-body")
    assert server.stats()["records"] == 0


def test_forged_or_missing_tokens_get_401(server: ServerProcess) -> None:
    enrol(server)
    body = {"records": [envelope(normalised(0))]}
    for token in (None, "forged-token", "Bearer"):
        response = post(server, "/push", body, token)
        assert response.status_code == 401 and response.headers["Content-Type"] == "application/problem+json"
    pull = requests.get(server.url + "/v1/pull", timeout=10)
    assert pull.status_code == 401
    assert server.stats()["records"] == 0


def test_wrong_enrolment_codes_are_refused(server: ServerProcess) -> None:
    response = post(server, "/enroll", {"code": "AAAA-BBBB-CCCC-DDDD", "device_name": "x"}, None)
    assert response.status_code == 403 and response.json()["type"].endswith("/invalid-code")
    assert server.stats()["devices"] == 0


def test_health_and_openapi_are_served(server: ServerProcess) -> None:
    health = requests.get(server.url + "/v1/health", timeout=10).json()
    assert health["status"] == "ok" and health["protocol"] == protocol.PROTOCOL_VERSION
    schema = requests.get(server.url + "/openapi.json", timeout=10).json()
    assert {"/v1/health", "/v1/enroll", "/v1/push", "/v1/pull"} <= set(schema["paths"])
    assert "RecordEnvelope" in schema["components"]["schemas"]


def test_each_device_is_rate_limited(tmp_path: Path, server_db: str) -> None:
    limited = ServerProcess(server_db, tmp_path / "limited", extra=("--rate", "2")).start()
    try:
        token = enrol(limited)
        statuses = [
            requests.get(limited.url + "/v1/pull", headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code
            for _ in range(30)
        ]
        assert 429 in statuses and statuses[0] == 200
    finally:
        limited.stop()


def test_the_two_per_kk_rule_holds_across_devices(server: ServerProcess) -> None:
    first, second = enrol(server), enrol(server)
    a, b, c = normalised(10), normalised(11), normalised(12)
    c = {**c, "kk_number": a["kk_number"]}
    assert a["kk_number"] == b["kk_number"]
    push(server, first, [envelope(a), envelope(b)])
    third = envelope(c)
    results = push(server, second, [third])
    assert results[0]["outcome"] == "rejected"
    assert [(p["field"], p["code"]) for p in results[0]["problems"]] == [("kk_number", "kk_limit")]
    assert push(server, second, [third])[0]["outcome"] == "rejected"  # the same answer on a retry
    assert server.stats()["records"] == 2


def test_a_cursor_beyond_64_bits_is_a_422_not_a_500(server: ServerProcess) -> None:
    token = enrol(server)
    response = requests.get(
        server.url + "/v1/pull", params={"cursor": 2**63}, timeout=10, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422 and response.headers["Content-Type"] == "application/problem+json"
