"""The programme's rules for one record, each with its own error code.

`check()` turns untrusted JSON into a `Registration` or a list of every problem found, so an
operator sees all mistakes at once. Rules that need the store (a NIK already registered, the
two-per-KK limit) are applied by `store.py` through blind indexes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from fieldapp import nik as nik_rules
from fieldapp.errors import Problem
from fieldapp.messages import shown
from fieldapp.regions import dotted, regions
from fieldapp.registration import (
    ADDRESS_FIELDS,
    EDUCATION_LEVELS,
    EMPLOYMENT_STATUSES,
    RECORD_FIELDS,
    SEXES,
    Address,
    Registration,
)

MINIMUM_AGE = 18
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
NAME_LIMIT = 100
STREET_LIMIT = 200
INTEREST_LIMIT = 200
NOTES_LIMIT = 1000
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9_+-]{1,64}(?:\.[A-Za-z0-9_+-]{1,64})*)"
    rf"@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})"
)
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Letters that draw as blank space: Hangul fillers, the combining grapheme joiner, Khmer
# inherent vowels. Everything else invisible is caught by str.isprintable().
_BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def normal_text(raw: str) -> str:
    """A text field's stored form: NFC, trimmed, inner runs of white space folded to one space.

    NFC first, so "é" typed as one character or as "e" and a combining accent is the same
    text, with the same length. White space of every kind (tab, line break, no-break space)
    becomes one plain space: every text field is one line.
    """
    text = raw if raw.isascii() else unicodedata.normalize("NFC", raw)
    return " ".join(text.split())


def has_hidden(text: str) -> bool:
    """True when `text` holds a character that is invisible or acts on the display.

    That is whatever str.isprintable() refuses once white space is folded (Unicode categories
    Cc, Cf, Cs, Co, Cn: NUL, ESC, zero-width space and joiners, word joiner, byte order mark,
    bidi marks, overrides and isolates, lone surrogates, private use) and the blank letters.
    """
    return not text.isprintable() or not _BLANK_LETTERS.isdisjoint(text)


def without_hidden(text: str) -> str:
    """What `text` looks like: its hidden characters dropped, white space folded again."""
    return " ".join("".join(c for c in text if c.isprintable() and c not in _BLANK_LETTERS).split())


class _Checker:
    """Collects problems for one record while reading its fields."""

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        self.raw = raw
        self.index = index
        self.problems: list[Problem] = []

    def fail(self, field: str, code: str, limit: int | None = None) -> None:
        self.problems.append(Problem(field, code, self.index, limit))

    def text(
        self,
        field: str,
        limit: int,
        *,
        required: bool = True,
        source: dict[str, Any] | None = None,
        prefix: str = "",
    ) -> str | None:
        """The field in `normal_text()` form, or None with a problem recorded.

        Hidden characters are refused, not stripped: what the operator sees is what is saved,
        and a name with a hidden character would not match the same name typed again. A field
        that holds nothing else looks empty, and counts as empty.
        """
        name = prefix + field
        raw = (self.raw if source is None else source).get(field)
        if raw is None:
            if required:
                self.fail(name, "required")
            return None if required else ""
        if not isinstance(raw, str):
            self.fail(name, "wrong_type")
            return None
        cleaned = normal_text(raw)
        if has_hidden(cleaned):
            if without_hidden(cleaned):
                self.fail(name, "hidden_character")
                return None
            cleaned = ""
        if not cleaned and required:
            self.fail(name, "empty")
            return None
        if len(cleaned) > limit:
            self.fail(name, "too_long", limit)
            return None
        return cleaned

    def choice(self, field: str, allowed: tuple[str, ...]) -> str | None:
        raw = self.raw.get(field)
        if raw is None:
            self.fail(field, "required")
        elif not isinstance(raw, str):
            self.fail(field, "wrong_type")
        elif raw not in allowed:
            self.fail(field, "invalid_choice")
        else:
            return raw
        return None

    def flag(self, field: str) -> bool | None:
        raw = self.raw.get(field)
        if raw is None:
            self.fail(field, "required")
        elif not isinstance(raw, bool):
            self.fail(field, "wrong_type")
        else:
            return raw
        return None

    def digits16(self, field: str, code: str) -> str | None:
        raw = self.raw.get(field)
        if raw is None:
            self.fail(field, "required")
        elif not isinstance(raw, str):
            self.fail(field, "wrong_type")
        elif not nik_rules.is_sixteen_digits(raw.strip()):
            self.fail(field, code)
        else:
            return raw.strip()
        return None


def check(raw: object, today: dt.date, index: int = 0) -> tuple[Registration | None, list[Problem]]:
    """Validate one JSON record; returns the record, or None with every problem found."""
    if not isinstance(raw, dict):
        return None, [Problem("record", "not_object", index)]
    checker = _Checker(raw, index)
    for field in raw:
        if field not in RECORD_FIELDS:
            checker.fail(shown(str(field), limit=40), "unknown_field")  # the key as typed: cut, escaped
    values = _read_fields(checker, today)
    if checker.problems:
        return None, sorted(checker.problems, key=_form_order)
    return Registration(**values), []


def _form_order(problem: Problem) -> int:
    """Problems in the order the form asks for the fields; unknown fields last."""
    top = problem.field.split(".")[0]
    return RECORD_FIELDS.index(top) if top in RECORD_FIELDS else len(RECORD_FIELDS)


def _read_fields(c: _Checker, today: dt.date) -> dict[str, Any]:
    birth_date = _birth_date(c, today)
    sex = c.choice("sex", SEXES)
    values: dict[str, Any] = {
        "nik": _nik(c, birth_date, sex),
        "kk_number": c.digits16("kk_number", "kk_format"),
        "full_name": c.text("full_name", NAME_LIMIT),
        "mother_name": c.text("mother_name", NAME_LIMIT),
        "birth_place": c.text("birth_place", NAME_LIMIT),
        "birth_date": birth_date,
        "sex": sex,
        "phone": _phone(c),
        "email": _email(c),
        "ktp_address": _address(c, "ktp_address", required=True),
        "domicile_address": _address(c, "domicile_address", required=False),
        "education": c.choice("education", EDUCATION_LEVELS),
        "employment_status": c.choice("employment_status", EMPLOYMENT_STATUSES),
        "in_formal_education": _must_be(c, "in_formal_education", False, "in_formal_education"),
        "excluded_occupation": _must_be(c, "excluded_occupation", False, "excluded_occupation"),
        "training_interest": c.text("training_interest", INTEREST_LIMIT, required=False),
        "consent": _must_be(c, "consent", True, "consent_missing"),
        "notes": c.text("notes", NOTES_LIMIT, required=False),
    }
    return values


def _must_be(c: _Checker, field: str, wanted: bool, code: str) -> bool | None:
    value = c.flag(field)
    if value is not None and value is not wanted:
        c.fail(field, code)
        return None
    return value


def _birth_date(c: _Checker, today: dt.date) -> dt.date | None:
    raw = c.raw.get("birth_date")
    if raw is None:
        c.fail("birth_date", "required")
        return None
    try:
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError
        born = dt.date.fromisoformat(raw)
    except ValueError:
        c.fail("birth_date", "date_format")
        return None
    if born > today:
        c.fail("birth_date", "birth_in_future")
        return None
    if born < EARLIEST_BIRTH_DATE:  # a typo (1890 for 1990): nobody of working age was born earlier
        c.fail("birth_date", "birth_too_early")
        return None
    if age_on(born, today) < MINIMUM_AGE:
        c.fail("birth_date", "under_age")
    return born


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a 29 February birthday counts from 1 March)."""
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - int(before_birthday)


