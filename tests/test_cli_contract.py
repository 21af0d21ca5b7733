"""The CLI's promises under hostile use: damaged records, no-op edits, ids, users, signals, pipes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS, run_process
from test_tamper import flip_byte_on_disk

from fieldapp.outbox import Verdict
from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store


def make_store(data_dir: Path, records: int = 5) -> list[str]:
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    with store:
        return store.register([applicant(i, OFFICE) for i in range(records)])


def latest_blobs(data_dir: Path, record_id: str) -> tuple[bytes, bytes]:
    """The ciphertext of the version `list` reads, and the sealed search name beside it."""
    with sqlite3.connect(data_dir / STORE_FILE) as conn:
        version, search = conn.execute("SELECT version, search FROM records WHERE id = ?", (record_id,)).fetchone()
        blob = conn.execute(
            "SELECT ciphertext FROM record_versions WHERE record_id = ? AND version = ?", (record_id, version)
        ).fetchone()[0]
    return blob, search


# -- one damaged record never makes the store unusable -------------------------------------


def test_damage_in_the_latest_version_is_listed_flagged_and_the_rest_stays_usable(data_dir: Path) -> None:
    ids = make_store(data_dir)
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        assert store.edit(ids[1], {"notes": "versi kedua"}) == 2
    blob, search = latest_blobs(data_dir, ids[1])
    flip_byte_on_disk(data_dir / STORE_FILE, blob)  # version 2: the one every reader reads
    flip_byte_on_disk(data_dir / STORE_FILE, search)

    listed = run_process(["list", "--json"], data_dir)
    assert listed.returncode == 0, listed.stderr
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert set(rows) == set(ids) and rows[ids[1]]["damaged"] is True
    assert all(not rows[i]["damaged"] and rows[i]["full_name"] for i in ids if i != ids[1])
    assert f"damaged): {ids[1]}" in listed.stderr and "fieldapp verify" in listed.stderr

    table = run_process(["list"], data_dir)
    assert table.returncode == 0 and "[damaged]" in table.stdout and ids[1] in table.stderr

    found = run_process(["list", "--search", str(applicant(3, OFFICE)["full_name"]), "--json"], data_dir)
    assert found.returncode == 0 and [row["id"] for row in json.loads(found.stdout)] == [ids[3]], found.stderr

    shown = run_process(["show", ids[1]], data_dir)
    assert shown.returncode == 4 and "Traceback" not in shown.stderr
    assert run_process(["show", ids[2]], data_dir).returncode == 0
    verify = run_process(["verify", "--json"], data_dir)
    assert verify.returncode == 4
    assert {"id": ids[1], "version": 2, "problem": "ciphertext fails its integrity check"} in json.loads(verify.stdout)[
        "bad_versions"
    ]


# -- edits ---------------------------------------------------------------------------------


def test_an_edit_that_changes_nothing_saves_and_queues_nothing(data_dir: Path) -> None:
    ids = make_store(data_dir, 2)
    person = applicant(0, OFFICE)
    same = run_process(["edit", ids[0], "--json"], data_dir, stdin=json.dumps({"full_name": person["full_name"]}))
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout) == {"id": ids[0], "version": 1, "changed": False}
    human = run_process(["edit", ids[0]], data_dir, stdin="{}")
    assert human.returncode == 0 and "No change" in human.stdout
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        assert [v.version for v in store.versions(ids[0])] == [1]
        assert store.sync_status()["queued_versions"] == 2
        assert "edit" not in [entry.action for entry in store.audit_log()]


def test_editing_a_verified_record_warns_it_goes_back_to_review(data_dir: Path) -> None:
    ids = make_store(data_dir, 2)
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        sent = store.queued_versions(10)  # as sync sends them, and the server's verdicts
        store.settle([Verdict(queued.entry, "accepted") for queued in sent])
        store.apply_status_changes([(ids[0], "verified", "")], 1)
        assert store.record_meta(ids[0]).state == "verified"
    edited = run_process(["edit", ids[0]], data_dir, stdin=json.dumps({"notes": "alamat dibetulkan"}))
    assert edited.returncode == 0, edited.stderr
    assert "was verified" in edited.stderr and "review" in edited.stderr
    plain = run_process(["edit", ids[1]], data_dir, stdin=json.dumps({"notes": "catatan"}))
    assert plain.returncode == 0 and "verified" not in plain.stderr


def test_an_ambiguous_id_prefix_says_ambiguous_and_a_nik_is_not_echoed(data_dir: Path) -> None:
    ids = make_store(data_dir, 3)
    prefix = ids[0][:8]
    assert all(i.startswith(prefix) for i in ids)  # UUIDv7: made in the same minute, same start
    ambiguous = run_process(["show", prefix], data_dir)
    assert ambiguous.returncode == 2 and "ambiguous" in ambiguous.stderr
    nik = str(applicant(0, OFFICE)["nik"])
    by_nik = run_process(["show", nik], data_dir)
    assert by_nik.returncode == 2 and nik not in by_nik.stderr and "not a NIK" in by_nik.stderr
    log = (data_dir / "logs" / "fieldapp.log").read_text()
    assert nik not in log


def test_search_text_can_come_from_standard_input(data_dir: Path) -> None:
    ids = make_store(data_dir, 3)
    nik = str(applicant(2, OFFICE)["nik"])
    found = run_process(["list", "--search", "-", "--json"], data_dir, stdin=nik + "\n")
    assert found.returncode == 0, found.stderr
    assert [row["id"] for row in json.loads(found.stdout)] == [ids[2]]
    empty = run_process(["list", "--search", "-"], data_dir, stdin="")
    assert empty.returncode == 2 and "no search text" in empty.stderr


# -- users ---------------------------------------------------------------------------------


def test_a_disabled_user_can_be_enabled_and_reset_says_they_stay_disabled(data_dir: Path) -> None:
    make_store(data_dir, 1)
    new = {"FIELDAPP_NEW_PASSPHRASE": OPERATOR_PASS}
    assert run_process(["user", "add", OPERATOR, "--role", "operator"], data_dir, env=new).returncode == 0
    assert run_process(["user", "disable", OPERATOR], data_dir).returncode == 0
    assert run_process(["list"], data_dir, user=OPERATOR, passphrase=OPERATOR_PASS).returncode == 3
    reset = run_process(["user", "reset", OPERATOR], data_dir, env=new)
    assert reset.returncode == 0 and "stays disabled" in reset.stdout and "user enable" in reset.stdout
    assert run_process(["list"], data_dir, user=OPERATOR, passphrase=OPERATOR_PASS).returncode == 3
    enabled = run_process(["user", "enable", OPERATOR], data_dir)
    assert enabled.returncode == 0, enabled.stderr
    assert run_process(["list"], data_dir, user=OPERATOR, passphrase=OPERATOR_PASS).returncode == 0
    audit = json.loads(run_process(["audit", "--json"], data_dir).stdout)
    assert [e["detail"].split()[0] for e in audit if e["action"] == "user_enable"] == [f"user={OPERATOR}"]
    again = run_process(["user", "reset", OPERATOR], data_dir, env=new)
    assert again.returncode == 0 and "stays disabled" not in again.stdout


# -- signals and pipes ---------------------------------------------------------------------


def _start(args: list[str], data_dir: Path, batch: list[object]) -> subprocess.Popen[bytes]:
    """`fieldapp ...` reading `batch`, with Python's own Ctrl+C handling whatever the runner ignores."""
    import os

    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir), "FIELDAPP_USER": SUPERVISOR}
    env["FIELDAPP_PASSPHRASE"] = SUPERVISOR_PASS
    source = data_dir.parent / "batch.json"
    source.write_text(json.dumps(batch))
    return subprocess.Popen(
        [sys.executable, "-m", "fieldapp", *args],
        stdin=source.open("rb"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _records(data_dir: Path) -> int:
    with sqlite3.connect(f"{(data_dir / STORE_FILE).as_uri()}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])


def _logins(data_dir: Path) -> int:
    with sqlite3.connect(f"{(data_dir / STORE_FILE).as_uri()}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM audit WHERE action IN ('init', 'login')").fetchone()[0])


def test_ctrl_c_after_the_batch_is_saved_says_it_was_saved(data_dir: Path) -> None:
    make_store(data_dir, 0)
    process = _start(["register"], data_dir, [applicant(i, OFFICE) for i in range(2000)])
    deadline = time.monotonic() + 120
    while _records(data_dir) < 2000:  # stdout is not read: 2,000 ids fill the pipe and block it
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "all 2000 record(s) are saved" in err.decode(), err
    assert _records(data_dir) == 2000


def test_ctrl_c_before_the_batch_is_saved_says_nothing_was_saved(data_dir: Path) -> None:
    make_store(data_dir, 0)
    process = _start(["register"], data_dir, [applicant(i, OFFICE) for i in range(20000)])
    deadline = time.monotonic() + 120
    while _logins(data_dir) < 2:  # the store's own creation was the first
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)  # logged in and checking 20,000 records: several seconds on this machine
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "nothing was saved" in err.decode() and "Traceback" not in err.decode(), err
    assert _records(data_dir) == 0


def test_a_closed_pipe_exits_quietly(data_dir: Path) -> None:
    make_store(data_dir, 600)  # more JSON than a pipe holds
    import os

    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir), "FIELDAPP_USER": SUPERVISOR}
    env["FIELDAPP_PASSPHRASE"] = SUPERVISOR_PASS
    script = f"set -o pipefail; {sys.executable} -m fieldapp list --json | head -1; echo status=${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.splitlines() == ["[", "status=141"], done.stdout
    assert done.stderr == "", done.stderr


def test_sync_sends_every_readable_record_and_names_the_damaged_one(tmp_path: Path) -> None:
    """Sync is a reader too: a damaged queued version stays queued and is named; the rest go."""
    from servers import Laptop, ServerProcess

    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server").start()
    try:
        laptop = Laptop(tmp_path / "laptop", OFFICE).init()
        assert laptop.enroll(server).returncode == 0
        ids = laptop.register([applicant(i, OFFICE) for i in range(5)])
        blob, _search = latest_blobs(laptop.data_dir, ids[0])  # the oldest: the first batch's first row
        flip_byte_on_disk(laptop.data_dir / STORE_FILE, blob)
        synced = laptop.run("sync", "--json")
        assert synced.returncode == 7, synced.stderr
        report = json.loads(synced.stdout)
        assert report["outcomes"] == {"accepted": 4} and report["unsent"] == 1, report
        assert f"damaged and cannot be sent ({ids[0]} v1)" in synced.stderr and "Traceback" not in synced.stderr
        assert server.stats()["records"] == 4
    finally:
        server.stop()


# -- what an outside review broke --------------------------------------------------------


def test_export_never_writes_into_the_data_folder(data_dir: Path) -> None:
    ids = make_store(data_dir, 3)
    for target in (data_dir / STORE_FILE, data_dir / "logs" / "fieldapp.log", data_dir / "export.csv"):
        refused = run_process(["export", "--out", str(target)], data_dir)
        assert refused.returncode == 2 and "outside the data folder" in refused.stderr, (target, refused.stderr)
    assert run_process(["verify"], data_dir).returncode == 0
    assert run_process(["show", ids[0]], data_dir).returncode == 0
    assert str(applicant(0, OFFICE)["nik"]) not in (data_dir / "logs" / "fieldapp.log").read_text()
    assert run_process(["export", "--out", ""], data_dir).returncode == 2


def test_an_empty_passphrase_variable_is_no_attempt_and_locks_nobody_out(data_dir: Path) -> None:
    make_store(data_dir, 1)
    for _attempt in range(6):
        empty = run_process(["status"], data_dir, passphrase="")
        assert empty.returncode == 3 and "no passphrase given" in empty.stderr, empty.stderr
    assert run_process(["status"], data_dir).returncode == 0  # not locked out


def test_bad_values_in_arguments_and_variables_are_usage_errors_not_bugs(data_dir: Path) -> None:
    make_store(data_dir, 2)
    for args in (["list", "--limit", "-1"], ["list", "--limit", "0"], ["list", "--limit", "9" * 20]):
        result = run_process(args, data_dir)
        assert result.returncode == 2 and "--limit" in result.stderr, (args, result.stderr)
    assert run_process(["audit", "--limit", "-5"], data_dir).returncode == 2
    assert run_process(["--data-dir", "", "list"], data_dir).returncode == 2
    nik = str(applicant(0, OFFICE)["nik"])
    status = run_process(["list", "--status", nik], data_dir)
    log = data_dir / "logs" / "fieldapp.log"
    assert status.returncode == 2 and (not log.exists() or nik not in log.read_text())
    import os

    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir), "FIELDAPP_USER": SUPERVISOR}
    env_bytes = {k.encode(): v.encode() for k, v in env.items()}
    env_bytes[b"FIELDAPP_PASSPHRASE"] = b"\xff\xfe not utf-8"
    done = subprocess.run([sys.executable, "-m", "fieldapp", "status"], env=env_bytes, capture_output=True, text=True)
    assert done.returncode == 2 and "FIELDAPP_PASSPHRASE is not UTF-8" in done.stderr, done.stderr


