"""The laptop's policy settings: how soon the app locks itself, whether it syncs by itself, and
how long an unfinished registration (a draft) is kept.

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
DRAFT_DAYS_RANGE = (1, 365)  # a draft holds personal data no one has confirmed: not kept for years


@dataclass(frozen=True)
class Settings:
    auto_lock_minutes: int = 10
    auto_sync: bool = True
    draft_days: int = 30  # drafts not saved for longer are purged at the next login

    def describe(self) -> str:
        return (
            f"auto_lock_minutes={self.auto_lock_minutes} auto_sync={int(self.auto_sync)} draft_days={self.draft_days}"
        )

    def checked(self) -> Settings:
        low, high = AUTO_LOCK_RANGE
        if not isinstance(self.auto_lock_minutes, int) or not low <= self.auto_lock_minutes <= high:
            raise UsageError(
                f"auto-lock must be between {low} and {high} minutes",
                f"kunci otomatis harus antara {low} dan {high} menit",
            )
        low, high = DRAFT_DAYS_RANGE
        if not _whole(self.draft_days) or not low <= self.draft_days <= high:
            raise UsageError(
                f"drafts must be kept between {low} and {high} days",
                f"draf harus disimpan antara {low} dan {high} hari",
            )
        return self


def _whole(value: object) -> bool:
    """An int that is not a bool (True would pass as 1 day)."""
    return isinstance(value, int) and not isinstance(value, bool)


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