def _nik(c: _Checker, birth_date: dt.date | None, sex: str | None) -> str | None:
    value = c.digits16("nik", "nik_format")
    if value is None:
        return None
    parts = nik_rules.split_nik(value)
    if not regions().exists(parts.province, "province"):
        c.fail("nik", "nik_province")
    elif not nik_rules.has_valid_date(parts):
        c.fail("nik", "nik_date")
    elif parts.serial == "0000":
        c.fail("nik", "nik_serial")
    elif birth_date is not None and sex is not None and not nik_rules.agrees_with(parts, birth_date, sex):
        c.fail("nik", "nik_birth_mismatch")
    else:
        return value
    return None


def normalize_phone(text: str) -> str | None:
    """An Indonesian mobile number as +628...; None when it is not one.

    The written forms (08..., 628..., +628..., with spaces and dashes) all reduce to the
    national number 8...; phonenumbers' own metadata then says whether that is a mobile range.
    Building the PhoneNumber directly skips phonenumbers.parse(), which costs more than the
    rest of a record's validation together.
    """
    compact = _PHONE_SEPARATORS.sub("", text)
    for prefix in ("+62", "62", "0"):
        if compact.startswith(prefix):
            national = compact[len(prefix) :]
            break
    else:
        return None
    if not (national.startswith("8") and national.isascii() and national.isdigit() and len(national) <= 13):
        return None
    number = phonenumbers.PhoneNumber(country_code=62, national_number=int(national))
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    return f"+62{national}"


