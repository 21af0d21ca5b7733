"""No personal data in plaintext anywhere under the data folder, in UTF-8 or UTF-16."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp.nik import encode_birth
from fieldapp.store import Store


def marked_applicant(n: int) -> dict[str, object]:
    """An applicant whose every personal field is a distinct marker string."""
    born = dt.date(1990, 1, 1) + dt.timedelta(days=n * 37)
    return {
        "nik": f"321601{encode_birth(born, 'female')}{7700 + n:04d}",
        "kk_number": f"3216019988{7700 + n:06d}",
        "full_name": f"Markername Qwxzv{n}",
        "mother_name": f"Mothermarker Jqpfk{n}",
        "birth_place": f"Placemarker Zzkq{n}",
        "birth_date": born.isoformat(),
        "sex": "female",
        "phone": f"0813{9000000 + n * 1111:08d}",
        "email": f"emailmarker.{n}@example.org",
        "ktp_address": {"street": f"Jl. Streetmarker Vvq{n}", "rt": "7", "rw": "9", "desa_code": OFFICE},
        "domicile_address": {"street": f"Jl. Domicilemarker Ppq{n}", "rt": "1", "rw": "2", "desa_code": OFFICE},
        "education": "diploma",
        "employment_status": "job_seeker",
        "in_formal_education": False,
        "excluded_occupation": False,
        "training_interest": f"Interestmarker Kkw{n}",
        "consent": True,
        "notes": f"Notesmarker Ggh{n}",
    }


def markers(record: dict[str, object]) -> list[str]:
    phone = str(record["phone"])
    found = [
        str(record[k])
        for k in ("nik", "kk_number", "full_name", "mother_name", "birth_place", "email", "training_interest", "notes")
    ]
    found += [phone, "+62" + phone[1:], phone[1:]]
    found += [str(record["ktp_address"]["street"]), str(record["domicile_address"]["street"])]  # type: ignore[index]
    found += [name.lower() for name in (str(record["full_name"]),)]
    return found


def leaks(folder: Path, secrets: list[str]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        blob = path.read_bytes()
        for secret in secrets:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if secret.encode(encoding) in blob:
                    found.append(f"{path.name}: {secret!r} ({encoding})")
    return found


def test_no_marker_reaches_any_file_through_the_store(data_dir: Path) -> None:
    records = [marked_applicant(n) for n in range(20)]
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    ids = store.register(records)
    store.edit(ids[0], {"notes": "Notesmarker Edited"})
    store.summaries(search="markername")
    store.show(ids[1])
    assert store.verify().ok
    secrets = [m for r in records for m in markers(r)] + ["Notesmarker Edited", SUPERVISOR_PASS]
    assert leaks(data_dir, secrets) == []  # while open: WAL and SHM are there too
    store.close()
    assert leaks(data_dir, secrets) == []


def test_no_marker_reaches_any_file_through_the_cli(cli, data_dir: Path) -> None:
    records = [marked_applicant(n) for n in range(5)]
    assert cli("init", "--office", OFFICE, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS}).code == 0
    saved = cli("register", "--json", stdin=json.dumps(records))
    assert saved.code == 0
    bad = {**records[0], "nik": "3216019999990001", "email": "emailmarker.bad@", "notes": "Notesmarker Bad"}
    assert cli("register", stdin=json.dumps(bad)).code == 2
    first = json.loads(saved.out)["ids"][0]
    assert cli("show", first).code == 0
    assert cli("list", "--search", "Markername").code == 0
    assert cli("edit", first, stdin='{"birth_date": "not a date"}').code == 2
    assert cli("verify").code == 0
    assert (data_dir / "logs" / "fieldapp.log").exists()
    secrets = [m for r in records for m in markers(r)] + markers(bad) + [SUPERVISOR_PASS]
    assert leaks(data_dir, secrets) == []


def test_the_scan_itself_finds_plaintext(tmp_path: Path) -> None:
    """Guard against a scanner that could never fail."""
    (tmp_path / "a.log").write_bytes("x Markername Qwxzv1 y".encode("utf-16-le"))
    assert "a.log: 'Markername Qwxzv1' (utf-16-le)" in leaks(tmp_path, ["Markername Qwxzv1"])


def test_a_name_typed_as_the_user_never_reaches_the_log(data_dir: Path) -> None:
    """Someone types an applicant's name or NIK into the user box: refused, and not logged (the
    log goes into support bundles)."""
    Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)[0].close()
    for typed in ("Zqxmarker Budiwati", "3216015501900001"):
        done = run_process(["list"], data_dir, user=typed)
        assert done.returncode in (2, 3), done.stderr
        done = run_process(["list"], data_dir, user=SUPERVISOR, passphrase="wrong passphrase for " + typed)
        assert done.returncode == 3
    assert leaks(data_dir, ["Zqxmarker", "Budiwati", "3216015501900001"]) == []
    assert any((data_dir / "logs").iterdir())  # the refusals were logged, without the names
