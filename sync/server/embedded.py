"""The reference server inside this process, on a loopback port: for the demo and benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from sqlalchemy import Engine

from sync.server.app import create_app
from sync.server.database import open_database
from sync.server.keys import load_or_create


class EmbeddedServer:
    """Start with `with EmbeddedServer(folder) as server:`; `server.url` is where it listens."""

    def __init__(self, folder: Path, db_url: str | None = None, requests_per_second: float = 1000.0) -> None:
        Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
        # The SQLite file is made 0600 like the real server's: the demo's records are sealed there.
        self.engine: Engine = open_database(db_url or f"sqlite:///{Path(folder) / 'server.sqlite3'}")
        app = create_app(
            self.engine,
            load_or_create(Path(folder) / "server.key"),
            requests_per_second=requests_per_second,
            burst=int(requests_per_second * 2),
        )
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # see cli.py
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> EmbeddedServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the embedded server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.engine.dispose()
