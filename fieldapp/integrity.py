"""`verify`: decrypt every version and every draft, check the blind indexes and the audit chain.

It changes nothing and stops at nothing: every bad record version and audit entry is named,
and everything else stays readable.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from fieldapp import audit, crypto, drafts, records, supervisor
from fieldapp.crypto import SubKeys
from fieldapp.errors import FieldappError
from fieldapp.records import RecordMeta
from fieldapp.supervisor import SupervisorKeys


@dataclass(frozen=True)
class VerifyReport:
    records: int
    versions: int
    audit_entries: int
    bad_versions: list[tuple[str, int, str]]
    bad_audit: list[int]
    database_problems: list[str]
    security_problems: list[str] = field(default_factory=list)  # users table or audit chain changed outside fieldapp
    audit_unchecked: int = 0  # audit entries only a supervisor's session can check
    bad_drafts: list[str] = field(default_factory=list)  # drafts changed outside fieldapp (ids only)

    @property
    def ok(self) -> bool:
        return not (
            self.bad_versions or self.bad_audit or self.database_problems or self.security_problems or self.bad_drafts
        )


def check(conn: sqlite3.Connection, keys: SubKeys, supervisor_keys: SupervisorKeys | None = None) -> VerifyReport:
    """Everything a session can check; the users table and the whole audit chain need the supervisor key."""
    db_problems = [row[0] for row in conn.execute("PRAGMA quick_check") if row[0] != "ok"]
    current = {meta.id: meta for meta, _, _ in records.newest(conn)}
    bad_versions: list[tuple[str, int, str]] = []
    version_count = 0
    for record_id, version, schema_no, blob in conn.execute(
        "SELECT record_id, version, schema, ciphertext FROM record_versions ORDER BY record_id, version"
    ):
        version_count += 1
        problem = _check_version(conn, keys, record_id, version, schema_no, blob, current.get(record_id))
        if problem:
            bad_versions.append((record_id, version, problem))
    chain = audit.check_chain(conn, keys, supervisor_keys.audit_seed if supervisor_keys else None)
    security = list(chain.problems)
    if supervisor_keys is not None:
        changed = supervisor.changed_rows(conn, supervisor_keys)
        if changed:
            security.append(f"the users table was changed outside fieldapp (users: {', '.join(changed)})")
        elif supervisor.rolled_back(conn, supervisor_keys):
            security.append("the users table was put back from an earlier copy of the store")
    audit_count = conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    return VerifyReport(
        len(current),
        version_count,
        audit_count,
        bad_versions,
        chain.broken,
        db_problems,
        security,
        chain.unchecked,
        _bad_drafts(conn, keys),
    )


def _bad_drafts(conn: sqlite3.Connection, keys: SubKeys) -> list[str]:
    """Ids of drafts whose sealed data or plaintext columns (owner, times, sections) were changed."""
    bad = []
    for info, blob in drafts.newest(conn):
        try:
            drafts.open_fields(keys, info, blob)
        except (crypto.Tampered, ValueError):
            bad.append(info.id)
    return bad


def _check_version(
    conn: sqlite3.Connection,
    keys: SubKeys,
    record_id: str,
    version: int,
    schema_no: int,
    blob: bytes,
    meta: RecordMeta | None,
) -> str:
    """What is wrong with one stored version, or "" when nothing is."""
    try:
        reg = records.open_registration(keys, record_id, version, schema_no, blob)
    except FieldappError:
        return "ciphertext fails its integrity check"
    except (ValueError, TypeError, KeyError):
        return "decrypts to an unreadable record"
    if meta is None or meta.version != version:
        return ""
    row = conn.execute("SELECT nik_index, kk_index, search FROM records WHERE id = ?", (record_id,)).fetchone()
    if bytes(row[0]) != records.nik_index(keys, reg.nik) or bytes(row[1]) != records.kk_index(keys, reg.kk_number):
        return "blind index does not match the record"
    try:
        records.open_search_name(keys, record_id, version, row[2])
    except FieldappError:
        return "search name fails its integrity check"
    return ""
