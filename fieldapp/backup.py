"""Backups: the automatic copy before a schema upgrade, and `fieldapp backup` / `fieldapp restore`.

A backup file must open on a new laptop when the old one (and its store) is gone, so it carries
in its header what opening needs: each supervisor's Argon2id parameters, salt and wrapped store
key, and the recovery wrap. Its body is the store's SQLite image, taken in memory (no temporary
file in the data folder), compressed and sealed with AES-GCM under a key derived from the store
key, the header as associated data; a SHA-256 over the whole file comes last. Layout:

    MAGIC (8) | format (1) | header length (4, big-endian) | header (JSON) | nonce (12)
    | AES-GCM(zlib(image)) | SHA-256 of everything before (32)

A restore checks all of it (hash, passphrase, GCM, SQLite integrity, the store's own login as a
supervisor) before it touches the data folder, then keeps the replaced store aside.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import sqlite3
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldapp import crypto, errors, keyring, schema, users
from fieldapp.db import transaction
from fieldapp.errors import AuthError, StoreDamaged, UnsupportedFormat, UsageError
from fieldapp.files import make_private_folder, written_whole
from fieldapp.timestamps import utc_now

if TYPE_CHECKING:
    from fieldapp.store import Store

MAGIC = b"FABACKUP"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">8sBI")  # magic, format, header length
NONCE_LENGTH = 12
HASH_LENGTH = 32
MAX_HEADER = 1 << 20
BACKUP_LABEL = "backup"  # crypto.subkey(store_key, BACKUP_LABEL) seals the body
log = logging.getLogger(__name__)


class BackupDamaged(StoreDamaged):
    """The backup file fails a check: changed, truncated, or not a fieldapp backup (exit 4)."""

    def __init__(self, why: str, why_id: str) -> None:
        super().__init__(
            f"the backup file {why}; nothing was replaced",
            f"berkas cadangan {why_id}; tidak ada yang diganti",
        )


# -- the copy before a schema upgrade -------------------------------------------------------------


def before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy a store at schema `version` to `store.sqlite3.v<N>.bak` beside it, checked, before it is upgraded.

    SQLite's online backup copies a consistent image (WAL included) while other readers go on.
    An existing backup is never overwritten: a second upgrade from the same version (after a
    restore, say) gets the next free name. The store's personal data is sealed field by field,
    so the copy is as encrypted as the store. Any failure here stops the upgrade.
    """
    target = _free_name(path, version)
    partial = target.with_name(target.name + ".partial")
    try:
        _copy_checked(conn, partial, version)
        os.replace(partial, target)
        _sync_folder(target.parent)
    except BaseException as exc:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(str(partial) + suffix).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise errors.disk_problem(exc.errno or errno.EIO) from None
        raise  # a SQLite error: the caller names it (a refusing disk, or a damaged store)
    log.info("store at schema %d backed up to %s before its upgrade", version, target.name)
    return target


def _free_name(path: Path, version: int) -> Path:
    candidate = path.with_name(f"{path.name}.v{version}.bak")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.v{version}-{number}.bak")
        number += 1
    return candidate


def _copy_checked(conn: sqlite3.Connection, partial: Path, version: int) -> None:
    """Online backup to `partial` (0600, fsynced), then open the copy and check it."""
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    copy = sqlite3.connect(partial, isolation_level=None)
    try:
        conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
    _fsync(partial)
    check = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        same = schema.current_version(check) == version
    finally:
        check.close()
    if not (ok and same):
        raise errors.disk_problem(errno.EIO)  # the copy did not read back as written: the disk is suspect


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no folder handles to sync."""
    if os.name != "posix":
        return
    _fsync(folder)


# -- writing a backup file ------------------------------------------------------------------------


def write_backup(store: Store, out: Path) -> dict[str, object]:
    """Write an encrypted, self-checking backup of `store` to `out` (supervisor; audited); its header."""
    store._require("supervisor")
    _refuse_inside_data_folder(store.path.parent, out)
    if Path(out).exists():  # the last good backup on a stick must not be replaced by a bad one
        raise UsageError(
            "the backup file already exists; choose a new name (an older backup is never overwritten)",
            "berkas cadangan sudah ada; pilih nama baru (cadangan lama tidak pernah ditimpa)",
        )
    image = _snapshot(store._conn)
    header = _header(store._conn, store.path)
    blob = seal(header, image, store._unlocked_key())
    try:
        with written_whole(out) as handle:
            handle.write(blob)
    except OSError as exc:
        raise errors.disk_problem(exc.errno or errno.EIO) from None
    try:
        with transaction(store._conn):
            store._audit("backup", detail=f"schema={header['schema']} bytes={len(blob)} file={out.name}")
    except BaseException:  # a backup the audit log cannot record does not happen
        out.unlink(missing_ok=True)
        raise
    return header


def _refuse_inside_data_folder(data_dir: Path, target: Path) -> None:
    """A backup beside the store is lost with the disk it guards, and could overwrite the store."""
    try:
        inside = target.resolve().is_relative_to(data_dir.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = True
    if inside or not target.name:
        raise UsageError(
            "choose a backup file outside the data folder (a USB stick or another disk)",
            "pilih berkas cadangan di luar folder data (flashdisk atau disk lain)",
        )


def _snapshot(conn: sqlite3.Connection) -> bytes:
    """The store's SQLite image, consistent (one read transaction), in memory only."""
    memory = sqlite3.connect(":memory:")
    try:
        conn.backup(memory)
        image = bytearray(memory.serialize())
    finally:
        memory.close()
    image[18:20] = b"\x01\x01"  # a rollback-journal image: it deserializes as is; the store turns WAL on at open
    return bytes(image)


