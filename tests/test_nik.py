"""The NIK's digits: birth date, sex, serial, and masking."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.nik import agrees_with, encode_birth, has_valid_date, is_sixteen_digits, masked, split_nik

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
sexes = st.sampled_from(["male", "female"])


def test_reads_the_example_from_the_design() -> None:
    parts = split_nik("3216014101950001")
    assert (parts.province, parts.region6, parts.serial) == ("32", "321601", "0001")
    assert (parts.day, parts.month, parts.year2, parts.sex) == (1, 1, 95, "female")


def test_male_day_is_not_shifted() -> None:
    parts = split_nik("3216011708800123")
    assert (parts.day, parts.month, parts.year2, parts.sex) == (17, 8, 80, "male")


@given(born=dates, sex=sexes, serial=st.integers(1, 9999))
def test_encoded_birth_agrees_and_round_trips(born: dt.date, sex: str, serial: int) -> None:
    nik = f"321601{encode_birth(born, sex)}{serial:04d}"
    parts = split_nik(nik)
    assert is_sixteen_digits(nik) and has_valid_date(parts)
    assert agrees_with(parts, born, sex)


@given(born=dates, sex=sexes, other=dates)
def test_another_birth_date_disagrees(born: dt.date, sex: str, other: dt.date) -> None:
    parts = split_nik(f"321601{encode_birth(born, sex)}0001")
    same_digits = (other.day, other.month, other.year % 100) == (born.day, born.month, born.year % 100)
    assert agrees_with(parts, other, sex) == same_digits


@given(born=dates, sex=sexes)
def test_the_other_sex_disagrees(born: dt.date, sex: str) -> None:
    parts = split_nik(f"321601{encode_birth(born, sex)}0001")
    assert not agrees_with(parts, born, "male" if sex == "female" else "female")


@given(st.text(max_size=20))
def test_sixteen_digits_means_exactly_that(text: str) -> None:
    assert is_sixteen_digits(text) == (len(text) == 16 and all(c in "0123456789" for c in text))


def test_impossible_dates_are_found() -> None:
    assert not has_valid_date(split_nik("3216013202950001"))  # 32 February
    assert not has_valid_date(split_nik("3216017213950001"))  # woman, day 32, month 13
    assert has_valid_date(split_nik("3216016902960001"))  # woman, 29 February


def test_masking_keeps_only_the_last_four() -> None:
    assert masked("3216014101950001") == "************0001"


def test_birth_from_nik_picks_the_century_that_is_not_in_the_future() -> None:
    import datetime as dt

    from fieldapp.nik import birth_from_nik

    today = dt.date(2026, 11, 30)
    assert birth_from_nik("3216014505900001", today) == (dt.date(1990, 5, 5), "female")
    assert birth_from_nik("3216010101050001", today) == (dt.date(2005, 1, 1), "male")
    assert birth_from_nik("3216010112260001", today) == (dt.date(1926, 12, 1), "male")  # 2026-12-01 is ahead
    assert birth_from_nik("3216012902000001", today) == (dt.date(2000, 2, 29), "male")
    assert birth_from_nik("3216012902010001", today) is None  # no 29 February in 2001 or 1901
    assert birth_from_nik("32160129020", today) is None and birth_from_nik("3216019913900001", today) is None
