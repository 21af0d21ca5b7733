"""A bad environment gets a message that names the cause, exit 6, and nothing is lost.

The disk tests mount a real tmpfs (full disk) or a read-only bind mount, which needs root with
CAP_SYS_ADMIN (as in .ci/run's container); elsewhere they skip and say why. "Permission denied"
runs the command as the unprivileged `nobody` account (setpriv), since root passes every
permission check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process

from fieldapp.sample import applicant
from fieldapp.store import STORE_FILE, Store

NOBODY = 65534
TRACEBACK_SIGNS = ("Traceback", "--- Logging error ---", "restore", "damaged")


def no_traceback(stderr: str) -> bool:
    return not any(sign in stderr for sign in TRACEBACK_SIGNS)


def _can_mount() -> str | None:
    """None if this process may mount a tmpfs; otherwise why not."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "mounting needs root and mount(8)"
    probe = Path(tempfile.mkdtemp(prefix="fieldapp-mount-probe-"))
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
        if done.returncode != 0:
            return f"this machine refuses mounts ({done.stderr.decode(errors='replace').strip()})"
        subprocess.run(["umount", str(probe)], check=True)
        return None
    finally:
        probe.rmdir()


MOUNT_REFUSED = _can_mount()
needs_mount = pytest.mark.skipif(MOUNT_REFUSED is not None, reason=str(MOUNT_REFUSED))


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


@contextlib.contextmanager
def read_only_view(source: Path, where: Path) -> Iterator[Path]:
    """`source` seen through a read-only bind mount at `where` (the real disk stays writable)."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(source), str(where)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path) -> Path:
    """Write a filler file until the disk refuses: the disk is now full."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 4096)
    return filler


def make_store(data_dir: Path, records: int = 3) -> list[str]:
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    with store:
        return store.register([applicant(i, OFFICE) for i in range(records)])


def record_count(data_dir: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{(data_dir / STORE_FILE).as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])


# -- a full disk ---------------------------------------------------------------------------


@needs_mount
def test_a_full_disk_is_named_exits_6_and_loses_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        data_dir = disk / "laptop"
        make_store(data_dir)
        filler = fill(disk)
        batch = json.dumps([applicant(10 + i, OFFICE) for i in range(50)])
        refused = run_process(["register"], data_dir, stdin=batch)
        assert refused.returncode == 6, refused.stderr
        assert "disk is full" in refused.stderr and "nothing saved before was lost" in refused.stderr
        assert no_traceback(refused.stderr), refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr  # and no "--- Logging error ---"
        filler.unlink()
        assert run_process(["verify"], data_dir).returncode == 0
        assert record_count(data_dir) == 3
        again = run_process(["register"], data_dir, stdin=batch)  # space freed: the same batch saves
        assert again.returncode == 0, again.stderr
        assert record_count(data_dir) == 53


