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
    damaged: bool = False  # its sealed data fails to open (changed outside fieldapp): listed, flagged

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
    """The draft's fields; crypto.Tampered when any column or the blob was changed."""
    fields = json.loads(crypto.open_sealed(keys.draft, crypto.KIND_DRAFT, bytes(blob), context(info)))
    if not isinstance(fields, dict):
        raise crypto.Tampered()
    return fields


def _info(row: tuple[str, str, str, str, str]) -> DraftInfo:
    draft_id, owner, started_at, saved_at, sections = row
    return DraftInfo(draft_id, owner, started_at, saved_at, tuple(part for part in sections.split(",") if part))


def find(conn: sqlite3.Connection, draft_id: str) -> tuple[DraftInfo, bytes] | None:
    row = conn.execute(f"SELECT {_COLUMNS}, sealed FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    return (_info(row[:5]), bytes(row[5])) if row else None


def newest(conn: sqlite3.Connection, owner: str | None = None) -> list[tuple[DraftInfo, bytes]]:
    """Every draft (or one user's), the most recently saved first, still sealed."""
    where, params = (" WHERE owner = ?", (owner,)) if owner is not None else ("", ())
    rows = conn.execute(f"SELECT {_COLUMNS}, sealed FROM drafts{where} ORDER BY saved_at DESC, id DESC", params)
    return [(_info(row[:5]), bytes(row[5])) for row in rows]


def write(conn: sqlite3.Connection, keys: SubKeys, info: DraftInfo, plaintext: bytes) -> None:
    """Insert or replace the draft row (inside the caller's transaction)."""
    conn.execute(
        f"INSERT OR REPLACE INTO drafts ({_COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",
        (info.id, info.owner, info.started_at, info.saved_at, ",".join(info.sections), seal(keys, info, plaintext)),
    )


def delete(conn: sqlite3.Connection, draft_id: str) -> bool:
    return conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount > 0


def delete_saved_before(conn: sqlite3.Connection, cutoff: str) -> int:
    """Remove drafts last saved before `cutoff` (an ISO UTC time); returns how many."""
    return conn.execute("DELETE FROM drafts WHERE saved_at < ?", (cutoff,)).rowcount


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0])
