"""What the console's pages read: counts from the tallies, the queue and duplicates by index.

Nothing here decrypts (record_view.py opens one record, or an export). Regions are Kemendagri
codes; an office is a desa code (`32.16.01.2001`), so a kabupaten's offices are the codes
between `32.16.00.0000` and `32.16.99.9999`. Every office code has that one shape, so the range
holds under any collation the database was made with.

The queue is paged by keyset (the last row's day and id), never by OFFSET: the millionth row
costs what the first does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, and_, func, select, true, tuple_

from fieldapp.records import short_number
from fieldapp.regions import dotted, regions
from sync.server import storage as t
from sync.server.tallies import DUPLICATE, RECORD_STATES
from sync.server.targets import all_targets

PAGE_SIZE = 50
CHART_DAYS = 60
_LOW = "00.00.00.0000"
_HIGH = "99.99.99.9999"
LEVEL_NAMES = {2: "province", 5: "kabupaten", 8: "kecamatan", 13: "desa"}


class FilterRefused(ValueError):
    """A filter value the console cannot use; `key` names the text that says which."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def region_name(code: str) -> str:
    found = regions().get(code)
    return found.name if found is not None else code


def place(code: str) -> str:
    """ "Desa, Kecamatan, Kabupaten, Province" for a code the list knows; the code itself otherwise."""
    return regions().describe(code) if regions().exists(code) else code


def check_region(text: str) -> str:
    """A province, kabupaten, kecamatan or desa code from the Kemendagri list, dotted; "" for none."""
    if not text.strip():
        return ""
    code = dotted(text)
    if code is None or not regions().exists(code):
        raise FilterRefused("filter.error.region")
    return code


def offices_in(column: ColumnElement, region: str) -> ColumnElement[bool]:
    """`column` (an office code) lies in `region`."""
    if len(region) == len(_LOW):
        return column == region
    return column.between(region + _LOW[len(region) :], region + _HIGH[len(region) :])


def _check_day(text: str) -> str:
    if not text:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FilterRefused("filter.error.day") from None


@dataclass(frozen=True)
class QueueFilter:
    """The review queue's filters, as its GET parameters carry them ("" is "any")."""

    state: str = ""
    region: str = ""
    day_from: str = ""
    day_to: str = ""

    @classmethod
    def parse(cls, state: str = "", region: str = "", day_from: str = "", day_to: str = "") -> QueueFilter:
        if state not in ("", *RECORD_STATES):
            raise FilterRefused("filter.error.state")
        found = cls(state, check_region(region), _check_day(day_from.strip()), _check_day(day_to.strip()))
        if found.day_from and found.day_to and found.day_from > found.day_to:
            raise FilterRefused("filter.error.day_order")
        return found

    def conditions(self, office: ColumnElement, day: ColumnElement, status: ColumnElement) -> list[ColumnElement]:
        found: list[ColumnElement] = []
        if self.state:
            found.append(status == self.state)
        if self.region:
            found.append(offices_in(office, self.region))
        if self.day_from:
            found.append(day >= self.day_from)
        if self.day_to:
            found.append(day <= self.day_to)
        return found

    def params(self) -> dict[str, str]:
        """The filter as GET parameters (only those set)."""
        given = {"state": self.state, "region": self.region, "from": self.day_from, "to": self.day_to}
        return {name: value for name, value in given.items() if value}

    def describe(self) -> str:
        """For the audit log: codes, states and dates only."""
        return " ".join(f"{k}={v}" for k, v in self.params().items()) or "all"


def count(conn: Connection, where: QueueFilter) -> int:
    """How many records the filter matches, from the tallies."""
    c = t.tallies.c
    conditions = where.conditions(c.office, c.day, c.status)
    if not where.state:
        conditions.append(c.status.in_(RECORD_STATES))
    return int(conn.execute(select(func.coalesce(func.sum(c.n), 0)).where(*conditions)).scalar_one())


