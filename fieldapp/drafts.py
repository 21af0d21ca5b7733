"""Drafts: a registration being filled in, kept sealed until it is saved whole or thrown away.

A power cut, a flat battery or an applicant who steps out to fetch a KK card must not cost
what was typed. A draft is the form's data as it stands (partial, maybe invalid), sealed under
its own sub-key with its own AAD kind. Its plaintext columns say only what a list may show:
who started it, when, when it was last saved, and which sections have something in them. All
of those are bound into the associated data, so a draft whose owner (who may open and
overwrite it) or times were changed by hand fails to open. Drafts never enter the outbox and
are never synced. The role rules live in `fieldapp.store_drafts`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from fieldapp import crypto
from fieldapp.crypto import SubKeys
from fieldapp.errors import UsageError

SECTIONS = ("identity", "contact", "address", "work", "consent")  # the form's groups, in order
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "identity": ("nik", "kk_number", "full_name", "mother_name", "birth_place", "birth_date", "sex"),
    "contact": ("phone", "email"),
    "address": ("ktp_address", "domicile_address"),
    "work": ("education", "employment_status", "in_formal_education", "excluded_occupation", "training_interest"),
    "consent": ("consent", "notes"),
}
MAX_DRAFT_BYTES = 256 * 1024  # a whole registration is about 1 KB; far more is not a form's data
_COLUMNS = "id, owner, started_at, saved_at, sections"


@dataclass(frozen=True)
class DraftInfo:
    """What a list may show about a draft: never personal data."""

    id: str
    owner: str  # the user who started it
    started_at: str  # ISO UTC
    saved_at: str  # ISO UTC, the last save
    sections: tuple[str, ...]  # the sections with something filled, in SECTIONS order
    damaged: bool = False  # changed outside fieldapp (fails to open, or a column of the wrong type): flagged

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "owner": self.owner,
            "started_at": self.started_at,
            "saved_at": self.saved_at,
            "sections": list(self.sections),
            "damaged": self.damaged,
        }


def filled(value: object) -> bool:
    """Whether a form value counts as typed in: not None, "", False or {}; an address dict needs a value."""
    if isinstance(value, Mapping):
        return any(filled(part) for part in value.values())
    return value is not None and value != "" and value is not False


def sections_of(fields: Mapping[str, object]) -> tuple[str, ...]:
    """The sections with at least one filled field, in the form's order."""
    return tuple(name for name in SECTIONS if any(filled(fields.get(key)) for key in SECTION_FIELDS[name]))


def encode(fields: object) -> bytes:
    """The form's data as JSON bytes; refuses what a form could not have produced."""
    if not isinstance(fields, dict) or not all(isinstance(key, str) for key in fields):
        raise UsageError("a draft must be an object of form fields", "draf harus berupa objek isian formulir")
    try:
        plaintext = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):  # the message would name the value: not repeated
        raise UsageError(
            "a draft holds only text, numbers, true/false and objects of them",
            "draf hanya boleh berisi teks, angka, benar/salah dan objek darinya",
        ) from None
    if len(plaintext) > MAX_DRAFT_BYTES:
        raise UsageError(
            f"a draft is limited to {MAX_DRAFT_BYTES // 1024} KiB", f"draf dibatasi {MAX_DRAFT_BYTES // 1024} KiB"
        )
    return plaintext


def context(info: DraftInfo) -> bytes:
    """The associated data: every plaintext column, so none of them can be changed by hand."""
    body = json.dumps([info.id, info.owner, info.started_at, info.saved_at, list(info.sections)], ensure_ascii=True)
    return b"draft:" + body.encode("ascii")


def seal(keys: SubKeys, info: DraftInfo, plaintext: bytes) -> bytes:
    return crypto.seal(keys.draft, crypto.KIND_DRAFT, plaintext, context(info))


def open_fields(keys: SubKeys, info: DraftInfo, blob: bytes) -> dict[str, object]:
    """The draft's fields; crypto.Tampered when any column or the blob was changed (or is of the wrong type)."""
    if info.damaged:
        raise crypto.Tampered()
    fields = json.loads(crypto.open_sealed(keys.draft, crypto.KIND_DRAFT, bytes(blob), context(info)))
    if not isinstance(fields, dict):
        raise crypto.Tampered()
    return fields


_TEXT_COLUMNS = ("id", "owner", "started_at", "saved_at", "sections")
# Each column read as its SQLite type and its bytes: a value edited by hand into another type (a
# number, a blob, text that is not UTF-8) is then told apart here instead of breaking a caller.
_RAW = ", ".join(f"typeof({name}), CAST({name} AS BLOB)" for name in (*_TEXT_COLUMNS, "sealed"))


