"""A full disk or an unwritable folder, and a damaged settings value at login: each is a clear
message (or a safe default), never a crash dialog, a half-written file, or a key left behind."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SUPERVISOR, SUPERVISOR_PASS
from gui import logged_in, make_store, on_lane

from fieldapp import keyring
from fieldapp.errors import FieldappError
from fieldapp.settings import Settings
from fieldapp.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    """Run `code` in a child whose files may grow only a little (RLIMIT_FSIZE: a full disk, even for root)."""
    prelude = textwrap.dedent(
        f"""
        import os, resource, signal, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like ENOSPC
        def disk_full(extra):
            resource.setrlimit(resource.RLIMIT_FSIZE, (extra, resource.RLIM_INFINITY))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_receipt_pdf_on_a_full_disk_is_refused_not_truncated(tmp_path: Path) -> None:
    """A receipt PDF on a full disk is refused with a message; no truncated PDF that looks saved."""
    out = _run(
        f"""
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from ui import receipt
        r = receipt.Receipt("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "Siti Aminah", "************0001",
                            "2025-01-01T01:00:00Z", "Sagara Makmur", "op")
        target = Path({str(tmp_path / "tanda-terima.pdf")!r})
        disk_full(4096)
        try:
            receipt.save_pdf(r, target)
            print("saved", target.exists() and target.stat().st_size)
        except Exception as exc:
            print("refused", type(exc).__name__, target.exists())
        """
    )
    assert out.startswith("refused") and out.endswith("False"), out


def test_a_save_on_a_full_disk_is_an_expected_error_not_a_bug(data_dir: Path) -> None:
    """SQLite's "database or disk is full" / "disk I/O error" must reach the screen as the core's
    DiskProblem ("disk penuh ..."), not a bare sqlite3 error that the app would report as a bug."""
    make_store(data_dir, records=3)
    out = _run(
        f"""
        from pathlib import Path
        from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS
        from fieldapp.sample import applicant
        from fieldapp.store import Store
        from fieldapp.errors import FieldappError
        folder = Path({str(data_dir)!r})
        store = Store.open(folder)
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        disk_full(max(p.stat().st_size for p in folder.iterdir()) + 1024)
        try:
            store.register([applicant(50 + i, OFFICE) for i in range(20)])
            print("saved")
        except Exception as exc:
            print(type(exc).__name__, isinstance(exc, (FieldappError, OSError)))
        """
    )
    assert out.endswith("True"), f"a full disk at save time surfaces as {out!r}"


def test_changing_language_on_an_unwritable_folder_says_why(
    qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language switches at once; that it could not be kept for the next start is said in
    words (a full disk), never a crash dialog, and no `.partial` file is left behind."""
    from PySide6.QtWidgets import QMessageBox

    from fieldapp import files
    from ui import i18n
    from ui.app import application
    from ui.settings_screen import Screen

    application()
    make_store(data_dir)
    session = logged_in(data_dir, SUPERVISOR, SUPERVISOR_PASS)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))

    def no_space(*_args: object, **_kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_space)  # the disk fills up as the file is written
    screen = Screen(session)
    qtbot.addWidget(screen)
    screen.language.choice.setCurrentIndex(screen.language.choice.findData("en"))
    try:
        screen.language.apply()  # the slot of "Terapkan bahasa"
        assert i18n.language() == "en"
        assert len(shown) == 1 and "disk is full" in shown[0]
        assert not list(data_dir.glob("*.partial"))
    finally:
        session.change_language("id")
        session.shutdown()


def test_damaged_settings_fall_back_to_the_defaults_so_a_supervisor_can_still_log_in(data_dir: Path) -> None:
    """A sealed settings value that fails to open must not lock out the supervisor who can fix it."""
    make_store(data_dir)
    with Store.open(data_dir) as raw:
        keyring.set_meta(raw._conn, "settings", b"\x00damaged")
    session = logged_in(data_dir, SUPERVISOR, SUPERVISOR_PASS)
    try:
        assert session.settings == Settings() and session.user is not None
        on_lane(session, lambda ctx: ctx.store.save_settings(Settings(auto_lock_minutes=5)))  # the repair
        assert on_lane(session, lambda ctx: ctx.store.settings()).auto_lock_minutes == 5
    finally:
        session.shutdown()


def test_a_login_that_fails_halfway_leaves_no_key_in_memory(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Session._logged_in runs after Store.login: if it fails, the screen reports a failed login,
    so neither the session nor the store on the database lane may keep the user or the key."""
    make_store(data_dir)
    from ui.session import Session

    def broken(_store: Store) -> dict[str, object]:
        raise FieldappError("status unreadable", "status tidak terbaca")

    monkeypatch.setattr(Store, "sync_status", broken)
    session = Session(data_dir)
    on_lane(session, session.open_store)
    with pytest.raises(FieldappError):
        on_lane(session, lambda ctx: session.login(ctx, SUPERVISOR, SUPERVISOR_PASS))
    still_unlocked = on_lane(session, lambda ctx: ctx.store._keys is not None)
    user = session.user
    session.shutdown()
    assert user is None and not still_unlocked, "a refused login left the store unlocked"
