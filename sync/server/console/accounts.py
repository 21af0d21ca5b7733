"""Console accounts: Argon2id password hashes, the lockout, and sessions that expire.

A password is kept only as an Argon2id PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`),
so its cost can be raised later without breaking older hashes. A login runs Argon2id whatever
the name, and a name nobody has is locked out exactly like a real one, so neither the time taken
nor the page shown says whether a name exists.

A session is a random token in a cookie; only its SHA-256 is stored. It ends at logout, after
`idle_minutes` without a request, `session_minutes` after login, or when its user is disabled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from fieldapp import crypto
from fieldapp.crypto import KdfParams
from fieldapp.timestamps import iso_utc, parse
from sync.server import storage as t
from sync.server.admin import AdminError

if TYPE_CHECKING:
    from sync.server.console.web import ConsoleSettings

ROLE_NAMES = ("viewer", "verifier", "admin")  # web.ROLES; repeated to keep this module free of the web layer
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD = 10
HASH_PARAMS = KdfParams()  # the laptop's cost: 64 MiB, 3 passes, 4 lanes (~0.2 s here)
TOUCH_EVERY = dt.timedelta(minutes=1)  # a session's last_seen_at is written at most this often
MAX_UNKNOWN_NAMES = 10_000  # the lockout kept in memory for names nobody has


class AccountError(AdminError):
    """A refused account change (bad name, role or password, duplicate, unknown user); safe to show."""


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_password(password: str) -> str:
    """An Argon2id PHC string; runs under crypto's process-wide Argon2id lock."""
    return crypto.password_hash(password, HASH_PARAMS)


def password_matches(password: str, phc: str) -> bool:
    """Argon2id's own constant-time check (under the same lock); a damaged hash never matches."""
    return crypto.password_hash_matches(password, phc)


_dummy_hash: str | None = None


def dummy_hash() -> str:
    """A hash of a random password, checked for unknown names so they cost as much time as known ones."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(24))
    return _dummy_hash


def normalize_name(name: str) -> str:
    return name.strip().lower()


def check_identity(name: str, role: str) -> str:
    """The account's name, normalised (lower case); refuses a bad name or role."""
    name = normalize_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError("the name must be 2-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if role not in ROLE_NAMES:
        raise AccountError(f"the role must be one of {', '.join(ROLE_NAMES)}")
    return name


def check_password(name: str, password: str) -> None:
    if not password:
        raise AccountError("the password is empty")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if password.lower() == name or (len(name) >= 4 and name in password.lower()) or len(set(password)) < 5:
        raise AccountError("the password is too easy to guess: not the name, and at least 5 different characters")


def add_user(engine: Engine, name: str, role: str, password: str) -> str:
    name = check_identity(name, role)
    check_password(name, password)
    password_hash = hash_password(password)
    with engine.begin() as conn:
        if conn.execute(select(t.console_users.c.name).where(t.console_users.c.name == name)).first():
            raise AccountError(f"a console user {name!r} exists already")
        conn.execute(
            t.console_users.insert().values(
                name=name, role=role, password_hash=password_hash, disabled=False, failures=0, created_at=_now()
            )
        )
    return name


def list_users(engine: Engine) -> list[dict[str, object]]:
    """Every account without its hash: name, role, disabled, locked_until, created_at, last_login_at."""
    users = t.console_users
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                users.c.name,
                users.c.role,
                users.c.disabled,
                users.c.locked_until,
                users.c.created_at,
                users.c.last_login_at,
            ).order_by(users.c.name)
        )
        found = [dict(row._mapping) for row in rows]
    now = _now()
    for user in found:
        user["disabled"] = bool(user["disabled"])
        if user["locked_until"] is not None and str(user["locked_until"]) <= now:
            user["locked_until"] = None
    return found


def disable_user(engine: Engine, name: str) -> int:
    """Disable the account and end its sessions at once; returns how many sessions ended."""
    name = normalize_name(name)
    with engine.begin() as conn:
        done = conn.execute(t.console_users.update().where(t.console_users.c.name == name).values(disabled=True))
        if done.rowcount != 1:
            raise AccountError(f"no console user {name!r}")
        ended = conn.execute(t.console_sessions.delete().where(t.console_sessions.c.user_name == name))
    return int(ended.rowcount)


def set_password(engine: Engine, name: str, password: str) -> int:
    """A new password for an account, set by the server's operator: what a forgotten password needs.

    The account is enabled again and unlocked, and its open sessions end (whoever held them
    knew the old password); returns how many sessions ended.
    """
    name = normalize_name(name)
    check_password(name, password)
    password_hash = hash_password(password)
    users = t.console_users
    with engine.begin() as conn:
        done = conn.execute(
            users.update()
            .where(users.c.name == name)
            .values(password_hash=password_hash, disabled=False, failures=0, locked_until=None)
        )
        if done.rowcount != 1:
            raise AccountError(f"no console user {name!r}")
        ended = conn.execute(t.console_sessions.delete().where(t.console_sessions.c.user_name == name))
    return int(ended.rowcount)


@dataclass(frozen=True)
class LoginResult:
    """`outcome`: "ok", "wrong" (name or password) or "locked" (`until`, a stored UTC time)."""

    outcome: str
    name: str
    role: str = ""
    until: str | None = None
    just_locked: bool = False
    known: bool = False  # the name is a live account: only then is it written to the audit log


