"""Name search over encrypted records, without writing any searchable form of a name to disk.

Blind indexes can only match whole values; a substring search over names would need trigram
indexes that leak name statistics. Instead each record keeps its folded name sealed on its own,
and the first search after unlock decrypts those small values into memory (about 0.1 s per
100,000 records). Later searches scan memory. The cache follows this connection's own writes,
and is rebuilt when SQLite's `data_version` shows another process wrote.
"""

from __future__ import annotations

import logging
import sqlite3

from fieldapp.crypto import SubKeys
from fieldapp.errors import AuthError, StoreDamaged
from fieldapp.records import open_search_name
from fieldapp.regions import fold

log = logging.getLogger(__name__)


class NameIndex:
    def __init__(self, conn: sqlite3.Connection, keys: SubKeys) -> None:
        self._conn = conn
        self._keys: SubKeys | None = keys
        self._names: dict[str, str] | None = None  # record id -> folded name, oldest first
        self._data_version = -1
        self.unsearchable: list[str] = []  # ids whose sealed name is damaged: no search finds them

    def _current(self) -> dict[str, str]:
        if self._keys is None:
            raise AuthError("log in first", "silakan masuk terlebih dahulu")
        data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._names is None or data_version != self._data_version:
            rows = self._conn.execute("SELECT id, version, search FROM records ORDER BY seq")
            self.unsearchable = []
            self._names = {rid: self._name(rid, version, blob) for rid, version, blob in rows}
            self._data_version = data_version
        return self._names

    def _name(self, record_id: str, version: int, blob: bytes) -> str:
        """The folded name, or "" for a damaged one: it matches no search but breaks none."""
        assert self._keys is not None  # checked by _current
        try:
            return open_search_name(self._keys, record_id, version, blob)
        except StoreDamaged:
            log.warning("record %s: its search name fails its integrity check", record_id)
            self.unsearchable.append(record_id)
            return ""

    def clear(self) -> None:
        """Drop the search key and every decrypted name (close, lock, auto-lock).

        The dict is emptied in place before it is let go, so a name is not left in a structure
        something else may still hold; Python cannot wipe the strings themselves, but nothing
        reachable from the store keeps them or the key once this returns.
        """
        if self._names is not None:
            self._names.clear()
        self._names = None
        self._keys = None
        self._data_version = -1
        self.unsearchable = []

    def matching(self, text: str) -> list[str]:
        """Ids of records whose name contains `text`, newest first."""
        wanted = fold(" ".join(text.split()))
        return [rid for rid, name in reversed(self._current().items()) if wanted in name]

    def remember(self, record_id: str, full_name: str) -> None:
        """Follow a write made through this connection, without a rebuild."""
        if self._names is not None:
            self._names[record_id] = fold(full_name)
