"""Audit anchors: each device's latest audit-chain head, and whether it went back or forked.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchors",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(64), nullable=False),
        sa.Column("anchored_at", sa.String(32), nullable=False),
        sa.Column("flag", sa.String(16), nullable=False, server_default=""),
        sa.Column("flag_at", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("audit_anchors")
