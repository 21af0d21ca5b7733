"""Counts of records by office, day and state, kept in step with every change that moves one.

The console's dashboard and its queue totals read these few thousand rows instead of counting
(or decrypting) a million records. Whoever changes a record's state or adds a record or a
duplicates row adds its deltas to a `Tally` and calls `flush(conn)` in the SAME transaction,
so a count never drifts from the rows: `fieldapp-server stats` (which counts rows) stays the
ground truth, and a test holds the two equal.

A row is (office, day, status) -> n. `status` is a record's own (accepted, verified, rejected),
or "duplicate" for a duplicates row. `day` is the registration's calendar day where its office
is (Indonesia spans three time zones), so a day on the dashboard is an office's working day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from fieldapp import timestamps
from sync.server import storage as t

RECORD_STATES = ("accepted", "verified", "rejected")
DUPLICATE = "duplicate"
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")
# Provinces by their Kemendagri code; every other province keeps Western Indonesia Time.
_WITA = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})


def office_zone(office: str) -> dt.timezone:
    province = office[:2]
    if province in _WITA:
        return WITA
    return WIT if province in _WIT else WIB


def registration_day(office: str, created_at: str, received_at: str) -> str:
    """YYYY-MM-DD of a registration in its office's time zone; the arrival time's if the
    registration time cannot be read (a row stored before times were parsed strictly)."""
    for moment in (created_at, received_at):
        try:
            return timestamps.parse(moment).astimezone(office_zone(office)).date().isoformat()
        except (ValueError, OverflowError):
            continue
    return received_at[:10]


class Tally:
    """The count changes of one transaction; `flush` writes them with one upsert."""

    def __init__(self) -> None:
        self.deltas: Counter[tuple[str, str, str]] = Counter()

    def add(self, office: str, day: str, status: str, n: int = 1) -> None:
        self.deltas[(office, day, status)] += n

    def move(self, office: str, day: str, before: str, after: str) -> None:
        """One record changed state (a decision, or a new version going back to accepted)."""
        if before != after:
            self.add(office, day, before, -1)
            self.add(office, day, after, +1)

    def flush(self, conn: Connection) -> None:
        """Upsert every non-zero delta. Rows go in key order, so two transactions that touch
        the same counts lock them in the same order and never deadlock each other on PostgreSQL."""
        rows = [
            {"office": office, "day": day, "status": status, "n": n}
            for (office, day, status), n in sorted(self.deltas.items())
            if n
        ]
        self.deltas.clear()
        if rows:
            conn.execute(upsert(conn), rows)


def upsert(conn: Connection) -> Insert:
    """INSERT ... ON CONFLICT (office, day, status) DO UPDATE SET n = n + excluded.n."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(t.tallies)
    return statement.on_conflict_do_update(
        index_elements=[t.tallies.c.office, t.tallies.c.day, t.tallies.c.status],
        set_={"n": t.tallies.c.n + statement.excluded.n},
    )


def counted_from_rows(conn: Connection) -> Counter[tuple[str, str, str]]:
    """Every count as the records and duplicates rows make it, without zeros."""
    r = t.records.c
    counts: Counter[tuple[str, str, str]] = Counter()
    for office, day, status, n in conn.execute(
        select(r.office, r.day, r.status, func.count()).group_by(r.office, r.day, r.status)
    ):
        counts[(office, day, status)] += int(n)
    for office, received_at in conn.execute(select(t.duplicates.c.office, t.duplicates.c.received_at)):
        counts[(office, registration_day(office, received_at, received_at), DUPLICATE)] += 1
    return counts


def recount(engine: Engine) -> list[tuple[str, str, str, int, int]]:
    """Rebuild the tallies from the rows in one transaction; the corrections made, as
    (office, day, status, count before, count now), in key order. Empty: nothing had drifted.

    The transaction takes the write lock first (BEGIN IMMEDIATE on SQLite; on PostgreSQL the
    tallies table is locked against writers), so no push or decision moves a count between the
    rows being counted and the counts being written.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE records, duplicates, tallies IN SHARE ROW EXCLUSIVE MODE")
        kept: Counter[tuple[str, str, str]] = Counter()
        for office, day, status, n in conn.execute(select(t.tallies)):
            kept[(office, day, status)] += int(n)
        counted = counted_from_rows(conn)
        wrong = sorted(key for key in kept.keys() | counted.keys() if kept[key] != counted[key])
        fixes = [(*key, kept[key], counted[key]) for key in wrong]
        if fixes:
            conn.execute(t.tallies.delete())
            rows = [{"office": o, "day": d, "status": s, "n": n} for (o, d, s), n in sorted(counted.items()) if n]
            if rows:
                conn.execute(t.tallies.insert(), rows)
    return fixes
