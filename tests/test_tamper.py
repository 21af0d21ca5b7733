"""Tampering is found and named, the rest stays readable; wrong passphrases and lockouts hold."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp.store import STORE_FILE, Store


def flip_byte_on_disk(db_path: Path, blob: bytes) -> None:
    """Flip one bit in the middle of `blob` where it lies in the database file itself."""
    raw = bytearray(db_path.read_bytes())
    where = raw.find(blob)
    assert where >= 0 and raw.find(blob, where + 1) < 0
    raw[where + len(blob) // 2] ^= 0x01
    db_path.write_bytes(bytes(raw))


def build(data_dir: Path, people: list) -> list[str]:
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    ids = store.register(people[:5])
    store.edit(ids[2], {"notes": "second version"})
    store.close()
    return ids


def test_a_flipped_byte_in_a_ciphertext_is_named_and_the_rest_stays_readable(data_dir: Path, people: list) -> None:
    ids = build(data_dir, people)
    db = data_dir / STORE_FILE
    with sqlite3.connect(db) as conn:
        blob = conn.execute(
            "SELECT ciphertext FROM record_versions WHERE record_id = ? AND version = 1", (ids[2],)
        ).fetchone()[0]
    flip_byte_on_disk(db, blob)

    verify = run_process(["verify", "--json"], data_dir)
    assert verify.returncode == 4, verify.stderr
    report = json.loads(verify.stdout)
    assert report["bad_versions"] == [{"id": ids[2], "version": 1, "problem": "ciphertext fails its integrity check"}]
    assert report["bad_audit_entries"] == []
    for record_id in ids:  # version 2 of the damaged record is intact, and so is every other record
        assert run_process(["show", record_id, "--json"], data_dir).returncode == 0
    human = run_process(["verify"], data_dir)
    assert human.returncode == 4 and f"BAD record {ids[2]} version 1" in human.stdout


def test_a_swapped_ciphertext_fails_because_it_is_bound_to_its_row(data_dir: Path, people: list) -> None:
    ids = build(data_dir, people)
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        other = conn.execute("SELECT ciphertext FROM record_versions WHERE record_id = ?", (ids[0],)).fetchone()[0]
        conn.execute("UPDATE record_versions SET ciphertext = ? WHERE record_id = ?", (other, ids[1]))
    verify = run_process(["verify", "--json"], data_dir)
    assert verify.returncode == 4
    assert [b["id"] for b in json.loads(verify.stdout)["bad_versions"]] == [ids[1]]
    shown = run_process(["show", ids[1]], data_dir)
    assert shown.returncode == 4 and "integrity" in shown.stderr


def test_a_flipped_byte_in_an_audit_entry_is_named(data_dir: Path, people: list) -> None:
    build(data_dir, people)
    flip_byte_on_disk(data_dir / STORE_FILE, f"office={OFFICE}".encode())  # the init entry's detail
    verify = run_process(["verify", "--json"], data_dir)
    assert verify.returncode == 4
    assert json.loads(verify.stdout)["bad_audit_entries"] == [1]
    assert json.loads(verify.stdout)["bad_versions"] == []
    assert run_process(["list"], data_dir).returncode == 0


def test_an_audit_entry_changed_through_sql_is_named(data_dir: Path, people: list) -> None:
    build(data_dir, people)
    with sqlite3.connect(data_dir / STORE_FILE) as conn:  # an attacker drops the fence first
        seq = conn.execute("SELECT seq FROM audit WHERE action = 'register' LIMIT 1").fetchone()[0]
        conn.execute("DROP TRIGGER audit_append_only_update")
        conn.execute("UPDATE audit SET user = 'someone-else' WHERE seq = ?", (seq,))
    verify = run_process(["verify", "--json"], data_dir)
    assert verify.returncode == 4
    assert json.loads(verify.stdout)["bad_audit_entries"] == [seq]


def test_the_audit_log_refuses_updates_and_deletes(data_dir: Path, people: list) -> None:
    build(data_dir, people)
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        for sql in ("UPDATE audit SET user = 'x'", "DELETE FROM audit"):
            try:
                conn.execute(sql)
            except sqlite3.DatabaseError as exc:
                assert "append-only" in str(exc)
            else:
                raise AssertionError(f"{sql} was allowed")


def test_a_file_that_is_not_a_database_exits_4(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / STORE_FILE).write_bytes(b"this is not sqlite" * 100)
    result = run_process(["list"], data_dir)
    assert result.returncode == 4 and "not a fieldapp store" in result.stderr


def test_wrong_passphrase_exits_3_and_lockout_holds_across_processes(data_dir: Path, people: list) -> None:
    build(data_dir, people)
    added = run_process(
        ["user", "add", OPERATOR, "--role", "operator"], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": OPERATOR_PASS}
    )
    assert added.returncode == 0, added.stderr
    for attempt in range(1, 6):
        wrong = run_process(["list"], data_dir, user=OPERATOR, passphrase="not the passphrase")
        assert wrong.returncode == 3, (attempt, wrong.stderr)
    assert "locked" in wrong.stderr
    right = run_process(["list"], data_dir, user=OPERATOR, passphrase=OPERATOR_PASS)
    assert right.returncode == 3 and "locked" in right.stderr
    audit = run_process(["audit", "--json"], data_dir)
    actions = [entry["action"] for entry in json.loads(audit.stdout)]
    assert actions.count("failed_login") == 5 and "lockout" in actions
