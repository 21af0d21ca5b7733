"""Screenshots of every console page for docs/server.md, from a seeded demo server.

    python -m sync.server.console.screenshots docs/screenshots

Starts the reference server in this process (SQLite in a temporary folder), seeds it the way
the field would (laptops of several Bekasi offices register synthetic applicants and sync over
HTTP; console accounts; a decision or two), then opens each page in Debian's Chromium through
Playwright and writes console-<name>.png at 1366x768 (and console-<name>-phone.png at 390x844
for the pages marked `phone`). Each page in `SHOTS` says who is signed in and what is done on it.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from fieldapp.device import Enrolment
from fieldapp.sample import applicant
from fieldapp.store import Store
from fieldapp.timestamps import iso_utc
from sync.client import SyncClient
from sync.engine import SyncEngine
from sync.server import admin
from sync.server import storage as t
from sync.server.console import accounts
from sync.server.embedded import EmbeddedServer
from sync.server.targets import set_target

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "demo konsol 2026"  # the demo accounts' password; the demo server lives in a temporary folder
USERS = (("admin", "admin"), ("verifikator", "verifier"), ("pemantau", "viewer"))
# (office, applicants) for each demo laptop: desa offices of Kabupaten Bekasi.
LAPTOPS = (("32.16.01.2001", 9), ("32.16.02.2008", 6), ("32.16.16.2001", 4), ("32.16.22.2006", 3))


@dataclass
class Demo:
    """The seeded server: its address and ids pages may need (`{name}` in a shot's path)."""

    server: EmbeddedServer
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Shot:
    name: str  # the file is console-<name>.png
    path: str  # under /console/; may name ids of the demo, e.g. "devices/{quiet_device}/revoke"
    user: str | None = "admin"  # who is signed in; None: nobody
    phone: bool = False  # also console-<name>-phone.png at 390x844
    act: Callable[[Page, Demo], None] | None = None  # done on the page before the picture


def _make_enrol_code(page: Page, _demo: Demo) -> None:
    page.fill("input[name=office]", "32.16.01.2001")
    page.click("form[action$='enrol-code'] button[type=submit]")
    page.wait_for_load_state()


def _wrong_password(page: Page, _demo: Demo) -> None:
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "bukan kata sandinya")
    page.click("button[type=submit]")
    page.wait_for_load_state()


SHOTS: list[Shot] = [
    Shot("login", "login", user=None, phone=True),
    Shot("login-failed", "login", user=None, act=_wrong_password),
    Shot("devices", "devices", phone=True),
    Shot("enrol-code", "devices", act=_make_enrol_code),
    Shot("revoke", "devices/{quiet_device}/revoke"),
    Shot("users", "users"),
    Shot("audit", "audit"),
    Shot("forbidden", "audit", user="pemantau"),
    # review_pages.py
    Shot("dashboard", "", phone=True),
    Shot("dashboard-kabupaten", "?region=32.16"),
    Shot("review", "review?state=accepted", user="verifikator", phone=True),
    Shot("record", "records/{record}", user="verifikator"),
    Shot("duplicates", "duplicates", user="pemantau"),
    Shot("export", "export"),
]


def seed(server: EmbeddedServer, folder: Path) -> Demo:
    """Accounts, laptops that registered and synced, one silent laptop and one revoked."""
    demo = Demo(server)
    for name, role in USERS:
        accounts.add_user(server.engine, name, role, PASSWORD)
    stores = []
    for number, (office, count) in enumerate(LAPTOPS):
        store = _laptop(server, folder / f"laptop-{number}", office, f"Laptop {office}")
        store.register([applicant(number * 100 + i, office, seed=11) for i in range(count)])
        _sync(store)
        stores.append(store)
    chosen = stores[0].summaries()
    admin.set_status(server.engine, chosen[0].id, "verified", None)
    admin.set_status(server.engine, chosen[1].id, "rejected", "Foto KTP tidak terbaca")
    demo.ids["record"] = chosen[2].id
    set_target(server.engine, "32.16", 24_000)
    twin = applicant(0, LAPTOPS[0][0], seed=11)  # the first laptop's first applicant, again elsewhere
    stores[1].register([{**twin, "ktp_address": {**twin["ktp_address"], "desa_code": LAPTOPS[1][0]}}])
    _sync(stores[1])
    for store in stores:
        store.close()
    with server.engine.begin() as conn:
        rows = conn.execute(select(t.devices.c.id).order_by(t.devices.c.enrolled_at)).scalars().all()
        demo.ids["quiet_device"], demo.ids["revoked_device"] = rows[-2], rows[-1]
        long_ago = iso_utc(dt.datetime.now(dt.UTC) - dt.timedelta(days=6))
        conn.execute(update(t.devices).where(t.devices.c.id == rows[-2]).values(last_seen_at=long_ago))
    admin.revoke(server.engine, demo.ids["revoked_device"])
    return demo


def _laptop(server: EmbeddedServer, data_dir: Path, office: str, name: str) -> Store:
    code = admin.new_enrol_code(server.engine, office, 1)
    store, _recovery = Store.create(data_dir, "supervisor", secrets.token_urlsafe(12), office)
    client = SyncClient(server.url)
    enrolled = client.enroll(code, name)
    client.close()
    store.enrol(Enrolment(server.url, enrolled.device_id, enrolled.office, enrolled.token))
    return store


def _sync(store: Store) -> None:
    enrolment = store.enrolment()
    assert enrolment is not None
    client = SyncClient(enrolment.server_url, enrolment.token)
    SyncEngine(store, client).run()
    client.close()


def take(out: Path, demo: Demo, shots: list[Shot]) -> list[Path]:
    """Open each page as its user and save its picture(s); returns the files written."""
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    base = demo.server.url + "/console/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            for shot in shots:
                sizes = [("", LAPTOP)] + ([("-phone", PHONE)] if shot.phone else [])
                for suffix, viewport in sizes:
                    # Indonesia's browser settings: date fields read dd/mm/yyyy, as the team types them.
                    context = browser.new_context(viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta")
                    page = context.new_page()
                    if shot.user is not None:
                        _sign_in(page, base, shot.user)
                    page.goto(base + shot.path.format(**demo.ids))
                    if shot.act is not None:
                        shot.act(page, demo)
                    target = out / f"console-{shot.name}{suffix}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                    context.close()
        finally:
            browser.close()
    return written


def _sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sync.server.console.screenshots OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fieldapp-console-shots-") as temp:
        folder = Path(temp)
        with EmbeddedServer(folder / "server") as server:
            demo = seed(server, folder)
            for path in take(out, demo, SHOTS):
                print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
