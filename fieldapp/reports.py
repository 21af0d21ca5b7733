"""Supervisors' reports: registrations per day, per desa and per state, and the CSV export.

Counts per day and per state come from plaintext columns. Counts per desa need each record's
domicile, which is personal data, so they decrypt the current versions in memory; nothing
decrypted is kept. The CSV export writes personal data on purpose: only a supervisor may run
it, it is audited by the store, and the file is written whole or not at all.
"""

from __future__ import annotations

import csv
import errno
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldapp import records, timestamps
from fieldapp.crypto import SubKeys
from fieldapp.errors import FieldappError, StoreDamaged, UsageError, describe_os_error, disk_problem
from fieldapp.files import written_whole
from fieldapp.regions import regions
from fieldapp.registration import ADDRESS_FIELDS, RECORD_FIELDS

Progress = Callable[[int, int], None]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
META_COLUMNS = (
    "id",
    "registration_number",
    "state",
    "server_note",
    "version",
    "office",
    "operator",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class DesaCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Report:
    per_day: list[tuple[str, int]]  # (YYYY-MM-DD on the laptop's calendar, count), oldest first
    per_desa: list[DesaCount]  # by domicile desa, most first
    per_state: dict[str, int]
    damaged: int  # records whose ciphertext would not open (counted per day and state only)

    @property
    def total(self) -> int:
        return sum(self.per_state.values())


def build(conn: sqlite3.Connection, keys: SubKeys, progress: Progress | None = None) -> Report:
    rows = records.newest(conn, oldest_first=True)
    days: Counter[str] = Counter()
    desas: Counter[str] = Counter()
    damaged = 0
    for done, (meta, schema_no, blob) in enumerate(rows, 1):
        days[timestamps.local_day(meta.created_at).isoformat()] += 1
        try:
            registration = records.open_registration(keys, meta.id, meta.version, schema_no, blob)
        except StoreDamaged:
            damaged += 1
        else:
            desas[registration.domicile.desa_code] += 1
        if progress is not None and done % 1000 == 0:
            progress(done, len(rows))
    index = regions()
    per_desa = [DesaCount(code, _name(index.get(code)), count) for code, count in desas.most_common()]
    return Report(sorted(days.items()), per_desa, records.state_counts(conn), damaged)


def _name(region: object) -> str:
    return getattr(region, "name", "?")


def csv_header(meta_columns: tuple[str, ...] | list[str] = META_COLUMNS) -> list[str]:
    """`meta_columns`, then one column per record field (addresses one per part)."""
    columns = list(meta_columns)
    for field in RECORD_FIELDS:
        if field in ("ktp_address", "domicile_address"):
            columns += [f"{field}.{part}" for part in ADDRESS_FIELDS]
        else:
            columns.append(field)
    return columns


def _row(meta: records.RecordMeta, record: dict[str, object]) -> list[str]:
    values: list[object] = [
        meta.id,
        records.short_number(meta.id),
        meta.state,
        meta.server_note,
        meta.version,
        meta.office,
        meta.operator,
        meta.created_at,
        meta.updated_at,
    ]
    return spreadsheet_row(values, record)


def spreadsheet_row(meta: list[object], record: dict[str, object]) -> list[str]:
    """`meta` then the record's fields (addresses one column per part), each safe for a spreadsheet.

    The laptop's export and the central console's export both write their rows with it.
    """
    cells = [_cell(value) for value in meta]
    for field in RECORD_FIELDS:
        value = record.get(field)
        if field in ("ktp_address", "domicile_address"):
            address = value if isinstance(value, dict) else {}
            cells += [_cell(address.get(part, "")) for part in ADDRESS_FIELDS]
        elif field in DIGIT_FIELDS:
            cells.append(_digits_cell(value))
        else:
            cells.append(_cell(value))
    return cells


# NIK and KK (16 digits) and the phone number (+62...): Excel reads a bare number as a float
# (3.21601E+15, the 16th digit lost) and shows a '-guarded +62 with its apostrophe. Written as
# the formula ="3216..." Excel shows the text exactly, digit for digit; LibreOffice too.
DIGIT_FIELDS = frozenset({"nik", "kk_number", "phone"})
_DIGITS = re.compile(r"\+?[0-9]{1,20}")


def _digits_cell(value: object) -> str:
    """="<digits>" for a value the rules let through (digits, or + and digits); else a plain cell."""
    text = "" if value is None else str(value)
    if _DIGITS.fullmatch(text):
        return f'="{text}"'
    return _cell(value)


def _cell(value: object) -> str:
    """Text a spreadsheet shows as text: a leading =, +, - or @ would start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(conn: sqlite3.Connection, keys: SubKeys, path: Path, progress: Progress | None = None) -> tuple[int, int]:
    """Write every current record to `path` (UTF-8 with BOM, for spreadsheets); (written, damaged).

    The file appears whole or not at all: rows go to a sibling `.partial` file (0600), which is
    flushed to disk and renamed over `path` only when complete, and removed on any failure.
    """
    target = Path(path)
    rows = records.newest(conn, oldest_first=True)
    written = damaged = 0
    try:
        with written_whole(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(csv_header())
            for done, (meta, schema_no, blob) in enumerate(rows, 1):
                try:
                    registration = records.open_registration(keys, meta.id, meta.version, schema_no, blob)
                except StoreDamaged:
                    damaged += 1
                    continue
                writer.writerow(_row(meta, registration.to_json()))
                written += 1
                if progress is not None and done % 1000 == 0:
                    progress(done, len(rows))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    return written, damaged


def _cannot_write(target: Path, exc: OSError) -> FieldappError:
    """Why the export file could not be written, without its name (names can hold personal data)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO):
        return disk_problem(exc.errno)
    english, indonesian = describe_os_error(exc)
    return UsageError(
        f"cannot write the export file: {english}; choose another folder",
        f"berkas ekspor tidak dapat ditulis: {indonesian}; pilih folder lain",
    )
