"""The NIK (Nomor Induk Kependudukan) and what its digits say.

Digits 1-6: province, kabupaten/kota and kecamatan of first issue. Digits 7-12: birth date as
DDMMYY, with 40 added to the day for women. Digits 13-16: a serial from 0001. The birth date
and sex typed into a form must agree with these digits; that catches most mistyped NIKs while
the applicant is still at the desk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikParts:
    province: str
    region6: str
    day: int
    month: int
    year2: int
    sex: str
    serial: str


def is_sixteen_digits(text: str) -> bool:
    return len(text) == NIK_LENGTH and text.isascii() and text.isdigit()


def split_nik(nik: str) -> NikParts:
    """Read the parts of a 16-digit NIK; the date digits are not checked here."""
    encoded_day = int(nik[6:8])
    female = encoded_day > FEMALE_DAY_OFFSET
    return NikParts(
        province=nik[0:2],
        region6=nik[0:6],
        day=encoded_day - FEMALE_DAY_OFFSET if female else encoded_day,
        month=int(nik[8:10]),
        year2=int(nik[10:12]),
        sex="female" if female else "male",
        serial=nik[12:16],
    )


def has_valid_date(parts: NikParts) -> bool:
    """Whether DDMM could be a calendar date in some year (29 Feb allowed: leap years exist)."""
    try:
        dt.date(2000, parts.month, parts.day)
    except ValueError:
        return False
    return True


def agrees_with(parts: NikParts, birth_date: dt.date, sex: str) -> bool:
    """Whether the NIK's date digits and sex match the birth date and sex typed in."""
    return (
        parts.sex == sex
        and parts.day == birth_date.day
        and parts.month == birth_date.month
        and parts.year2 == birth_date.year % 100
    )


def encode_birth(birth_date: dt.date, sex: str) -> str:
    """The six date digits a NIK carries for this birth date and sex (used by tests and demo)."""
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "female" else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def masked(nik: str) -> str:
    """The NIK as lists show it: only the last four digits."""
    return "*" * (len(nik) - 4) + nik[-4:]


def birth_from_nik(nik: str, today: dt.date) -> tuple[dt.date, str] | None:
    """The birth date and sex a NIK carries, for filling in a form; None if it carries none.

    The year has two digits: the century is the latest one that does not put the birth in the
    future, which is right for every living applicant (nobody registers at 100 or more).
    """
    if not is_sixteen_digits(nik):
        return None
    parts = split_nik(nik)
    if not has_valid_date(parts):
        return None
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100):
        try:
            born = dt.date(century + parts.year2, parts.month, parts.day)
        except ValueError:  # 29 February in a year that has none
            continue
        if born <= today:
            return born, parts.sex
    return None
