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

from fieldapp import audit, crypto, keyring, supervisor, users
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

        Inside the login's write transaction. The user's own wrap is the only way in, but for
        the one upgrade of an old store, made by the first supervisor to log in after it. A row
        that says "supervisor" but earns no key is an operator (and noted).
        """
        wrapped = users.supervisor_wrap(self._conn, user.name)
        if wrapped is not None:
            try:
                return supervisor.unwrap(kek, wrapped, user.name), ""
            except crypto.Tampered:
                return None, "the user's supervisor key wrap does not open"
        if user.role != "supervisor":
            return None, ""
        if supervisor.is_old_store(self._conn):
            return self._make_supervisor_key(user, kek, keys), ""
        if supervisor.is_unkeyed(self._conn, user.name):
            log.info("an upgraded store's supervisor logs in without the supervisor key until a reset")
            return None, ""
        return None, "the users table says supervisor, but the user holds no supervisor key"

    def _make_supervisor_key(self, user: User, kek: bytes, keys: crypto.SubKeys) -> bytes:
        """Upgrade a store from before the supervisor key (see `fieldapp.supervisor`).

        What an older fieldapp left unsealed (an enrolment, a plain pull cursor) is sealed now,
        while the store still counts as old: from here on, such state is an edit.
        """
        self._seal_old_sync_state(keys)
        key = crypto.new_key()
        derived = SupervisorKeys.derive(key)
        users.set_supervisor_wrap(self._conn, user.name, supervisor.wrap(kek, key, user.name))
        others = [other for other in users.all_users(self._conn) if other.name != user.name]
        for other in others:
            if other.disabled:
                supervisor.suspend(self._conn, derived, other.name, utc_now())
        supervisor.seal_users(self._conn, derived)
        audit.start_forward_secure(self._conn, keys, derived.audit_seed)
        supervisor.finish_migration(self._conn, [other.name for other in others if other.role == "supervisor"])
        seq = audit.next_seq(self._conn)
        tag = supervisor.users_tag(self._conn, derived, seq)
        audit.append(self._conn, keys, utc_now(), user.name, "supervisor_key", None, f"made users={tag}")
        supervisor.note_users_change(self._conn, seq)
        log.info("supervisor key made for an upgraded store")
        return key

    @staticmethod
    def _as_session_user(user: User, supervisor_key: bytes | None) -> User:
        """The user as this session may act: a supervisor only with the supervisor key."""
        return dataclasses.replace(user, role="supervisor" if supervisor_key is not None else "operator")

    def _check_users_sealed(self) -> str:
        """At a supervisor's login: "" when the users table is as supervisors left it."""
        if self._supervisor is None:
            return ""
        changed = supervisor.changed_rows(self._conn, self._supervisor)
        if changed:
            return f"the users table was changed outside fieldapp (users: {', '.join(changed)})"
        if supervisor.rolled_back(self._conn, self._supervisor):
            return "the users table was put back from an earlier copy of the store"
        return ""

    def _supervisor_keys(self) -> SupervisorKeys:
        self._require("supervisor")
        if self._supervisor is None or self._supervisor_key is None:
            raise AuthError("log in first", "silakan masuk terlebih dahulu")
        return self._supervisor

    def _audit_users_change(self, keys: SupervisorKeys, names: list[str], action: str, detail: str) -> None:
        """Reseal the rows changed, and record the change with a tag of the whole seal (see `users_tag`)."""
        supervisor.seal_users(self._conn, keys, names)
        seq = audit.next_seq(self._conn)
        self._audit(action, detail=f"{detail} users={supervisor.users_tag(self._conn, keys, seq)}")
        supervisor.note_users_change(self._conn, seq)

    def recovery_carries_supervisor_key(self) -> bool:
        """Whether the recovery code gives a supervisor back their powers (not yet, in an upgraded store)."""
        self._require()
        return keyring.recovery_carries_supervisor_key(self._conn)

    def new_recovery_code(self) -> str:
        """Replace the recovery code with a new one that carries both keys; shown once (supervisors)."""
        self._supervisor_keys()
        with transaction(self._conn):
            code = keyring.new_recovery(self._conn, self._unlocked_key(), self._supervisor_key)
            self._audit("recovery_code", detail="a new recovery code replaced the old one")
        return code

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
            self._audit_users_change(keys, [name], "user_add", f"user={name} role={role}")

    def disable_user(self, name: str) -> None:
        """Take the user's key wraps away (sealed for a later `enable_user`): no wrap, no login."""
        keys = self._supervisor_keys()
        target = self._existing_user(name)
        if target.name == self.user.name:
            raise UsageError("you cannot disable yourself", "Anda tidak dapat menonaktifkan diri sendiri")
        with transaction(self._conn):
            supervisor.suspend(self._conn, keys, target.name, utc_now())
            self._audit_users_change(keys, [target.name], "user_disable", f"user={name}")

    def enable_user(self, name: str) -> None:
        """Let a disabled user log in again (with the passphrase they had, or a reset one)."""
        keys = self._supervisor_keys()
        target = self._existing_user(name)
        with transaction(self._conn):
            self._refuse_if_changed(keys, target.name)
            supervisor.resume(self._conn, keys, target.name, utc_now())
            self._audit_users_change(keys, [target.name], "user_enable", f"user={name}")

    def reset_passphrase(self, name: str, passphrase: str) -> User:
        """Set a user's passphrase and lift a lockout; returns the user (still disabled if it was).

        A supervisor's new wraps carry the supervisor key; an operator's never do. A disabled
        user's new wraps go straight back into their sealed suspension.
        """
        keys = self._supervisor_keys()
        users.check_passphrase(passphrase, name)
        target = self._existing_user(name)
        with transaction(self._conn):
            if target.role == "supervisor":  # a row promoted in the file must never be handed the key
                self._refuse_if_changed(keys, target.name)
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
            if target.role == "supervisor":
                supervisor.keyed(self._conn, target.name)
            self._audit_users_change(keys, [target.name], "user_reset", f"user={name}")
        return self._existing_user(name)

    def users(self) -> list[User]:
        self._require("supervisor")
        return users.all_users(self._conn)

    def users_tampered(self) -> bool:
        """Whether the users table differs from what supervisors left (supervisors)."""
        return bool(self._check_users_sealed()) if self._supervisor_keys() else False

    def _refuse_if_changed(self, keys: SupervisorKeys, name: str) -> None:
        """Refuse to act on a row edited in the file (it would be sealed, and so approved, by the act)."""
        if name in supervisor.changed_rows(self._conn, keys) or supervisor.rolled_back(self._conn, keys):
            raise UsageError(
                f"the users table was changed outside fieldapp (or put back from an earlier copy), so {name!r} "
                "cannot be given a key now: disable any user you did not add, and tell IT",
                f"daftar pengguna diubah di luar fieldapp (atau dikembalikan dari salinan lama), jadi {name!r} belum "
                "bisa diberi kunci: nonaktifkan pengguna yang tidak Anda tambahkan, lalu hubungi petugas TI",
            )

    def _existing_user(self, name: str) -> User:
        target = users.find(self._conn, name)
        if target is None:
            raise UsageError(f"no user {name!r}", f"tidak ada pengguna {name!r}")
        return target