def test_edit_takes_one_object_and_an_empty_array_is_no_records(data_dir: Path) -> None:
    ids = make_store(data_dir, 1)
    for text in ('[{"notes": "x"}]', '"x"'):
        refused = run_process(["edit", ids[0], "--json"], data_dir, stdin=text)
        assert refused.returncode == 2 and json.loads(refused.stdout)["errors"][0]["code"] == "not_one_object"
    empty = run_process(["register", "--json"], data_dir, stdin="[]")
    assert empty.returncode == 2 and json.loads(empty.stdout)["errors"][0]["code"] == "no_records"


def test_errors_of_a_json_command_are_json_too(data_dir: Path) -> None:
    ids = make_store(data_dir, 3)
    missing = run_process(["show", "ffffffff", "--json"], data_dir)
    assert missing.returncode == 2
    assert json.loads(missing.stdout)["errors"][0]["code"] == "usage_error"
    ambiguous = run_process(["edit", ids[0][:8], "--json"], data_dir, stdin="{}")
    assert ambiguous.returncode == 2 and "ambiguous" in json.loads(ambiguous.stdout)["errors"][0]["message"]


def test_an_id_typed_in_capitals_is_found(data_dir: Path) -> None:
    ids = make_store(data_dir, 1)
    assert run_process(["show", ids[0].upper()], data_dir).returncode == 0


