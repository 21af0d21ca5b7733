"""Opening the SQLite file with the settings a power cut cannot beat.

WAL with `synchronous=FULL`: a transaction that returned is on disk. Temp data stays in memory,
so SQLite never writes a temp file beside the store. Connections run in autocommit mode and
every write goes through `transaction()`, so the code says exactly where each one starts/ends.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from fieldapp.errors import DiskProblem, StoreDamaged

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536  # 64 MiB of page cache: the blind-index pages of 100,000 records stay in memory


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the store's pragmas; StoreDamaged if the file is not a database."""
    # check_same_thread=False: a Store may be made on one thread and handed to a worker, as
    # long as one thread at a time uses it (Store.clone() gives each worker its own).
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise damaged(exc) from None
    _restrict(path)
    return conn


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


def disk_problem(exc: sqlite3.Error) -> DiskProblem | None:
    """A disk that is full, read-only or failing, as an error a user can act on; None otherwise."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in _DISK_CODES:
        return None
    if code & 0xFF == sqlite3.SQLITE_READONLY:
        return DiskProblem(
            "the data folder is read-only; nothing was saved. Ask IT to make it writable",
            "folder data tidak bisa ditulisi; data ini belum tersimpan. Minta petugas TI memperbaikinya",
        )
    return DiskProblem(
        "the disk is full or failing; nothing was saved. Free some space (or ask IT), then save again",
        "disk penuh atau bermasalah; data ini belum tersimpan. Kosongkan ruang disk (atau hubungi TI), "
        "lalu simpan lagi",
    )


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
        problem = disk_problem(exc)
        if problem is None:
            raise
        _rollback(conn)
        raise problem from None


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already after an I/O error
            conn.execute("ROLLBACK")
