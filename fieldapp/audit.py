"""The append-only audit log, each entry chained to the one before by a MAC.

An entry says who did what to which record and when, never personal data. Its MAC covers the
previous entry's MAC, so an entry cannot be changed, removed or reordered without `verify`
finding it. SQLite triggers refuse UPDATE and DELETE on the table as a second fence.

Every user unlocks the same store key, so a chain MACed under it could be rewritten by any
operator who can run Python over the file. Entries are therefore MACed under a forward-secure
key: entry N's key is a one-way step from entry N-1's, and only the key for the next entry is
kept (sealed). Whoever holds the store key can append, but cannot recompute the MAC of any
entry already written; only the supervisor key, from which the first key is derived, lets
`verify` walk the whole chain. Entries written before a store had a supervisor key (schema 3
and older) stay under the store-key MAC; the first forward-secure entry covers the last of them.
The server anchors the chain's head at every sync (`fieldapp.store_sync`), which catches a whole
file put back from an earlier copy.

Failed logins and lockouts happen before anyone has unlocked the store key, so they wait in
`pending_audit` (unauthenticated) and join the chain, with their own times, at the next login.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from dataclasses import dataclass

from fieldapp import crypto
from fieldapp.crypto import SubKeys, mac
from fieldapp.keyring import get_meta, set_meta
from fieldapp.timestamps import utc_now

ACTIONS = frozenset(
    {
        "init",
        "login",
        "failed_login",
        "lockout",
        "user_add",
        "user_disable",
        "user_enable",
        "user_reset",
        "recover",
        "register",
        "edit",
        "resend",
        "view",
        "export",
        "receipt",
        "settings",
        "enrol",
        "sync",
        "tamper_detected",
        "restore_declared",
        "backup",
        "supervisor_key",
        "recovery_code",
        "draft_start",
        "draft_view",
        "draft_discard",
        "draft_purge",
    }
)
_GENESIS = bytes(32)
CHAIN_STATE = "audit_key"  # sealed under the store's secrets: the next entry's seq and key
CHAIN_EPOCH = "audit_epoch"  # "N:mark": forward-secure entries start at N (mark: MAC under the supervisor key)
_STATE_CONTEXT = b"audit-chain-state"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user: str
    action: str
    record_id: str | None
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at,
            "user": self.user,
            "action": self.action,
            "record_id": self.record_id,
            "detail": self.detail,
        }


def _entry_mac(key: bytes, previous_mac: bytes, entry: AuditEntry) -> bytes:
    body = json.dumps(
        [entry.seq, entry.at, entry.user, entry.action, entry.record_id, entry.detail],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return mac(key, previous_mac + body.encode("ascii"))


def append(
    conn: sqlite3.Connection,
    keys: SubKeys,
    at: str,
    user: str,
    action: str,
    record_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add one entry at the chain's end; call inside the caller's write transaction.

    With a forward-secure chain, the entry's key is taken from the sealed state and the state
    moves one step on, in the same transaction, so the key that MACed this entry is gone.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, previous = (last[0] + 1, last[1]) if last else (1, _GENESIS)
    entry = AuditEntry(seq, at, user, action, record_id, detail)
    state = _state_or_none(conn, keys)
    if state is None:  # a store not yet upgraded (or its sealed state destroyed: `verify` will say so)
        entry_key = keys.audit
    else:
        entry_key = _mac_key(state[1])
        _save_state(conn, keys, seq + 1, _next_key(state[1]))
    conn.execute(
        "INSERT INTO audit (seq, at, user, action, record_id, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, at, user, action, record_id, detail, _entry_mac(entry_key, previous, entry)),
    )
    return entry


def next_seq(conn: sqlite3.Connection) -> int:
    """The number the next entry will get (inside the caller's write transaction)."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit").fetchone()[0])


def start_forward_secure(conn: sqlite3.Connection, keys: SubKeys, seed: bytes) -> int:
    """From the next entry on, MAC under keys stepped from `seed` (the supervisor key's); returns that seq."""
    last = conn.execute("SELECT MAX(seq) FROM audit").fetchone()[0] or 0
    first = last + 1
    _save_state(conn, keys, first, _epoch_key(seed, first))
    set_meta(conn, CHAIN_EPOCH, f"{first}:{_epoch_mark(seed, first).hex()}")
    return first


def _mac_key(chain_key: bytes) -> bytes:
    return mac(chain_key, b"fieldapp/audit-entry")


def _next_key(chain_key: bytes) -> bytes:
    return mac(chain_key, b"fieldapp/audit-next")


def _epoch_key(seed: bytes, first: int) -> bytes:
    return mac(seed, b"fieldapp/audit-first-key:%d" % first)


def _epoch_mark(seed: bytes, first: int) -> bytes:
    return mac(seed, b"fieldapp/audit-epoch:%d" % first)


def _load_state(conn: sqlite3.Connection, keys: SubKeys) -> tuple[int, bytes] | None:
    blob = get_meta(conn, CHAIN_STATE)
    if blob is None:
        return None
    if not isinstance(blob, bytes):
        raise crypto.Tampered()
    seq, key = json.loads(crypto.open_sealed(keys.secrets, crypto.KIND_SECRET, blob, _STATE_CONTEXT))
    return int(seq), bytes.fromhex(key)


def _save_state(conn: sqlite3.Connection, keys: SubKeys, seq: int, chain_key: bytes) -> None:
    state = json.dumps([seq, chain_key.hex()]).encode()
    set_meta(conn, CHAIN_STATE, crypto.seal(keys.secrets, crypto.KIND_SECRET, state, _STATE_CONTEXT))


def _epoch(conn: sqlite3.Connection) -> tuple[int, str] | None:
    value = get_meta(conn, CHAIN_EPOCH)
    first, _, mark = str(value or "").partition(":")
    return (int(first), mark) if first.isdigit() else None


@dataclass(frozen=True)
class AuditHead:
    """Where the chain ends: the last entry's number and its MAC (hex), sent to the server to anchor."""

    seq: int
    head: str  # 64 hex digits; "" when the log is empty


def head(conn: sqlite3.Connection) -> AuditHead:
    last = conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return AuditHead(last[0], bytes(last[1]).hex()) if last else AuditHead(0, "")


def mac_at(conn: sqlite3.Connection, seq: int) -> str | None:
    """The MAC (hex) of entry `seq`, or None when the log holds no such entry."""
    row = conn.execute("SELECT mac FROM audit WHERE seq = ?", (seq,)).fetchone()
    return bytes(row[0]).hex() if row else None


def note_pending(conn: sqlite3.Connection, at: str, user: str, action: str, detail: str = "") -> None:
    """Keep an event that happened while the store was locked, until the next login."""
    conn.execute(
        "INSERT INTO pending_audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
        (at, user, action, detail),
    )


PENDING_ACTIONS = ("failed_login", "lockout")  # all that can happen while the store is locked


def absorb_pending(conn: sqlite3.Connection, keys: SubKeys) -> int:
    """Move events kept while locked into the chain, oldest first; returns how many.

    `pending_audit` is written without a key, so anyone with the file could add rows to it.
    Only the two kinds of event it exists for, about users that exist, are taken in, each
    marked as noted while locked; anything else is dropped (and counted in one entry), never
    raised: a bad row must not stop every later login.
    """
    rows = conn.execute("SELECT seq, at, user, action, detail FROM pending_audit ORDER BY seq").fetchall()
    known = {row[0] for row in conn.execute("SELECT name FROM users")}
    dropped = 0
    for _, at, user, action, detail in rows:
        if action in PENDING_ACTIONS and user in known and isinstance(detail, str) and isinstance(at, str):
            append(conn, keys, at, user, action, None, f"{detail} (noted while locked)".strip())
        else:
            dropped += 1
    if dropped:
        note = f"{dropped} pending audit entries of no known kind dropped"
        append(conn, keys, utc_now(), "-", "tamper_detected", None, note)
    conn.execute("DELETE FROM pending_audit")
    return len(rows)


def entries(conn: sqlite3.Connection, limit: int | None = None) -> list[AuditEntry]:
    sql = "SELECT seq, at, user, action, record_id, detail FROM audit ORDER BY seq"
    if limit is not None:
        sql = f"SELECT * FROM ({sql} DESC LIMIT {int(limit)}) ORDER BY seq"
    return [AuditEntry(*row) for row in conn.execute(sql)]


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found in the chain."""

    broken: list[int]  # entries whose MAC or numbering is wrong
    unchecked: int  # forward-secure entries a session without the supervisor key cannot check
    problems: list[str]  # the chain as a whole: its start marker, or its end cut off


def check_chain(conn: sqlite3.Connection, keys: SubKeys, seed: bytes | None) -> ChainCheck:
    """Walk the chain: store-key MACs before the forward-secure start, stepped keys from it.

    `seed` is the supervisor key's audit seed; without it the forward-secure part is counted
    as unchecked. With it, the sealed state must hold exactly the key after the last entry:
    entries removed from the end (triggers dropped) leave a state one step ahead of the chain.
    """
    broken: list[int] = []
    problems: list[str] = []
    epoch = _epoch(conn)
    first = epoch[0] if epoch else None
    if seed is not None:
        if epoch is None:
            problems.append("the audit log's forward-secure start is missing (removed outside fieldapp)")
        elif not hmac.compare_digest(epoch[1], _epoch_mark(seed, epoch[0]).hex()):
            problems.append("the audit log's forward-secure start was changed outside fieldapp")
    chain_key = _epoch_key(seed, first) if seed is not None and first is not None else None
    previous, expected_seq, unchecked = _GENESIS, 1, 0
    for row in conn.execute("SELECT seq, at, user, action, record_id, detail, mac FROM audit ORDER BY seq"):
        entry = AuditEntry(*row[:6])
        stored = bytes(row[6]) if row[6] is not None else b""
        if first is None or entry.seq < first:
            ok = _entry_mac(keys.audit, previous, entry) == stored
        elif chain_key is None:
            ok, unchecked = True, unchecked + 1
        else:
            ok = _entry_mac(_mac_key(chain_key), previous, entry) == stored
            chain_key = _next_key(chain_key)
        if entry.seq != expected_seq or not ok:
            broken.append(entry.seq)
        previous, expected_seq = stored, entry.seq + 1
    if chain_key is not None and _state_or_none(conn, keys) != (expected_seq, chain_key):
        problems.append("the audit log's end does not match its sealed key: entries were removed or rewritten")
    return ChainCheck(broken, unchecked, problems)


def _state_or_none(conn: sqlite3.Connection, keys: SubKeys) -> tuple[int, bytes] | None:
    try:
        return _load_state(conn, keys)
    except (crypto.Tampered, ValueError, TypeError):
        return None


def broken_entries(conn: sqlite3.Connection, keys: SubKeys, seed: bytes | None = None) -> list[int]:
    """Sequence numbers of entries whose MAC does not check out, or that break the numbering."""
    return check_chain(conn, keys, seed).broken