class LoginGuard:
    """Checks passwords and keeps the lockout: `max_failures` wrong in a row lock a name for a while."""

    def __init__(self, engine: Engine, max_failures: int, lockout_minutes: int) -> None:
        self.engine = engine
        self.max_failures = max_failures
        self.lockout = dt.timedelta(minutes=lockout_minutes)
        self._unknown: OrderedDict[str, tuple[int, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def attempt(self, typed_name: str, password: str) -> LoginResult:
        """Count the attempt first, then check the password; a right one resets the count.

        The count is taken before the slow Argon2id check, atomically (one write transaction
        per account; a lock for names nobody has), so guesses sent in parallel are counted as
        they arrive: the attempt that reaches `max_failures` locks the name at once, and every
        attempt after it is refused without a check, even while the earlier ones are still
        being judged. A locked name costs no Argon2id run, known or not.
        """
        name = normalize_name(typed_name)[:64]
        counted = self._count_known(name)
        if counted is None:
            return self._attempt_unknown(name, password)
        role, password_hash, locks, until = counted
        if until is not None and not locks:
            return LoginResult("locked", name, until=until, known=True)
        if password_matches(password, password_hash):
            self._store(name, 0, None, last_login=_now())
            return LoginResult("ok", name, role=role, known=True)
        if locks:
            return LoginResult("locked", name, until=until, just_locked=True, known=True)
        return LoginResult("wrong", name, known=True)

    def _count_known(self, name: str) -> tuple[str, str, bool, str | None] | None:
        """For a live account: (role, hash, this attempt locks it, locked until); None for any other name.

        A locked account is not counted: (role, hash, False, until). Otherwise the attempt is
        counted as a failure now, and when it is the last one allowed the lock is set now too;
        a right password undoes both (`_store`).
        """
        users = t.console_users
        now = _now()
        with self.engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite, the row locked on PostgreSQL
            row = conn.execute(
                select(users.c.role, users.c.password_hash, users.c.disabled, users.c.failures, users.c.locked_until)
                .where(users.c.name == name)
                .with_for_update()
            ).first()
            if row is None or row.disabled:
                return None
            if row.locked_until is not None and row.locked_until > now:
                return row.role, row.password_hash, False, row.locked_until
            failures = row.failures + 1
            locked = iso_utc(now_utc() + self.lockout) if failures >= self.max_failures else None
            conn.execute(
                users.update()
                .where(users.c.name == name)
                .values(failures=0 if locked else failures, locked_until=locked)
            )
        return row.role, row.password_hash, locked is not None, locked

    def _attempt_unknown(self, name: str, password: str) -> LoginResult:
        """A name no live account has, counted and locked in memory exactly like a real one."""
        now = _now()
        with self._lock:
            failures, until = self._unknown.get(name, (0, None))
            if until is not None and until > now:
                return LoginResult("locked", name, until=until)
            failures += 1
            locked = iso_utc(now_utc() + self.lockout) if failures >= self.max_failures else None
            self._remember_unknown(name, 0 if locked else failures, locked)
        password_matches(password, dummy_hash())  # the same time as a real account's check
        if locked is not None:
            return LoginResult("locked", name, until=locked, just_locked=True)
        return LoginResult("wrong", name)

    def _store(self, name: str, failures: int, locked: str | None, last_login: str | None = None) -> None:
        values: dict[str, object] = {"failures": failures, "locked_until": locked}
        if last_login is not None:
            values["last_login_at"] = last_login
        with self.engine.begin() as conn:
            conn.execute(t.console_users.update().where(t.console_users.c.name == name).values(**values))

    def _remember_unknown(self, name: str, failures: int, locked: str | None) -> None:
        """Called with `_lock` held; the oldest names are forgotten beyond MAX_UNKNOWN_NAMES."""
        self._unknown[name] = (failures, locked)
        self._unknown.move_to_end(name)
        while len(self._unknown) > MAX_UNKNOWN_NAMES:
            self._unknown.popitem(last=False)


@dataclass(frozen=True)
class Session:
    token: str
    user_name: str
    role: str

    def __repr__(self) -> str:  # never show the token
        return f"Session(user_name={self.user_name!r}, role={self.role!r})"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return iso_utc(now_utc())


def create_session(engine: Engine, name: str, settings: ConsoleSettings) -> str:
    """A new session for `name`; the token goes into the cookie and only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = now_utc()
    with engine.begin() as conn:
        conn.execute(
            t.console_sessions.insert().values(
                token_hash=_hash_token(token),
                user_name=name,
                created_at=iso_utc(now),
                expires_at=iso_utc(now + dt.timedelta(minutes=settings.session_minutes)),
                last_seen_at=iso_utc(now),
            )
        )
        # Sessions that ended long ago are removed as new ones begin: the table stays small.
        conn.execute(t.console_sessions.delete().where(t.console_sessions.c.expires_at < iso_utc(now)))
    return token


def session_for_token(engine: Engine, token: str, settings: ConsoleSettings) -> Session | None:
    """The live session of `token`: not expired, not idle too long, its user not disabled."""
    if not token or len(token) > 100:
        return None
    sessions, users = t.console_sessions, t.console_users
    token_hash = _hash_token(token)
    with engine.connect() as conn:
        row = conn.execute(
            select(sessions.c.user_name, sessions.c.expires_at, sessions.c.last_seen_at, users.c.role)
            .select_from(sessions.join(users, users.c.name == sessions.c.user_name))
            .where((sessions.c.token_hash == token_hash) & users.c.disabled.is_(False))
        ).first()
    if row is None:
        return None
    now = now_utc()
    last_seen = parse(row.last_seen_at)
    if parse(row.expires_at) <= now or last_seen + dt.timedelta(minutes=settings.idle_minutes) <= now:
        end_session(engine, token)
        return None
    if now - last_seen >= TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(sessions.update().where(sessions.c.token_hash == token_hash).values(last_seen_at=iso_utc(now)))
    return Session(token, row.user_name, row.role)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(t.console_sessions.delete().where(t.console_sessions.c.token_hash == _hash_token(token)))
