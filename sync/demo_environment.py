"""`fieldapp demo` (the app): a real reference server on loopback with demo data, no Qt.

Everything lives in a temporary folder that is removed when the app closes: a central server
(SQLite), a second office's laptop that registered one applicant first (so a duplicate comes
back), and this laptop with a supervisor and an operator whose demo passphrases the login
screen shows. Some records are already synced, one verified and one rejected centrally; the
rest wait in the queue for the first "Sinkronkan sekarang".
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fieldapp.sample import applicant
from fieldapp.store import Store
from sync.client import SyncClient
from sync.engine import SyncEngine
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.service import request_enrolment

OFFICE = "32.16.01.2001"  # Sagara Makmur, Tarumajaya, Kabupaten Bekasi
OTHER_OFFICE = "32.16.02.2001"
SUPERVISOR, SUPERVISOR_PASS = "kepala", "demo-kepala-2026"
OPERATOR, OPERATOR_PASS = "siti", "demo-siti-2026"
SYNCED, QUEUED = 36, 12


@dataclass
class DemoEnvironment:
    folder: Path
    server: EmbeddedServer

    @property
    def data_dir(self) -> Path:
        return self.folder / "laptop"

    @classmethod
    def start(cls, folder: Path | None = None) -> DemoEnvironment:
        root = Path(folder or tempfile.mkdtemp(prefix="fieldapp-demo-"))
        server = EmbeddedServer(root / "server").__enter__()
        environment = cls(root, server)
        environment._populate()
        return environment

    def stop(self) -> None:
        self.server.__exit__(None, None, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    def login_note(self) -> str:
        return f"DEMO — supervisor: {SUPERVISOR} / {SUPERVISOR_PASS} · operator: {OPERATOR} / {OPERATOR_PASS}"

    # -- the demo's story ------------------------------------------------------------------------

    def _populate(self) -> None:
        people = [applicant(i, OFFICE, seed=11) for i in range(SYNCED + QUEUED)]
        self._other_office_registers(people[SYNCED + 2])
        store = self._laptop()
        try:
            ids = store.register(people[:SYNCED])
            self._sync(store)
            admin.set_status(self.server.engine, ids[3], "verified", None)
            admin.set_status(
                self.server.engine, ids[5], "rejected", "foto KTP tidak terbaca; minta pendaftar datang lagi"
            )
            self._sync(store)
            store.register(people[SYNCED:])
        finally:
            store.close()

    def _laptop(self) -> Store:
        store, _code = Store.create(self.data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
        store.add_user(OPERATOR, "operator", OPERATOR_PASS)
        code = admin.new_enrol_code(self.server.engine, OFFICE, 1)
        store.enrol(request_enrolment(self.server.url, code, socket.gethostname()))
        return store

    def _other_office_registers(self, person: dict[str, object]) -> None:
        """Laptop B registers (and syncs) a person who will also come to laptop A's desk."""
        twin = {**person, "ktp_address": {**person["ktp_address"], "desa_code": OTHER_OFFICE}}  # type: ignore[dict-item]
        other, _code = Store.create(self.folder / "laptop-b", SUPERVISOR, SUPERVISOR_PASS, OTHER_OFFICE)
        try:
            code = admin.new_enrol_code(self.server.engine, OTHER_OFFICE, 1)
            other.enrol(request_enrolment(self.server.url, code, "laptop-b"))
            other.register([twin])
            self._sync(other)
        finally:
            other.close()

    @staticmethod
    def _sync(store: Store) -> None:
        enrolment = store.enrolment()
        assert enrolment is not None
        client = SyncClient(enrolment.server_url, enrolment.token)
        try:
            SyncEngine(store, client).run()
        finally:
            client.close()
