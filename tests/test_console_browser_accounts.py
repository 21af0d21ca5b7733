"""The console's accounts, sessions and devices page in a real Chromium against a real server process.

Each test that reaches the database runs on SQLite and on PostgreSQL (the `server_db` fixture);
the language switch and the TLS cookie, which the browser alone decides, run on SQLite.
Accounts are made with the real `fieldapp-server user add`; laptops are real `fieldapp` data folders synced over HTTP.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from conftest import OFFICE
from console_browser import LAPTOP, PHONE, ConsoleSite, chromium, console_site, login
from playwright.sync_api import BrowserContext, Page
from servers import Laptop
from sqlalchemy import Engine, select, update
from test_privacy import marked_applicant, markers
from test_tls import make_ca_and_server_cert

from fieldapp.timestamps import iso_utc
from sync.server import admin
from sync.server import storage as t
from sync.server.console.accounts_pages import UNKNOWN_NAME
from sync.server.console.i18n import t as text
from sync.server.database import connect

ADMIN, ADMIN_PASS = "admin", "rahasia kantor 2026"
VIEWER, VIEWER_PASS = "vina", "pantau saja 2026"
VERIFIER, VERIFIER_PASS = "sari", "periksa data 2026"
CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")


@pytest.fixture
def site(server_db: str, tmp_path: Path) -> Iterator[ConsoleSite]:
    with console_site(server_db, tmp_path / "server") as running:
        yield running


@pytest.fixture
def web_site(tmp_path: Path) -> Iterator[ConsoleSite]:
    """A console on SQLite only, for what the browser alone decides (language, forms, cookies):
    the database behind it is not what those tests test, and CI time is spent once."""
    with console_site(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "server") as running:
        yield running


@pytest.fixture
def engine(server_db: str) -> Iterator[Engine]:
    opened = connect(server_db)
    yield opened
    opened.dispose()


def audit_actions(engine: Engine) -> list[tuple[str, str, str | None]]:
    log = t.console_audit
    with engine.connect() as conn:
        rows = conn.execute(select(log.c.user_name, log.c.action, log.c.target).order_by(log.c.seq)).all()
    return [tuple(row) for row in rows]


def csrf_of(page: Page) -> str:
    return str(page.get_attribute("input[name=csrf_token] >> nth=0", "value"))


def session_cookie(context: BrowserContext) -> dict:
    found = [c for c in context.cookies() if c["name"] == "console_session"]
    assert len(found) == 1, context.cookies()
    return dict(found[0])


def fits(page: Page) -> bool:
    """No horizontal scroll of the page itself (wide tables scroll inside their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_login_returns_to_the_page_asked_for_and_logout_ends_the_session(site: ConsoleSite, engine: Engine) -> None:
    site.user(ADMIN, "admin", ADMIN_PASS)
    with chromium() as browser:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.goto(site.url + "devices?done=x")
        assert page.url.startswith(site.url + "login?next=") and "devices" in page.url
        assert page.locator("input[name=password]").count() == 1
        page.fill("input[name=username]", ADMIN)
        page.fill("input[name=password]", ADMIN_PASS)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.url == site.url + "devices?done=x"
        cookie = session_cookie(context)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
        assert not cookie["secure"]  # plain HTTP here; see the TLS test
        answer = page.goto(site.url + "users")
        assert answer is not None and answer.status == 200
        headers = answer.headers
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        page.click("#logout")
        page.wait_for_load_state()
        assert page.url == site.url + "login"
        assert [c for c in context.cookies() if c["name"] == "console_session"] == []
        context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": site.server.url + "/console/"}])
        again = context.request.get(site.url + "users", max_redirects=0)
        assert again.status == 303 and "/console/login" in again.headers["location"]  # the old cookie is dead
        context.close()
    actions = [(name, action) for name, action, _ in audit_actions(engine)]
    assert actions == [(ADMIN, "login"), (ADMIN, "logout")]


def test_english_is_selectable_and_sticks(web_site: ConsoleSite) -> None:
    site = web_site
    site.user(VIEWER, "viewer", VIEWER_PASS)
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(site.url + "login")
        assert page.locator("h1").inner_text() == text("login.title", "id")
        page.click("button[name=lang][value=en]")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Sign in to the console"
        assert page.get_attribute("html", "lang") == "en"
        login(page, site, VIEWER, VIEWER_PASS)
        page.goto(site.url + "devices")
        assert page.locator("h1").inner_text() == "Offices & devices"
        assert page.locator("nav.nav a.here").inner_text() == "Offices & devices"
        other = context.new_page()
        other.goto(site.url + "devices")
        assert other.locator("h1").inner_text() == "Offices & devices"
        other.click("button[name=lang][value=id]")
        other.wait_for_load_state()
        assert other.url == site.url + "devices"
        assert other.locator("h1").inner_text() == "Kantor & perangkat"
        assert fits(other)
        context.close()


def test_lockout_after_five_wrong_passwords_and_unknown_names_look_the_same(site: ConsoleSite, engine: Engine) -> None:
    site.user(VERIFIER, "verifier", VERIFIER_PASS)
    wrong, locked = text("login.wrong", "id"), "Terlalu banyak percobaan gagal"
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        for name in (VERIFIER, "tidakada"):
            said = []
            for attempt in range(5):
                login(page, site, name, f"salah sekali {attempt}")
                said.append(page.locator(".flash-error").inner_text())
            assert said[:4] == [wrong] * 4 and said[4].startswith(locked), said
        login(page, site, VERIFIER, VERIFIER_PASS)  # the right password, while locked
        assert page.url.startswith(site.url + "login") and page.locator(".flash-error").inner_text().startswith(locked)
        assert [c for c in page.context.cookies() if c["name"] == "console_session"] == []
        with engine.begin() as conn:  # the quarter of an hour has passed
            conn.execute(
                update(t.console_users)
                .where(t.console_users.c.name == VERIFIER)
                .values(locked_until=iso_utc(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
            )
        page.goto(site.url + "login?next=/console/devices")
        page.fill("input[name=username]", VERIFIER)
        page.fill("input[name=password]", VERIFIER_PASS)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.url == site.url + "devices"
    mine = [action for name, action, _ in audit_actions(engine) if name == VERIFIER]
    assert mine == ["login-failed"] * 4 + ["lockout", "login-locked", "login"]
    # A name no account has is never written down (it may be a password typed in the wrong box).
    assert "tidakada" not in [name for name, _, _ in audit_actions(engine)]
    theirs = [action for name, action, _ in audit_actions(engine) if name == UNKNOWN_NAME]
    assert theirs == ["login-failed"] * 4 + ["lockout"]


def test_forms_without_their_csrf_token_are_refused(site: ConsoleSite, engine: Engine) -> None:
    site.user(ADMIN, "admin", ADMIN_PASS)
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        login(page, site, ADMIN, ADMIN_PASS)
        page.goto(site.url + "devices")
        page.evaluate("document.querySelector('form[action$=\"enrol-code\"] input[name=csrf_token]').remove()")
        page.fill("input[name=office]", OFFICE)
        with page.expect_response(site.url + "devices/enrol-code") as answer:
            page.click("form[action$='enrol-code'] button[type=submit]")
        assert answer.value.status == 403
        assert text("error.csrf", "id") in page.content()
        form = {"office": OFFICE, "hours": "24"}
        assert page.request.post(site.url + "devices/enrol-code", form=form).status == 403
        forged = page.request.post(site.url + "devices/enrol-code", form=form, headers={"X-CSRF-Token": "x" * 64})
        assert forged.status == 403
        assert page.request.post(site.url + "logout", form={}, max_redirects=0).status == 403
        with engine.connect() as conn:
            assert conn.execute(select(t.enrol_codes)).all() == []  # nothing was made
        page.goto(site.url + "devices")
        made = page.request.post(site.url + "devices/enrol-code", form={**form, "csrf_token": csrf_of(page)})
        assert made.status == 200 and "enrol-code" in made.text()  # the same request with its token works
        with engine.connect() as conn:
            assert len(conn.execute(select(t.enrol_codes)).all()) == 1
        login_form = browser.new_page()
        login_form.goto(site.url + "login")
        login_form.evaluate("document.querySelector('form[action$=\"/login\"] input[name=csrf_token]').remove()")
        login_form.fill("input[name=username]", ADMIN)
        login_form.fill("input[name=password]", ADMIN_PASS)
        with login_form.expect_response(site.url + "login") as answer:
            login_form.click("button[type=submit]")
        assert answer.value.status == 403  # the login form's double-submit token is checked too


def test_a_viewer_cannot_make_codes_revoke_or_read_the_audit_log(site: ConsoleSite, engine: Engine) -> None:
    site.user(VIEWER, "viewer", VIEWER_PASS)
    device = admin.enrol(engine, admin.new_enrol_code(engine, OFFICE, 1), "Laptop Balai Desa").device_id
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        login(page, site, VIEWER, VIEWER_PASS)
        page.goto(site.url + "devices")
        assert page.locator("tr[data-device]").count() == 1
        assert page.locator("form[action$='enrol-code']").count() == 0
        assert page.locator("a[href$='/revoke']").count() == 0
        assert page.locator("nav.nav a[href='/console/audit']").count() == 0
        token = csrf_of(page)
        made = page.request.post(site.url + "devices/enrol-code", form={"office": OFFICE, "csrf_token": token})
        assert made.status == 403 and "Anda tidak berwenang" in made.text()
        revoked = page.request.post(site.url + f"devices/{device}/revoke", form={"csrf_token": token})
        assert revoked.status == 403
        for path in ("audit", "users", f"devices/{device}/revoke"):
            assert page.goto(site.url + path).status == 403, path  # type: ignore[union-attr]
            assert "Anda tidak berwenang" in page.content()
    with engine.connect() as conn:
        assert conn.execute(select(t.devices.c.revoked)).scalar_one() is False
        assert len(conn.execute(select(t.enrol_codes)).all()) == 1  # only the one made above
    assert [action for _, action, _ in audit_actions(engine)] == ["login"]


def test_disabling_a_user_ends_their_open_session(site: ConsoleSite, server_db: str) -> None:
    site.user(VERIFIER, "verifier", VERIFIER_PASS)
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        login(page, site, VERIFIER, VERIFIER_PASS)
        assert page.goto(site.url + "devices").status == 200  # type: ignore[union-attr]
        disabled = site.server.admin("user", "disable", VERIFIER)
        assert disabled.returncode == 0, disabled.stderr
        page.reload()
        assert page.url.startswith(site.url + "login?next=")
        login(page, site, VERIFIER, VERIFIER_PASS)
        assert page.locator(".flash-error").inner_text() == text("login.wrong", "id")


def test_enrol_code_once_a_real_laptop_the_silent_flag_and_a_revoke(
    site: ConsoleSite, engine: Engine, tmp_path: Path
) -> None:
    site.user(ADMIN, "admin", ADMIN_PASS)
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        login(page, site, ADMIN, ADMIN_PASS)
        page.goto(site.url + "devices")
        page.fill("input[name=office]", OFFICE)
        page.fill("input[name=hours]", "2")
        page.click("form[action$='enrol-code'] button[type=submit]")
        page.wait_for_load_state()
        code = page.locator("#enrol-code").inner_text().strip()
        assert CODE.match(code), code
        drawn = page.get_attribute(".qr svg path", "d")
        expected = segno.make(code, error="m").svg_inline(scale=6, border=2)
        assert drawn and f'd="{drawn}"' in expected  # the QR code holds exactly the code shown
        page.goto(site.url + "devices")
        assert code not in page.content()  # shown once
        with engine.connect() as conn:
            stored = conn.execute(select(t.enrol_codes)).one()
        assert code not in str(tuple(stored)) and stored.office == OFFICE

        laptop = Laptop(tmp_path / "laptop", OFFICE).init()
        enrolled = laptop.run("enroll", "--server", site.server.url, "--code", code)
        assert enrolled.returncode == 0, enrolled.stderr
        people = [marked_applicant(n) for n in range(2)]
        laptop.register(people)
        assert laptop.run("sync").returncode == 0
        quiet = Laptop(tmp_path / "quiet", OFFICE).init()
        assert quiet.enroll(site.server).returncode == 0
        ten_days_ago = iso_utc(dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
        with engine.begin() as conn:
            devices = conn.execute(select(t.devices.c.id, t.devices.c.last_seen_at).order_by(t.devices.c.enrolled_at))
            (busy_id, busy_seen), (quiet_id, _) = devices.all()
            conn.execute(
                update(t.devices)
                .where(t.devices.c.id == quiet_id)
                .values(enrolled_at=ten_days_ago, last_seen_at=ten_days_ago)
            )
        assert busy_seen is not None  # the gate noted the sync

        page.goto(site.url + "devices")
        busy, silent = page.locator(f"tr[data-device='{busy_id}']"), page.locator(f"tr[data-device='{quiet_id}']")
        assert busy.locator("td.num").inner_text() == "2" and busy.locator(".silent-flag").count() == 0
        assert "Sagara Makmur" in busy.inner_text() and text("common.never", "id") not in busy.inner_text()
        assert silent.locator(".silent-flag").count() == 1
        assert text("devices.silent_count", "id", count=1, days=3) in page.content()
        for path in ("devices", "users", "audit", f"devices/{busy_id}/revoke"):
            page.goto(site.url + path)
            html = page.content()
            leaked = [m for person in people for m in markers(person) if m in html]
            assert leaked == [], (path, leaked)
            for viewport in (LAPTOP, PHONE):
                page.set_viewport_size(viewport)
                assert fits(page), (path, viewport)
            page.set_viewport_size(LAPTOP)

        page.goto(site.url + "devices")
        silent.locator("a[href$='/revoke']").click()
        page.wait_for_load_state()
        assert page.url == site.url + f"devices/{quiet_id}/revoke"
        page.click("button.button-danger")
        page.wait_for_load_state()
        assert page.url == site.url + "devices?done=revoked"
        assert silent.locator(".silent-flag").count() == 0 and "dicabut" in silent.inner_text()
    with engine.connect() as conn:
        assert conn.execute(select(t.devices.c.revoked).where(t.devices.c.id == quiet_id)).scalar_one() is True
    refused = quiet.run("sync")
    assert refused.returncode != 0
    actions = [(action, target) for _, action, target in audit_actions(engine)]
    assert actions == [("login", None), ("enrol-code", OFFICE), ("revoke", quiet_id)]


def test_the_session_cookie_is_secure_under_tls(tmp_path: Path) -> None:
    _ca, cert, key = make_ca_and_server_cert(tmp_path / "pki")
    tls_options = ("--tls-cert", str(cert), "--tls-key", str(key))
    with console_site(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "server", tls_options) as tls:
        assert tls.url.startswith("https://")
        tls.user(ADMIN, "admin", ADMIN_PASS)
        with chromium() as browser:
            context = browser.new_context(viewport=LAPTOP, ignore_https_errors=True)
            page = context.new_page()
            login(page, tls, ADMIN, ADMIN_PASS)
            page.goto(tls.url + "devices")
            assert page.locator("h1").inner_text() == text("devices.title", "id")
            cookie = session_cookie(context)
            assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            context.close()