def _header(conn: sqlite3.Connection, path: Path) -> dict[str, object]:
    """What opening the backup needs without the store: ids, versions and every supervisor's wraps."""
    from fieldapp import __version__

    rows = conn.execute(
        "SELECT name, kdf_params, kdf_salt, wrapped_key FROM users"
        " WHERE role = 'supervisor' AND disabled = 0 AND supervisor_key IS NOT NULL AND length(wrapped_key) > 0"
        " ORDER BY name"
    ).fetchall()
    return {
        "format": FORMAT_VERSION,
        "store_id": str(keyring.get_meta(conn, "store_id")),
        "created_at": utc_now(),
        "schema": schema.current_version(conn),
        "fieldapp": __version__,
        "supervisors": [{"name": n, "kdf": p, "salt": _b64(s), "wrapped": _b64(w)} for n, p, s, w in rows],
        "recovery": {
            "kdf": str(keyring.get_meta(conn, "recovery_kdf")),
            "salt": _b64(bytes(keyring.get_meta(conn, "recovery_salt") or b"")),  # type: ignore[arg-type]
            "wrapped": _b64(bytes(keyring.get_meta(conn, "recovery_wrapped") or b"")),  # type: ignore[arg-type]
        },
    }


def seal(header: dict[str, object], image: bytes, store_key: bytes) -> bytes:
    """The whole backup file's bytes for a header and a SQLite image."""
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    prefix = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header_bytes)) + header_bytes
    nonce = os.urandom(NONCE_LENGTH)
    body = AESGCM(crypto.subkey(store_key, BACKUP_LABEL)).encrypt(nonce, zlib.compress(image, 6), prefix)
    unhashed = prefix + nonce + body
    return unhashed + hashlib.sha256(unhashed).digest()


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


# -- reading and checking a backup file -----------------------------------------------------------


@dataclass(frozen=True)
class OpenedBackup:
    """A backup that passed every check, its image ready to be put in place."""

    header: dict[str, object]
    image: bytes


def read_header(blob: bytes) -> tuple[dict[str, object], bytes, bytes]:
    """(header, the bytes it authenticates, the sealed body); BackupDamaged unless intact and ours."""
    if len(blob) < _PREFIX.size + NONCE_LENGTH + HASH_LENGTH or blob[:8] != MAGIC:
        raise BackupDamaged("is not a fieldapp backup (or is cut short)", "bukan cadangan fieldapp (atau terpotong)")
    _magic, version, length = _PREFIX.unpack_from(blob)
    if version > FORMAT_VERSION:
        raise UnsupportedFormat(
            "this backup was written by a newer fieldapp; install that version to restore it",
            "cadangan ini ditulis oleh fieldapp yang lebih baru; pasang versi itu untuk memulihkannya",
        )
    if hashlib.sha256(blob[:-HASH_LENGTH]).digest() != blob[-HASH_LENGTH:]:
        raise BackupDamaged("was changed or cut short (its checksum does not match)", "berubah atau terpotong")
    end = _PREFIX.size + length
    if length > MAX_HEADER or end + NONCE_LENGTH + HASH_LENGTH > len(blob):
        raise BackupDamaged("has a broken header", "memiliki kepala berkas yang rusak")
    try:
        header = json.loads(blob[_PREFIX.size : end])
    except ValueError:
        header = None
    if not (isinstance(header, dict) and isinstance(header.get("supervisors"), list)):
        raise BackupDamaged("has a broken header", "memiliki kepala berkas yang rusak")
    return header, blob[:end], blob[end:-HASH_LENGTH]


