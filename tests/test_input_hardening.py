"""Hostile input: bytes that are not UTF-8, JSON built to break the reader, invisible characters.

The CLI cases run the real program (`python -m fieldapp`, the `fieldapp` command's own entry
point) with bytes on standard input; the rules are checked on the core itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS

from fieldapp import crypto, users
from fieldapp.errors import UsageError
from fieldapp.messages import RULES, shown
from fieldapp.nik import encode_birth
from fieldapp.sample import applicant
from fieldapp.store import Store
from fieldapp.validation import check

TODAY = dt.date(2026, 11, 28)
NFC_NAME = "Siti Rahmawati Sé\u00f1ora"
NFD_NAME = unicodedata.normalize("NFD", NFC_NAME)


def fieldapp(
    data_dir: Path, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The program as a user runs it, with raw bytes on standard input and no terminal."""
    environment = {
        **os.environ,
        "FIELDAPP_DATA_DIR": str(data_dir),
        "FIELDAPP_USER": SUPERVISOR,
        "FIELDAPP_PASSPHRASE": SUPERVISOR_PASS,
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=120,
        start_new_session=True,
    )
    out, err = (stream.decode("utf-8", "surrogateescape") for stream in (done.stdout, done.stderr))
    assert "Traceback" not in err, err
    return subprocess.CompletedProcess(done.args, done.returncode, out, err)


@pytest.fixture
def made(data_dir: Path) -> Path:
    """A closed store with its supervisor, ready for the program to open."""
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    store.close()
    return data_dir


def saved(data_dir: Path) -> int:
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        return store.count()


def record_json(index: int = 0, **changes: object) -> bytes:
    return json.dumps({**applicant(index, OFFICE), **changes}, ensure_ascii=False).encode("utf-8")


# -- reading JSON -----------------------------------------------------------------------------


def test_standard_input_that_is_not_utf8_is_refused_like_a_file(made: Path, tmp_path: Path) -> None:
    latin1 = record_json(0, full_name="Ren\u00e9").replace("Ren\u00e9".encode(), b"Ren\xe9")
    piped = fieldapp(made, "register", stdin=latin1)
    assert piped.returncode == 2 and "standard input is not UTF-8 text" in piped.stderr
    file = tmp_path / "batch.json"
    file.write_bytes(latin1)
    from_file = fieldapp(made, "register", str(file))
    assert from_file.returncode == 2 and "not UTF-8 text" in from_file.stderr
    assert str(file) not in from_file.stderr  # a file's name may be a person's
    assert saved(made) == 0


def test_deep_nesting_is_a_clear_usage_error(made: Path) -> None:
    result = fieldapp(made, "register", stdin=b"[" * 100_000 + b"]" * 100_000)
    assert result.returncode == 2 and "nested too deeply" in result.stderr


def test_a_key_twice_in_one_object_is_refused_by_name_without_its_values(made: Path) -> None:
    twice = record_json(0)[:-1] + b', "nik": "3216014101950002"}'
    result = fieldapp(made, "register", stdin=twice)
    assert result.returncode == 2 and '"nik" appears twice' in result.stderr
    assert "3216014101950002" not in result.stderr and str(applicant(0, OFFICE)["nik"]) not in result.stderr
    in_address = record_json(1).replace(b'"desa_code":', b'"rt": "9", "desa_code":', 1)
    nested = fieldapp(made, "register", stdin=in_address)
    assert nested.returncode == 2 and '"rt" appears twice' in nested.stderr
    assert saved(made) == 0


def test_a_broken_pretty_printed_document_is_reported_at_its_own_line(made: Path) -> None:
    lines = json.dumps(applicant(0, OFFICE), indent=2).splitlines()
    lines[4] = lines[4].rstrip(",")  # line 5 loses its comma: the error shows on line 6
    result = fieldapp(made, "register", stdin="\n".join(lines).encode())
    assert result.returncode == 2 and "line 6, column 3" in result.stderr, result.stderr
    lines = json.dumps(applicant(0, OFFICE), indent=2).splitlines()
    lines[4] = lines[4].replace(": ", " ", 1)  # line 5 loses its colon
    result = fieldapp(made, "register", stdin="\n".join(lines).encode())
    assert result.returncode == 2 and "input line 5, column" in result.stderr, result.stderr


def test_json_lines_errors_still_name_their_line(made: Path) -> None:
    batch = record_json(0) + b"\n" + record_json(1) + b"\n" + b'{"nik": }\n'
    result = fieldapp(made, "register", stdin=batch)
    assert result.returncode == 2 and "input line 3, column 9" in result.stderr, result.stderr


def test_a_byte_order_mark_is_accepted_on_files_and_standard_input(made: Path, tmp_path: Path) -> None:
    piped = fieldapp(made, "register", stdin=b"\xef\xbb\xbf" + record_json(0))
    assert piped.returncode == 0, piped.stderr
    file = tmp_path / "batch.jsonl"
    file.write_bytes(b"\xef\xbb\xbf" + record_json(1) + b"\r\n" + record_json(2) + b"\r\n")
    from_file = fieldapp(made, "register", str(file))
    assert from_file.returncode == 0, from_file.stderr
    assert saved(made) == 3