def _phone(c: _Checker) -> str | None:
    raw = c.raw.get("phone")
    if raw is None:
        c.fail("phone", "required")
    elif not isinstance(raw, str):
        c.fail("phone", "wrong_type")
    elif (phone := normalize_phone(raw)) is None:
        c.fail("phone", "phone_format")
    else:
        return phone
    return None


def normalize_email(text: str) -> str | None:
    """The address as email-validator normalises it (domain lower-cased); None if malformed.

    Most addresses typed here are plain ASCII; those take a strict regular expression that
    accepts only a subset of what email-validator accepts, with the same result (a property
    test holds the two together). Anything else goes through email-validator itself, which
    costs about 20 microseconds: a fifth of a whole save.
    """
    match = _PLAIN_EMAIL.fullmatch(text)
    if match and len(text) <= 254 and len(match["local"]) <= 64 and _plain_domain(match["domain"].lower()):
        return f"{match['local']}@{match['domain'].lower()}"
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _plain_domain(domain: str) -> bool:
    """No IDNA-reserved "--" labels, no special-use names: those go to email-validator."""
    special = any(domain == name or domain.endswith("." + name) for name in SPECIAL_USE_DOMAIN_NAMES)
    return "--" not in domain and not special


def _email(c: _Checker) -> str | None:
    raw = c.raw.get("email")
    if raw is None:
        c.fail("email", "required")
    elif not isinstance(raw, str):
        c.fail("email", "wrong_type")
    elif (email := normalize_email(normal_text(raw))) is None:
        c.fail("email", "email_format")
    else:
        return email
    return None


def _address(c: _Checker, field: str, *, required: bool) -> Address | None:
    raw = c.raw.get(field)
    if raw is None:
        if required:
            c.fail(field, "required")
        return None
    if not isinstance(raw, dict):
        c.fail(field, "wrong_type")
        return None
    prefix = field + "."
    for key in raw:
        if key not in ADDRESS_FIELDS:
            c.fail(prefix + shown(str(key), limit=40), "unknown_field")
    street = c.text("street", STREET_LIMIT, source=raw, prefix=prefix)
    rt = _rt_rw(c, raw, prefix, "rt")
    rw = _rt_rw(c, raw, prefix, "rw")
    desa = _desa(c, raw, prefix)
    if street is None or rt is None or rw is None or desa is None:
        return None
    return Address(street=street, rt=rt, rw=rw, desa_code=desa)


def _rt_rw(c: _Checker, raw: dict[str, Any], prefix: str, key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        c.fail(prefix + key, "required")
    elif not isinstance(value, str):
        c.fail(prefix + key, "wrong_type")
    elif not (1 <= len(value.strip()) <= 3 and value.strip().isascii() and value.strip().isdigit()):
        c.fail(prefix + key, "rt_rw_format")
    else:
        return value.strip().zfill(3)
    return None


def _desa(c: _Checker, raw: dict[str, Any], prefix: str) -> str | None:
    value = raw.get("desa_code")
    if value is None:
        c.fail(prefix + "desa_code", "required")
    elif not isinstance(value, str):
        c.fail(prefix + "desa_code", "wrong_type")
    elif (code := dotted(value)) is None or not regions().exists(code, "desa"):
        c.fail(prefix + "desa_code", "desa_unknown")
    else:
        return code
    return None
