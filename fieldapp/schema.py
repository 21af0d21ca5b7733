"""The store's SQLite schema and its numbered migrations.

`PRAGMA user_version` holds the schema number. Each migration is one small step from N-1 to N,
run inside one transaction; a store whose number is higher than this code knows is refused
rather than guessed at. Plaintext columns hold only what lists and sync need without personal
data: ids, versions, timestamps, state, operator, office, and keyed blind indexes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from fieldapp.errors import StoreTooNew

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    name            TEXT PRIMARY KEY,
    role            TEXT NOT NULL CHECK (role IN ('operator', 'supervisor')),
    disabled        INTEGER NOT NULL DEFAULT 0,
    kdf_params      TEXT NOT NULL,
    kdf_salt        BLOB NOT NULL,
    wrapped_key     BLOB NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    REAL NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE records (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    version    INTEGER NOT NULL,
    state      TEXT NOT NULL,
    office     TEXT NOT NULL,
    operator   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    nik_index  BLOB NOT NULL UNIQUE,
    kk_index   BLOB NOT NULL,
    search     BLOB NOT NULL
);
CREATE INDEX records_kk ON records (kk_index);

CREATE TABLE record_versions (
    record_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    schema     INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    operator   TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    PRIMARY KEY (record_id, version)
) WITHOUT ROWID;

CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY,
    record_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    enqueued_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     TEXT,
    last_error  TEXT
);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user      TEXT NOT NULL,
    action    TEXT NOT NULL,
    record_id TEXT,
    detail    TEXT NOT NULL DEFAULT '',
    mac       BLOB NOT NULL
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE pending_audit (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    user   TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""

# v2: what the server said about a record, and a small index over the queue's unsent part
# (entries are settled by seq, their rowid, so no other outbox index costs every save a page).
_V2 = """
ALTER TABLE records ADD COLUMN server_note TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
"""

# v3: each queue entry carries a MAC of (seq, record, version, sent or not) under a key only an
# unlocked store has, so clearing `sent_at` or inserting a row by hand cannot make a version go
# again. Entries from before carry none until the next login seals them (outbox.seal_legacy).
_V3 = """
ALTER TABLE outbox ADD COLUMN mac BLOB;
"""

# v4: the supervisor key (fieldapp/supervisor.py). A supervisor's row carries it wrapped under
# their passphrase; a disabled user's wraps move, sealed, into `suspended`. An upgraded store is
# marked pending until a supervisor logs in and makes the key.
_V4 = """
ALTER TABLE users ADD COLUMN supervisor_key BLOB;
ALTER TABLE users ADD COLUMN suspended BLOB;
INSERT INTO meta (key, value) SELECT 'supervisor_key_state', 'pending' WHERE EXISTS (SELECT 1 FROM users);
"""

# v5: drafts, registrations being filled in (fieldapp/drafts.py). The plaintext columns are what a
# list shows without personal data; all of them are bound into the sealed draft's associated
# data, so an owner or a time changed by hand makes the draft fail to open. Never in the outbox.
_V5 = """
CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    started_at TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    sections   TEXT NOT NULL DEFAULT '',
    sealed     BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX drafts_saved ON drafts (saved_at);
"""

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    lambda conn: _run_script(conn, _V1),
    lambda conn: _run_script(conn, _V2),
    lambda conn: _run_script(conn, _V3),
    lambda conn: _run_script(conn, _V4),
    lambda conn: _run_script(conn, _V5),
]
SCHEMA_VERSION = len(MIGRATIONS)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """executescript() would commit mid-way; run statement by statement inside our transaction."""
    for statement in _statements(script):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION, one numbered step per transaction."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"this store has schema {version}, newer than this fieldapp knows ({SCHEMA_VERSION}); "
            "install the newer fieldapp that wrote it",
            f"penyimpanan ini memakai skema {version}, lebih baru dari yang dikenal aplikasi ini "
            f"({SCHEMA_VERSION}); pasang fieldapp versi yang lebih baru",
        )
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (a full disk, say)
                conn.execute("ROLLBACK")
            raise
        version += 1
    return version
