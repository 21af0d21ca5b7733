"""The laptop's policy settings: how soon the app locks itself, and whether it syncs by itself.

They are kept sealed with the store's secrets key, so a settings value changed in the file by
hand (to switch the auto-lock off, say) fails to open instead of being obeyed; only a logged-in
supervisor changes them, through the store.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass

from fieldapp import crypto
from fieldapp.crypto import SubKeys
from fieldapp.errors import UsageError
from fieldapp.keyring import get_meta, set_meta

_KEY = "settings"
_CONTEXT = b"settings"
AUTO_LOCK_RANGE = (1, 120)


@dataclass(frozen=True)
class Settings:
    auto_lock_minutes: int = 10
    auto_sync: bool = True

    def describe(self) -> str:
        return f"auto_lock_minutes={self.auto_lock_minutes} auto_sync={int(self.auto_sync)}"

    def checked(self) -> Settings:
        low, high = AUTO_LOCK_RANGE
        if not isinstance(self.auto_lock_minutes, int) or not low <= self.auto_lock_minutes <= high:
            raise UsageError(
                f"auto-lock must be between {low} and {high} minutes",
                f"kunci otomatis harus antara {low} dan {high} menit",
            )
        return self


def load(conn: sqlite3.Connection, keys: SubKeys) -> Settings:
    sealed = get_meta(conn, _KEY)
    if sealed is None:
        return Settings()
    plaintext = crypto.open_sealed(keys.secrets, crypto.KIND_SECRET, bytes(sealed), _CONTEXT)  # type: ignore[arg-type]
    known = {name: value for name, value in json.loads(plaintext).items() if name in Settings.__dataclass_fields__}
    return Settings(**known)


def save(conn: sqlite3.Connection, keys: SubKeys, settings: Settings) -> None:
    plaintext = json.dumps(asdict(settings.checked())).encode("utf-8")
    set_meta(conn, _KEY, crypto.seal(keys.secrets, crypto.KIND_SECRET, plaintext, _CONTEXT))
