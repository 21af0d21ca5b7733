"""Stores: devices of one laptop's store share its records and verdicts across re-enrolments.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("office", sa.String(13), nullable=False),
        sa.Column("proof_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.add_column("devices", sa.Column("store_id", sa.String(36), nullable=True))
    op.create_index("devices_store", "devices", ["store_id"])


def downgrade() -> None:
    op.drop_index("devices_store", "devices")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("store_id")
    op.drop_table("stores")
