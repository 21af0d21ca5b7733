"""`fieldapp demo --headless`: the whole job, offline and online, step by step.

It starts the reference server on loopback (SQLite in a temp folder), sets up two laptops of
two offices, registers realistic synthetic applicants (one invalid, one NIK registered at both
offices), syncs both, has the central operator verify a record, and pulls that back.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from fieldapp.demo import OFFICE, mistyped, show_refusal
from fieldapp.device import Enrolment
from fieldapp.sample import applicant
from fieldapp.store import Store
from sync.client import SyncClient
from sync.engine import SyncEngine
from sync.server import admin
from sync.server.embedded import EmbeddedServer

OTHER_OFFICE = "32.16.02.2001"


def run_demo(say: Callable[[str], None]) -> int:
    with tempfile.TemporaryDirectory(prefix="fieldapp-demo-") as temp:
        folder = Path(temp)
        say("1. Starting the central server on loopback (SQLite in a temporary folder) ...")
        with EmbeddedServer(folder / "server") as server:
            say(f"   listening on {server.url}")
            first = _laptop(say, server, folder / "laptop-a", OFFICE, "2. Laptop A")
            second = _laptop(say, server, folder / "laptop-b", OTHER_OFFICE, "3. Laptop B")
            try:
                _registrations(say, first, second)
                _sync(say, server, first, "5. Laptop A syncs:")
                _sync(say, server, second, "6. Laptop B syncs (its second applicant was registered at A first):")
                _central_review(say, server, first)
                say(f"9. Server totals: {admin.stats(server.engine)}")
            finally:
                first.close()
                second.close()
    return 0


def _laptop(say: Callable[[str], None], server: EmbeddedServer, data_dir: Path, office: str, title: str) -> Store:
    code = admin.new_enrol_code(server.engine, office, 1)
    store, _recovery = Store.create(data_dir, "supervisor", secrets.token_urlsafe(12), office)
    client = SyncClient(server.url)
    enrolled = client.enroll(code, data_dir.name)
    client.close()
    store.enrol(Enrolment(server.url, enrolled.device_id, enrolled.office, enrolled.token))
    say(f"{title} (office {office}) created its encrypted store and enrolled with a one-time code.")
    return store


def _registrations(say: Callable[[str], None], first: Store, second: Store) -> None:
    people = [applicant(i, OFFICE, seed=7) for i in range(4)]
    first.register(people)
    say("4. Laptop A registers 4 applicants; an applicant with mistakes is refused at the desk:")
    show_refusal(say, first, "", mistyped(people[0]))
    twin = applicant(100, OTHER_OFFICE, seed=7)
    second.register(
        [
            twin,
            {
                **people[1],
                "kk_number": twin["kk_number"],
                "ktp_address": {**people[1]["ktp_address"], "desa_code": OTHER_OFFICE},
            },
        ]
    )  # type: ignore[dict-item]
    say("   Laptop B registers 2 applicants; one of them has the same NIK as one of A's.")


def _sync(say: Callable[[str], None], server: EmbeddedServer, store: Store, title: str) -> None:
    enrolment = store.enrolment()
    assert enrolment is not None
    client = SyncClient(enrolment.server_url, enrolment.token)
    report = SyncEngine(store, client).run()
    client.close()
    say(f"{title} {report.summary()}")
    for summary in store.summaries():
        say(f"   {summary.id}  {summary.nik_masked}  {summary.state:<9} {summary.full_name}")
    for summary in store.summaries(state="duplicate"):
        say(f"   duplicate: {summary.server_note}")


def _central_review(say: Callable[[str], None], server: EmbeddedServer, first: Store) -> None:
    chosen = first.summaries()[0]
    admin.set_status(server.engine, chosen.id, "verified", None)
    say(f"7. The central operator marks {chosen.id} verified.")
    _sync(say, server, first, "8. Laptop A syncs again and pulls the verdict:")
