"""The console's numbers, review and record pages in a real browser, against a real server and real laptops.

Each test runs on SQLite and on PostgreSQL: a `fieldapp-server serve` process, laptops (real
`fieldapp` stores driven through the CLI) that register and sync into it, and Debian's chromium
driven by Playwright for the people at the console.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from console_browser import LAPTOP, PHONE, ConsoleSite, chromium, console_site, login
from servers import Laptop
from sqlalchemy import select

from fieldapp.sample import applicant
from sync.server import storage as t
from sync.server.database import connect

OFFICE = "32.16.01.2001"
OTHER_OFFICE = "32.16.02.2001"
VERIFIER, ADMIN, VIEWER = "vera", "adi", "vito"
PASSWORDS = {VERIFIER: "kopi-susu-9917-pagi", ADMIN: "teh-manis-2281-sore", VIEWER: "es-jeruk-5530-siang"}


def synced_laptops(site: ConsoleSite, folder: Path) -> tuple[Laptop, list[str], list[dict[str, object]]]:
    """Two offices' laptops: five registrations, and one NIK registered again at the other office."""
    first = Laptop(folder / "a", OFFICE).init()
    second = Laptop(folder / "b", OTHER_OFFICE).init()
    for laptop in (first, second):
        assert laptop.enroll(site.server).returncode == 0
    people = [applicant(i, OFFICE, seed=41) for i in range(5)]
    ids = first.register(people)
    again = {**people[0], "ktp_address": {**people[0]["ktp_address"], "desa_code": OTHER_OFFICE}}  # type: ignore[dict-item]
    second.register([again])
    assert first.run("sync").returncode == 0, "first laptop's sync"
    assert second.run("sync").returncode == 0, "second laptop's sync"
    return first, ids, people


def markers(people: list[dict[str, object]]) -> list[str]:
    """Text from the records that must never show on a page without personal data."""
    found: list[str] = []
    for person in people:
        found += [str(person[k]) for k in ("nik", "kk_number", "full_name", "mother_name", "email")]
        found.append(str(person["phone"])[-8:])  # the laptop may store it as +62...
        found.append(str(person["ktp_address"]["street"]))  # type: ignore[index]
    return found


def accounts(site: ConsoleSite) -> None:
    site.user(VERIFIER, "verifier", PASSWORDS[VERIFIER])
    site.user(ADMIN, "admin", PASSWORDS[ADMIN])
    site.user(VIEWER, "viewer", PASSWORDS[VIEWER])


def audit_rows(db_url: str, action: str) -> list[tuple[str, str | None, str]]:
    engine = connect(db_url)
    try:
        with engine.connect() as conn:
            a = t.console_audit.c
            return [
                (r.user_name, r.target, r.detail)
                for r in conn.execute(select(a.user_name, a.target, a.detail).where(a.action == action))
            ]
    finally:
        engine.dispose()


def number(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def test_the_dashboard_shows_the_numbers_stats_counts(server_db: str, tmp_path: Path) -> None:
    with console_site(server_db, tmp_path / "server") as site:
        accounts(site)
        _laptop, ids, people = synced_laptops(site, tmp_path)
        assert site.server.admin("set-status", ids[1], "verified").returncode == 0
        assert site.server.admin("set-status", ids[2], "rejected", "--reason", "x").returncode == 0
        assert site.server.admin("set-target", "32.16", "24000").returncode == 0
        stats = site.server.stats()
        with chromium() as browser:
            page = browser.new_page(viewport=LAPTOP)
            login(page, site, VIEWER, PASSWORDS[VIEWER])
            page.goto(site.url)
            shown = {state: number(page.inner_text(f"#count-{state}")) for state in ("received", "accepted")}
            shown |= {state: number(page.inner_text(f"#count-{state}")) for state in ("verified", "rejected")}
            shown["duplicate"] = number(page.inner_text("#count-duplicate"))
            assert shown == {
                "received": stats["records"],
                "accepted": stats["records"] - stats["verified"] - stats["rejected"],
                "verified": stats["verified"],
                "rejected": stats["rejected"],
                "duplicate": stats["duplicates"],
            }
            assert (stats["records"], stats["duplicates"]) == (5, 1)
            bekasi = page.locator("tr[data-kabupaten='32.16']")
            assert "Kabupaten Bekasi" in bekasi.inner_text() and "24.000" in bekasi.inner_text()
            assert page.locator("svg.chart rect.chart-bar").count() >= 1
            page.click("text=Kabupaten Bekasi")
            assert "Tarumajaya" in page.inner_text("table.breakdown")
            page.click("table.breakdown >> text=Tarumajaya")
            assert "Sagara Makmur" in page.inner_text("table.breakdown")
            pages = {"dashboard": site.url, "review": site.url + "review", "duplicates": site.url + "duplicates"}
            for name, url in pages.items():
                page.goto(url)
                html = page.content()
                leaked = [marker for marker in markers(people) if marker in html]
                assert leaked == [], name
            phone = browser.new_page(viewport=PHONE)
            login(phone, site, VIEWER, PASSWORDS[VIEWER])
            phone.goto(site.url)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], "the dashboard scrolls sideways on a phone"


