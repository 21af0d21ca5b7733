"""The console under things happening at the same moment: logins, guesses, double-clicked decisions.

Argon2id (OpenSSL's, lanes=4) hangs when two threads run it at once, so every run in the
project takes one lock; parallel logins against a real server must all answer. SQLite begins
each transaction with BEGIN IMMEDIATE and a decision writes only if the row is still as read,
so parallel decisions move the counts exactly once, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from console_browser import ConsoleSite, console_site
from sqlalchemy import select, update
from test_console_data import OFFICES, Central, assert_in_step, tallies_by_rows

from fieldapp import crypto
from sync.server import admin
from sync.server import storage as t
from sync.server.database import open_database
from sync.server.keys import load_or_create

PASSWORD = "Rahasia-konsol-2026"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def in_parallel(count: int, work: Callable[[int], object], limit: float = 60.0) -> list[object]:
    """Run `work(0..count-1)` in threads released together; fail (not hang) if any is not back in `limit` s."""
    results: list[object] = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, limit - (time.monotonic() - began)))
    stuck = sum(thread.is_alive() for thread in threads)
    assert stuck == 0, f"{stuck} of {count} threads still running after {limit} s"
    assert errors == [], errors
    return results


def test_argon2id_in_parallel_threads_never_hangs_and_stays_correct() -> None:
    params = crypto.KdfParams()
    stored = crypto.password_hash("benar-sekali-123", params)
    salt = crypto.new_salt()
    expected = crypto.derive_kek("kunci-laptop", salt, params)

    def work(i: int) -> object:
        if i % 3 == 0:
            return crypto.derive_kek("kunci-laptop", salt, params) == expected
        if i % 3 == 1:
            return crypto.password_hash_matches("benar-sekali-123", stored)
        return not crypto.password_hash_matches(f"salah-{i}", stored)

    assert in_parallel(6, work, limit=30) == [True] * 6
    assert not crypto.password_hash_matches("x", "$argon2id$damaged")


@pytest.fixture
def site(server_db: str, tmp_path: Path) -> Iterator[ConsoleSite]:
    with console_site(server_db, tmp_path / "server") as running:
        yield running


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def sign_in(base: str, name: str, password: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    token = csrf(session.get(base + "login", timeout=30).text)
    answer = session.post(
        base + "login",
        data={"username": name, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    return session, answer


def test_parallel_logins_all_answer_and_the_right_ones_succeed(site: ConsoleSite) -> None:
    site.user("vera", "verifier", PASSWORD)
    site.user("adi", "admin", PASSWORD + "-a")
    tries = [("vera", PASSWORD), ("adi", PASSWORD + "-a"), ("vera", "salah-sekali-1"), ("tidakada", PASSWORD)]
    began = time.monotonic()
    answers = in_parallel(4, lambda i: sign_in(site.url, *tries[i])[1].status_code, limit=30)
    assert answers == [303, 303, 401, 401]
    assert time.monotonic() - began < 30
    again = in_parallel(4, lambda i: sign_in(site.url, *tries[i])[1].status_code, limit=30)
    assert again == [303, 303, 401, 401]  # the server is still whole: no thread left hanging


def test_parallel_wrong_guesses_cannot_get_past_the_lockout(site: ConsoleSite) -> None:
    site.user("vera", "verifier", PASSWORD)
    pages = in_parallel(12, lambda i: sign_in(site.url, "vera", f"tebakan-salah-{i}")[1].text)
    wrong = sum("Nama pengguna atau kata sandi salah" in page for page in pages)
    locked = sum("Terlalu banyak percobaan gagal" in page for page in pages)
    assert (wrong, locked) == (4, 8)  # 5 checked, the 5th locks; the other 7 never checked
    _session, right = sign_in(site.url, "vera", PASSWORD)
    assert right.status_code == 401 and "Terlalu banyak percobaan gagal" in right.text
    engine = open_database(site.server.db_url)
    try:
        with engine.connect() as conn:
            actions = [a for (a,) in conn.execute(select(t.console_audit.c.action).order_by(t.console_audit.c.seq))]
        assert sorted(actions) == sorted(["login-failed"] * 4 + ["lockout"] + ["login-locked"] * 8)
        with engine.begin() as conn:  # the quarter of an hour has passed
            conn.execute(update(t.console_users).values(locked_until="2000-01-01T00:00:00.000Z"))
    finally:
        engine.dispose()
    assert sign_in(site.url, "vera", "salah-lagi-sekali")[1].status_code == 401
    assert sign_in(site.url, "vera", PASSWORD)[1].status_code == 303  # a right password resets the count
    for n in range(4):
        assert "kata sandi salah" in sign_in(site.url, "vera", f"lagi-{n}-salah")[1].text


def test_many_sign_ins_from_one_address_are_slowed_down_with_a_page(site: ConsoleSite) -> None:
    codes = []
    for n in range(30):
        _session, answer = sign_in(site.url, f"orang{n % 3}", "apa-saja-salah")
        codes.append(answer.status_code)
        if answer.status_code == 429:
            assert answer.headers["content-type"].startswith("text/html")
            assert "Terlalu banyak percobaan masuk dari alamat ini" in answer.text
            assert int(answer.headers["retry-after"]) >= 1
    # 20 at once, then one every 5 s: the few that refilled while these ran may still be checked
    assert codes[:20] == [401] * 20 and set(codes) == {401, 429} and codes[20:].count(429) >= 7


def test_parallel_decisions_in_process_keep_the_counts_equal_to_the_rows(server_db: str, tmp_path: Path) -> None:
    engine = open_database(server_db)
    try:
        central = Central(engine, load_or_create(tmp_path / "server.key"))
        ids = [central.new(OFFICES[i % 2]) for i in range(4)]
        for record_id in ids:
            decisions = ["verified", "verified", "rejected", "verified", "rejected", "rejected"]

            def decide(i: int, record_id: str = record_id, decisions: list[str] = decisions) -> object:
                reason = None if decisions[i] == "verified" else "Data tidak lengkap"
                code = None if reason is None else "incomplete_data"
                try:
                    return admin.set_status(engine, record_id, decisions[i], reason, reason_code=code, version=1)
                except admin.VersionChanged:
                    return "changed"

            in_parallel(len(decisions), decide)
            assert_in_step(central)
        with engine.connect() as conn:
            changes = conn.execute(select(t.status_changes.c.record_id, t.status_changes.c.status)).all()
        # Each change of state is one status change; sending the same state again writes nothing.
        for record_id in ids:
            mine = [status for rid, status in changes if rid == record_id]
            assert all(a != b for a, b in itertools.pairwise(mine)), mine
    finally:
        engine.dispose()


def test_double_clicked_decisions_over_http_keep_the_counts(server_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    engine = open_database(server_db)
    try:
        central = Central(engine, load_or_create(folder / "server.key"))
        ids = [central.new(OFFICES[0]) for _ in range(4)]
        with console_site(server_db, folder) as site:
            site.user("vera", "verifier", PASSWORD)
            site.user("vina", "verifier", PASSWORD + "-b")
            people = [sign_in(site.url, "vera", PASSWORD)[0], sign_in(site.url, "vina", PASSWORD + "-b")[0]]
            tokens = [csrf(person.get(site.url + "review", timeout=30).text) for person in people]
            for n, record_id in enumerate(ids):
                choice = ["verified", "verified", "rejected", "verified"] if n % 2 else ["verified"] * 4

                def post(i: int, record_id: str = record_id, choice: list[str] = choice) -> int:
                    form = {"decision": choice[i], "version": "1", "csrf_token": tokens[i % 2]}
                    form |= {"reason_code": "other", "reason_text": "foto buram"}
                    url = f"{site.url}records/{record_id}/decision"
                    return people[i % 2].post(url, data=form, allow_redirects=False, timeout=60).status_code

                assert set(in_parallel(4, post)) == {303}
                assert_in_step(central)
            stats = site.server.stats()
        assert stats["verified"] + stats["rejected"] == len(ids)
        kept, counted = tallies_by_rows(engine)
        assert kept == counted
    finally:
        engine.dispose()


def test_recount_repairs_a_corrupted_tally_and_says_what_it_corrected(server_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    engine = open_database(server_db)
    try:
        central = Central(engine, load_or_create(folder / "server.key"))
        ids = [central.new(OFFICES[0]) for _ in range(3)]
        admin.set_status(engine, ids[0], "verified", None)
        central.duplicate(ids[1], OFFICES[1])
        from servers import ServerProcess

        server = ServerProcess(server_db, folder)
        clean = server.admin("recount")
        assert clean.returncode == 0, clean.stderr
        assert clean.stdout.strip() == "All counts matched the records; nothing changed."
        tallies = t.tallies.c
        with engine.begin() as conn:
            conn.execute(update(t.tallies).where(tallies.status == "accepted").values(n=tallies.n + 5))
            conn.execute(update(t.tallies).where(tallies.status == "verified").values(n=-1))
            conn.execute(t.tallies.insert().values(office=OFFICES[2], day="2026-01-01", status="rejected", n=3))
        kept, counted = tallies_by_rows(engine)
        assert kept != counted
        fixed = server.admin("recount")
        assert fixed.returncode == 0, fixed.stderr
        lines = fixed.stdout.strip().splitlines()
        assert lines[-1] == "3 count(s) corrected."
        assert f"{OFFICES[0]}  2026-03-02  accepted: 7 -> 2" in lines
        assert f"{OFFICES[0]}  2026-03-02  verified: -1 -> 1" in lines
        assert f"{OFFICES[2]}  2026-01-01  rejected: 3 -> 0" in lines
        assert_in_step(central)
        assert server.admin("recount").stdout.strip() == "All counts matched the records; nothing changed."
    finally:
        engine.dispose()
