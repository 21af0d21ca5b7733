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
    return crypto.KdfParams.decode(params), bytes(salt), bytes(wrapped)


def unwrap_store_key(conn: sqlite3.Connection, name: str, passphrase: str) -> bytes:
    """The store key under a user's passphrase; crypto.Tampered when the passphrase is wrong.

    Keys are derived from the NFC form of a passphrase (`crypto.derive_kek`). A passphrase set
    before that was derived exactly as typed, so when the NFC form fails and the typed string is
    not NFC itself, the typed string is tried too: a second Argon2id run, paid only by a wrong
    or an old-style decomposed passphrase, never by an ASCII or NFC one.
    """
    params, salt, wrapped = wrapped_key(conn, name)
    context = wrap_context(name)
    try:
        return crypto.unwrap_key(crypto.derive_kek(passphrase, salt, params), wrapped, context)
    except crypto.Tampered:
        if unicodedata.is_normalized("NFC", passphrase):
            raise
    return crypto.unwrap_key(crypto.derive_kek(passphrase, salt, params, as_typed=True), wrapped, context)


def wrap_for(name: str, passphrase: str, store_key: bytes) -> tuple[str, bytes, bytes]:
    """(kdf params, salt, wrapped store key) for a user's new passphrase."""
    params, salt = crypto.KdfParams(), crypto.new_salt()
    kek = crypto.derive_kek(passphrase, salt, params)
    return params.encode(), salt, crypto.wrap_key(kek, store_key, wrap_context(name))


def insert(conn: sqlite3.Connection, name: str, role: str, passphrase: str, store_key: bytes, now: str) -> None:
    if find(conn, name) is not None:
        raise UsageError(f"user {name!r} already exists", f"pengguna {name!r} sudah ada")
    params, salt, wrapped = wrap_for(name, passphrase, store_key)
    conn.execute(
        "INSERT INTO users (name, role, kdf_params, kdf_salt, wrapped_key, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (name, role, params, salt, wrapped, now, now),
    )


def set_passphrase(conn: sqlite3.Connection, name: str, passphrase: str, store_key: bytes, now: str) -> None:
    """Rewrap the store key for a new passphrase and lift any lockout."""
    params, salt, wrapped = wrap_for(name, passphrase, store_key)
    conn.execute(
        "UPDATE users SET kdf_params = ?, kdf_salt = ?, wrapped_key = ?, failed_attempts = 0,"
        " locked_until = 0, updated_at = ? WHERE name = ?",
        (params, salt, wrapped, now, name),
    )


def set_disabled(conn: sqlite3.Connection, name: str, now: str, disabled: bool = True) -> None:
    conn.execute("UPDATE users SET disabled = ?, updated_at = ? WHERE name = ?", (int(disabled), now, name))


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
