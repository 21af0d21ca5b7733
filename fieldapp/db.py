"""Opening the SQLite file with the settings a power cut cannot beat.

WAL with `synchronous=FULL`: a transaction that returned is on disk. Temp data stays in memory,
so SQLite never writes a temp file beside the store. `secure_delete` is set on every connection:
SQLite builds without SQLITE_SECURE_DELETE (python.org's, on Windows and macOS) would otherwise
leave a deleted row's bytes (a discarded draft's sealed blob) in free space in the file.
Connections run in autocommit mode and every write goes through `transaction()`, so the code
says exactly where each one starts/ends.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from fieldapp.errors import DiskProblem, StoreDamaged
from fieldapp.errors import disk_problem as problem_for_errno

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536  # 64 MiB of page cache: the blind-index pages of 100,000 records stay in memory


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the store's pragmas; DiskProblem or StoreDamaged if it cannot be used."""
    # check_same_thread=False: a Store may be made on one thread and handed to a worker, as
    # long as one thread at a time uses it (Store.clone() gives each worker its own).
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except sqlite3.Error as exc:
        raise disk_problem(exc, path) or damaged(exc) from None
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlite3.Error as exc:
        conn.close()
        raise disk_problem(exc, path) or damaged(exc) from None
    _restrict(path)
    return conn


def checkpoint(conn: sqlite3.Connection, wait_ms: int = 200) -> bool:
    """Copy the WAL into the file and empty it, so deleted rows' old pages leave the WAL too.

    A reader (the sync thread, a backup) may hold an older snapshot: then waiting is cut short
    (`wait_ms`) and False returned; the WAL is emptied by a later checkpoint instead. Never raises
    for that: what was deleted is deleted, this only shortens how long old bytes stay on disk.
    """
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error:
        return False
    return not busy


def check_is_store(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a fieldapp store.

    An empty file or another program's SQLite database would otherwise be turned into a store
    by the first migration; opening it read-only first keeps it exactly as it was.

    Only SQLite opens the file. A plain `open()` and `close()` of it would drop every POSIX lock
    this process holds on it, including those of a connection already open here (the app's,
    when its sync thread calls `Store.clone()`): another process would then think itself the
    last one, and delete the WAL under the app's feet. SQLite shares its locks between the
    connections of one process, so a probe through it is safe. A file that is not SQLite
    fails its query ("file is not a database") and is told apart below.
    """
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise disk_problem(exc, path) or damaged(exc) from None
    try:
        found = probe.execute("SELECT 1 FROM meta WHERE key = 'store_id'").fetchone()
    except sqlite3.Error as exc:  # "no such table" (another program's file) falls through
        problem = disk_problem(exc, path)
        if problem is not None:
            raise problem from None
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_CORRUPT:
            raise damaged(exc) from None
        found = None
    finally:
        probe.close()
    if found is None:
        raise not_a_store()


def not_a_store() -> StoreDamaged:
    return StoreDamaged(
        "the file in the data folder is not a fieldapp store (empty, or another program's file); "
        "it was left untouched. Check --data-dir, or move the file away and run 'fieldapp init'",
        "berkas di folder data bukan penyimpanan fieldapp (kosong, atau milik program lain); berkas itu "
        "tidak diubah. Periksa folder data, atau pindahkan berkasnya lalu jalankan 'fieldapp init'",
    )


def damaged(exc: sqlite3.DatabaseError) -> StoreDamaged:
    """SQLite's own error messages hold no record data, so naming the cause is safe."""
    return StoreDamaged(
        f"the store file is damaged ({exc}); restore it from a backup",
        f"berkas penyimpanan rusak ({exc}); pulihkan dari cadangan",
    )


def _restrict(path: Path) -> None:
    """Only the account running fieldapp may read the store and its WAL."""
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            os.chmod(candidate, 0o600)


# SQLite's primary result codes for a write the disk refused.
_DISK_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN}


def disk_problem(exc: sqlite3.Error, path: Path | None = None) -> DiskProblem | None:
    """A disk or folder that refused (full, read-only, no permission, failing); None otherwise.

    SQLite reports a read-only file, a read-only disk and a folder without permission alike
    ("attempt to write a readonly database", "unable to open database file"), so the folder
    itself is looked at to name the real cause.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in _DISK_CODES:
        return None
    if code & 0xFF == sqlite3.SQLITE_FULL:
        return problem_for_errno(errno.ENOSPC)
    return problem_for_errno(diagnose(path))


def diagnose(path: Path | None) -> int:
    """Why the disk refused the store at `path`, as an errno value (EIO when no cause is seen)."""
    if path is None:
        return errno.EIO
    folder = Path(path).parent
    try:
        disk = os.statvfs(folder)
    except OSError as exc:
        return exc.errno or errno.EIO
    if disk.f_flag & os.ST_RDONLY:
        return errno.EROFS
    wanted = os.R_OK | os.W_OK
    if not os.access(folder, wanted | os.X_OK) or (Path(path).exists() and not os.access(path, wanted)):
        return errno.EACCES
    if Path(path).exists() and not Path(path).stat().st_mode & 0o222:  # a file made read-only (chmod 444)
        return errno.EACCES
    if disk.f_bavail * disk.f_frsize < 1024 * 1024:
        return errno.ENOSPC
    return errno.EIO


def _path_of(conn: sqlite3.Connection) -> Path | None:
    with contextlib.suppress(sqlite3.Error):
        row = conn.execute("PRAGMA database_list").fetchone()
        return Path(row[2]) if row and row[2] else None
    return None


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: all or nothing.

    A write the disk refuses (full, read-only, failing) becomes DiskProblem: SQLite has rolled
    back or will, so nothing of the transaction is kept.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            _rollback(conn)
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        problem = disk_problem(exc, _path_of(conn))
        if problem is None:
            raise
        _rollback(conn)
        raise problem from None


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already after an I/O error
            conn.execute("ROLLBACK")
