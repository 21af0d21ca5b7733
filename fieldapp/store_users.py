"""The store's users side: who is a supervisor, and the supervisor's user management.

Mixed into `fieldapp.store.Store`. A session is a supervisor's exactly when its passphrase (or
the recovery code) unwrapped the supervisor key (`fieldapp.supervisor`): the `role` column is a
label the supervisor key vouches for, never the source of a power. Every change a supervisor
makes to the users table is sealed again under that key, in the same transaction.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from typing import TYPE_CHECKING

from fieldapp import audit, crypto, supervisor, users
from fieldapp.db import transaction
from fieldapp.errors import AuthError, UsageError
from fieldapp.supervisor import SupervisorKeys
from fieldapp.timestamps import utc_now
from fieldapp.users import User

log = logging.getLogger(__name__)


class UsersSide:
    _conn: sqlite3.Connection
    _supervisor_key: bytes | None
    _supervisor: SupervisorKeys | None

    if TYPE_CHECKING:  # supplied by Store

        @property
        def user(self) -> User: ...

        def _require(self, role: str | None = None) -> crypto.SubKeys: ...

        def _unlocked_key(self) -> bytes: ...

        def _audit(self, action: str, record_id: str | None = None, detail: str = "") -> None: ...

    # -- who is a supervisor -----------------------------------------------------------------

    def _supervisor_key_at_login(self, user: User, kek: bytes, keys: crypto.SubKeys) -> tuple[bytes | None, str]:
        """The supervisor key this login earns, if any, and what looked wrong (for the audit log).

        Inside the login's write transaction. In order: the user's own wrap; a wrap left for
        them at the upgrade; the upgrade itself, made by the first supervisor to log in after
        it. A row that says "supervisor" but earns no key is an operator (and noted).
        """
        wrapped = users.supervisor_wrap(self._conn, user.name)
        if wrapped is not None:
            try:
                return supervisor.unwrap(kek, wrapped, user.name), ""
            except crypto.Tampered:
                return None, "the user's supervisor key wrap does not open"
        pending = supervisor.take_pending(self._conn, keys.secrets, user.name)
        if pending is not None:
            users.set_supervisor_wrap(self._conn, user.name, supervisor.wrap(kek, pending, user.name))
            supervisor.seal_users(self._conn, SupervisorKeys.derive(pending))
            return pending, ""
        if user.role == "supervisor" and supervisor.needs_migration(self._conn) and not supervisor.exists(self._conn):
            return self._make_supervisor_key(user, kek, keys), ""
        if user.role == "supervisor":
            return None, "the users table says supervisor, but the user holds no supervisor key"
        return None, ""

    def _make_supervisor_key(self, user: User, kek: bytes, keys: crypto.SubKeys) -> bytes:
        """Upgrade a store from before the supervisor key (see `fieldapp.supervisor`)."""
        key = crypto.new_key()
        derived = SupervisorKeys.derive(key)
        users.set_supervisor_wrap(self._conn, user.name, supervisor.wrap(kek, key, user.name))
        for other in users.all_users(self._conn):
            if other.name == user.name:
                continue
            if other.role == "supervisor":
                supervisor.leave_pending(self._conn, keys.secrets, key, other.name)
            if other.disabled:
                supervisor.suspend(self._conn, derived, other.name, utc_now())
        supervisor.leave_pending(self._conn, keys.secrets, key, supervisor.RECOVERY)
        supervisor.seal_users(self._conn, derived)
        audit.start_forward_secure(self._conn, keys, derived.audit_seed)
        supervisor.finish_migration(self._conn)
        log.info("supervisor key made for an upgraded store")
        return key

    @staticmethod
    def _as_session_user(user: User, supervisor_key: bytes | None) -> User:
        """The user as this session may act: a supervisor only with the supervisor key."""
        return dataclasses.replace(user, role="supervisor" if supervisor_key is not None else "operator")

    def _check_users_sealed(self) -> str:
        """At a supervisor's login: "" when the users table is as a supervisor left it."""
        if self._supervisor is None or supervisor.users_intact(self._conn, self._supervisor):
            return ""
        return "the users table was changed outside fieldapp"

    def _supervisor_keys(self) -> SupervisorKeys:
        self._require("supervisor")
        if self._supervisor is None or self._supervisor_key is None:
            raise AuthError("log in first", "silakan masuk terlebih dahulu")
        return self._supervisor

    # -- user management (supervisors) ---------------------------------------------------------

    def add_user(self, name: str, role: str, passphrase: str) -> None:
        keys = self._supervisor_keys()
        users.check_name(name)
        users.check_role(role)
        users.check_passphrase(passphrase, name)
        with transaction(self._conn):
            users.insert(
                self._conn, name, role, passphrase, self._unlocked_key(), utc_now(), supervisor_key=self._supervisor_key
            )
            supervisor.seal_users(self._conn, keys)
            self._audit("user_add", detail=f"user={name} role={role}")

    def disable_user(self, name: str) -> None:
        """Take the user's key wraps away (sealed for a later `enable_user`): no wrap, no login."""
        keys = self._supervisor_keys()
        target = self._existing_user(name)
        if target.name == self.user.name:
            raise UsageError("you cannot disable yourself", "Anda tidak dapat menonaktifkan diri sendiri")
        with transaction(self._conn):
            supervisor.suspend(self._conn, keys, target.name, utc_now())
            supervisor.seal_users(self._conn, keys)
            self._audit("user_disable", detail=f"user={name}")

    def enable_user(self, name: str) -> None:
        """Let a disabled user log in again (with the passphrase they had, or a reset one)."""
        keys = self._supervisor_keys()
        target = self._existing_user(name)
        with transaction(self._conn):
            supervisor.resume(self._conn, keys, target.name, utc_now())
            supervisor.seal_users(self._conn, keys)
            self._audit("user_enable", detail=f"user={name}")

    def reset_passphrase(self, name: str, passphrase: str) -> User:
        """Set a user's passphrase and lift a lockout; returns the user (still disabled if it was).

        A supervisor's new wraps carry the supervisor key; an operator's never do. A disabled
        user's new wraps go straight back into their sealed suspension.
        """
        keys = self._supervisor_keys()
        users.check_passphrase(passphrase, name)
        target = self._existing_user(name)
        if target.role == "supervisor" and not supervisor.users_intact(self._conn, keys):
            raise UsageError(  # a row promoted in the file must not be handed the supervisor key
                "the users table was changed outside fieldapp, so a supervisor's passphrase cannot be reset now: "
                "check the user list, disable any user you did not add, then reset again",
                "daftar pengguna diubah di luar fieldapp, jadi kata sandi supervisor belum bisa diatur ulang: periksa "
                "daftar pengguna, nonaktifkan pengguna yang tidak Anda tambahkan, lalu atur ulang lagi",
            )
        with transaction(self._conn):
            users.set_passphrase(
                self._conn,
                target.name,
                passphrase,
                self._unlocked_key(),
                utc_now(),
                supervisor_key=self._supervisor_key if target.role == "supervisor" else None,
            )
            if target.disabled:
                supervisor.suspend(self._conn, keys, target.name, utc_now())
            supervisor.seal_users(self._conn, keys)
            self._audit("user_reset", detail=f"user={name}")
        return self._existing_user(name)

    def users(self) -> list[User]:
        self._require("supervisor")
        return users.all_users(self._conn)

    def users_tampered(self) -> bool:
        """Whether the users table differs from what a supervisor last sealed (supervisors)."""
        return not supervisor.users_intact(self._conn, self._supervisor_keys())

    def _existing_user(self, name: str) -> User:
        target = users.find(self._conn, name)
        if target is None:
            raise UsageError(f"no user {name!r}", f"tidak ada pengguna {name!r}")
        return target
