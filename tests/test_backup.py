"""Upgrades keep a copy of the old store; `fieldapp backup` / `restore` round trip and refuse tampering."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest
from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS

from fieldapp import backup, keyring, schema, users
from fieldapp.errors import DiskProblem, StoreTooNew
from fieldapp.sample import applicant
from fieldapp.schema import SCHEMA_VERSION
from fieldapp.store import STORE_FILE, Store

FIXTURES = sorted((Path(__file__).parent / "data").glob("store_v*"))
OLD_FIXTURES = [f for f in FIXTURES if f.name != f"store_v{SCHEMA_VERSION}"]
FIXTURE_PASSPHRASE = "fixture passphrase v1"


def b64(value: bytes) -> str:
    return b64encode(value).decode()


def _version_of(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return schema.current_version(conn)
    finally:
        conn.close()


def _files(folder: Path) -> dict[str, bytes]:
    """Every file and its bytes, but SQLite's -shm (a shared-memory index it remakes on any read)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.endswith("-shm")}


# -- the automatic copy before an upgrade ---------------------------------------------------------


@pytest.mark.parametrize("fixture", OLD_FIXTURES, ids=lambda p: p.name)
def test_an_upgrade_keeps_the_old_store_beside_it_and_the_queue(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copytree(fixture, copy)
    old = _version_of(copy / STORE_FILE)
    assert old < SCHEMA_VERSION
    store = Store.open(copy)
    store.login("supervisor", FIXTURE_PASSPHRASE)
    assert len(store.queued_versions(10)) == 4  # the queue came through the upgrade whole
    store.close()
    kept = copy / f"{STORE_FILE}.v{old}.bak"
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert _version_of(kept) == old and _version_of(copy / STORE_FILE) == SCHEMA_VERSION
    assert not list(copy.glob("*.partial"))
    kept_bytes = kept.read_bytes()
    Store.open(copy).close()  # already current: no second copy
    assert sorted(p.name for p in copy.glob("*.bak")) == [kept.name]
    assert kept.read_bytes() == kept_bytes
    (tmp_path / "back").mkdir()
    shutil.copy(kept, tmp_path / "back" / STORE_FILE)
    again = Store.open(tmp_path / "back")  # the copy itself opens and upgrades
    again.login("supervisor", FIXTURE_PASSPHRASE)
    assert again.verify().ok and len(again.queued_versions(10)) == 4
    again.close()


def test_an_existing_upgrade_copy_is_never_overwritten(tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(OLD_FIXTURES[0], copy)
    old = _version_of(copy / STORE_FILE)
    earlier = copy / f"{STORE_FILE}.v{old}.bak"
    earlier.write_bytes(b"an earlier upgrade's copy")
    Store.open(copy).close()
    assert earlier.read_bytes() == b"an earlier upgrade's copy"
    assert _version_of(copy / f"{STORE_FILE}.v{old}-2.bak") == old


def test_a_disk_problem_while_copying_stops_the_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "store"
    shutil.copytree(OLD_FIXTURES[0], copy)
    old = _version_of(copy / STORE_FILE)
    before = (copy / STORE_FILE).read_bytes()

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", full_disk)
    with pytest.raises(DiskProblem) as refused:
        Store.open(copy)
    assert refused.value.exit_code == 6 and "disk is full" in refused.value.message_en
    assert _version_of(copy / STORE_FILE) == old and (copy / STORE_FILE).read_bytes() == before
    assert not list(copy.glob("*.bak*"))


def test_a_store_from_a_newer_version_is_refused_naming_both(tmp_path: Path) -> None:
    created, _code = Store.create(tmp_path / "new", SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    created.close()
    conn = sqlite3.connect(tmp_path / "new" / STORE_FILE)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()
    with pytest.raises(StoreTooNew) as refused:
        Store.open(tmp_path / "new")
    message = refused.value.message_en
    assert f"schema {SCHEMA_VERSION + 3}" in message and f"({SCHEMA_VERSION})" in message
    assert str(SCHEMA_VERSION + 3) in refused.value.message_id
    assert not list((tmp_path / "new").glob("*.bak"))


# -- backup and restore ---------------------------------------------------------------------------


@pytest.fixture
def filled(store: Store) -> Store:
    """A store with an operator, records (one edited), a queue and audit entries."""
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    ids = store.register([applicant(i, OFFICE) for i in range(3)])
    store.edit(ids[0], {"notes": "edited before the backup"})
    return store


def _snapshot_of(store: Store) -> dict[str, object]:
    return {
        "records": sorted((s.id, s.version, s.full_name) for s in store.summaries()),
        "users": sorted((u.name, u.role) for u in store.users()),
        "queue": [(q.entry.seq, q.entry.record_id, q.entry.version) for q in store.queued_versions(100)],
        "audit": [(e.seq, e.action) for e in store.audit_log()],
    }


def test_backup_then_restore_brings_everything_back(filled: Store, data_dir: Path, tmp_path: Path, cli) -> None:
    expected = _snapshot_of(filled)
    filled.close()
    out = tmp_path / "usb" / "laptop.fabackup"
    out.parent.mkdir()
    made = cli("backup", str(out))
    assert made.code == 0, made.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    sealed = out.read_bytes()
    for person in (applicant(i, OFFICE) for i in range(3)):  # nothing personal readable in the file
        assert str(person["nik"]).encode() not in sealed and str(person["full_name"]).encode() not in sealed
    with Store.open(data_dir) as later:  # work after the backup, which the restore takes back
        later.login(SUPERVISOR, SUPERVISOR_PASS)
        assert "backup" in {e.action for e in later.audit_log(2)}
        later.register([applicant(7, OFFICE)])
    before = (data_dir / STORE_FILE).read_bytes()
    refused = cli("restore", str(out))  # the record saved since was never sent: said, nothing replaced
    assert refused.code == 2 and "1 version(s) queued" in refused.err and "--replace" in refused.err
    assert (data_dir / STORE_FILE).read_bytes() == before and not list(data_dir.glob("*.replaced-*"))
    again = cli("backup", str(out))  # an older backup is never overwritten
    assert again.code == 2 and "already exists" in again.err and out.read_bytes() == sealed
    restored = cli("restore", str(out), "--replace")
    assert restored.code == 0, restored.err
    assert "kept as" in restored.out
    aside = list(data_dir.glob(f"{STORE_FILE}.replaced-*"))
    assert len(aside) == 1 and str(aside[0]) in restored.out
    with Store.open(data_dir) as back:
        back.login(SUPERVISOR, SUPERVISOR_PASS)
        got = _snapshot_of(back)
        assert back.restore_declared()
        assert back.verify().ok
        entries = back.audit_log()
        back.lock()
    assert got["records"] == expected["records"] and got["users"] == expected["users"]
    assert got["queue"] == expected["queue"]
    assert got["audit"][: len(expected["audit"])] == expected["audit"]  # type: ignore[index]
    assert [e.action for e in entries[-3:]] == ["login", "restore_declared", "login"]
    (tmp_path / "aside").mkdir()  # the replaced store is whole, with the record saved after the backup
    shutil.copy(aside[0], tmp_path / "aside" / STORE_FILE)
    with Store.open(tmp_path / "aside") as old:
        old.login(SUPERVISOR, SUPERVISOR_PASS)
        assert old.count() == 4


def test_restore_onto_a_laptop_without_a_store(filled: Store, tmp_path: Path, cli) -> None:
    filled.close()
    out = tmp_path / "b.fabackup"
    assert cli("backup", str(out)).code == 0
    new_laptop = tmp_path / "new-laptop" / "data"
    restored = cli("restore", str(out), env={"FIELDAPP_DATA_DIR": str(new_laptop)})
    assert restored.code == 0, restored.err
    with Store.open(new_laptop) as back:
        back.login(SUPERVISOR, SUPERVISOR_PASS)
        assert back.count() == 3 and back.restore_declared()


def test_a_backup_of_another_laptop_is_not_restored_over_this_one_unasked(filled: Store, tmp_path: Path, cli) -> None:
    filled.close()
    out = tmp_path / "a.fabackup"
    assert cli("backup", str(out)).code == 0
    other = tmp_path / "laptop-b"
    Store.create(other, SUPERVISOR, SUPERVISOR_PASS, OFFICE)[0].close()
    before = (other / STORE_FILE).read_bytes()
    refused = cli("restore", str(out), env={"FIELDAPP_DATA_DIR": str(other)})
    assert refused.code == 2 and "another store" in refused.err
    assert (other / STORE_FILE).read_bytes() == before
    assert cli("restore", str(out), "--replace", env={"FIELDAPP_DATA_DIR": str(other)}).code == 0


def _tampered(blob: bytes, how: str) -> bytes:
    if how == "flipped":
        middle = len(blob) // 2
        return blob[:middle] + bytes([blob[middle] ^ 0x01]) + blob[middle + 1 :]
    if how == "truncated":
        return blob[: len(blob) - 100]
    length = struct.unpack(">I", blob[9:13])[0]
    header = json.loads(blob[13 : 13 + length])
    header["store_id"] = "00000000-0000-0000-0000-000000000000"
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    changed = blob[:9] + struct.pack(">I", len(raw)) + raw + blob[13 + length : -32]
    if how == "store_id":
        return changed + blob[-32:]  # the checksum no longer matches
    return changed + hashlib.sha256(changed).digest()  # checksum redone: AES-GCM's associated data catches it


@pytest.mark.parametrize("how", ["flipped", "truncated", "store_id", "store_id_rehashed"])
def test_a_tampered_backup_is_refused_and_nothing_replaced(
    filled: Store, data_dir: Path, tmp_path: Path, cli, how: str
) -> None:
    filled.close()
    out = tmp_path / "b.fabackup"
    assert cli("backup", str(out)).code == 0
    out.write_bytes(_tampered(out.read_bytes(), how))
    before = _files(data_dir)
    refused = cli("restore", str(out))
    assert refused.code == 4, refused.err
    assert "nothing was replaced" in refused.err
    assert _files(data_dir) == before


def test_restore_with_a_wrong_passphrase_or_an_operator_is_refused(
    filled: Store, data_dir: Path, tmp_path: Path, cli
) -> None:
    filled.close()
    out = tmp_path / "b.fabackup"
    assert cli("backup", str(out)).code == 0
    before = _files(data_dir)
    wrong = cli("restore", str(out), passphrase="not the right passphrase")
    assert wrong.code == 3 and "wrong passphrase" in wrong.err
    operator = cli("restore", str(out), user=OPERATOR, passphrase=OPERATOR_PASS)
    assert operator.code == 3 and "not a supervisor" in operator.err
    assert _files(data_dir) == before
    missing = cli("restore", str(tmp_path / "nothing-here"))
    assert missing.code == 2


def test_backup_is_for_supervisors_and_outside_the_data_folder(filled: Store, data_dir: Path, tmp_path: Path, cli):
    filled.close()
    operator = cli("backup", str(tmp_path / "op.fabackup"), user=OPERATOR, passphrase=OPERATOR_PASS)
    assert operator.code == 3 and not (tmp_path / "op.fabackup").exists()
    inside = cli("backup", str(data_dir / "b.fabackup"))
    assert inside.code == 2 and not (data_dir / "b.fabackup").exists()
    with Store.open(data_dir) as check:
        check.login(SUPERVISOR, SUPERVISOR_PASS)
        assert "backup" not in {e.action for e in check.audit_log()}


def test_a_backup_from_an_older_schema_is_upgraded_when_restored(tmp_path: Path, cli) -> None:
    v3 = tmp_path / "v3"
    shutil.copytree(next(f for f in FIXTURES if f.name == "store_v3"), v3)  # never open a fixture in place
    conn = sqlite3.connect(v3 / STORE_FILE)
    key = users.unwrap_store_key(conn, "supervisor", FIXTURE_PASSPHRASE)
    params, salt, wrapped = users.wrapped_key(conn, "supervisor")
    header = {  # what a future backup of an older schema carries: the supervisors' wraps
        "format": 1,
        "store_id": keyring.get_meta(conn, "store_id"),
        "created_at": "2026-01-01T00:00:00Z",
        "schema": 3,
        "supervisors": [{"name": "supervisor", "kdf": params.encode(), "salt": b64(salt), "wrapped": b64(wrapped)}],
    }
    out = tmp_path / "old.fabackup"
    out.write_bytes(backup.seal(header, backup._snapshot(conn), key))
    conn.close()
    target = tmp_path / "target"
    restored = cli(
        "restore", str(out), user="supervisor", passphrase=FIXTURE_PASSPHRASE, env={"FIELDAPP_DATA_DIR": str(target)}
    )
    assert restored.code == 0, restored.err
    assert _version_of(target / STORE_FILE) == SCHEMA_VERSION
    assert _version_of(target / f"{STORE_FILE}.v3.bak") == 3
    with Store.open(target) as back:
        back.login("supervisor", FIXTURE_PASSPHRASE)
        assert len(back.queued_versions(10)) == 4 and back.restore_declared()


# -- the app's supervisor buttons (offscreen) ------------------------------------------------------


@pytest.fixture
def app_sessions(qtbot):
    """Logged-in sessions on `data_dir`, each shut down at the end of the test."""
    from gui import logged_in

    made = []

    def make(data_dir: Path, user: str = SUPERVISOR, passphrase: str = SUPERVISOR_PASS):
        session = logged_in(data_dir, user, passphrase)
        made.append(session)
        return session

    yield make
    for session in made:
        session.shutdown()


def _settings(qtbot, session):
    from ui import settings_screen

    screen = settings_screen.Screen(session)
    qtbot.addWidget(screen)
    return screen


def test_only_a_supervisor_sees_the_backup_buttons(qtbot, data_dir: Path, app_sessions) -> None:
    from gui import make_store

    make_store(data_dir)
    operator_screen = _settings(qtbot, app_sessions(data_dir, OPERATOR, OPERATOR_PASS))
    assert not hasattr(operator_screen, "backup")
    screen = _settings(qtbot, app_sessions(data_dir))
    box = screen.backup
    assert box.backup_button.isEnabled() and box.restore_button.isEnabled()


def test_the_backup_button_writes_an_audited_backup(
    qtbot, data_dir: Path, tmp_path: Path, app_sessions, monkeypatch
) -> None:
    from gui import make_store

    make_store(data_dir, records=3)
    screen = _settings(qtbot, app_sessions(data_dir))
    box = screen.backup
    target = tmp_path / "usb" / "laptop"
    target.parent.mkdir()
    monkeypatch.setattr(box, "choose_backup_path", lambda: target)
    box.backup_button.click()
    qtbot.waitUntil(lambda: bool(box.message.text()) and box.backup_button.isEnabled(), timeout=15_000)
    assert str(target) in box.message.text()
    opened = backup.open_backup(target.read_bytes(), SUPERVISOR, SUPERVISOR_PASS)
    backup.check_image(opened, SUPERVISOR, SUPERVISOR_PASS)
    with Store.open(data_dir) as check:
        check.login(SUPERVISOR, SUPERVISOR_PASS)
        assert "backup" in {e.action for e in check.audit_log()}


def _restore_setup(qtbot, data_dir: Path, tmp_path: Path, app_sessions, monkeypatch, secret: str):
    from gui import make_store, on_lane
    from PySide6.QtWidgets import QMessageBox

    make_store(data_dir, records=2)
    session = app_sessions(data_dir)
    out = tmp_path / "b.fabackup"
    on_lane(session, lambda ctx: backup.write_backup(ctx.store, out))
    on_lane(session, lambda ctx: ctx.store.register([applicant(9, OFFICE)]))
    screen = _settings(qtbot, session)
    shown: list[str] = []
    monkeypatch.setattr(screen.backup, "choose_restore_path", lambda: out)
    monkeypatch.setattr(screen.backup, "ask_passphrase", lambda: secret)
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text, *_a: shown.append(text)))
    asked: list[str] = []  # the record saved after the backup is unsent: the app asks before replacing
    monkeypatch.setattr(screen.backup, "confirm_replace", lambda reason: asked.append(reason) or True)
    screen.asked = asked
    return session, screen, shown


def test_the_restore_button_restores_locks_and_keeps_the_old_store(
    qtbot, data_dir: Path, tmp_path: Path, app_sessions, monkeypatch
) -> None:
    session, screen, shown = _restore_setup(qtbot, data_dir, tmp_path, app_sessions, monkeypatch, SUPERVISOR_PASS)
    box = screen.backup
    with qtbot.waitSignal(session.locked, timeout=30_000):
        box.restore_button.click()
    assert len(screen.asked) == 1 and "1 versi" in screen.asked[0]
    assert shown and "Silakan masuk lagi" in shown[0]
    assert session.user is None and session.lanes.store is None
    with Store.open(data_dir) as back:
        back.login(SUPERVISOR, SUPERVISOR_PASS)
        assert back.count() == 2 and back.restore_declared()
    assert len(list(data_dir.glob(f"{STORE_FILE}.replaced-*"))) == 1


def test_the_restore_button_with_a_wrong_passphrase_changes_nothing(
    qtbot, data_dir: Path, tmp_path: Path, app_sessions, monkeypatch
) -> None:
    session, screen, shown = _restore_setup(qtbot, data_dir, tmp_path, app_sessions, monkeypatch, "wrong passphrase!!")
    box = screen.backup
    box.restore_button.click()
    qtbot.waitUntil(lambda: box.restore_button.isEnabled() and "salah" in box.message.text(), timeout=30_000)
    assert not shown and session.user is not None
    assert not list(data_dir.glob(f"{STORE_FILE}.replaced-*"))
    from gui import on_lane

    assert on_lane(session, lambda ctx: ctx.store.count()) == 3  # the app's store is still open and whole


def test_restore_is_refused_while_the_store_is_open_elsewhere(
    filled: Store, data_dir: Path, tmp_path: Path, cli
) -> None:
    filled.close()
    out = tmp_path / "b.fabackup"
    assert cli("backup", str(out)).code == 0
    before = _files(data_dir)
    holder = subprocess.Popen(  # the app, say: a process with the store open and idle
        [sys.executable, "-c", HOLD_OPEN, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = cli("restore", str(out))
        assert refused.code == 2 and "open in another fieldapp" in refused.err
        assert {k: v for k, v in _files(data_dir).items() if not k.endswith(("-wal", "-shm"))} == {
            k: v for k, v in before.items() if not k.endswith(("-wal", "-shm"))
        }
    finally:
        holder.kill()
        holder.wait()
    assert cli("restore", str(out)).code == 0  # closed: now it goes through


HOLD_OPEN = """
import sys, time
from fieldapp.store import Store
store = Store.open(sys.argv[1])
store.login_names()
print("open", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("server_db", ["sqlite"], indirect=True)
def test_a_restored_laptop_syncs_and_the_server_accepts_its_audit_log(tmp_path: Path, server) -> None:
    """End to end on loopback: back up, work and sync, restore the backup, sync: accepted, not flagged."""
    from test_audit_anchor import devices, sync, work
    from test_sync import enrolled_laptop

    laptop = enrolled_laptop(tmp_path, server)
    work(laptop, 0, 1)
    assert sync(laptop)[0].returncode == 0
    out = tmp_path / "usb.fabackup"
    assert laptop.run("backup", str(out)).returncode == 0
    work(laptop, 1, 3)
    assert sync(laptop)[0].returncode == 0
    restored = laptop.run("restore", str(out))
    assert restored.returncode == 0, restored.stderr
    result, report = sync(laptop)
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["audit_anchor"] == "restore_accepted"
    [device] = devices(server)
    assert device["audit_flag"] == "restore_declared"
    assert laptop.status()["synced"] == 1  # the laptop holds what the backup held
    assert server.stats()["records"] == 4  # what was synced after the backup is safe on the server


def test_the_restore_dialog_asks_once_and_a_cancel_restores_nothing(
    qtbot, data_dir: Path, app_sessions, monkeypatch
) -> None:
    from gui import make_store
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from ui.backup_screen import RestoreDialog

    make_store(data_dir)
    screen = _settings(qtbot, app_sessions(data_dir))
    before = _files(data_dir)

    def answer(text: str | None) -> None:
        [dialog] = [w for w in QApplication.topLevelWidgets() if isinstance(w, RestoreDialog) and w.isVisible()]
        assert "tidak dihapus" in " ".join(label.text() for label in dialog.findChildren(QLabel))
        if text is None:
            dialog.reject()
        else:
            dialog.secret.setText(text)
            dialog.accept()

    QTimer.singleShot(200, lambda: answer(SUPERVISOR_PASS))
    assert screen.backup.ask_passphrase() == SUPERVISOR_PASS
    monkeypatch.setattr(screen.backup, "choose_restore_path", lambda: data_dir / "any.fabackup")
    QTimer.singleShot(200, lambda: answer(None))
    screen.backup.restore_button.click()  # cancelled at the question: nothing runs
    assert screen.backup.restore_button.isEnabled() and not screen.backup.message.text()
    assert _files(data_dir) == before


def _full_disk(*_args: object, **_kwargs: object):
    raise OSError(28, "No space left on device")


def test_a_full_disk_during_restore_exits_6_and_replaces_nothing(
    filled: Store, data_dir: Path, tmp_path: Path, cli, monkeypatch
) -> None:
    filled.close()
    out = tmp_path / "b.fabackup"
    assert cli("backup", str(out)).code == 0
    before = _files(data_dir)
    monkeypatch.setattr(backup, "written_whole", _full_disk)
    refused = cli("restore", str(out))
    assert refused.code == 6 and "disk is full" in refused.err
    assert _files(data_dir) == before


def test_the_app_after_a_failed_restore_that_closed_its_store_locks_and_says_why(
    qtbot, data_dir: Path, tmp_path: Path, app_sessions, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    session, screen, shown = _restore_setup(qtbot, data_dir, tmp_path, app_sessions, monkeypatch, SUPERVISOR_PASS)
    before = _files(data_dir)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text, *_a: warnings.append(text)))
    monkeypatch.setattr(backup, "written_whole", _full_disk)
    with qtbot.waitSignal(session.locked, timeout=30_000):
        screen.backup.restore_button.click()
    assert warnings and "disk penuh" in warnings[0] and not shown
    names = {name for name in _files(data_dir) if not name.endswith(("-wal", "-shm"))}
    assert names == {name for name in before if not name.endswith(("-wal", "-shm"))}  # no partial file left
    with Store.open(data_dir) as still:  # its WAL was folded in before the disk refused: same store
        still.login(SUPERVISOR, SUPERVISOR_PASS)
        assert still.count() == 3 and not still.restore_declared()