def _text(kind: str, raw: bytes) -> str | None:
    """The value when it is UTF-8 text, as every draft column but `sealed` must be; else None."""
    if kind != "text":
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def shown(kind: str, raw: bytes) -> str:
    """A column's value as a list shows it: itself when text, else "<type>:<hex>" (how a bad id is named)."""
    text = _text(kind, raw)
    return text if text is not None else f"{kind}:{raw.hex()}"


def _row(row: tuple[object, ...]) -> tuple[DraftInfo, bytes]:
    """The listable part and the sealed blob; any column of the wrong type makes the draft damaged."""
    kinds = [str(kind) for kind in row[0::2]]
    values = [bytes(value) if isinstance(value, bytes) else b"" for value in row[1::2]]  # NULL: b""
    texts = [_text(kind, value) for kind, value in zip(kinds[:5], values[:5], strict=True)]
    draft_id, owner, started_at, saved_at = (shown(k, v) for k, v in zip(kinds[:4], values[:4], strict=True))
    parts = tuple(part for part in (texts[4] or "").split(",") if part)
    sound = None not in texts and kinds[5] == "blob"
    info = DraftInfo(draft_id, owner, started_at, saved_at, parts, damaged=not sound)
    return info, values[5] if kinds[5] == "blob" else b""


def _locate(draft_id: str) -> tuple[str, tuple[object, ...]]:
    """WHERE clause and parameters for a draft by the id a list showed: text, or a bad id's "<type>:<hex>"."""
    kind, colon, digits = draft_id.partition(":")
    try:
        raw = bytes.fromhex(digits) if colon and kind in ("text", "blob", "integer", "real") else None
    except ValueError:
        raw = None
    if raw is None:
        return "id = ?", (draft_id,)
    return "(id = ? OR (typeof(id) = ? AND CAST(id AS BLOB) = ?))", (draft_id, kind, raw)


def find(conn: sqlite3.Connection, draft_id: str) -> tuple[DraftInfo, bytes] | None:
    """The draft by the id a list showed, as given or in lower case (ids are typed in the CLI)."""
    for candidate in dict.fromkeys((draft_id, draft_id.lower())):
        where, params = _locate(candidate)
        row = conn.execute(f"SELECT {_RAW} FROM drafts WHERE {where}", params).fetchone()
        if row:
            return _row(row)
    return None


def newest(conn: sqlite3.Connection, owner: str | None = None) -> list[tuple[DraftInfo, bytes]]:
    """Every draft (or one user's), the most recently saved first, still sealed."""
    where, params = (" WHERE owner = ?", (owner,)) if owner is not None else ("", ())
    rows = conn.execute(f"SELECT {_RAW} FROM drafts{where} ORDER BY saved_at DESC, id DESC", params)
    return [_row(row) for row in rows]


def write(conn: sqlite3.Connection, keys: SubKeys, info: DraftInfo, plaintext: bytes) -> None:
    """Insert or replace the draft row (inside the caller's transaction)."""
    conn.execute(
        f"INSERT OR REPLACE INTO drafts ({_COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",
        (info.id, info.owner, info.started_at, info.saved_at, ",".join(info.sections), seal(keys, info, plaintext)),
    )


def delete(conn: sqlite3.Connection, draft_id: str) -> bool:
    """Delete the draft by the id a list showed (a bad id's "<type>:<hex>" too)."""
    where, params = _locate(draft_id)
    return conn.execute(f"DELETE FROM drafts WHERE {where}", params).rowcount > 0


def delete_saved_before(conn: sqlite3.Connection, cutoff: str) -> int:
    """Remove drafts last saved before `cutoff` (an ISO UTC time); returns how many.

    Only a time stored as text is compared: SQLite sorts any number before any text, so a
    saved_at edited into a number would otherwise be purged as ancient, unseen, instead of
    listed as damaged for a supervisor to look at.
    """
    return conn.execute("DELETE FROM drafts WHERE typeof(saved_at) = 'text' AND saved_at < ?", (cutoff,)).rowcount


def saved_around(conn: sqlite3.Connection, cutoff: str) -> tuple[int, int]:
    """How many drafts were last saved before `cutoff`, and how many at or after it (times stored as text)."""
    row = conn.execute(
        "SELECT COALESCE(SUM(saved_at < ?), 0), COALESCE(SUM(saved_at >= ?), 0) "
        "FROM drafts WHERE typeof(saved_at) = 'text'",
        (cutoff, cutoff),
    ).fetchone()
    return int(row[0]), int(row[1])


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0])
