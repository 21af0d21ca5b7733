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
    Index("records_kk", "kk_index"),
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
    Index("status_changes_device", "device_id", "seq"),
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
