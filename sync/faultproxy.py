"""A real TCP proxy that damages HTTP traffic on purpose, to test sync against a bad link.

Each accepted connection carries one HTTP/1.1 exchange (the proxy answers `Connection: close`)
and suffers at most one fault, drawn at random by weight:

- refuse            close the connection at once
- reset             read part of the request, then reset the connection (RST)
- drop_response     forward the request (the server acts on it), never answer
- delay             hold the answer back for a while
- error_before      answer 500/502/503 without forwarding (the server never sees it)
- error_after       forward the request, then answer 503 instead of the server's answer
- truncate          send only part of the server's answer
- garble_request    flip bytes in the request body before forwarding
- garble_response   flip bytes in the answer's body

Throttling (bytes per second) and latency (added to each direction) apply to every
connection, for a slow-link simulation. Only ever listens on and connects to loopback.

    python -m sync.faultproxy --target 127.0.0.1:8765 --port 9000 --fault-rate 0.3
"""

from __future__ import annotations

import argparse
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

FAULTS = (
    "refuse",
    "reset",
    "drop_response",
    "delay",
    "error_before",
    "error_after",
    "truncate",
    "garble_request",
    "garble_response",
)
CHUNK = 4096


@dataclass
class LinkProfile:
    fault_rate: float = 0.0  # chance that a connection suffers one fault
    faults: tuple[str, ...] = FAULTS
    bytes_per_second: float | None = None  # None: unthrottled
    latency_s: float = 0.0  # one way
    delay_s: tuple[float, float] = (0.5, 2.0)
    seed: int | None = None


@dataclass
class Exchange:
    request: bytes = b""
    response: bytes = b""


@dataclass
class ProxyStats:
    connections: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    bytes_up: int = 0
    bytes_down: int = 0


class FaultProxy:
    """`with FaultProxy(("127.0.0.1", server_port), profile) as proxy:` then use `proxy.port`."""

    def __init__(self, target: tuple[str, int], profile: LinkProfile | None = None, port: int = 0) -> None:
        if not target[0].startswith("127.") and target[0] not in ("::1", "localhost"):
            raise ValueError("the fault proxy only forwards to loopback")
        self.target = target
        self.profile = profile or LinkProfile()
        self.stats = ProxyStats()
        self._rng = random.Random(self.profile.seed)
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(timeout=5)

    def _draw(self) -> str | None:
        with self._lock:
            self.stats.connections += 1
            if self._rng.random() >= self.profile.fault_rate:
                return None
            fault = self._rng.choice(self.profile.faults)
            self.stats.faults[fault] += 1
            return fault

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client, self._draw()), daemon=True).start()

    def _serve(self, client: socket.socket, fault: str | None) -> None:
        try:
            self._exchange(client, fault)
        except OSError:
            pass
        finally:
            client.close()

    def _exchange(self, client: socket.socket, fault: str | None) -> None:
        client.settimeout(30)
        if fault == "refuse":
            return
        request = _read_http_message(client)
        if request is None:
            return
        if fault == "reset":
            _reset(client)
            return
        if fault == "error_before":
            self._send(client, _error_response(self._rng.choice((500, 502, 503))))
            return
        if fault == "garble_request":
            request = self._garble(request)
        self._pause()
        self.stats.bytes_up += len(request)
        response = self._forward(request)
        if response is None:
            return
        self._pause()
        self._deliver(client, fault, response)

    def _deliver(self, client: socket.socket, fault: str | None, response: bytes) -> None:
        if fault == "drop_response":
            return
        if fault == "error_after":
            response = _error_response(503)
        elif fault == "delay":
            time.sleep(self._rng.uniform(*self.profile.delay_s))
        elif fault == "truncate":
            response = response[: self._rng.randrange(1, max(2, len(response)))]
        elif fault == "garble_response":
            response = self._garble(response)
        self.stats.bytes_down += len(response)
        self._send(client, response)

    def _forward(self, request: bytes) -> bytes | None:
        with socket.create_connection(self.target, timeout=60) as upstream:
            self._send(upstream, request)  # throttled too: on a slow link, uploads are slow
            response = _read_http_message(upstream)
        return _force_close(response) if response else None

    def _send(self, sock: socket.socket, data: bytes) -> None:
        rate = self.profile.bytes_per_second
        if not rate:
            sock.sendall(data)
            return
        for start in range(0, len(data), CHUNK):
            piece = data[start : start + CHUNK]
            sock.sendall(piece)
            time.sleep(len(piece) / rate)

    def _pause(self) -> None:
        if self.profile.latency_s:
            time.sleep(self.profile.latency_s)

    def _garble(self, message: bytes) -> bytes:
        head, sep, body = message.partition(b"\r\n\r\n")
        if not body:
            return message
        damaged = bytearray(body)
        with self._lock:
            for _ in range(1 + len(damaged) // 2000):
                damaged[self._rng.randrange(len(damaged))] ^= 1 << self._rng.randrange(8)
        return head + sep + bytes(damaged)


def _read_http_message(sock: socket.socket) -> bytes | None:
    """Headers and a Content-Length body (all this protocol uses); None if the peer went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(CHUNK)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(CHUNK)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _force_close(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _error_response(status: int) -> bytes:
    body = b"<html>proxy error</html>"
    return (
        f"HTTP/1.1 {status} Proxy Error\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def main() -> None:
    parser = argparse.ArgumentParser(description="A fault-injecting HTTP proxy for loopback testing.")
    parser.add_argument("--target", required=True, help="HOST:PORT of the server (loopback)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--kbit", type=float, help="throttle to this many kbit/s")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="one-way latency")
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    profile = LinkProfile(
        fault_rate=args.fault_rate,
        bytes_per_second=args.kbit * 125 if args.kbit else None,
        latency_s=args.latency_ms / 1000,
    )
    with FaultProxy((host, int(port)), profile, args.port) as proxy:
        print(f"fault proxy on 127.0.0.1:{proxy.port} -> {args.target}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
