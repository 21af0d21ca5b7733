"""Issue 8, item 10: the sync client follows no redirect, reads no unbounded answer, pulls no
endless pages, and trusts no CA bundle named by the environment.

The servers here are tiny real HTTP servers on loopback (threads of this process): each plays
one misbehaving or hostile server, which the real sync server never does.
"""

from __future__ import annotations

import gzip
import http.server
import json
import ssl
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process
from test_tls import make_ca_and_server_cert

from fieldapp.store import Store
from sync import client as client_module
from sync import protocol
from sync.client import SyncClient
from sync.errors import ServerRefused, Unreachable

TOKEN = "device-token-that-must-not-leak"
Answer = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def fake_server(answer: Answer, tls: tuple[Path, Path] | None = None) -> Iterator[tuple[str, list[dict]]]:
    """A loopback server answering every request with `answer`; yields its URL and what it heard."""
    heard: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            heard.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length) if length else b""}
            )
            answer(self)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", heard
    finally:
        server.shutdown()
        server.server_close()


def _json(handler: http.server.BaseHTTPRequestHandler, body: dict, status: int = 200) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _health(handler: http.server.BaseHTTPRequestHandler) -> None:
    _json(handler, {"status": "ok", "protocol": 1, "server_time": "2026-12-01T00:00:00Z"})


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_nothing_reaches_its_target(status: int) -> None:
    with fake_server(_health) as (elsewhere, heard_elsewhere):

        def redirect(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            handler.send_header("Location", elsewhere + handler.path)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        with fake_server(redirect) as (server_url, heard):
            client = SyncClient(server_url, TOKEN)
            with pytest.raises(ServerRefused, match="redirect"):
                client.push_encoded(gzip.compress(b'{"records": []}'), set())
            with pytest.raises(ServerRefused, match="redirect"):
                client.health()
            client.close()
    assert len(heard) == 2  # the pushed body went to the configured server only
    assert heard_elsewhere == []


def test_a_gzip_bomb_is_refused_without_inflating_it_all() -> None:
    inflated = 200 * 1024 * 1024
    bomb = gzip.compress(b'{"status": "ok", "pad": "' + b" " * inflated + b'"}', 9)
    assert len(bomb) < 1024 * 1024

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    with fake_server(answer) as (server_url, _heard):
        client = SyncClient(server_url, TOKEN)
        tracemalloc.start()
        try:
            with pytest.raises(ServerRefused, match="larger than"):
                client.health()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        client.close()
    assert peak < 4 * client_module.MAX_RESPONSE_BYTES


def test_a_server_that_never_ends_its_pages_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_PULL_PAGES", 50)
    counter = iter(range(1, 10**6))

    def endless(handler: http.server.BaseHTTPRequestHandler) -> None:
        _json(handler, {"changes": [], "cursor": next(counter), "more": True})

    with fake_server(endless) as (server_url, heard):
        client = SyncClient(server_url, TOKEN)
        cursor, pages = 0, 0
        with pytest.raises(ServerRefused, match="without end"):
            while True:
                cursor = client.pull(cursor).cursor
                pages += 1
        client.close()
    assert pages == 50 and len(heard) == 51


def test_a_page_whose_cursor_does_not_advance_is_refused() -> None:
    def stuck(handler: http.server.BaseHTTPRequestHandler) -> None:
        _json(handler, {"changes": [], "cursor": 7, "more": True})

    with fake_server(stuck) as (server_url, heard):
        client = SyncClient(server_url, TOKEN)
        assert client.pull(0).cursor == 7
        with pytest.raises(ServerRefused, match="without end"):
            client.pull(7)
        client.close()
    assert len(heard) == 2


def test_a_last_page_resets_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sync run pulls until `more` is false: the cap is per run, not per client's life."""
    monkeypatch.setattr(client_module, "MAX_PULL_PAGES", 3)
    state = {"n": 0}

    def pages(handler: http.server.BaseHTTPRequestHandler) -> None:
        state["n"] += 1
        _json(handler, {"changes": [], "cursor": state["n"], "more": state["n"] % 3 != 0})

    with fake_server(pages) as (server_url, _heard):
        client = SyncClient(server_url, TOKEN)
        for _ in range(9):
            client.pull(state["n"])
        client.close()


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_ca_bundle_from_the_environment_does_not_replace_the_trust(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attacker's CA named in the environment: the unpinned client still refuses its server."""
    ca, cert, key = make_ca_and_server_cert(tmp_path / "pki")
    monkeypatch.setenv(variable, str(ca))
    with fake_server(_health, tls=(cert, key)) as (server_url, heard):
        unpinned = SyncClient(server_url, TOKEN)
        with pytest.raises(Unreachable, match="certificate"):
            unpinned.health()
        unpinned.close()
        assert heard == []  # the TLS handshake failed: not even the token was sent
        pinned = SyncClient(server_url, TOKEN, ca_file=str(ca))  # a CA pinned at enrolment still works
        assert isinstance(pinned.health(), protocol.Health)
        pinned.close()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://[::1]:8000", True),
        ("http://localhost:8000", True),
        ("https://prakerja.example.go.id", True),
        ("http://prakerja.example.go.id", False),
        ("http://10.0.0.5:8000", False),
        ("http://127.0.0.1.example.com", False),
        ("ftp://127.0.0.1", False),
    ],
)
def test_plain_http_only_to_this_machine(url: str, allowed: bool) -> None:
    from sync.client import check_server_url
    from sync.errors import InsecureServer

    if allowed:
        assert check_server_url(url) == url
    else:
        with pytest.raises(InsecureServer):
            check_server_url(url)


def test_enrolling_over_plain_http_to_another_machine_sends_nothing(data_dir: Path) -> None:
    Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)[0].close()
    done = run_process(["enroll", "--server", "http://10.0.0.5:8000", "--code", "AAAA-BBBB-CCCC-DDDD"], data_dir)
    assert done.returncode == 2 and "https" in done.stderr, done.stderr