def test_a_passphrase_of_invisible_characters_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    result = run_process(["init"], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": "\u200b" * 12})
    assert result.returncode == 2 and "invisible" in result.stderr and not data_dir.exists()


def test_a_damaged_search_name_is_warned_about_not_silently_missed(data_dir: Path) -> None:
    ids = make_store(data_dir, 3)
    _blob, search = latest_blobs(data_dir, ids[1])
    flip_byte_on_disk(data_dir / STORE_FILE, search)
    name = str(applicant(1, OFFICE)["full_name"])
    found = run_process(["list", "--search", name], data_dir)
    assert found.returncode == 0 and ids[1] in found.stderr and "damaged" in found.stderr


def test_no_log_is_written_into_a_folder_without_a_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_process(["list"], empty).returncode == 2
    (empty / STORE_FILE).touch()
    assert run_process(["list"], empty).returncode == 4
    init = run_process(["init"], empty, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert init.returncode == 4 and "not a fieldapp store" in init.stderr
    assert sorted(p.name for p in empty.iterdir()) == [STORE_FILE]


def test_output_to_a_full_device_or_a_closed_stdout_is_said(data_dir: Path) -> None:
    make_store(data_dir, 2)
    import os

    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir), "FIELDAPP_USER": SUPERVISOR}
    env["FIELDAPP_PASSPHRASE"] = SUPERVISOR_PASS
    program = f"{sys.executable} -m fieldapp"
    full = subprocess.run(["bash", "-c", f"{program} list > /dev/full"], env=env, capture_output=True, text=True)
    assert full.returncode == 6 and "disk is full" in full.stderr and "Traceback" not in full.stderr, full.stderr
    closed = subprocess.run(["bash", "-c", f"{program} list >&-"], env=env, capture_output=True, text=True)
    assert closed.returncode == 2 and "standard output is closed" in closed.stderr, closed.stderr