@needs_mount
def test_an_audited_view_that_cannot_write_its_audit_entry_does_not_happen(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        data_dir = disk / "laptop"
        ids = make_store(data_dir)
        store = Store.open(data_dir)
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        with contextlib.closing(sqlite3.connect(data_dir / STORE_FILE)) as other:  # the WAL starts empty again
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        fill(disk)
        from fieldapp.errors import DiskProblem

        with pytest.raises(DiskProblem) as refused:
            store.show(ids[0])
        assert "disk is full" in str(refused.value)
        store.close()


@needs_mount
def test_a_failed_init_leaves_nothing_behind(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "48k") as disk:  # room for the folder, not for a store
        data_dir = disk / "new" / "laptop"
        result = run_process(["init", "--office", OFFICE], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
        assert result.returncode == 6, result.stderr
        assert "disk is full" in result.stderr and no_traceback(result.stderr)
        assert not (disk / "new").exists(), list(disk.rglob("*"))


def test_an_init_with_a_bad_office_creates_no_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "never"
    result = run_process(["init", "--office", "99"], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS})
    assert result.returncode == 2 and not data_dir.exists()


# -- read-only and no permission -----------------------------------------------------------


@needs_mount
def test_a_read_only_data_folder_is_named_and_exits_6(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    make_store(data_dir)
    before = hashlib.sha256((data_dir / STORE_FILE).read_bytes()).hexdigest()
    with read_only_view(data_dir, tmp_path / "ro") as view:
        for command in (["list"], ["register"]):
            result = run_process(command, view, stdin=json.dumps(applicant(20, OFFICE)))
            assert result.returncode == 6, (command, result.stderr)
            assert "read-only" in result.stderr and no_traceback(result.stderr), result.stderr
    assert hashlib.sha256((data_dir / STORE_FILE).read_bytes()).hexdigest() == before


def _as_nobody(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(data_dir.parent),
        "FIELDAPP_DATA_DIR": str(data_dir),
        "FIELDAPP_USER": SUPERVISOR,
        "FIELDAPP_PASSPHRASE": SUPERVISOR_PASS,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            sys.executable,
            "-m",
            "fieldapp",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def _nobody_refused() -> str | None:
    """None if `nobody` can run this checkout's fieldapp; otherwise why not (the test skips)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return "needs root (to run a command as nobody) and setpriv"
    probe = _as_nobody(["--version"], Path(tempfile.gettempdir()) / "fieldapp-none")
    if probe.returncode != 0:
        return f"nobody cannot run this checkout's Python (a private folder on its path?): {probe.stderr[-200:]}"
    return None


NOBODY_REFUSED = _nobody_refused()


@pytest.mark.skipif(NOBODY_REFUSED is not None, reason=str(NOBODY_REFUSED))
def test_a_folder_without_permission_is_named_and_exits_6() -> None:
    top = Path(tempfile.mkdtemp(prefix="fieldapp-perm-"))
    try:
        top.chmod(0o755)
        data_dir = top / "laptop"
        make_store(data_dir)  # owned by root, mode 0700: nobody may not enter
        for command in (["list"], ["status"]):
            result = _as_nobody(command, data_dir)
            assert result.returncode == 6, (command, result.stderr)
            assert "permission denied" in result.stderr and no_traceback(result.stderr), result.stderr
        data_dir.chmod(0o755)  # now nobody may look, but not write
        (data_dir / STORE_FILE).chmod(0o644)
        result = _as_nobody(["list"], data_dir)
        assert result.returncode == 6 and "permission denied" in result.stderr, result.stderr
        assert no_traceback(result.stderr), result.stderr
    finally:
        shutil.rmtree(top)


# -- a log that cannot be written ----------------------------------------------------------


def test_a_log_that_cannot_be_written_never_reaches_the_user(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    make_store(data_dir)
    logs = data_dir / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    (logs / "fieldapp.log").mkdir(parents=True)  # the log's name is taken by a folder
    listed = run_process(["list"], data_dir)
    assert listed.returncode == 0 and listed.stderr.strip() == "(3 row(s))", listed.stderr
    wrong = run_process(["list"], data_dir, passphrase="wrong passphrase here")  # logs a warning
    assert wrong.returncode == 3 and "Logging error" not in wrong.stderr, wrong.stderr


# -- files that are not a store, folders that are not there --------------------------------


def test_an_empty_store_file_is_not_a_store_and_is_not_written_into(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    data_dir.mkdir()
    (data_dir / STORE_FILE).touch()
    result = run_process(["list"], data_dir)
    assert result.returncode == 4 and "not a fieldapp store" in result.stderr, result.stderr
    assert (data_dir / STORE_FILE).stat().st_size == 0
    assert sorted(p.name for p in data_dir.iterdir() if p.name != "logs") == [STORE_FILE]  # no -wal, no -shm


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    data_dir.mkdir()
    with contextlib.closing(sqlite3.connect(data_dir / STORE_FILE)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
    before = (data_dir / STORE_FILE).read_bytes()
    for command in (["list"], ["status"], ["verify"]):
        result = run_process(command, data_dir)
        assert result.returncode == 4 and "not a fieldapp store" in result.stderr, (command, result.stderr)
    assert (data_dir / STORE_FILE).read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir() if p.name != "logs") == [STORE_FILE]  # no -wal, no -shm


def test_read_commands_on_a_missing_data_folder_do_not_create_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "nothing-here"
    for command in (["list"], ["status"], ["verify"], ["audit"], ["show", "0190c0de"]):
        result = run_process(command, data_dir)
        assert result.returncode == 2 and "fieldapp init" in result.stderr, (command, result.stderr)
        assert not data_dir.exists(), command