def open_backup(blob: bytes, name: str, passphrase: str) -> OpenedBackup:
    """Check a backup file's bytes with a supervisor's passphrase against the backup's own wraps."""
    header, prefix, sealed = read_header(blob)
    store_key = _unwrap(header, name, passphrase)
    try:
        packed = AESGCM(crypto.subkey(store_key, BACKUP_LABEL)).decrypt(
            sealed[:NONCE_LENGTH], sealed[NONCE_LENGTH:], prefix
        )
        image = zlib.decompress(packed)
    except (InvalidTag, zlib.error):
        raise BackupDamaged("was changed (it fails its integrity check)", "telah diubah (gagal diperiksa)") from None
    return OpenedBackup(header, image)


def _unwrap(header: dict[str, object], name: str, passphrase: str) -> bytes:
    """The store key from `name`'s row in the header; AuthError for a wrong passphrase or name."""
    rows = [row for row in header["supervisors"] if isinstance(row, dict) and row.get("name") == name]  # type: ignore[union-attr]
    if not rows:
        raise AuthError(f"{name!r} is not a supervisor in this backup", f"{name!r} bukan supervisor dalam cadangan ini")
    row = rows[0]
    try:
        params = crypto.KdfParams.decode(str(row["kdf"]))
        salt, wrapped = base64.b64decode(row["salt"]), base64.b64decode(row["wrapped"])
    except (ValueError, KeyError, TypeError):
        raise BackupDamaged("has a broken header", "memiliki kepala berkas yang rusak") from None
    kek = crypto.derive_kek(passphrase, salt, params)
    try:
        return crypto.unwrap_key(kek, wrapped, users.wrap_context(name))
    except crypto.Tampered:
        raise AuthError(
            f"wrong passphrase for {name!r} in this backup", f"kata sandi salah untuk {name!r} di cadangan ini"
        ) from None


def check_image(opened: OpenedBackup, name: str, passphrase: str) -> None:
    """Open the image in memory as a store: SQLite's integrity, its id, and a supervisor's login.

    The memory copy is changed by the check (the upgrade, the login's audit entry); the file
    written is the image as it was backed up.
    """
    from fieldapp.store import Store

    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        memory.deserialize(opened.image)
        if memory.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupDamaged("holds a damaged store", "berisi penyimpanan yang rusak")
        if keyring.get_meta(memory, "store_id") != opened.header.get("store_id"):
            raise BackupDamaged("does not match its header", "tidak cocok dengan kepala berkasnya")
        schema.migrate(memory)  # StoreTooNew names both versions
        store = Store(memory, Path("backup-check") / "store.sqlite3")
        store.login(name, passphrase)
        store._require("supervisor")
        store.lock()
    except sqlite3.DatabaseError:
        raise BackupDamaged("holds a damaged store", "berisi penyimpanan yang rusak") from None
    finally:
        memory.close()


# -- putting a backup in place --------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    header: dict[str, object]
    kept_aside: Path | None  # the store it replaced, or None if there was none


class RestoreWouldLoseWork(UsageError):
    """The current store is another laptop's, or holds queued work the backup lacks."""


def restore(
    data_dir: Path,
    source: Path,
    name: str,
    passphrase: str,
    before_replace: Callable[[], None] | None = None,
    replace_anyway: bool = False,
) -> Restored:
    """Check the backup whole, put it in place of the store (the old one kept aside), declare the restore.

    Nothing in the data folder changes until every check passed. `before_replace` runs then,
    before anything is replaced: the app closes its own connection to the current store there
    (a process must hold none while the file is swapped under it).
    """
    from fieldapp.store import STORE_FILE, Store

    opened = open_backup(_read(source), name, passphrase)
    check_image(opened, name, passphrase)
    if not replace_anyway:
        _refuse_losing_work(Path(data_dir) / STORE_FILE, opened)
    if before_replace is not None:
        before_replace()
    data_dir = Path(data_dir)
    try:
        make_private_folder(data_dir)
        aside = _put_in_place(data_dir / STORE_FILE, opened.image)
    except OSError as exc:
        raise errors.disk_problem(exc.errno or errno.EIO) from None
    store = Store.open(data_dir)
    try:
        store.login(name, passphrase)
        store.declare_restore()
    finally:
        store.close()
    log.info("store restored from a backup of schema %s", opened.header.get("schema"))
    return Restored(opened.header, aside)


