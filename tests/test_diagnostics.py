"""`fieldapp diagnostics OUT.zip` as a real process: every expected part, and no personal data.

A laptop with marked applicants (every personal field a distinct marker) registers, syncs with
a real server on loopback and logs; the zip is then opened and every file in it scanned for the
markers, the passphrase and the device token, in UTF-8 and UTF-16. The logs' place is checked
too: the platform's log folder for the default data folder, beside the store otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process
from servers import Laptop, ServerProcess
from test_privacy import marked_applicant, markers

from fieldapp.store import Store

PROGRAM = Path(sys.executable).with_name("fieldapp")


def unzipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def leaks(parts: dict[str, bytes], secrets: list[str]) -> list[str]:
    found = []
    for name, blob in parts.items():
        for secret in secrets:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if secret.encode(encoding) in blob:
                    found.append(f"{name}: {secret!r} ({encoding})")
    return found


@pytest.fixture(scope="module")
def synced_laptop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Laptop, list[dict[str, object]], str]:
    """A laptop that registered 6 marked applicants, was refused a 7th, synced, and was looked at."""
    folder = tmp_path_factory.mktemp("diagnostics")
    server = ServerProcess(f"sqlite:///{folder / 'central.sqlite3'}", folder / "server").start()
    try:
        laptop = Laptop(folder / "laptop", OFFICE).init()
        assert laptop.enroll(server).returncode == 0
        people = [marked_applicant(n) for n in range(6)]
        ids = laptop.register(people)
        bad = {**marked_applicant(40), "birth_date": "1990-13-45"}  # refused: its values must not be logged
        assert laptop.run("register", stdin=json.dumps(bad)).returncode == 2
        assert laptop.run("show", ids[0]).returncode == 0
        assert laptop.run("list", "--search", "Markername").returncode == 0
        assert laptop.run("sync").returncode == 0, "sync failed"
        assert run_process(["list"], laptop.data_dir, passphrase="wrong passphrase 1").returncode == 3  # logged
    finally:
        server.stop()
    return laptop, [*people, bad], server.url


def test_the_zip_has_every_part_and_no_personal_data(synced_laptop, tmp_path: Path) -> None:
    laptop, people, server_url = synced_laptop
    out = tmp_path / "support.zip"
    done = laptop.run("diagnostics", str(out), timeout=300)
    assert done.returncode == 0, done.stderr
    parts = unzipped(out)
    assert {"README.txt", "versions.json", "settings.json", "store.json", "sync-history.json", "self-test.txt"} <= set(
        parts
    )
    assert "logs/fieldapp.log" in parts
    with Store.open(laptop.data_dir) as store:  # what must never be in the zip: the device token
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        token = store.enrolment().token  # type: ignore[union-attr]
    secrets = [m for person in people for m in markers(person)] + [SUPERVISOR_PASS, token]
    assert leaks(parts, secrets) == []
    assert b"Nothing missing." in parts["README.txt"]

    versions = json.loads(parts["versions.json"])
    assert {"fieldapp", "python", "sqlite", "os", "cryptography"} <= set(versions)
    settings = json.loads(parts["settings.json"])
    assert settings["server_url"] == server_url and settings["office"] == OFFICE and settings["device_id"]
    assert settings["auto_lock_minutes"] == 10 and settings["auto_sync"] is True and settings["language"] == "id"
    store = json.loads(parts["store.json"])
    assert store["records_by_state"]["synced"] == 6 and store["queued_versions"] == 0
    assert store["schema_version"] >= 1 and store["store_bytes"] > 0
    runs = json.loads(parts["sync-history.json"])["runs"]
    assert runs and runs[0]["at"] and not runs[0]["ended_in_error"] and sum(runs[0]["counts"].values()) >= 6
    assert set(runs[0]) == {"at", "counts", "ended_in_error"}  # times and counts only: not who, not error text
    self_test = parts["self-test.txt"].decode()
    assert "ok   store" in self_test and "exit 0" in self_test, self_test
    assert b"AuthError (exit 3)" in parts["logs/fieldapp.log"]  # the refused login, by kind only


def test_without_a_login_the_zip_has_what_the_file_tells_and_says_what_is_missing(
    synced_laptop, tmp_path: Path
) -> None:
    laptop, _people, _url = synced_laptop
    out = tmp_path / "no-login.zip"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env["FIELDAPP_DATA_DIR"] = str(laptop.data_dir)
    done = subprocess.run(
        [str(PROGRAM), "diagnostics", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # no terminal to prompt on: IT without a passphrase
    )
    assert done.returncode == 0, done.stderr
    parts = unzipped(out)
    assert "sync-history.json" not in parts
    readme = parts["README.txt"].decode()
    assert "no login" in readme and "sync history" in readme
    store = json.loads(parts["store.json"])
    assert store["records_by_state"]["synced"] == 6 and store["read_without_login"]
    settings = json.loads(parts["settings.json"])
    assert settings["office"] == OFFICE and "auto_lock_minutes" not in settings


def test_the_zip_is_refused_inside_the_data_folder(synced_laptop) -> None:
    laptop, _people, _url = synced_laptop
    for target in (laptop.data_dir / "support.zip", laptop.data_dir / "logs" / "support.zip"):
        done = laptop.run("diagnostics", str(target))
        assert done.returncode == 2 and "outside the data folder" in done.stderr
        assert not target.exists() and not target.with_name(target.name + ".partial").exists()


def test_logs_go_to_the_platform_log_folder_for_the_default_data_folder(tmp_path: Path) -> None:
    home = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDAPP_", "XDG_"))} | home
    env |= {"FIELDAPP_USER": SUPERVISOR, "FIELDAPP_PASSPHRASE": SUPERVISOR_PASS}

    def fieldapp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PROGRAM), *args], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)

    assert fieldapp("init", "--office", OFFICE).returncode == 0
    default = tmp_path / "data" / "fieldapp"
    assert (default / "store.sqlite3").is_file()
    log = tmp_path / "state" / "fieldapp" / "log" / "fieldapp.log"
    assert log.is_file() and "store created" in log.read_text()
    assert not (default / "logs").exists()
    assert (log.parent.stat().st_mode & 0o777) == 0o700 and (log.stat().st_mode & 0o777) == 0o600
    done = fieldapp("diagnostics", str(tmp_path / "d.zip"))
    assert done.returncode == 0, done.stderr
    assert b"store created" in unzipped(tmp_path / "d.zip")["logs/fieldapp.log"]
    assert fieldapp("diagnostics", str(log.parent / "d.zip")).returncode == 2  # not into the log folder


def test_logs_stay_beside_a_store_given_by_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "second"
    done = run_process(["init", "--office", OFFICE], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert done.returncode == 0, done.stderr
    assert (data_dir / "logs" / "fieldapp.log").is_file()


def test_a_nik_that_reached_a_log_anyway_is_masked_in_the_zip(tmp_path: Path) -> None:
    """The second line of defence, and a guard that the scan above can find a leak at all."""
    data_dir = tmp_path / "laptop"
    assert run_process(["init"], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS}).returncode == 0
    nik = str(marked_applicant(1)["nik"])
    log = data_dir / "logs" / "fieldapp.log"
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"2026-01-01 INFO test: a bug logged {nik}\n")
    assert leaks({"fieldapp.log": log.read_bytes()}, [nik]) == [f"fieldapp.log: {nik!r} (utf-8)"]
    assert run_process(["diagnostics", str(tmp_path / "d.zip")], data_dir, timeout=300).returncode == 0
    parts = unzipped(tmp_path / "d.zip")
    assert leaks(parts, [nik]) == []
    assert b"a bug logged [16+ digits]" in parts["logs/fieldapp.log"]