def test_a_verifiers_rejection_reaches_the_laptop_with_its_reason(server_db: str, tmp_path: Path) -> None:
    with console_site(server_db, tmp_path / "server") as site:
        accounts(site)
        laptop, ids, people = synced_laptops(site, tmp_path)
        with chromium() as browser:
            page = browser.new_page(viewport=LAPTOP)
            login(page, site, VERIFIER, PASSWORDS[VERIFIER])
            page.goto(site.url + "review?state=accepted&region=32.16.01")
            assert page.locator("table.queue tbody tr").count() == 5
            page.click(f"tr[data-record='{ids[3]}'] a")
            detail = page.content()
            for marker in (str(people[3]["nik"]), str(people[3]["full_name"]), str(people[3]["phone"])[-8:]):
                assert marker in detail
            assert "Sagara Makmur" in detail
            page.select_option("#reason_code", "kk_unreadable")
            page.fill("#reason_text", "foto KK buram, mohon unggah ulang")
            page.click("#reject")
            page.wait_for_load_state()
            assert "Ditolak" in page.inner_text("main")
            assert "Kartu Keluarga tidak terbaca: foto KK buram, mohon unggah ulang" in page.inner_text("main")
        assert (VERIFIER, ids[3], "version=1") in audit_rows(site.server.db_url, "view")
        [(who, target, detail_text)] = audit_rows(site.server.db_url, "decision")
        assert (who, target) == (VERIFIER, ids[3]) and "reason=kk_unreadable" in detail_text
        assert site.server.stats()["rejected"] == 1
        assert laptop.run("sync").returncode == 0
        rejected = json.loads(laptop.run("list", "--status", "rejected", "--json").stdout)
        assert [(r["id"], r["state"]) for r in rejected] == [(ids[3], "rejected")]
        assert rejected[0]["server_note"] == "Kartu Keluarga tidak terbaca: foto KK buram, mohon unggah ulang"


def test_a_viewer_cannot_verify_and_a_forged_decision_is_refused(server_db: str, tmp_path: Path) -> None:
    with console_site(server_db, tmp_path / "server") as site:
        accounts(site)
        _laptop, ids, _people = synced_laptops(site, tmp_path)
        with chromium() as browser:
            page = browser.new_page(viewport=LAPTOP)
            login(page, site, VIEWER, PASSWORDS[VIEWER])
            page.goto(site.url + "review")
            assert page.locator("table.queue tbody tr").count() == 5
            assert page.locator("table.queue a[href^='/console/records/']").count() == 0
            answer = page.goto(site.url + f"records/{ids[0]}")
            assert answer is not None and answer.status == 403
            assert page.locator("#verify").count() == 0
            token = page.locator("input[name=csrf_token]").first.get_attribute("value")
            forged = page.request.post(
                site.url + f"records/{ids[0]}/decision",
                form={"csrf_token": token or "", "decision": "verified", "version": "1"},
            )
            assert forged.status == 403
            export = page.request.post(site.url + "export", form={"csrf_token": token or ""})
            assert export.status == 403 and "NIK" not in export.text()
        assert site.server.stats()["verified"] == 0
        assert audit_rows(site.server.db_url, "view") == []
        assert audit_rows(site.server.db_url, "export") == []


def test_the_export_is_for_admins_holds_the_records_and_is_audited(server_db: str, tmp_path: Path) -> None:
    with console_site(server_db, tmp_path / "server") as site:
        accounts(site)
        _laptop, ids, people = synced_laptops(site, tmp_path)
        with chromium() as browser:
            page = browser.new_page(viewport=LAPTOP, accept_downloads=True)
            login(page, site, VERIFIER, PASSWORDS[VERIFIER])
            assert page.goto(site.url + "export").status == 403  # type: ignore[union-attr]
            page = browser.new_page(viewport=LAPTOP, accept_downloads=True)  # a new context: no session
            login(page, site, ADMIN, PASSWORDS[ADMIN])
            page.goto(site.url + "export")
            assert "data pribadi" in page.inner_text(".flash-warn")
            page.fill("input[name=region]", "32.16.01")
            with page.expect_download() as download:
                page.click("text=Unduh CSV")
            text = Path(download.value.path()).read_text(encoding="utf-8")
        lines = text.strip().splitlines()
        assert len(lines) == 1 + len(ids)
        assert all(str(person["nik"]) in text for person in people)
        [(who, target, detail)] = audit_rows(site.server.db_url, "export")
        assert (who, target, detail) == (ADMIN, None, "region=32.16.01 count=5")


@pytest.fixture(autouse=True)
def _no_personal_data_in_the_server_log(tmp_path: Path):
    """Whatever a test did, the server's log holds none of the records' markers."""
    yield
    log = tmp_path / "server" / "server.log"
    if log.exists():
        text = log.read_text()
        people = [applicant(i, OFFICE, seed=41) for i in range(5)]
        assert [m for m in markers(people) if m in text] == []