def _refuse_losing_work(current: Path, opened: OpenedBackup) -> None:
    """Refuse (unless told to replace anyway) a restore over another store, or over unsent work.

    A backup of laptop A restored over laptop B would put B's queue aside unsent, and give B
    A's device (the server would then flag A). Queued versions the backup does not hold would
    never reach the server. Both are said, with the count, before anything is replaced.
    """
    if not current.exists():
        return
    try:
        conn = sqlite3.connect(f"{current.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # too broken to read: restoring is the remedy
    try:
        store_id = keyring.get_meta(conn, "store_id")
        unsent = conn.execute("SELECT record_id, version FROM outbox WHERE sent_at IS NULL").fetchall()
    except sqlite3.Error:
        return
    finally:
        conn.close()
    if store_id != opened.header.get("store_id"):
        raise RestoreWouldLoseWork(
            "this backup is of another store (another laptop's, or a store made again): restoring it here puts this "
            "store aside and gives this laptop the other one's identity; if that is what you want, run again with "
            "--replace",
            "cadangan ini milik penyimpanan lain (laptop lain, atau penyimpanan yang dibuat ulang): memulihkannya di "
            "sini menyingkirkan penyimpanan ini; jika memang itu maksudnya, ulangi dengan --replace",
        )
    missing = len(set(map(tuple, unsent)) - _versions_in(opened.image))
    if missing:
        raise RestoreWouldLoseWork(
            f"{missing} version(s) queued in the current store were never sent and are not in this backup: sync first, "
            "or run again with --replace to keep them only in the store put aside",
            f"{missing} versi di penyimpanan sekarang belum terkirim dan tidak ada di cadangan ini: sinkronkan dulu, "
            "atau ulangi dengan --replace (versi itu hanya tersimpan di penyimpanan yang disingkirkan)",
        )


def _versions_in(image: bytes) -> set[tuple[str, int]]:
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(image)
        return {(row[0], row[1]) for row in memory.execute("SELECT record_id, version FROM record_versions")}
    finally:
        memory.close()


def _read(source: Path) -> bytes:
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise UsageError("no such backup file", "berkas cadangan tidak ada") from None
    except IsADirectoryError:
        raise UsageError("the backup path is a folder, not a file", "jalur cadangan adalah folder") from None
    except OSError as exc:
        raise errors.disk_problem(exc.errno or errno.EIO, saved_nothing=True) from None


def _put_in_place(path: Path, image: bytes) -> Path | None:
    """Write the image beside the store, fsync it, keep the current store aside, rename over it."""
    incoming = path.with_name(path.name + ".restoring")
    if path.exists():
        _checkpoint_alone(path)
    with written_whole(incoming) as handle:
        handle.write(image)
    try:
        aside = _keep_aside(path) if path.exists() else None
        os.replace(incoming, path)
        _sync_folder(path.parent)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    return aside


def _checkpoint_alone(path: Path) -> None:
    """Refuse while another process has the store open; else fold its WAL into the main file.

    Every open connection (the app, a sync, another command) holds a lock that keeps SQLite's
    exclusive locking mode out, so this is how "close the app first" is checked, not assumed.
    A store too broken to open goes aside as it is.
    """
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=2.0)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise UsageError(
                "the store is open in another fieldapp (the app, or a running command): close it, then restore again; "
                "nothing was replaced",
                "penyimpanan sedang dibuka oleh fieldapp lain (aplikasi atau perintah yang berjalan): tutup dulu, "
                "lalu pulihkan lagi; tidak ada yang diganti",
            ) from None
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def _keep_aside(path: Path) -> Path:
    """Keep the current store (and any -wal/-shm) aside under a new name.

    A hard link keeps the old store under its new name while `store.sqlite3` stays in place
    until the rename; a WAL left beside the new file would be replayed into it, so it moves too.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.replaced-{stamp}")
    number = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.replaced-{stamp}-{number}")
        number += 1
    try:
        os.link(path, aside)
    except OSError:  # a file system without hard links
        import shutil

        shutil.copy2(path, aside)
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            os.replace(extra, Path(str(aside) + suffix))
    return aside


# -- the CLI commands -----------------------------------------------------------------------------


def run_backup(args: argparse.Namespace) -> int:
    """`fieldapp backup OUT`: log in (a supervisor), write the file, say what to do with it."""
    from fieldapp.cli import EXIT_OK, login

    with login(args) as store:
        header = write_backup(store, args.out)
    print(
        f"Backup written to {args.out} (schema {header['schema']}, {len(header['supervisors'])} supervisor(s) "  # type: ignore[arg-type]
        "can restore it). Keep it off this laptop; it opens only with a supervisor's passphrase."
    )
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    """`fieldapp restore IN`: the passphrase is checked against the backup, not the laptop's store."""
    from fieldapp.cli import EXIT_OK
    from fieldapp.cli_io import passphrase, user_name

    name = user_name(args.user)
    restored = restore(args.data_dir, args.backup_file, name, passphrase(), replace_anyway=args.replace)
    print(f"Restored the backup made {restored.header.get('created_at')} (schema {restored.header.get('schema')}).")
    if restored.kept_aside is not None:
        print(f"The store it replaced is kept as {restored.kept_aside}.")
    print("Restore declared: the next sync tells the server, which accepts this store's audit log.")
    return EXIT_OK
