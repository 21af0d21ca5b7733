"""The console's review and counts: records' day and reason code, decisions' author, tallies, targets.

Existing rows are back-filled: each record's day (its registration's calendar day where its
office is), then the tallies counted from the records and duplicates rows as they stand.

Revision ID: 0006
Revises: 0005
"""

from collections import Counter

import sqlalchemy as sa
from alembic import op

from sync.server.tallies import DUPLICATE, registration_day

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("day", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("reason_code", sa.String(32), nullable=True))
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(32), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(64), nullable=True))
    op.create_index("records_queue", "records", ["day", "id", "office", "status"])
    op.create_index("records_office_day", "records", ["office", "day", "id"])
    op.create_index("status_changes_record", "status_changes", ["record_id", "seq"])
    op.create_index("duplicates_first", "duplicates", ["first_record_id"])
    op.create_table(
        "tallies",
        sa.Column("office", sa.String(13), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "targets",
        sa.Column("kabupaten", sa.String(5), primary_key=True),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("set_at", sa.String(32), nullable=False),
    )
    conn = op.get_bind()
    _fill_days(conn)
    _fill_tallies(conn)


def _fill_days(conn: sa.Connection) -> None:
    """records.day for every row, in batches by id."""
    records = sa.table(
        "records", sa.column("id"), sa.column("office"), sa.column("created_at"), sa.column("received_at")
    )
    update = sa.text("UPDATE records SET day = :day WHERE id = :id")
    after = ""
    while True:
        rows = conn.execute(
            sa.select(records.c.id, records.c.office, records.c.created_at, records.c.received_at)
            .where(records.c.id > after)
            .order_by(records.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            update, [{"id": r.id, "day": registration_day(r.office, r.created_at, r.received_at)} for r in rows]
        )
        after = rows[-1].id


def _fill_tallies(conn: sa.Connection) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO tallies (office, day, status, n) "
            "SELECT office, day, status, COUNT(*) FROM records GROUP BY office, day, status"
        )
    )
    counts: Counter[tuple[str, str]] = Counter()
    for office, received_at in conn.execute(sa.text("SELECT office, received_at FROM duplicates")):
        counts[(office, registration_day(office, received_at, received_at))] += 1
    if counts:
        conn.execute(
            sa.text("INSERT INTO tallies (office, day, status, n) VALUES (:office, :day, :status, :n)"),
            [{"office": o, "day": d, "status": DUPLICATE, "n": n} for (o, d), n in sorted(counts.items())],
        )


def downgrade() -> None:
    op.drop_table("targets")
    op.drop_table("tallies")
    op.drop_index("duplicates_first", table_name="duplicates")
    op.drop_index("status_changes_record", table_name="status_changes")
    op.drop_index("records_office_day", table_name="records")
    op.drop_index("records_queue", table_name="records")
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("decided_by")
        batch.drop_column("reason_code")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("reason_code")
        batch.drop_column("day")
