"""The console's data layer: tallies kept equal to the rows, the queue's filters and pages, reasons.

Runs on SQLite and on PostgreSQL (`server_db`), with the real ingest and the real decisions
(admin.set_status) writing to a real database; `stats` (which counts rows) is the ground truth.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text

from fieldapp.sample import applicant
from sync import protocol
from sync.server import admin
from sync.server import storage as t
from sync.server.console import queries, record_view
from sync.server.console.reasons import REASONS, ReasonRefused, laptop_reason
from sync.server.database import MIGRATIONS, connect, open_database, upgrade
from sync.server.ingest import Device, Ingest
from sync.server.keys import ServerKeys, load_or_create
from sync.server.tallies import registration_day
from sync.server.targets import TargetRefused, set_target

OFFICES = ("32.16.01.2001", "32.16.01.2002", "32.16.02.2001", "32.75.01.1001")


class Central:
    """A real server database and key, with one enrolled device per office, driven in-process."""

    def __init__(self, engine: Engine, keys: ServerKeys) -> None:
        self.engine, self.keys = engine, keys
        self.ingest = Ingest(engine, keys)
        self.devices = {office: self._device(office) for office in OFFICES}
        self.sent: dict[str, tuple[str, int, dict[str, object], str]] = {}  # id -> office, version, record, time
        self.next_index = 0

    def _device(self, office: str) -> Device:
        enrolled = admin.enrol(self.engine, admin.new_enrol_code(self.engine, office, 1), f"laptop {office}")
        return Device(enrolled.device_id, office)

    def push(self, office: str, record_id: str, version: int, record: dict[str, object], created_at: str) -> str:
        e = protocol.RecordEnvelope(
            id=record_id,
            version=version,
            content_hash=protocol.content_hash(record),
            created_at=created_at,
            updated_at=created_at,
            operator="siti",
            record=record,
        )
        (result,) = self.ingest.push(self.devices[office], [e])
        return result.outcome

    def new(self, office: str, created_at: str = "2026-03-02T03:00:00.000Z") -> str:
        record = applicant(self.next_index, office)
        self.next_index += 1
        record_id = str(uuid.uuid4())
        assert self.push(office, record_id, 1, record, created_at) == "accepted"
        self.sent[record_id] = (office, 1, record, created_at)
        return record_id

    def new_version(self, record_id: str) -> None:
        office, version, record, created_at = self.sent[record_id]
        changed = {**record, "notes": f"version {version + 1}"}
        assert self.push(office, record_id, version + 1, changed, created_at) == "accepted"
        self.sent[record_id] = (office, version + 1, changed, created_at)

    def duplicate(self, record_id: str, office: str) -> None:
        _office, _version, record, created_at = self.sent[record_id]
        assert self.push(office, str(uuid.uuid4()), 1, record, created_at) == "duplicate"


@pytest.fixture
def central(server_db: str, tmp_path: Path) -> Iterator[Central]:
    engine = open_database(server_db)
    try:
        yield Central(engine, load_or_create(tmp_path / "server.key"))
    finally:
        engine.dispose()


def tallies_by_rows(engine: Engine) -> tuple[Counter, Counter]:
    """(the tallies table, the same counts made from the rows), without zero counts."""
    with engine.connect() as conn:
        kept = Counter({(o, d, s): int(n) for o, d, s, n in conn.execute(select(t.tallies)) if n})
        r = t.records.c
        counted = Counter(
            {
                (o, d, s): int(n)
                for o, d, s, n in conn.execute(
                    select(r.office, r.day, r.status, func.count()).group_by(r.office, r.day, r.status)
                )
            }
        )
        for office, received_at in conn.execute(select(t.duplicates.c.office, t.duplicates.c.received_at)):
            counted[(office, registration_day(office, received_at, received_at), "duplicate")] += 1
    return kept, counted


def assert_in_step(central: Central) -> None:
    kept, counted = tallies_by_rows(central.engine)
    assert kept == counted
    stats = admin.stats(central.engine)
    with central.engine.connect() as conn:
        totals = queries.dashboard(conn).totals
    assert totals.received == stats["records"]
    assert totals.counts["verified"] == stats["verified"]
    assert totals.counts["rejected"] == stats["rejected"]
    assert totals.counts["duplicate"] == stats["duplicates"]


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("new"), st.sampled_from(OFFICES)),
        st.tuples(st.just("version"), st.integers(0, 10_000)),
        st.tuples(st.just("duplicate"), st.integers(0, 10_000), st.sampled_from(OFFICES)),
        st.tuples(st.just("decide"), st.integers(0, 10_000), st.sampled_from(admin.STATUSES)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_tallies_stay_equal_to_the_rows_under_pushes_versions_duplicates_and_decisions(
    central: Central, operations: list[tuple]
) -> None:
    for operation in operations:
        kind, *args = operation
        known = sorted(central.sent)
        if kind == "new" or not known:
            central.new(args[0] if kind == "new" else OFFICES[0])
        elif kind == "version":
            central.new_version(known[args[0] % len(known)])
        elif kind == "duplicate":
            central.duplicate(known[args[0] % len(known)], args[1])
        else:
            admin.set_status(central.engine, known[args[0] % len(known)], args[1], "why", reason_code="other")
    assert_in_step(central)


def test_a_new_version_of_a_decided_record_goes_back_to_accepted_in_the_counts(central: Central) -> None:
    verified, rejected = central.new(OFFICES[0]), central.new(OFFICES[0])
    admin.set_status(central.engine, verified, "verified", None)
    admin.set_status(central.engine, rejected, "rejected", "Data tidak lengkap", reason_code="incomplete_data")
    admin.set_status(central.engine, rejected, "rejected", "Data tidak lengkap", reason_code="incomplete_data")
    with central.engine.connect() as conn:
        assert nonzero(queries.dashboard(conn).totals.counts) == {"verified": 1, "rejected": 1}
    central.new_version(verified)
    central.new_version(rejected)
    with central.engine.connect() as conn:
        assert nonzero(queries.dashboard(conn).totals.counts) == {"accepted": 2}
        reason_code = conn.execute(select(t.records.c.reason_code).where(t.records.c.id == rejected)).scalar_one()
    assert reason_code is None
    assert_in_step(central)


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {state: n for state, n in counts.items() if n}


def test_a_decision_on_a_version_the_verifier_did_not_read_is_refused(central: Central) -> None:
    record_id = central.new(OFFICES[0])
    central.new_version(record_id)
    with pytest.raises(admin.VersionChanged):
        admin.set_status(central.engine, record_id, "verified", None, version=1)
    admin.set_status(central.engine, record_id, "verified", None, version=2, decided_by="vera")
    with central.engine.connect() as conn:
        detail = record_view.record_detail(conn, central.keys, record_id)
    assert detail is not None
    assert [(d.status, d.version, d.decided_by) for d in detail.history] == [("verified", 2, "vera")]
    assert_in_step(central)


def test_the_migration_fills_days_and_tallies_from_existing_rows(server_db: str) -> None:
    engine = connect(server_db)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0005")
        rows = [
            # 23:30 UTC is the next morning in Bekasi (UTC+7) and in Papua (UTC+9)
            ("a", "32.16.01.2001", "2026-03-01T23:30:00.000Z", "accepted"),
            ("b", "32.16.01.2001", "2026-03-01T10:00:00.000Z", "verified"),
            ("c", "91.01.01.2001", "2026-03-01T16:30:00.000Z", "rejected"),
            ("d", "32.16.01.2001", "not a time", "accepted"),  # stored before times were parsed strictly
        ]
        with engine.begin() as conn:
            for n, (record_id, office, created_at, status) in enumerate(rows):
                conn.execute(
                    text(
                        "INSERT INTO records (id, version, office, device_id, operator, content_mac, nik_index,"
                        " kk_index, status, created_at, received_at) VALUES (:id, 1, :office, 'dev', 'op', 'm',"
                        " :nik, :kk, :status, :created_at, '2026-03-05T01:00:00.000Z')"
                    ),
                    {"id": record_id, "office": office, "nik": bytes([n]) * 32, "kk": b"k" * 32}
                    | {"status": status, "created_at": created_at},
                )
            conn.execute(
                text(
                    "INSERT INTO duplicates (record_id, version, content_mac, office, device_id, first_record_id,"
                    " received_at) VALUES ('e', 1, 'm', '32.16.02.2001', 'dev', 'a', '2026-03-04T20:00:00.000Z')"
                )
            )
        upgrade(engine)
        with engine.connect() as conn:
            days = dict(conn.execute(select(t.records.c.id, t.records.c.day)).all())
        assert days == {"a": "2026-03-02", "b": "2026-03-01", "c": "2026-03-02", "d": "2026-03-05"}
        kept, counted = tallies_by_rows(engine)
        assert kept == counted
        assert kept[("32.16.02.2001", "2026-03-05", "duplicate")] == 1
    finally:
        engine.dispose()


def test_the_queue_pages_forwards_and_back_through_every_match_in_order(central: Central) -> None:
    made = {}
    for n in range(23):
        office = OFFICES[n % 3]
        made[central.new(office, f"2026-03-{1 + n % 7:02d}T03:00:00.000Z")] = office
    for record_id in list(made)[:4]:
        admin.set_status(central.engine, record_id, "rejected", "x", reason_code="other")
    where = queries.QueueFilter.parse(state="accepted", region="32.16.01")
    expected = sorted(
        (
            (day, record_id)
            for record_id, office in list(made.items())[4:]
            if office.startswith("32.16.01")
            for day in [central_day(central, record_id)]
        ),
        reverse=True,
    )
    with central.engine.connect() as conn:
        pages, after = [], ""
        while True:
            page = queries.queue_page(conn, where, after=after, limit=5)
            assert page.total == len(expected)
            pages.append(page)
            if page.next_after is None:
                break
            after = page.next_after
        seen = [(row.day, row.id) for page in pages for row in page.rows]
        assert seen == expected
        assert pages[0].prev_before is None
        back = queries.queue_page(conn, where, before=pages[-1].prev_before or "", limit=5)
        assert [row.id for row in back.rows] == [row.id for row in pages[-2].rows]
        assert {row.status for row in back.rows} == {"accepted"}
        assert all(row.office.startswith("32.16.01.") for row in back.rows)
        one_day = queries.QueueFilter.parse(day_from="2026-03-02", day_to="2026-03-02")
        dated = queries.queue_page(conn, one_day)
        assert {row.day for row in dated.rows} == {"2026-03-02"}
        assert dated.total == len(dated.rows) == sum(1 for r in made if central_day(central, r) == "2026-03-02")


def central_day(central: Central, record_id: str) -> str:
    office, _version, _record, created_at = central.sent[record_id]
    return registration_day(office, created_at, created_at)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("state", "deleted", "filter.error.state"),
        ("region", "32.99", "filter.error.region"),
        ("region", "32.16.01.20011", "filter.error.region"),
        ("day_from", "2026-02-30", "filter.error.day"),
    ],
)
def test_a_filter_the_console_cannot_use_is_refused_by_name(field: str, value: str, key: str) -> None:
    with pytest.raises(queries.FilterRefused) as refused:
        queries.QueueFilter.parse(**{field: value})
    assert refused.value.key == key


def test_regions_match_by_code_range_only_inside_their_own_codes() -> None:
    assert queries.QueueFilter.parse(region="3216").region == "32.16"
    with pytest.raises(queries.FilterRefused):
        queries.QueueFilter.parse(day_from="2026-03-05", day_to="2026-03-01")


def test_dashboard_breaks_a_kabupaten_down_by_every_kecamatan_and_shows_its_target(central: Central) -> None:
    for office in OFFICES:
        central.new(office)
    set_target(central.engine, "32.16", 24_000)
    with central.engine.connect() as conn:
        top = queries.dashboard(conn)
        bekasi = queries.dashboard(conn, "32.16")
        tarumajaya = queries.dashboard(conn, "32.16.01")
    kabupaten = {area.code: area for area in top.kabupaten}
    assert kabupaten["32.16"].name == "Kabupaten Bekasi"
    assert (kabupaten["32.16"].received, kabupaten["32.16"].target) == (3, 24_000)
    assert kabupaten["32.75"].target is None
    assert top.breakdown == []
    kecamatan = {area.code: area.received for area in bekasi.breakdown}
    assert len(kecamatan) == 23  # every kecamatan, also those without a registration
    assert kecamatan["32.16.01"] == 2 and kecamatan["32.16.02"] == 1 and kecamatan["32.16.03"] == 0
    assert bekasi.totals.received == 3
    assert {area.code: area.received for area in tarumajaya.breakdown}["32.16.01.2001"] == 1
    assert tarumajaya.days == [("2026-03-02", 2)]


def test_targets_are_refused_for_other_than_a_kabupaten_or_a_sane_count(central: Central) -> None:
    with pytest.raises(TargetRefused):
        set_target(central.engine, "32.16.01", 10)
    with pytest.raises(TargetRefused):
        set_target(central.engine, "32.16", -1)
    set_target(central.engine, "3216", 100)
    set_target(central.engine, "32.16", 200)
    with central.engine.connect() as conn:
        assert queries.dashboard(conn).kabupaten[0].target == 200


def test_duplicates_show_both_offices_and_times_beside_the_record(central: Central) -> None:
    first = central.new(OFFICES[0])
    central.duplicate(first, OFFICES[3])
    with central.engine.connect() as conn:
        pairs, more = queries.duplicates_page(conn)
        assert more is None and len(pairs) == 1
        pair = pairs[0]
        assert pair.record_id == first
        assert (pair.kept.office_name, pair.refused.office) == ("Sagara Makmur", OFFICES[3])
        assert pair.kept.device == f"laptop {OFFICES[0]}"
        assert queries.duplicates_page(conn, region="32.16")[0] == []
        assert queries.duplicate_total(conn, "32.75") == 1
        detail = record_view.record_detail(conn, central.keys, first)
    assert detail is not None and [a.office for a in detail.duplicates] == [OFFICES[3]]


def test_detail_and_export_decrypt_the_newest_version(central: Central) -> None:
    ids = [central.new(OFFICES[0]) for _ in range(3)]
    central.new_version(ids[1])
    with central.engine.connect() as conn:
        detail = record_view.record_detail(conn, central.keys, ids[1])
        assert record_view.record_detail(conn, central.keys, "no-such-record") is None
    assert detail is not None
    assert detail.record["nik"] == central.sent[ids[1]][2]["nik"]
    assert detail.record["notes"] == "version 2"
    record_view.EXPORT_BATCH, batch = 2, record_view.EXPORT_BATCH  # several batches
    try:
        text_out = "".join(record_view.export_csv(central.engine, central.keys, queries.QueueFilter()))
    finally:
        record_view.EXPORT_BATCH = batch
    assert text_out.startswith("\ufeffid,")  # Excel reads a UTF-8 file with its mark as UTF-8
    rows = list(csv.DictReader(io.StringIO(text_out.removeprefix("\ufeff"))))
    assert sorted(row["id"] for row in rows) == sorted(ids)
    assert {row["full_name"] for row in rows} == {central.sent[i][2]["full_name"] for i in ids}
    assert {row["office_name"] for row in rows} == {"Sagara Makmur"}
    # NIK, KK and phone as ="..." text cells: Excel keeps all 16 digits and shows no apostrophe
    assert {row["nik"] for row in rows} == {f'="{central.sent[i][2]["nik"]}"' for i in ids}
    assert {row["kk_number"] for row in rows} == {f'="{central.sent[i][2]["kk_number"]}"' for i in ids}
    assert all(row["phone"].startswith('="+62') and row["phone"][5:-1].isdigit() for row in rows)


def test_the_laptop_reads_the_reason_in_indonesian_with_the_verifiers_words() -> None:
    assert laptop_reason("nik_mismatch", "") == "NIK tidak sesuai dengan KTP"
    assert laptop_reason("kk_unreadable", "  foto  buram\n") == "Kartu Keluarga tidak terbaca: foto buram"
    for code, text_in, key in (
        ("other", " ", "decision.error.reason_text"),
        ("made_up", "x", "decision.error.reason_code"),
        ("other", "a\u202eb", "decision.error.reason_characters"),
        ("other", "x" * 500, "decision.error.reason_length"),
    ):
        with pytest.raises(ReasonRefused) as refused:
            laptop_reason(code, text_in)
        assert refused.value.key == key
    assert set(REASONS) >= {"nik_mismatch", "not_eligible_age", "in_formal_education", "excluded_occupation", "other"}


def test_the_chart_shows_every_day_of_at_least_a_fortnight_and_at_most_a_quarter() -> None:
    from sync.server.console.charts import MAX_SPAN, MIN_SPAN, bar_chart

    one_day = bar_chart([("2026-11-30", 40)])
    assert [bar.day for bar in one_day.bars][-1] == "2026-11-30"
    assert len(one_day.bars) == MIN_SPAN and [bar.n for bar in one_day.bars].count(0) == MIN_SPAN - 1
    gap = bar_chart([("2026-11-01", 3), ("2026-11-20", 5)])
    assert len(gap.bars) == 20 and gap.total == 8 and gap.bars[10].n == 0 and gap.bars[10].height == 0
    long = bar_chart([("2026-01-01", 1), ("2026-11-30", 2)])
    assert len(long.bars) == MAX_SPAN and long.bars[0].day == "2026-08-31" and long.total == 2
    assert bar_chart([]).bars == []