def test_register_and_edit_json_answer_in_json_even_for_broken_input(made: Path) -> None:
    result = fieldapp(made, "register", "--json", stdin=b'{\n  "nik": "1",\n  "kk_number" "2"\n}')
    assert result.returncode == 2
    answer = json.loads(result.stdout)
    assert answer["saved"] == 0
    [error] = answer["errors"]
    assert error["code"] == "invalid_json" and error["index"] is None and error["field"] is None
    assert "line 3" in error["message"] and error["message_id"]
    assert json.loads(fieldapp(made, "register", "--json", stdin=b"\xff").stdout)["errors"][0]["code"] == "not_utf8"
    record_id = fieldapp(made, "register", stdin=record_json(0)).stdout.strip()
    edit = fieldapp(made, "edit", record_id, "--json", stdin=b'{"phone": }')
    assert edit.returncode == 2 and json.loads(edit.stdout)["errors"][0]["code"] == "invalid_json"


# -- text fields ------------------------------------------------------------------------------


def codes(raw: object) -> set[tuple[str, str]]:
    _registration, problems = check(raw, TODAY)
    return {(p.field, p.code) for p in problems}


def test_text_is_stored_in_nfc_and_its_length_counts_nfc_characters() -> None:
    registration, problems = check({**applicant(0), "full_name": NFD_NAME, "notes": "caf\u0065\u0301"}, TODAY)
    assert problems == [] and registration is not None
    assert registration.full_name == NFC_NAME and registration.notes == "caf\u00e9"
    hundred = unicodedata.normalize("NFD", "\u00e9" * 100)  # 200 code points, 100 characters
    assert len(hundred) == 200 and codes({**applicant(0), "full_name": hundred}) == set()


@pytest.mark.parametrize(
    "hidden",
    [
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark inside text
        "\u00ad",  # soft hyphen
        "\x00",
        "\x07",
        "\x1b",
        "\x7f",
        "\x9b",  # C1 CSI
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ud800",  # a lone surrogate (JSON "\\ud800") cannot even be stored as UTF-8
        "\ue000",  # private use
        "\u3164",  # Hangul filler: a letter that draws as blank
    ],
)
def test_hidden_characters_in_text_are_refused_with_their_own_code(hidden: str) -> None:
    for field in ("full_name", "mother_name", "birth_place", "training_interest", "notes"):
        assert (field, "hidden_character") in codes({**applicant(0), field: f"Siti{hidden} Rahma"})
    street = {**applicant(0)["ktp_address"], "street": f"Jl. Melati{hidden}"}  # type: ignore[dict-item]
    assert ("ktp_address.street", "hidden_character") in codes({**applicant(0), "ktp_address": street})


def test_white_space_of_any_kind_folds_to_one_line() -> None:
    registration, problems = check({**applicant(0), "full_name": " Siti\tRahma\r\n\u00a0Wati\u3000"}, TODAY)
    assert problems == [] and registration is not None and registration.full_name == "Siti Rahma Wati"


def test_a_field_of_only_invisible_characters_counts_as_empty() -> None:
    invisible = " \u200b\u200d\u2060\ufeff\u202e\u3164 "
    assert ("full_name", "empty") in codes({**applicant(0), "full_name": invisible})
    assert ("full_name", "hidden_character") not in codes({**applicant(0), "full_name": invisible})
    registration, problems = check({**applicant(0), "notes": invisible}, TODAY)
    assert problems == [] and registration is not None and registration.notes == ""


def test_the_new_codes_speak_both_languages_and_are_documented() -> None:
    rules_doc = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for code in ("hidden_character", "birth_too_early"):
        english, indonesian = RULES[code]
        assert english != indonesian
        assert f"| `{code}` | {english} | {indonesian} |" in rules_doc


def test_birth_dates_before_1900_are_refused() -> None:
    def born(day: dt.date, sex: str = "male") -> dict[str, object]:
        record = applicant(1)
        nik = str(record["nik"])
        return {**record, "birth_date": day.isoformat(), "sex": sex, "nik": nik[:6] + encode_birth(day, sex) + nik[12:]}

    assert codes(born(dt.date(1899, 12, 31))) == {("birth_date", "birth_too_early")}
    assert codes(born(dt.date(1890, 5, 17), "female")) == {("birth_date", "birth_too_early")}
    assert codes(born(dt.date(1900, 1, 1))) == set()


def test_a_name_typed_decomposed_or_composed_finds_the_same_record(store: Store) -> None:
    [decomposed] = store.register([{**applicant(0), "full_name": NFD_NAME}])
    [composed] = store.register([{**applicant(1), "full_name": NFC_NAME}])
    assert store.show(decomposed).registration.full_name == NFC_NAME  # stored as NFC
    for text in (NFC_NAME, NFD_NAME, "SE\u0301N\u0303ORA", "senora"):
        found = {summary.id for summary in store.summaries(search=text)}
        assert found == {decomposed, composed}, text