@dataclass(frozen=True)
class QueueRow:
    id: str
    number: str
    version: int
    office: str
    office_name: str
    day: str
    created_at: str
    status: str
    reason_code: str | None
    operator: str

    @property
    def cursor(self) -> str:
        return f"{self.day}_{self.id}"


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    next_after: str | None  # the cursor of the page after this one, if any
    prev_before: str | None  # ... and before it


def parse_cursor(text: str) -> tuple[str, str] | None:
    day, _, record_id = text.partition("_")
    if not text:
        return None
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise FilterRefused("filter.error.page") from None
    if not 1 <= len(record_id) <= 36:
        raise FilterRefused("filter.error.page")
    return day, record_id


def queue_page(
    conn: Connection, where: QueueFilter, after: str = "", before: str = "", limit: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue, newest registration day first: after `after`, or before `before`."""
    r = t.records.c
    key = tuple_(r.day, r.id)
    conditions = where.conditions(r.office, r.day, r.status)
    backwards = bool(before) and not after
    cursor = parse_cursor(before if backwards else after)
    if cursor is not None:
        conditions.append(key > tuple_(*cursor) if backwards else key < tuple_(*cursor))
    order = (r.day.asc(), r.id.asc()) if backwards else (r.day.desc(), r.id.desc())
    found = conn.execute(
        select(r.id, r.version, r.office, r.day, r.created_at, r.status, r.reason_code, r.operator)
        .where(*conditions)
        .order_by(*order)
        .limit(limit + 1)
    ).all()
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    rows = [
        QueueRow(
            row.id,
            short_number(row.id),
            row.version,
            row.office,
            region_name(row.office),
            row.day,
            row.created_at,
            row.status,
            row.reason_code,
            row.operator,
        )
        for row in found
    ]
    has_next = (more if not backwards else True) and bool(rows)
    has_prev = (more if backwards else cursor is not None) and bool(rows)
    return QueuePage(
        rows,
        count(conn, where),
        rows[-1].cursor if has_next else None,
        rows[0].cursor if has_prev else None,
    )


@dataclass
class Area:
    """A region's counts on the dashboard."""

    code: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    target: int | None = None

    @property
    def received(self) -> int:
        return sum(self.counts[state] for state in RECORD_STATES)

    @property
    def percent(self) -> float | None:
        """Registrations received as a share of the target (None without a target)."""
        if not self.target:
            return None
        return 100.0 * self.received / self.target


@dataclass(frozen=True)
class Dashboard:
    region: str  # "" for the whole country
    region_name: str
    lineage: list[tuple[str, str]]  # (code, name) from the kabupaten down to the region
    totals: Area
    kabupaten: list[Area]
    breakdown: list[Area]  # the region's kecamatan (or desa); empty for the whole country
    days: list[tuple[str, int]]  # (day, registrations), oldest first


def dashboard(conn: Connection, region: str = "") -> Dashboard:
    """Every count the dashboard shows, from two queries over the tallies."""
    region = check_region(region)
    per_office: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    c = t.tallies.c
    for office, status, n in conn.execute(select(c.office, c.status, func.sum(c.n)).group_by(c.office, c.status)):
        per_office[office][status] += int(n)
    targets = all_targets(conn)
    kabupaten: dict[str, Area] = {code: Area(code, region_name(code), target=n) for code, n in targets.items()}
    totals = Area(region, region_name(region) if region else "")
    for office, counts in per_office.items():
        area = kabupaten.setdefault(
            office[:5], Area(office[:5], region_name(office[:5]), target=targets.get(office[:5]))
        )
        inside = not region or office.startswith(region)
        for status, n in counts.items():
            area.counts[status] += n
            if inside:
                totals.counts[status] += n
    return Dashboard(
        region,
        totals.name,
        [(code, region_name(code)) for code in _lineage(region)],
        totals,
        sorted(kabupaten.values(), key=lambda a: a.code),
        _breakdown(region, per_office),
        _days(conn, region),
    )


def _lineage(region: str) -> list[str]:
    """The kabupaten and kecamatan above (and including) `region`, for the breadcrumbs."""
    return [region[:width] for width in (5, 8, 13) if len(region) >= width]


def _breakdown(region: str, per_office: dict[str, dict[str, int]]) -> list[Area]:
    """The region's children (a kabupaten's kecamatan, a kecamatan's desa), all of them: a
    place with no registration yet is what the team most needs to see."""
    if len(region) not in (5, 8):
        return []
    width = 8 if len(region) == 5 else 13
    children = {child.code: Area(child.code, child.name) for child in regions().children(region)}
    for office, counts in per_office.items():
        if office.startswith(region + "."):
            area = children.setdefault(office[:width], Area(office[:width], region_name(office[:width])))
            for status, n in counts.items():
                area.counts[status] += n
    return sorted(children.values(), key=lambda a: a.code)


def _days(conn: Connection, region: str) -> list[tuple[str, int]]:
    """Registrations per day over the last CHART_DAYS days that have any, oldest first."""
    c = t.tallies.c
    conditions = [c.status.in_(RECORD_STATES)]
    if region:
        conditions.append(offices_in(c.office, region))
    rows = conn.execute(
        select(c.day, func.sum(c.n)).where(*conditions).group_by(c.day).order_by(c.day.desc()).limit(CHART_DAYS)
    ).all()
    return [(day, int(n)) for day, n in reversed(rows)]


@dataclass(frozen=True)
class Side:
    """One registration of a duplicate pair: where and when, never who."""

    office: str
    office_name: str
    device: str
    at: str


@dataclass(frozen=True)
class DuplicatePair:
    seq: int
    record_id: str  # the registration kept (the first to arrive)
    number: str
    status: str
    kept: Side
    refused: Side  # the later registration of the same NIK, not stored


def duplicates_page(
    conn: Connection, region: str = "", after: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[DuplicatePair], int | None]:
    """Duplicates rows, newest first, each beside the record it duplicates; and the next cursor."""
    d, r = t.duplicates.c, t.records.c
    kept_device, refused_device = t.devices.alias("kept_device"), t.devices.alias("refused_device")
    conditions: list[ColumnElement] = []
    if region:
        conditions.append(offices_in(d.office, region))  # where the refused registration was made
    if after is not None:
        conditions.append(d.seq < after)
    rows = conn.execute(
        select(
            d.seq,
            d.office,
            d.received_at,
            refused_device.c.name.label("refused_device"),
            r.id,
            r.office.label("kept_office"),
            r.created_at,
            r.status,
            kept_device.c.name.label("kept_device"),
        )
        .select_from(
            t.duplicates.join(t.records, r.id == d.first_record_id)
            .outerjoin(refused_device, refused_device.c.id == d.device_id)
            .outerjoin(kept_device, kept_device.c.id == r.device_id)
        )
        .where(and_(*conditions) if conditions else true())
        .order_by(d.seq.desc())
        .limit(limit + 1)
    ).all()
    pairs = [
        DuplicatePair(
            row.seq,
            row.id,
            short_number(row.id),
            row.status,
            Side(row.kept_office, region_name(row.kept_office), row.kept_device or "", row.created_at),
            Side(row.office, region_name(row.office), row.refused_device or "", row.received_at),
        )
        for row in rows[:limit]
    ]
    return pairs, (pairs[-1].seq if len(rows) > limit else None)


def duplicate_total(conn: Connection, region: str = "") -> int:
    c = t.tallies.c
    conditions = [c.status == DUPLICATE]
    if region:
        conditions.append(offices_in(c.office, region))
    return int(conn.execute(select(func.coalesce(func.sum(c.n), 0)).where(*conditions)).scalar_one())
