"""Each kabupaten's registration target (Bekasi's quota was 24,000), shown against its count."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from fieldapp.regions import dotted, regions
from fieldapp.timestamps import utc_now
from sync.server import storage as t

MAX_TARGET = 100_000_000  # more than Indonesia's population of working age: a typo


class TargetRefused(ValueError):
    """A kabupaten code or a count that cannot be a target; the message is safe to show."""


def check_kabupaten(code: str) -> str:
    found = dotted(code)
    if found is None or not regions().exists(found, "kabupaten"):
        raise TargetRefused("the kabupaten must be a kabupaten/kota code in the Kemendagri list, e.g. 32.16")
    return found


def set_target(engine: Engine, kabupaten: str, target: int) -> str:
    """Set (or replace) a kabupaten's target; returns the kabupaten's dotted code."""
    code = check_kabupaten(kabupaten)
    if not 0 <= target <= MAX_TARGET:
        raise TargetRefused(f"the target must be a whole number from 0 to {MAX_TARGET:,}")
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(t.targets).values(kabupaten=code, target=target, set_at=utc_now())
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[t.targets.c.kabupaten],
                set_={"target": statement.excluded.target, "set_at": statement.excluded.set_at},
            )
        )
    return code


def all_targets(conn: Connection) -> dict[str, int]:
    """kabupaten code -> target."""
    return {row.kabupaten: int(row.target) for row in conn.execute(select(t.targets.c.kabupaten, t.targets.c.target))}
