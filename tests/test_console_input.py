"""The console with input it must refuse as a page: short ids, bad values, HEAD, the phone's queue.

A real server (`fieldapp-server serve`) on SQLite and PostgreSQL, records put in by the real
ingest; the console must answer a person's browser with its own HTML pages, never the device
API's JSON problem, and decide only a record named by its full id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from console_browser import PHONE, ConsoleSite, chromium, console_site, login
from sqlalchemy import Engine, select
from test_console_data import OFFICES, Central
from test_console_races import PASSWORD, csrf, sign_in

from sync.server import storage as t
from sync.server.console.charts import bar_chart
from sync.server.database import open_database
from sync.server.keys import load_or_create

BAD_REQUEST = "Alamat atau formulir ini berisi nilai yang tidak sah"


@dataclass
class Filled:
    site: ConsoleSite
    engine: Engine
    central: Central
    ids: list[str]
    session: requests.Session
    token: str


@pytest.fixture
def filled(server_db: str, tmp_path: Path) -> Iterator[Filled]:
    folder = tmp_path / "server"
    folder.mkdir()
    engine = open_database(server_db)
    try:
        central = Central(engine, load_or_create(folder / "server.key"))
        ids = [central.new(OFFICES[0]) for _ in range(3)]
        with console_site(server_db, folder) as site:
            site.user("vera", "verifier", PASSWORD)
            session, answer = sign_in(site.url, "vera", PASSWORD)
            assert answer.status_code == 303
            token = csrf(session.get(site.url + "review", timeout=30).text)
            yield Filled(site, engine, central, ids, session, token)
    finally:
        engine.dispose()


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(t.records.c.id, t.records.c.status)).all())


def html_refusal(answer: requests.Response, status: int) -> None:
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in answer.headers


def test_a_decision_needs_the_full_record_id_and_audits_it(filled: Filled) -> None:
    record_id = filled.ids[0]
    form = {"decision": "verified", "version": "1", "csrf_token": filled.token}
    for short in (record_id[:8], record_id[:13], record_id[:35]):
        answer = filled.session.post(f"{filled.site.url}records/{short}/decision", data=form, allow_redirects=False)
        html_refusal(answer, 400)
        assert filled.session.get(f"{filled.site.url}records/{short}").status_code == 400
    assert set(statuses(filled.engine).values()) == {"accepted"}
    done = filled.session.post(f"{filled.site.url}records/{record_id}/decision", data=form, allow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/console/records/{record_id}?done=verified"
    assert statuses(filled.engine)[record_id] == "verified"
    with filled.engine.connect() as conn:
        targets = [
            target
            for (target,) in conn.execute(
                select(t.console_audit.c.target).where(t.console_audit.c.action == "decision")
            )
        ]
    assert targets == [record_id]


def test_bad_values_get_an_html_400_page_not_json(filled: Filled) -> None:
    base, record_id = filled.site.url, filled.ids[1]
    for path in ("duplicates?after=abc", "review?after=" + "9" * 300, "audit?page=abc", "devices?x=1"):
        answer = filled.session.get(base + path)
        if path.startswith("devices"):
            assert answer.status_code == 200  # an unknown parameter is ignored, as everywhere
            continue
        if path.startswith("audit"):
            html_refusal(answer, 403)  # a verifier: the role is checked first
            continue
        if answer.status_code != 200:  # the queue refuses a bad cursor on its own page
            html_refusal(answer, 400)
        if path.startswith("duplicates"):
            html_refusal(answer, 400)
            assert BAD_REQUEST in answer.text and "vera" in answer.text  # signed in: the page has the nav
    url = f"{base}records/{record_id}/decision"
    for form in (
        {"decision": "verified", "version": "abc", "csrf_token": filled.token},
        {"decision": "verified", "csrf_token": filled.token},
        {"decision": "verified", "version": "0", "csrf_token": filled.token},
    ):
        answer = filled.session.post(url, data=form, allow_redirects=False)
        html_refusal(answer, 400)
        assert BAD_REQUEST in answer.text
    assert set(statuses(filled.engine).values()) == {"accepted"}
    missing = filled.session.get(base + "no-such-page")
    html_refusal(missing, 404)
    assert "Halaman ini tidak ada" in missing.text
    english = requests.get(base + "duplicates?after=abc", cookies={"lang": "en"}, allow_redirects=False)
    assert english.status_code in (303, 400)  # not signed in: the login comes first, or the same page
    api = requests.get(filled.site.server.url + "/v1/pull?cursor=abc", headers={"Authorization": "Bearer x"})
    assert api.headers["content-type"].startswith("application/problem+json")  # the device API keeps JSON


def test_head_answers_console_pages_like_get_without_a_body(filled: Filled) -> None:
    for path in ("login", "", "review", "duplicates"):
        got = filled.session.get(filled.site.url + path, allow_redirects=False)
        head = filled.session.head(filled.site.url + path, allow_redirects=False)
        assert (head.status_code, head.content) == (got.status_code, b"")
        assert head.headers.get("content-type") == got.headers.get("content-type")
    assert requests.head(filled.site.url + "review", allow_redirects=False).status_code == 303


def test_the_queue_on_a_phone_shows_each_rows_state_without_scrolling(filled: Filled) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        login(page, filled.site, "vera", PASSWORD)
        page.goto(filled.site.url + "review")
        cells = page.locator("table.queue tbody tr td:has(.tag)")
        assert cells.count() == 3
        for n in range(3):
            box = cells.nth(n).bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
        assert page.locator("table.queue th.wide-only").first.is_hidden()


def test_the_charts_newest_day_always_has_its_label() -> None:
    today = dt.date(2026, 3, 20)
    for span in (1, 13, 14, 15, 20, 31, 45, 92):
        days = [((today - dt.timedelta(days=back)).isoformat(), back + 1) for back in reversed(range(span))]
        chart = bar_chart(days)
        assert chart.day_ticks[-1].label == "20/03", (span, [tick.label for tick in chart.day_ticks])
        assert 2 <= len(chart.day_ticks) <= 8
