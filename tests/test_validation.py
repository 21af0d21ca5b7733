"""Each of the programme's rules, with its own code, field and messages in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.messages import RULES
from fieldapp.nik import encode_birth
from fieldapp.sample import applicant
from fieldapp.validation import check, normalize_phone

TODAY = dt.date(2026, 11, 28)


def good(**changes: object) -> dict[str, object]:
    record = applicant(3)
    record.update(changes)
    return record


def codes(raw: object) -> set[tuple[str, str]]:
    registration, problems = check(raw, TODAY)
    assert (registration is None) == bool(problems)
    return {(p.field, p.code) for p in problems}


def test_the_contract_example_is_valid_and_normalised() -> None:
    example = {
        "nik": "3216014101950001",
        "kk_number": "3216010101200003",
        "full_name": "  Siti   Rahmawati ",
        "mother_name": "Aminah",
        "birth_place": "Bekasi",
        "birth_date": "1995-01-01",
        "sex": "female",
        "phone": "0812-3456 7890",
        "email": "siti.r@example.com",
        "ktp_address": {"street": "Jl. Melati No. 5", "rt": "3", "rw": "05", "desa_code": "3216012001"},
        "domicile_address": None,
        "education": "senior_high",
        "employment_status": "laid_off",
        "in_formal_education": False,
        "excluded_occupation": False,
        "training_interest": "Pemasaran digital",
        "consent": True,
        "notes": "",
    }
    registration, problems = check(example, TODAY)
    assert problems == []
    assert registration is not None
    assert registration.full_name == "Siti Rahmawati"
    assert registration.phone == "+6281234567890"
    assert registration.ktp_address.rt == "003" and registration.ktp_address.rw == "005"
    assert registration.ktp_address.desa_code == "32.16.01.2001"
    assert registration.domicile == registration.ktp_address
    assert registration.to_json()["birth_date"] == "1995-01-01"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nik": "32160141019500"}, ("nik", "nik_format")),
        ({"nik": "32160141019500AB"}, ("nik", "nik_format")),
        ({"nik": 3216014101950001}, ("nik", "wrong_type")),
        ({"nik": "9916014101950001"}, ("nik", "nik_province")),
        ({"nik": "3216019913950001"}, ("nik", "nik_date")),
        ({"nik": "3216010101660000"}, ("nik", "nik_serial")),
        ({"kk_number": "123"}, ("kk_number", "kk_format")),
        ({"birth_date": "1990-02-30"}, ("birth_date", "date_format")),
        ({"birth_date": "01-01-1990"}, ("birth_date", "date_format")),
        ({"birth_date": "2030-01-01"}, ("birth_date", "birth_in_future")),
        ({"in_formal_education": True}, ("in_formal_education", "in_formal_education")),
        ({"excluded_occupation": True}, ("excluded_occupation", "excluded_occupation")),
        ({"consent": False}, ("consent", "consent_missing")),
        ({"consent": "yes"}, ("consent", "wrong_type")),
        ({"phone": "021-8899-7766"}, ("phone", "phone_format")),
        ({"phone": "+6512345678"}, ("phone", "phone_format")),
        ({"email": "siti@"}, ("email", "email_format")),
        ({"email": "siti at example.com"}, ("email", "email_format")),
        ({"full_name": "   "}, ("full_name", "empty")),
        ({"full_name": "A" * 101}, ("full_name", "too_long")),
        ({"mother_name": None}, ("mother_name", "required")),
        ({"sex": "other"}, ("sex", "invalid_choice")),
        ({"education": "phd"}, ("education", "invalid_choice")),
        ({"employment_status": "retired"}, ("employment_status", "invalid_choice")),
        ({"nickname": "Sit"}, ("nickname", "unknown_field")),
        ({"ktp_address": "Jl. Melati"}, ("ktp_address", "wrong_type")),
    ],
)
def test_each_rule_has_its_own_code(changes: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in codes(good(**changes))


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ({"street": "Jl. A", "rt": "1234", "rw": "1", "desa_code": "3216012001"}, ("ktp_address.rt", "rt_rw_format")),
        ({"street": "Jl. A", "rt": "1", "rw": "x1", "desa_code": "3216012001"}, ("ktp_address.rw", "rt_rw_format")),
        (
            {"street": "Jl. A", "rt": "1", "rw": "1", "desa_code": "3216019999"},
            ("ktp_address.desa_code", "desa_unknown"),
        ),
        ({"street": "Jl. A", "rt": "1", "rw": "1", "desa_code": "32.16.01"}, ("ktp_address.desa_code", "desa_unknown")),
        ({"street": "", "rt": "1", "rw": "1", "desa_code": "3216012001"}, ("ktp_address.street", "empty")),
        (
            {"street": "Jl. A", "rt": "1", "rw": "1", "desa_code": "3216012001", "x": 1},
            ("ktp_address.x", "unknown_field"),
        ),
        ({"street": "Jl. A", "rt": "1", "rw": "1"}, ("ktp_address.desa_code", "required")),
    ],
)
def test_address_rules(address: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in codes(good(ktp_address=address))
    assert (expected[0].replace("ktp_", "domicile_"), expected[1]) in codes(good(domicile_address=address))


def test_nik_must_agree_with_birth_date_and_sex() -> None:
    record = good()
    assert ("nik", "nik_birth_mismatch") in codes({**record, "sex": "male" if record["sex"] == "female" else "female"})
    assert ("nik", "nik_birth_mismatch") in codes({**record, "birth_date": "1970-03-04"})


def test_every_problem_is_reported_at_once_in_form_order() -> None:
    _, problems = check(good(nik="1", phone="1", consent=False, extra=True), TODAY)
    assert [p.field for p in problems] == ["nik", "phone", "consent", "extra"]


def test_every_missing_field_is_named() -> None:
    _, problems = check({}, TODAY)
    required = {p.field for p in problems if p.code == "required"}
    assert "nik" in required and "consent" in required and "ktp_address" in required
    assert "notes" not in required and "domicile_address" not in required


def test_not_an_object() -> None:
    assert codes(["nik"]) == {("record", "not_object")}


def test_every_code_has_both_languages_and_messages_hold_no_values() -> None:
    for english, indonesian in RULES.values():
        assert english and indonesian and english != indonesian
    record = good(nik="3216019913950001", phone="021-8899-7766", full_name="Z" * 150)
    _, problems = check(record, TODAY)
    for problem in problems:
        for text in (problem.message_en, problem.message_id):
            assert "3216019913950001" not in text and "8899" not in text and "ZZZ" not in text
    assert problems[0].message_id.startswith("NIK: ")


# -- age ------------------------------------------------------------------------------------


def nik_for(born: dt.date, sex: str) -> str:
    return f"321601{encode_birth(born, sex)}0001"


@given(born=st.dates(min_value=dt.date(1930, 1, 1), max_value=TODAY), sex=st.sampled_from(["male", "female"]))
def test_age_rule_is_exactly_eighteen_years(born: dt.date, sex: str) -> None:
    record = good(birth_date=born.isoformat(), sex=sex, nik=nik_for(born, sex))
    try:
        eighteenth = born.replace(year=born.year + 18)
    except ValueError:  # born 29 February: adult on 1 March
        eighteenth = dt.date(born.year + 18, 3, 1)
    assert (("birth_date", "under_age") in codes(record)) == (eighteenth > TODAY)


def test_eighteenth_birthday_today_is_old_enough() -> None:
    born = dt.date(2008, 11, 28)
    assert codes(good(birth_date=born.isoformat(), sex="male", nik=nik_for(born, "male"))) == set()
    day_later = dt.date(2008, 11, 29)
    assert ("birth_date", "under_age") in codes(
        good(birth_date=day_later.isoformat(), sex="male", nik=nik_for(day_later, "male"))
    )


@given(st.text(max_size=12))
def test_any_text_that_is_not_an_iso_date_is_refused(text: str) -> None:
    try:
        dt.date.fromisoformat(text)
        iso = len(text) == 10
    except ValueError:
        iso = False
    if not iso:
        assert ("birth_date", "date_format") in codes(good(birth_date=text))


# -- phone ----------------------------------------------------------------------------------

subscriber = st.integers(10_000_000, 99_999_999).map(str)
operator_prefix = st.sampled_from(["811", "812", "813", "821", "822", "852", "853", "857", "858", "878", "895", "896"])


@given(prefix=operator_prefix, number=subscriber, style=st.integers(0, 5))
def test_every_written_form_of_a_mobile_number_normalises_to_e164(prefix: str, number: str, style: int) -> None:
    national = f"0{prefix}{number}"
    forms = [
        national,
        f"62{prefix}{number}",
        f"+62{prefix}{number}",
        f"+62 {prefix}-{number[:4]}-{number[4:]}",
        f"{national[:4]} {national[4:8]} {national[8:]}",
        f"0{prefix}-{number}",
    ]
    assert normalize_phone(forms[style]) == f"+62{prefix}{number}"


@given(st.text(alphabet="0123456789+- ", max_size=16))
def test_a_normalised_phone_is_always_an_indonesian_mobile(text: str) -> None:
    result = normalize_phone(text)
    assert result is None or (result.startswith("+628") and result[1:].isdigit())


def test_landlines_and_foreign_numbers_are_refused() -> None:
    for number in ("0218899776", "+6221889977", "+14155550123", "08", "0812"):
        assert normalize_phone(number) is None


# -- email ----------------------------------------------------------------------------------

from email_validator import EmailNotValidError, validate_email  # noqa: E402
from hypothesis import settings  # noqa: E402

from fieldapp.validation import _PLAIN_EMAIL, normalize_email  # noqa: E402


def library_verdict(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


@settings(max_examples=400)
@given(st.from_regex(_PLAIN_EMAIL, fullmatch=True))
def test_the_fast_email_path_agrees_with_email_validator(text: str) -> None:
    assert normalize_email(text) == library_verdict(text)


@settings(max_examples=300)
@given(st.text(alphabet="abAB09.-_+@é ", max_size=30))
def test_any_text_gets_email_validators_verdict(text: str) -> None:
    assert normalize_email(text) == library_verdict(text)


@pytest.mark.parametrize("text", ["x@localhost", "x@a.test", "a..b@x.com", "x@-a.com", "x@a.123", "Ünï@example.com"])
def test_email_edge_cases_match_the_library(text: str) -> None:
    assert normalize_email(text) == library_verdict(text)


def library_phone_verdict(text: str) -> str | None:
    """What phonenumbers.parse() itself makes of a written number (the slow, general path)."""
    import phonenumbers

    compact = "".join(c for c in text if c not in " -().")
    if compact.startswith("62"):
        compact = "+" + compact
    if not compact.startswith(("+628", "08")):
        return None
    try:
        parsed = phonenumbers.parse(compact, "ID")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return e164 if e164.startswith("+628") else None


@settings(max_examples=500)
@given(st.from_regex(r"(\+62|62|0)8[0-9 -]{6,14}", fullmatch=True))
def test_phone_normalisation_agrees_with_phonenumbers_parse(text: str) -> None:
    assert normalize_phone(text) == library_phone_verdict(text)
