"""`fieldapp demo`: the whole offline job, step by step, in a throw-away folder.

It creates a store and a supervisor, adds an operator, registers realistic synthetic applicants
(one with mistakes, one a duplicate NIK), lists, opens one record, and verifies the store.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from fieldapp.errors import InvalidRecords
from fieldapp.sample import applicant
from fieldapp.store import Store

OFFICE = "32.16.01.2001"  # Sagara Makmur, Tarumajaya, Kabupaten Bekasi


def run_demo(say: Callable[[str], None], folder: Path | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="fieldapp-demo-") as temp:
        data_dir = folder or Path(temp) / "laptop"
        _offline_steps(say, data_dir)
    return 0


def _offline_steps(say: Callable[[str], None], data_dir: Path) -> None:
    supervisor_pass, operator_pass = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    say(f"1. Creating an encrypted store in {data_dir} for office {OFFICE} (Argon2id, 64 MiB) ...")
    store, _code = Store.create(data_dir, "supervisor", supervisor_pass, OFFICE)
    say("   done; a one-time recovery code was generated (a real init prints it once).")
    store.add_user("operator1", "operator", operator_pass)
    store.close()
    say("2. Supervisor added user 'operator1'. Operator logs in ...")
    store = Store.open(data_dir)
    store.login("operator1", operator_pass)
    applicants = [applicant(i, OFFICE, seed=7) for i in range(4)]
    ids = store.register(applicants)
    say(f"3. Registered {len(ids)} applicants; each is encrypted and queued for sync:")
    for summary in store.summaries():
        say(f"   {summary.id}  {summary.nik_masked}  {summary.full_name:<22} {summary.state}")
    show_refusal(say, store, "4. An applicant with mistakes (NIK date, phone, under 18):", mistyped(applicants[0]))
    show_refusal(say, store, "5. The first applicant again (same NIK):", applicants[0])
    found = store.summaries(search=applicants[1]["full_name"].split()[0])  # type: ignore[union-attr]
    say(f"6. Search by first name finds {len(found)} record(s); opening one on purpose (audited):")
    record = store.show(found[0].id).registration
    say(f"   {record.full_name}, born {record.birth_place} {record.birth_date}, phone {record.phone}")
    report = store.verify()
    say(
        f"7. verify: {report.records} records, {report.versions} versions, "
        f"{report.audit_entries} audit entries: {'OK' if report.ok else 'DAMAGED'}"
    )
    store.close()


def mistyped(good: dict[str, object]) -> dict[str, object]:
    bad = dict(good)
    bad.update(nik="3216019999950001", phone="021-8899-7766", birth_date="2010-05-17")
    return bad


def show_refusal(say: Callable[[str], None], store: Store, title: str, raw: dict[str, object]) -> None:
    if title:
        say(title)
    try:
        store.register([raw])
    except InvalidRecords as refused:
        for problem in refused.problems:
            say(f"   [{problem.code}] {problem.message_id}")
            say(f"   {'':>{len(problem.code) + 2}} {problem.message_en}")
        say("   nothing was saved.")
