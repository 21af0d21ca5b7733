"""The server's Alembic migrations build exactly the tables `storage.py` describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sync.server.database import connect, upgrade
from sync.server.storage import metadata


def test_migrations_match_the_table_definitions(server_db: str) -> None:
    engine = connect(server_db)
    try:
        upgrade(engine)
        upgrade(engine)  # a second run is a no-op
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
        assert differences == []
    finally:
        engine.dispose()
