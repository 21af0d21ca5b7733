"""Users of one laptop, their roles, passphrases and lockout.

Each user's passphrase derives (Argon2id) a key that wraps the store key, so changing or
resetting a passphrase rewraps one key and re-encrypts nothing. Wrong passphrases are counted
in the database, so a lockout holds across restarts and processes.
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from fieldapp import crypto
from fieldapp.errors import UsageError

ROLES = ("operator", "supervisor")
MIN_PASSPHRASE_LENGTH = 10
MAX_FAILED_ATTEMPTS = 5
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 3600
HARD_LOCK_ATTEMPTS = 15  # wrong passphrases in a row after which only a supervisor (or recovery) unlocks
_NAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    disabled: bool
    failed_attempts: int
    locked_until: float
    created_at: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(
            "user names are 2-32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter",
            "nama pengguna 2-32 karakter: huruf kecil, angka, '.', '_' atau '-', diawali huruf",
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError("role must be operator or supervisor", "peran harus operator atau supervisor")
    return role


MIN_PASSPHRASE_SCORE = 3  # zxcvbn's scale 0-4; 3 means about 10^8 guesses or more
# Words zxcvbn's English lists miss but a guesser in an Indonesian desa office would try first.
_LOCAL_WORDS = (
    "fieldapp", "prakerja", "kartu", "kartuprakerja", "indonesia", "jakarta", "bandung", "surabaya",
    "bismillah", "rahasia", "sandi", "katasandi", "kata sandi", "merdeka", "garuda", "pancasila",
    "desa", "kelurahan", "kecamatan", "kantor", "kantordesa", "admin", "supervisor", "operator",
    "sayang", "cinta", "selamat", "alhamdulillah",
)  # fmt: skip


def check_passphrase(passphrase: str, user_name: str | None = None) -> str:
    """Refuse a new passphrase that is blank, short, or common and guessable.

    Length counts NFC characters, as the KDF sees them. Length alone lets `password12`
    and `aaaaaaaaaa` through, and the lockout only slows guessing through the app (a copied
    file faces Argon2id alone), so a passphrase must also score at least
    `MIN_PASSPHRASE_SCORE` on zxcvbn: common passwords, words, names, dates, keyboard runs and
    repetitions, the user's own name and local words are all counted as guessable.
    """
    if not any(char.isprintable() and not char.isspace() for char in passphrase):
        raise UsageError(  # blank, spaces, or only invisible characters (zero-width spaces...)
            "the passphrase is empty or only spaces or invisible characters; choose a real one",
            "kata sandi kosong atau hanya berisi spasi atau karakter tak terlihat; pilih kata sandi yang sebenarnya",
        )
    normal = unicodedata.normalize("NFC", passphrase)
    if len(normal) < MIN_PASSPHRASE_LENGTH:
        raise UsageError(
            f"a passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters",
            f"kata sandi minimal {MIN_PASSPHRASE_LENGTH} karakter",
        )
    if _strength(normal, user_name) < MIN_PASSPHRASE_SCORE:
        raise UsageError(
            "this passphrase is too easy to guess (a common password, word, name, date, keyboard "
            "pattern or repetition); use three or four unrelated words",
            "kata sandi ini terlalu mudah ditebak (kata sandi umum, kata, nama, tanggal, pola "
            "keyboard atau pengulangan); gunakan tiga atau empat kata yang tidak berhubungan",
        )
    return passphrase


def _strength(passphrase: str, user_name: str | None) -> int:
    """zxcvbn's score 0-4 (imported here: only commands that set a passphrase pay for its lists)."""
    from zxcvbn import zxcvbn

    inputs = [*_LOCAL_WORDS, *([user_name] if user_name else [])]
    return int(zxcvbn(passphrase, user_inputs=inputs)["score"])


