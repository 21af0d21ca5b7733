"""Schemathesis: requests generated from the server's own OpenAPI schema, sent to a real server
process, never get a 5xx, and a valid-looking body never gets anything but a problem or a
verdict. Both with and without a device token."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from conftest import OFFICE
from hypothesis import HealthCheck, settings
from servers import ServerProcess

from sync.server.app import create_app
from sync.server.database import connect
from sync.server.keys import load_or_create


def _schema_of_the_app() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        engine = connect("sqlite://")
        return create_app(engine, load_or_create(Path(folder) / "key")).openapi()


schema = schemathesis.openapi.from_dict(_schema_of_the_app())


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    folder = tmp_path_factory.mktemp("fuzz")
    process = ServerProcess(
        f"sqlite:///{folder / 'server.sqlite3'}", folder / "server", extra=("--enrol-rate", "1000")
    ).start()
    import requests

    answer = requests.post(
        process.url + "/v1/enroll", json={"code": process.enroll_code(OFFICE), "device_name": "fuzz"}, timeout=10
    )
    yield process, answer.json()["token"]
    process.stop()


@schema.parametrize()
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_generated_requests_never_get_a_server_error(case, fuzz_server) -> None:
    process, token = fuzz_server
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        response = case.call(base_url=process.url, headers=headers, timeout=30)
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
        if response.status_code >= 400:
            kinds = {key.lower(): value for key, value in response.headers.items()}.get("content-type")
            kind = kinds[0] if isinstance(kinds, list) else kinds
            assert kind == "application/problem+json", (case.method, case.path, response.status_code, kinds)