def test_the_terminal_never_receives_control_characters_from_stored_data(made: Path) -> None:
    with Store.open(made) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        [record_id] = store.register([applicant(0, OFFICE)])
        # a record as a fieldapp without the rule saved it: ESC sequences and a bidi override
        old = dataclasses.replace(store.show(record_id).registration, full_name="Siti\x1b[2J\x1b]0;x\x07 \u202eRahma")
        store._save_version(store._require(), record_id, old, [], "edit")
    for args in (("list",), ("show", record_id)):
        result = fieldapp(made, *args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
        assert "Siti\\x1b[2J\\x1b]0;x\\x07 \\u202eRahma" in result.stdout
    as_json = fieldapp(made, "show", record_id, "--json")
    assert "\x1b" not in as_json.stdout and "\u202e" not in as_json.stdout
    assert json.loads(as_json.stdout)["record"]["full_name"] == old.full_name  # the same data, escaped


def test_an_unknown_key_is_shown_escaped(made: Path) -> None:
    raw = json.loads(record_json(0))
    raw["x\x1b[31m"] = 1
    result = fieldapp(made, "register", stdin=json.dumps(raw).encode())
    assert result.returncode == 2 and "x\\x1b[31m" in result.stderr and "\x1b" not in result.stderr


# -- passphrases ------------------------------------------------------------------------------

COMPOSED_PASS = "kata sandi r\u00e9sum\u00e9 \u00f1"
DECOMPOSED_PASS = unicodedata.normalize("NFD", COMPOSED_PASS)


def test_a_passphrase_set_decomposed_opens_when_typed_composed_and_back(data_dir: Path) -> None:
    made = fieldapp(data_dir, "init", env={"FIELDAPP_NEW_PASSPHRASE": DECOMPOSED_PASS})
    assert made.returncode == 0, made.stderr
    for typed in (COMPOSED_PASS, DECOMPOSED_PASS):
        result = fieldapp(data_dir, "list", env={"FIELDAPP_PASSPHRASE": typed})
        assert result.returncode == 0, result.stderr


def test_a_decomposed_passphrase_from_before_normalisation_still_opens(store: Store, data_dir: Path) -> None:
    """A user whose key was derived from the raw decomposed string, as fieldapp did before."""
    store.add_user("lama", "operator", COMPOSED_PASS)
    params, salt = crypto.KdfParams(), crypto.new_salt()
    kek = crypto.derive_kek(DECOMPOSED_PASS, salt, params, as_typed=True)
    wrapped = crypto.wrap_key(kek, store._unlocked_key(), users.wrap_context("lama"))
    with store._conn:
        store._conn.execute(
            "UPDATE users SET kdf_params = ?, kdf_salt = ?, wrapped_key = ? WHERE name = 'lama'",
            (params.encode(), salt, wrapped),
        )
    as_before = fieldapp(data_dir, "list", env={"FIELDAPP_USER": "lama", "FIELDAPP_PASSPHRASE": DECOMPOSED_PASS})
    assert as_before.returncode == 0, as_before.stderr
    wrong = fieldapp(data_dir, "list", env={"FIELDAPP_USER": "lama", "FIELDAPP_PASSPHRASE": "something else entirely"})
    assert wrong.returncode == 3


@pytest.mark.parametrize("blank", ["", "          ", "\t \u3000 \u00a0      \n"])
def test_a_blank_or_whitespace_passphrase_is_refused(data_dir: Path, blank: str) -> None:
    result = fieldapp(data_dir, "init", env={"FIELDAPP_NEW_PASSPHRASE": blank, "FIELDAPP_PASSPHRASE": blank})
    assert result.returncode == 2 and "empty or only spaces" in result.stderr
    assert not (data_dir / "store.sqlite3").exists()


def test_the_passphrase_length_counts_composed_characters() -> None:
    with pytest.raises(UsageError, match="at least 10"):
        users.check_passphrase(unicodedata.normalize("NFD", "\u00e9" * 9))  # 18 code points, 9 characters
    assert users.check_passphrase("\u00e9t\u00e9 k\u00e9j\u00e9 q")  # 10 characters, not a repetition


def test_the_help_states_the_minimum_passphrase_length(data_dir: Path) -> None:
    wanted = f"at least {users.MIN_PASSPHRASE_LENGTH} characters"
    for args in (("init", "--help"), ("user", "add", "--help")):
        result = fieldapp(data_dir, *args)
        assert result.returncode == 0 and wanted in " ".join(result.stdout.split()), result.stdout
    root = Path(__file__).resolve().parent.parent
    for doc in ("README.md", "docs/cli.md"):
        assert wanted in " ".join((root / doc).read_text(encoding="utf-8").split()), doc


def test_shown_escapes_what_a_terminal_would_act_on() -> None:
    assert shown("Siti Rahmawati") == "Siti Rahmawati"
    assert shown("a\x1bb\u202ec\U000e0001") == "a\\x1bb\\u202ec\\U000e0001"
    assert shown("x" * 50, limit=40) == "x" * 40 + "..."
