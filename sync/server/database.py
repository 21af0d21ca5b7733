"""Connecting to the server's database and bringing its schema up to date with Alembic.

A SQLite file by default (a pilot on one machine, nothing to install); PostgreSQL through
psycopg 3 for anything larger (`postgresql+psycopg://user@host/db`).

`open_database` is what the commands use: it refuses a URL, a folder or a file it cannot use
with a `DatabaseSetupError` whose message names the cause. Messages never repeat the URL,
since a PostgreSQL URL may carry a password.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from fieldapp.errors import UsageError, describe_os_error

MIGRATIONS = Path(__file__).with_name("migrations")
URL_HINT = "give sqlite:///PATH or postgresql+psycopg://USER@HOST/DBNAME"


class DatabaseSetupError(UsageError):
    """The server's database cannot be opened or used; the message says why and is safe to show."""


def connect(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_size=20, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # Python's sqlite3 would begin a transaction only at the first write, so a read-then-write
    # (a decision, the lockout count, an ingest batch) could act on a row another writer changed
    # since it was read. The driver's own BEGIN is switched off here and `_sqlite_begin_immediate`
    # begins every transaction itself (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _sqlite_begin_immediate(conn: Connection) -> None:
    """Every SQLite transaction takes the write lock when it begins (waiting up to the timeout
    for another writer), so what it reads stays true until it commits: SQLite's form of
    SELECT ... FOR UPDATE. Transactions are short; readers wait at most for one writer's commit."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine) -> None:
    """Run every migration not yet applied (Alembic's version table records which)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str, create_folder: bool = False) -> Engine:
    """Connect to `url` and migrate it, or raise `DatabaseSetupError` saying what is wrong.

    A SQLite file is created mode 0600, since it holds the sealed records and the device list.
    Its folder must exist, unless `create_folder` (the default location only): a mistyped
    `--db` path must not quietly start a second, empty database somewhere else.
    """
    path = sqlite_path(url)
    if path is not None:
        prepare_sqlite_file(path, create_folder)
    try:
        engine = connect(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseSetupError(
            f"--db is not a database URL this server can use; {URL_HINT}",
            f"--db bukan URL basis data yang bisa dipakai server ini; berikan {URL_HINT}",
        ) from exc
    except ImportError as exc:
        raise DatabaseSetupError(
            f"the driver for this --db URL is not installed; {URL_HINT}",
            f"driver untuk URL --db ini belum terpasang; berikan {URL_HINT}",
        ) from exc
    try:
        if path is not None:
            _refuse_foreign_sqlite(engine)
        upgrade(engine)
    except DATABASE_ERRORS as exc:
        engine.dispose()
        raise describe_failure(exc) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names, or None (another database, in memory, or a `file:` URI)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # connect() refuses it with the usual message
    if parsed.get_backend_name() != "sqlite" or parsed.query.get("uri"):
        return None
    if parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def prepare_sqlite_file(path: Path, create_folder: bool) -> None:
    """Check the folder (or make it, 0700) and create the file 0600 if it is not there yet."""
    folder = path.parent
    if create_folder and not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise _os_refusal("cannot create the database folder", "tidak bisa membuat folder basis data", exc) from exc
    if not folder.is_dir():
        raise DatabaseSetupError(
            f"the database folder {folder} does not exist; create it first or correct --db",
            f"folder basis data {folder} tidak ada; buat dulu atau perbaiki --db",
        )
    if path.is_dir():
        raise DatabaseSetupError(
            f"{path} is a folder, not a database file; correct --db",
            f"{path} adalah folder, bukan berkas basis data; perbaiki --db",
        )
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: it chose the mode
    except OSError as exc:
        raise _os_refusal("cannot create the database file", "tidak bisa membuat berkas basis data", exc) from exc
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm"):  # left over from a database removed by hand: SQLite would reuse them
        leftover = path.with_name(path.name + suffix)
        try:
            if leftover.exists():
                os.chmod(leftover, 0o600)
        except OSError as exc:
            raise _os_refusal("cannot make the database private", "tidak bisa membuat basis data privat", exc) from exc


def _os_refusal(what_en: str, what_id: str, exc: OSError) -> DatabaseSetupError:
    reason_en, reason_id = describe_os_error(exc)
    return DatabaseSetupError(f"{what_en}: {reason_en}", f"{what_id}: {reason_id}")


def _refuse_foreign_sqlite(engine: Engine) -> None:
    """A SQLite file with tables but no Alembic version table belongs to something else: leave it."""
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    if tables and "alembic_version" not in tables:
        raise DatabaseSetupError(
            "the --db file is not a fieldapp-server database (it holds other tables); it was not changed",
            "berkas --db bukan basis data fieldapp-server (berisi tabel lain); berkas itu tidak diubah",
        )


def describe_failure(exc: Exception) -> DatabaseSetupError:
    """A one-line, safe message for an error the database or a migration raised."""
    if isinstance(exc, CommandError):
        return DatabaseSetupError(
            "the database's schema is not one this fieldapp-server knows (made by a newer version?); "
            "it was not changed",
            "skema basis data tidak dikenal fieldapp-server ini (dibuat versi lebih baru?); basis data tidak diubah",
        )
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        # The driver's own first line ("unable to open database file", "connection refused"...).
        # Never str(exc): it carries the SQL statement and its parameters.
        lines = str(exc.orig).strip().splitlines() or [type(exc.orig).__name__]
        reason = lines[0][:300]
        if reason == "file is not a database":
            return DatabaseSetupError(
                "the --db file is not a SQLite database; it was not changed",
                "berkas --db bukan basis data SQLite; berkas itu tidak diubah",
            )
    else:
        reason = type(exc).__name__
    return DatabaseSetupError(f"the database refused: {reason}", f"basis data menolak: {reason}")


DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, CommandError)
