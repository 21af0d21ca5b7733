"""The CLI contract: commands, JSON shapes, input forms and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR_PASS

from fieldapp.sample import applicant


def init(cli) -> str:
    result = cli("init", "--office", OFFICE, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert result.code == 0, result.err
    code = result.out.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Z2-7]{5}(-[A-Z2-7]{5}){4}", code)
    return code


def test_init_prints_the_recovery_code_once_on_its_last_line(cli) -> None:
    init(cli)
    again = cli("init", env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert again.code == 2 and "already exists" in again.err


def test_init_refuses_a_short_passphrase_and_an_unknown_office(cli) -> None:
    assert cli("init", env={"FIELDAPP_NEW_PASSPHRASE": "short"}).code == 2
    bad_office = cli("init", "--office", "12345", env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert bad_office.code == 2 and "--office" in bad_office.err


def test_register_accepts_an_object_an_array_and_json_lines(cli, tmp_path: Path) -> None:
    init(cli)
    one = cli("register", stdin=json.dumps(applicant(0)))
    assert one.code == 0 and len(one.out.split()) == 1
    array = cli("register", "--json", stdin=json.dumps([applicant(1), applicant(2)]))
    assert array.code == 0 and json.loads(array.out)["saved"] == 2
    lines = tmp_path / "batch.jsonl"
    lines.write_text("\n".join(json.dumps(applicant(i)) for i in range(3, 6)) + "\n")
    from_file = cli("register", str(lines))
    assert from_file.code == 0 and len(from_file.out.split()) == 3
    listed = json.loads(cli("list", "--json").out)
    assert len(listed) == 6 and all(set(r["nik_masked"][:12]) == {"*"} for r in listed)


def test_a_bad_batch_reports_every_error_with_index_field_and_code(cli) -> None:
    init(cli)
    batch = [applicant(0), {**applicant(1), "phone": "123"}, {**applicant(2), "email": "x@", "extra": 1}]
    result = cli("register", "--json", stdin=json.dumps(batch))
    assert result.code == 2
    errors = json.loads(result.out)["errors"]
    assert [(e["index"], e["field"], e["code"]) for e in errors] == [
        (1, "phone", "phone_format"),
        (2, "email", "email_format"),
        (2, "extra", "unknown_field"),
    ]
    assert all(e["message"] and e["message_id"] for e in errors)
    assert json.loads(cli("list", "--json").out) == []
    human = cli("register", stdin=json.dumps(batch))
    assert human.code == 2 and "record 1: Mobile phone:" in human.err and "[phone_format]" in human.err


def test_bad_json_and_empty_input_are_usage_errors(cli) -> None:
    init(cli)
    broken = cli("register", stdin='{"nik": "1"\n{"nik": }')
    assert broken.code == 2 and "line 1" in broken.err
    assert cli("register", stdin="   ").code == 2
    assert cli("register", "/no/such/file.json").code == 2


def test_list_filters_by_status_and_search(cli) -> None:
    init(cli)
    people = [applicant(i) for i in range(4)]
    cli("register", stdin=json.dumps(people))
    name = str(people[2]["full_name"])
    found = json.loads(cli("list", "--search", name, "--json").out)
    assert name in [r["full_name"] for r in found]
    by_nik = json.loads(cli("list", "--search", str(people[3]["nik"]), "--json").out)
    assert [r["nik_masked"][-4:] for r in by_nik] == [str(people[3]["nik"])[-4:]]
    assert json.loads(cli("list", "--status", "pending", "--json").out).__len__() == 4
    assert json.loads(cli("list", "--status", "synced", "--json").out) == []
    assert cli("list", "--status", "nonsense").code == 2
    table = cli("list", "--limit", "2")
    assert table.code == 0 and table.out.splitlines()[0].split()[:3] == ["ID", "NIK_MASKED", "FULL_NAME"]
    assert len(table.out.strip().splitlines()) == 3


def test_show_edit_and_verify(cli) -> None:
    init(cli)
    record_id = cli("register", stdin=json.dumps(applicant(0))).out.strip()
    shown = json.loads(cli("show", record_id[:30], "--json").out)
    assert shown["id"] == record_id and shown["record"]["nik"] == applicant(0)["nik"]
    edited = cli("edit", record_id, "--json", stdin='{"notes": "KTP asli dilihat"}')
    assert edited.code == 0 and json.loads(edited.out)["version"] == 2
    assert json.loads(cli("show", record_id, "--json").out)["record"]["notes"] == "KTP asli dilihat"
    bad_edit = cli("edit", record_id, "--json", stdin='{"consent": false}')
    assert bad_edit.code == 2 and json.loads(bad_edit.out)["errors"][0]["code"] == "consent_missing"
    assert cli("show", "00000000-missing").code == 2
    verify = cli("verify", "--json")
    assert verify.code == 0 and json.loads(verify.out)["ok"] is True


def test_users_roles_and_exit_codes(cli) -> None:
    init(cli)
    added = cli("user", "add", OPERATOR, "--role", "operator", env={"FIELDAPP_NEW_PASSPHRASE": OPERATOR_PASS})
    assert added.code == 0, added.err
    assert cli("register", user=OPERATOR, passphrase=OPERATOR_PASS, stdin=json.dumps(applicant(0))).code == 0
    denied = cli("audit", user=OPERATOR, passphrase=OPERATOR_PASS)
    assert denied.code == 3 and "supervisor" in denied.err
    assert (
        cli(
            "user",
            "add",
            "op9",
            "--role",
            "operator",
            user=OPERATOR,
            passphrase=OPERATOR_PASS,
            env={"FIELDAPP_NEW_PASSPHRASE": OPERATOR_PASS},
        ).code
        == 3
    )
    assert cli("list", passphrase="wrong passphrase").code == 3
    assert cli("list", user="nobody").code == 3
    assert cli("list", passphrase=None).code == 3  # no passphrase and no terminal
    users = json.loads(cli("user", "list", "--json").out)
    assert {u["name"]: u["role"] for u in users} == {"supervisor": "supervisor", OPERATOR: "operator"}
    assert cli("user", "disable", OPERATOR).code == 0
    assert cli("list", user=OPERATOR, passphrase=OPERATOR_PASS).code == 3
    assert cli("user", "reset", "ghost", env={"FIELDAPP_NEW_PASSPHRASE": OPERATOR_PASS}).code == 2
    entries = json.loads(cli("audit", "--json").out)
    assert {"init", "login", "failed_login", "user_add", "register", "user_disable"} <= {e["action"] for e in entries}
    assert all(set(e) == {"seq", "at", "user", "action", "record_id", "detail"} for e in entries)


def test_recover_with_the_code_from_init(cli) -> None:
    code = init(cli)
    result = cli(
        "recover",
        passphrase=None,
        env={"FIELDAPP_RECOVERY_CODE": code, "FIELDAPP_NEW_PASSPHRASE": "a new long passphrase"},
    )
    assert result.code == 0, result.err
    assert cli("list", passphrase="a new long passphrase").code == 0
    reused = cli(
        "recover",
        passphrase=None,
        env={"FIELDAPP_RECOVERY_CODE": code, "FIELDAPP_NEW_PASSPHRASE": "another long passphrase"},
    )
    assert reused.code == 3


def test_usage_errors_exit_2(cli) -> None:
    assert cli("frobnicate").code == 2
    assert cli("user", "add", "x").code == 2  # --role missing
    assert cli("list").code == 2  # no store yet


def test_demo_runs_the_whole_offline_job(cli) -> None:
    result = cli("demo", "--headless", user=None, passphrase=None)
    assert result.code == 0, result.err
    assert "Registered 4 applicants" in result.out and "[duplicate_nik]" in result.out
    assert "verify: 4 records" in result.out and "OK" in result.out


def test_export_writes_every_record_to_csv_for_a_supervisor_only(cli, store, people, tmp_path: Path) -> None:
    import csv as csv_module

    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    store.register(people[:4])
    store.close()
    target = tmp_path / "out" / "export.csv"
    refused = cli("export", "--out", str(target), user=OPERATOR, passphrase=OPERATOR_PASS)
    assert refused.code == 3 and not target.exists()
    missing_folder = cli("export", "--out", str(target))
    assert missing_folder.code == 2 and "cannot write the export file: the folder does not exist" in missing_folder.err
    assert not list(tmp_path.rglob("*.partial"))
    target.parent.mkdir()
    done = cli("export", "--out", str(target), "--json")
    assert done.code == 0 and json.loads(done.out) == {"written": 4, "damaged": 0, "file": str(target)}
    rows = list(csv_module.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    # NIK, KK and phone as ="..." text cells: Excel keeps every digit (no 3.21601E+15) and shows no apostrophe
    assert sorted(row["nik"] for row in rows) == sorted(f'="{p["nik"]}"' for p in people[:4])
    assert sorted(row["kk_number"] for row in rows) == sorted(f'="{p["kk_number"]}"' for p in people[:4])
    assert all(row["phone"].startswith('="+62') and row["phone"][5:-1].isdigit() for row in rows)
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    audit = cli("audit", "--json")
    assert any(entry["action"] == "export" for entry in json.loads(audit.out))
