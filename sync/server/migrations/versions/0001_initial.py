"""The first schema: devices, enrolment codes, records and their versions, duplicates, status changes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("office", sa.String(13), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("enrolled_at", sa.String(32), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("revoked_at", sa.String(32)),
    )
    op.create_table(
        "enrol_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("office", sa.String(13), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("used_by", sa.String(36)),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("office", sa.String(13), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("content_mac", sa.String(64), nullable=False),
        sa.Column("nik_index", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("kk_index", sa.LargeBinary(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
    )
    op.create_index("records_kk", "records", ["kk_index"])
    op.create_table(
        "record_versions",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("content_mac", sa.String(64), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "duplicates",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_mac", sa.String(64), nullable=False),
        sa.Column("office", sa.String(13), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("first_record_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("record_id", "version", name="duplicates_once"),
    )
    op.create_table(
        "status_changes",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500)),
        sa.Column("changed_at", sa.String(32), nullable=False),
    )
    op.create_index("status_changes_device", "status_changes", ["device_id", "seq"])


def downgrade() -> None:
    for index, table in (("status_changes_device", "status_changes"), ("records_kk", "records")):
        op.drop_index(index, table)
    for table in ("status_changes", "duplicates", "record_versions", "records", "enrol_codes", "devices"):
        op.drop_table(table)
