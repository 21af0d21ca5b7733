"""The server's tables (SQLAlchemy Core) and the queries the API needs.

Personal data is stored only sealed; NIK and KK only as blind indexes under the server's key.
The schema itself is created and upgraded by Alembic (migrations/); `metadata` here must match
the newest migration, which a test checks.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    false,
)

metadata = MetaData()

devices = Table(
    "devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("office", String(13), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("enrolled_at", String(32), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("revoked_at", String(32)),
    Column("store_id", String(36)),  # the laptop's store; None for a device enrolled by an older fieldapp
    Column("last_seen_at", String(32)),  # its last authenticated request, kept to the minute (console)
    Index("devices_store", "store_id"),
)

# A laptop's store, as the server knows it: devices of one store share its records and verdicts.
# Only the hash of the store's proof is kept, as for tokens and codes.
stores = Table(
    "stores",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("office", String(13), nullable=False),
    Column("proof_hash", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
)

enrol_codes = Table(
    "enrol_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("office", String(13), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("used_by", String(36)),
)

# The current version's metadata; its sealed content is the newest row of record_versions.
records = Table(
    "records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("office", String(13), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("content_mac", String(64), nullable=False),
    Column("nik_index", LargeBinary(32), nullable=False, unique=True),
    Column("kk_index", LargeBinary(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(500)),
    Column("created_at", String(32), nullable=False),
    Column("received_at", String(32), nullable=False),
    # Migration 0006, for the console: the registration's calendar day where its office is
    # (sync.server.tallies.registration_day), and the code of a central rejection's reason.
    Column("day", String(10), nullable=False, server_default=""),
    Column("reason_code", String(32)),
    Index("records_kk", "kk_index"),
    # The review queue, newest first: by day and id, its filters (office range, state) read
    # from the index itself; one desa's records by their own index.
    Index("records_queue", "day", "id", "office", "status"),
    Index("records_office_day", "office", "day", "id"),
    Index("records_device", "device_id"),
)

record_versions = Table(
    "record_versions",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_mac", String(64), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("received_at", String(32), nullable=False),
)

duplicates = Table(
    "duplicates",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_mac", String(64), nullable=False),
    Column("office", String(13), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("first_record_id", String(36), nullable=False),
    Column("received_at", String(32), nullable=False),
    UniqueConstraint("record_id", "version", name="duplicates_once"),
    Index("duplicates_first", "first_record_id"),
)

status_changes = Table(
    "status_changes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(500)),
    Column("changed_at", String(32), nullable=False),
    Column("version", Integer),  # the version judged; None for a change made before migration 0003
    Column("reason_code", String(32)),  # migration 0006: the console's reason code (sync.server.console.reasons)
    Column("decided_by", String(64)),  # the console user who decided; None from the CLI
    Index("status_changes_device", "device_id", "seq"),
    Index("status_changes_record", "record_id", "seq"),
)

# Each device's latest audit-chain head (protocol revision 4): the laptop's audit log is checked
# against it at every sync, so a store put back to an older copy, or rewritten, is noticed.
# `flag` ("", "rolled_back", "forked" or "restore_declared") and `flag_at` stay until a later
# flag replaces them: the central team sees them in `fieldapp-server devices`.
audit_anchors = Table(
    "audit_anchors",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("head", String(64), nullable=False),
    Column("anchored_at", String(32), nullable=False),
    Column("flag", String(16), nullable=False, server_default=""),
    Column("flag_at", String(32)),
)

# The central console's accounts (migration 0005). Only an Argon2id hash of each password is
# kept; `failures` and `locked_until` make the lockout after repeated wrong passwords.
console_users = Table(
    "console_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", String(32)),
    Column("created_at", String(32), nullable=False),
    Column("last_login_at", String(32)),
)

# A console session: only the SHA-256 of the cookie's random token is stored.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("last_seen_at", String(32), nullable=False),
    Index("console_sessions_user", "user_name"),
)

# Who did what in the console: logins, record views, decisions, exports, codes, revokes.
# `detail` never holds personal data.
console_audit = Table(
    "console_audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(64)),
    Column("detail", String(500), nullable=False, server_default=""),
    Column("address", String(64), nullable=False, server_default=""),
)

# Counts for the console's dashboard and queue (migration 0006), kept in step with `records` and
# `duplicates` in the same transaction as every change (sync.server.tallies), so no page counts
# or decrypts records. `status` is a record's (accepted, verified, rejected) or "duplicate" for
# a duplicates row; `day` as records.day (a duplicate's: the day it arrived).
tallies = Table(
    "tallies",
    metadata,
    Column("office", String(13), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("status", String(16), primary_key=True),
    Column("n", BigInteger, nullable=False),
)

# Each kabupaten's registration target (`fieldapp-server set-target`, or the console's admin).
targets = Table(
    "targets",
    metadata,
    Column("kabupaten", String(5), primary_key=True),
    Column("target", BigInteger, nullable=False),
    Column("set_at", String(32), nullable=False),
)
