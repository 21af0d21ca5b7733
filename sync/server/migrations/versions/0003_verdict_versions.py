"""Status changes name the record version they judge, so a laptop never applies one to a later edit.

Changes made before this migration keep no version (NULL): which version they judged is not
known, and a laptop applies such a change as it always did.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("status_changes", sa.Column("version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("version")