def lock_seconds(failed_attempts: int) -> int:
    """How long a user waits after this many wrong passphrases: doubling from the fifth on."""
    if failed_attempts < MAX_FAILED_ATTEMPTS:
        return 0
    doublings = min(failed_attempts - MAX_FAILED_ATTEMPTS, 16)
    return min(FIRST_LOCK_SECONDS * 2**doublings, LONGEST_LOCK_SECONDS)


def wrap_context(name: str) -> bytes:
    """Binds a wrapped key to its user, so a row copied onto another user fails to open."""
    return b"user:" + name.encode("utf-8")


def find(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute(
        "SELECT name, role, disabled, failed_attempts, locked_until, created_at FROM users WHERE name = ?",
        (name,),
    ).fetchone()
    return User(row[0], row[1], bool(row[2]), row[3], row[4], row[5]) if row else None


def all_users(conn: sqlite3.Connection) -> list[User]:
    rows = conn.execute(
        "SELECT name, role, disabled, failed_attempts, locked_until, created_at FROM users ORDER BY name"
    )
    return [User(r[0], r[1], bool(r[2]), r[3], r[4], r[5]) for r in rows]


def wrapped_key(conn: sqlite3.Connection, name: str) -> tuple[crypto.KdfParams, bytes, bytes]:
    params, salt, wrapped = conn.execute(
        "SELECT kdf_params, kdf_salt, wrapped_key FROM users WHERE name = ?", (name,)
    ).fetchone()
    if not (isinstance(params, str) and isinstance(salt, bytes) and isinstance(wrapped, bytes)):
        raise crypto.Tampered()  # a row edited into the wrong types opens nothing (and crashes nothing)
    try:
        return crypto.KdfParams.decode(params), salt, wrapped
    except (ValueError, KeyError):
        raise crypto.Tampered() from None


def has_key_wrap(conn: sqlite3.Connection, name: str) -> bool:
    """False for a disabled user, whose wraps were taken away (`supervisor.suspend`)."""
    row = conn.execute("SELECT length(wrapped_key) FROM users WHERE name = ?", (name,)).fetchone()
    return bool(row and row[0])


def supervisor_wrap(conn: sqlite3.Connection, name: str) -> bytes | None:
    """The supervisor key wrapped for `name`, or None (operators, and supervisors not yet upgraded)."""
    row = conn.execute("SELECT supervisor_key FROM users WHERE name = ?", (name,)).fetchone()
    if row is None or row[0] is None:
        return None
    return bytes(row[0]) if isinstance(row[0], bytes) else b"not a wrap"  # fails to open: noted, not a crash


def unlock(conn: sqlite3.Connection, name: str, passphrase: str) -> tuple[bytes, bytes]:
    """(key-encryption key, store key) for a user's passphrase; crypto.Tampered when it is wrong.

    Keys are derived from the NFC form of a passphrase (`crypto.derive_kek`). A passphrase set
    before that was derived exactly as typed, so when the NFC form fails and the typed string is
    not NFC itself, the typed string is tried too: a second Argon2id run, paid only by a wrong
    or an old-style decomposed passphrase, never by an ASCII or NFC one. The KEK is returned
    because it also unwraps a supervisor's supervisor key.
    """
    params, salt, wrapped = wrapped_key(conn, name)
    context = wrap_context(name)
    kek = crypto.derive_kek(passphrase, salt, params)
    try:
        return kek, crypto.unwrap_key(kek, wrapped, context)
    except crypto.Tampered:
        if unicodedata.is_normalized("NFC", passphrase):
            raise
    kek = crypto.derive_kek(passphrase, salt, params, as_typed=True)
    return kek, crypto.unwrap_key(kek, wrapped, context)


def unwrap_store_key(conn: sqlite3.Connection, name: str, passphrase: str) -> bytes:
    """The store key under a user's passphrase; crypto.Tampered when the passphrase is wrong."""
    return unlock(conn, name, passphrase)[1]


@dataclass(frozen=True)
class Wraps:
    """What a passphrase protects for one user: the store key, and for a supervisor the supervisor key."""

    params: str
    salt: bytes
    wrapped: bytes
    supervisor: bytes | None


def wrap_for(name: str, passphrase: str, store_key: bytes, supervisor_key: bytes | None = None) -> Wraps:
    """A user's wraps for a new passphrase: one Argon2id run for both keys."""
    from fieldapp import supervisor  # one-way: supervisor.py knows nothing of users

    params, salt = crypto.KdfParams(), crypto.new_salt()
    kek = crypto.derive_kek(passphrase, salt, params)
    return Wraps(
        params.encode(),
        salt,
        crypto.wrap_key(kek, store_key, wrap_context(name)),
        supervisor.wrap(kek, supervisor_key, name) if supervisor_key is not None else None,
    )


def insert(
    conn: sqlite3.Connection,
    name: str,
    role: str,
    passphrase: str,
    store_key: bytes,
    now: str,
    supervisor_key: bytes | None = None,
) -> None:
    """A new user; a supervisor gets the supervisor key wrapped too (operators never do)."""
    if find(conn, name) is not None:
        raise UsageError(f"user {name!r} already exists", f"pengguna {name!r} sudah ada")
    wraps = wrap_for(name, passphrase, store_key, supervisor_key if role == "supervisor" else None)
    conn.execute(
        "INSERT INTO users (name, role, kdf_params, kdf_salt, wrapped_key, supervisor_key, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (name, role, wraps.params, wraps.salt, wraps.wrapped, wraps.supervisor, now, now),
    )


def set_passphrase(
    conn: sqlite3.Connection,
    name: str,
    passphrase: str,
    store_key: bytes,
    now: str,
    supervisor_key: bytes | None = None,
) -> None:
    """Rewrap the keys for a new passphrase and lift any lockout."""
    wraps = wrap_for(name, passphrase, store_key, supervisor_key)
    conn.execute(
        "UPDATE users SET kdf_params = ?, kdf_salt = ?, wrapped_key = ?, supervisor_key = ?, failed_attempts = 0,"
        " locked_until = 0, updated_at = ? WHERE name = ?",
        (wraps.params, wraps.salt, wraps.wrapped, wraps.supervisor, now, name),
    )


def set_supervisor_wrap(conn: sqlite3.Connection, name: str, wrapped: bytes) -> None:
    conn.execute("UPDATE users SET supervisor_key = ? WHERE name = ?", (wrapped, name))


def lock_wait(user: User, now: float) -> float | None:
    """Seconds `user` must still wait before another guess; inf when only a supervisor can lift it.

    The count is what holds: from the `HARD_LOCK_ATTEMPTS`th guess in a row on, no clock
    matters, so setting the laptop's clock forward buys at most the few timed waits before
    that. A clock set back lengthens the current wait, never shortens it.
    """
    if user.failed_attempts >= HARD_LOCK_ATTEMPTS:
        return math.inf
    wait = user.locked_until - now
    return wait if wait > 0 else None


def claim_attempt(conn: sqlite3.Connection, name: str, now: float) -> User:
    """Count a guess before its key is derived; call inside a write transaction.

    Each login process counts its guess first, in `BEGIN IMMEDIATE`, and only then runs
    Argon2id: parallel logins queue on the write lock, and each sees the guesses before it, so
    no more than the allowed number are ever checked however many start together. A right
    passphrase clears the count (`clear_failures`); a wrong one leaves it counted. Returns the
    user as counted; the caller checks `lock_wait` first.
    """
    conn.execute("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE name = ?", (name,))
    counted = find(conn, name)
    assert counted is not None
    delay = lock_seconds(counted.failed_attempts)
    if delay:
        conn.execute("UPDATE users SET locked_until = ? WHERE name = ?", (now + delay, name))
        counted = find(conn, name)
        assert counted is not None
    return counted


def clear_failures(conn: sqlite3.Connection, name: str) -> None:
    conn.execute(
        "UPDATE users SET failed_attempts = 0, locked_until = 0 WHERE name = ? AND failed_attempts > 0", (name,)
    )
