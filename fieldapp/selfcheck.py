"""The installation's own checks, without Qt: what `fieldapp --self-test` and diagnostics run.

IT installs the app on hundreds of laptops; a missing library, an old SQLite or region data
left out of a bundle must show up as one clear line at install time, not as a crash in front
of an applicant. Each check does the real thing the app does (derive a key with the app's
Argon2id cost, write and read an encrypted record in a throw-away store), so a pass means the
app works here. The Qt checks live in ui/selftest.py: the core never imports Qt.
"""

from __future__ import annotations

import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_DESA = "32.16.01.2001"  # a desa the region data must know (Kabupaten Bekasi)
MIN_SQLITE = (3, 24, 0)  # UPSERT (`ON CONFLICT ... DO UPDATE`, fieldapp/records.py); WAL and json_each are older
_MAX_REASON = 300


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome; `detail` is what was found, or why it failed (never personal data)."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """`ok   argon2id     0.21 s` / `FAIL sqlite       <reason>`."""
        return f"{'ok' if self.ok else 'FAIL':<4} {self.name:<12} {self.detail}".rstrip()


Check = Callable[[], str]


def reason(exc: BaseException) -> str:
    """One short line saying why a check failed (a fieldapp error's own message when it has one)."""
    text = getattr(exc, "message_en", None) or str(exc) or "no details"
    return f"{type(exc).__name__}: {' '.join(str(text).split())}"[:_MAX_REASON]


def run_check(name: str, check: Check) -> CheckResult:
    """Run one check; any exception is its failure, as a line, never a traceback."""
    try:
        return CheckResult(name, True, check())
    except Exception as exc:  # a broken installation can fail in any way: each is a FAIL line
        return CheckResult(name, False, reason(exc))


def check_crypto() -> str:
    """AES-256-GCM seals and opens, and refuses a changed byte (the cryptography library works)."""
    import cryptography
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from fieldapp import crypto

    aead = AESGCM(crypto.new_key())
    sealed = crypto.seal(aead, crypto.KIND_SECRET, b"self-test", b"context")
    if crypto.open_sealed(aead, crypto.KIND_SECRET, sealed, b"context") != b"self-test":
        raise RuntimeError("AES-GCM gave back different bytes")
    changed = sealed[:-1] + bytes([sealed[-1] ^ 1])
    try:
        crypto.open_sealed(aead, crypto.KIND_SECRET, changed, b"context")
    except crypto.Tampered:
        return f"AES-256-GCM, cryptography {cryptography.__version__}"
    raise RuntimeError("AES-GCM accepted a changed ciphertext")


def check_argon2id() -> str:
    """Derive one key at the app's own cost; the time is what every login costs on this laptop."""
    from fieldapp import crypto

    params = crypto.KdfParams()
    start = time.perf_counter()
    key = crypto.derive_kek(secrets.token_hex(8), crypto.new_salt(), params)
    took = time.perf_counter() - start
    if len(key) != crypto.KEY_LENGTH:
        raise RuntimeError(f"derived {len(key)} bytes, expected {crypto.KEY_LENGTH}")
    return f"{took:.2f} s ({params.encode()})"


def check_sqlite() -> str:
    """SQLite new enough for the store's SQL, and WAL works on this disk (in a temporary folder)."""
    from fieldapp.db import connect

    found = tuple(int(part) for part in sqlite3.sqlite_version.split("."))
    if found < MIN_SQLITE:
        raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is older than {'.'.join(map(str, MIN_SQLITE))}")
    with tempfile.TemporaryDirectory(prefix="fieldapp-selftest-") as folder:
        path = Path(folder) / "probe.sqlite3"
        writer, reader = connect(path), None
        try:
            mode = writer.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                raise RuntimeError(f"journal mode is {mode!r}, not WAL")
            writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            writer.execute("INSERT INTO t (k, v) VALUES (1, 'a') ON CONFLICT (k) DO UPDATE SET v = excluded.v")
            reader = connect(path)
            if reader.execute("SELECT v FROM t").fetchone() != ("a",):
                raise RuntimeError("a second connection did not see the committed row")
        finally:
            writer.close()
            if reader is not None:
                reader.close()
    return f"SQLite {sqlite3.sqlite_version}, WAL"


def check_regions() -> str:
    """The region index ships and knows a desa (the form and every record check need it)."""
    from fieldapp.regions import regions

    index = regions()
    found = index.get(SAMPLE_DESA)
    if found is None or found.level != "desa":
        raise RuntimeError(f"the region data does not know desa {SAMPLE_DESA}")
    return f"{len(index):,} codes; {SAMPLE_DESA} found"


def check_store() -> str:
    """An encrypted write and read: create a store, register, close, open, log in, show.

    Everything lives in a temporary folder that is removed after; the passphrase is random and
    never leaves this process; the record is synthetic.
    """
    from fieldapp.sample import applicant
    from fieldapp.store import Store

    sample = applicant(0, SAMPLE_DESA)
    secret = secrets.token_urlsafe(24)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fieldapp-selftest-") as folder:
        data_dir = Path(folder) / "store"
        store, _code = Store.create(data_dir, "selftest", secret, SAMPLE_DESA)
        try:
            [record_id] = store.register([sample])
        finally:
            store.close()
        with Store.open(data_dir) as again:
            again.login("selftest", secret)
            shown = again.show(record_id).registration.to_json()
    if shown.get("nik") != sample["nik"]:
        raise RuntimeError("the record read back differs from the one written")
    return f"{time.perf_counter() - start:.2f} s (create, register, reopen, log in, read)"


CORE_CHECKS: tuple[tuple[str, Check], ...] = (
    ("crypto", check_crypto),
    ("argon2id", check_argon2id),
    ("sqlite", check_sqlite),
    ("regions", check_regions),
    ("store", check_store),
)


def run_core_checks() -> list[CheckResult]:
    return [run_check(name, check) for name, check in CORE_CHECKS]
