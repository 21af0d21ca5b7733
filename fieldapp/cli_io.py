"""What the CLI reads and prints: JSON input, secrets from the environment or a prompt, tables.

Secrets come only from the environment or the terminal, never from arguments (which every
user of the machine can read in the process list).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from fieldapp.errors import AuthError, UsageError
from fieldapp.messages import shown, shown_json

_BOM = "\ufeff"


class InputError(UsageError):
    """The input is not records in JSON: a stable `code`, and an entry for a `--json` error list.

    Messages name the problem and where it is (line, column, a key), never a value.
    """

    def __init__(self, message_en: str, message_id: str, code: str) -> None:
        super().__init__(message_en, message_id)
        self.code = code

    def as_dict(self) -> dict[str, object]:
        """The shape of an `InvalidRecords` problem; no record or field is to blame."""
        return {
            "index": None,
            "field": None,
            "code": self.code,
            "message": self.message_en,
            "message_id": self.message_id,
        }


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


def read_records(source: str) -> list[object]:
    """One JSON object, a JSON array, or JSON Lines, from a file or standard input."""
    return parse_records(_decode(_read_bytes(source), source))


def _read_bytes(source: str) -> bytes | str:
    """The raw input. Standard input is read as bytes too, so the locale never decides its encoding.

    A standard input replaced by a text stream without a byte buffer (an embedding program, a
    test) is already text and is returned as such.
    """
    if source != "-":
        try:
            return Path(source).read_bytes()
        except OSError as exc:  # the file's name is not repeated: it may be a person's name
            raise InputError(
                f"cannot read the input file: {exc.strerror}", "tidak dapat membaca berkas masukan", "unreadable"
            ) from None
    stream = sys.stdin
    if stream is None:
        raise InputError("there is no standard input", "tidak ada masukan standar", "unreadable")
    try:
        buffer = getattr(stream, "buffer", None)
        return buffer.read() if buffer is not None else stream.read()
    except OSError as exc:
        raise InputError(
            f"cannot read standard input: {exc.strerror}", "tidak dapat membaca masukan standar", "unreadable"
        ) from None


def _decode(raw: bytes | str, source: str) -> str:
    """Strict UTF-8, a leading byte order mark dropped (Windows editors write one)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            where = ("standard input", "masukan standar") if source == "-" else ("the input file", "berkas masukan")
            raise InputError(f"{where[0]} is not UTF-8 text", f"{where[1]} bukan teks UTF-8", "not_utf8") from None
    return raw.removeprefix(_BOM)


def parse_records(text: str) -> list[object]:
    """Records from JSON text: one value (an array is a batch), else JSON Lines.

    A syntax error is reported where it is: in the whole document when the text is one
    (pretty-printed) value, on its own line when the text is JSON Lines. Text counts as JSON
    Lines when its first line is a whole JSON value, or when every line starts with `{`.
    """
    if not text.strip():
        raise InputError("no records in the input", "tidak ada data pada masukan", "no_records")
    try:
        data = _loads(text)
    except json.JSONDecodeError as whole:
        if not _looks_like_json_lines(text):
            raise _syntax_error(whole, whole.lineno) from None
        return _json_lines(text)
    if data == []:
        raise InputError("no records in the input (an empty array)", "tidak ada data pada masukan", "no_records")
    return data if isinstance(data, list) else [data]


def read_object(source: str) -> dict[str, object]:
    """Exactly one JSON object (what `edit` takes): not an array, not JSON Lines, not a string."""
    text = _decode(_read_bytes(source), source)
    records = parse_records(text)
    if len(records) != 1 or not isinstance(records[0], dict) or text.lstrip().startswith("["):
        raise InputError(
            "edit takes one JSON object of the fields to change", "edit menerima satu objek JSON", "not_one_object"
        )
    return records[0]


def _loads(text: str, line: int | None = None) -> object:
    """json.loads, refusing duplicate keys, deep nesting and over-long numbers with clear errors."""
    where = f"input line {line}: " if line is not None else ""
    where_id = f"baris {line}: " if line is not None else ""
    try:
        return json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError:
        raise
    except _DuplicateKey as exc:
        key = shown(exc.key, limit=40)
        raise InputError(
            f"{where}the key {json.dumps(key, ensure_ascii=False)} appears twice in one object",
            f"{where_id}kunci {json.dumps(key, ensure_ascii=False)} muncul dua kali dalam satu objek",
            "duplicate_key",
        ) from None
    except RecursionError:
        raise InputError(
            f"{where}the JSON is nested too deeply to be records",
            f"{where_id}JSON bersarang terlalu dalam untuk berupa data pendaftaran",
            "too_deep",
        ) from None
    except ValueError:  # int() refuses numbers of more than 4,300 digits
        raise InputError(
            f"{where}a number in the input has too many digits",
            f"{where_id}sebuah angka pada masukan terlalu panjang",
            "invalid_json",
        ) from None


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return found


def _looks_like_json_lines(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return False
    if all(line.startswith("{") for line in lines):
        return True
    try:
        json.loads(lines[0])
    except (ValueError, RecursionError):
        return False
    return True


def _syntax_error(exc: json.JSONDecodeError, line: int) -> InputError:
    # exc.msg names the syntax problem ("Expecting ',' delimiter"), never the data
    return InputError(
        f"input line {line}, column {exc.colno}: not valid JSON ({exc.msg})",
        f"baris {line}, kolom {exc.colno}: bukan JSON yang sah",
        "invalid_json",
    )


def _json_lines(text: str) -> list[object]:
    found = []
    for number, line in enumerate(text.split("\n"), start=1):  # JSON's own lines: U+2028 may sit in a string
        if not line.strip():
            continue
        try:
            found.append(_loads(line, number))
        except json.JSONDecodeError as exc:
            raise _syntax_error(exc, number) from None
    return found


def _interactive() -> bool:
    if sys.stdin.isatty():
        return True
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def _ask_secret(prompt: str, env_hint: str) -> str:
    if not _interactive():
        raise AuthError(
            f"no passphrase given: set {env_hint} or run in a terminal",
            f"kata sandi tidak diberikan: isi {env_hint} atau jalankan di terminal",
        )
    return getpass.getpass(prompt)


def _text(value: str, where: str) -> str:
    """`value` from an argument or the environment, refused if it is not UTF-8 text.

    Python hands undecodable bytes over as lone surrogates; they would fail deep inside, as
    a bug, so they are refused here by where they came from (never by their value).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{where} is not UTF-8 text", f"{where} bukan teks UTF-8") from None
    return value


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else _text(value, name)


def user_name(given: str | None) -> str:
    name = _text(given, "--user") if given else _env("FIELDAPP_USER")
    if name:
        return name.strip()
    if not _interactive():
        raise UsageError("no user given: use --user or FIELDAPP_USER", "pengguna tidak diberikan")
    return input("User: ").strip()


def passphrase() -> str:
    """FIELDAPP_PASSPHRASE, else typed; an empty variable counts as none given (a script's slip,
    which must not cost the user a login attempt)."""
    value = _env("FIELDAPP_PASSPHRASE")
    return value if value else _ask_secret("Passphrase: ", "FIELDAPP_PASSPHRASE")


def new_passphrase(prompt: str, fallback_env: str | None = None) -> str:
    """A new user's passphrase: FIELDAPP_NEW_PASSPHRASE, or typed twice."""
    for env in ("FIELDAPP_NEW_PASSPHRASE", fallback_env):
        if env and os.environ.get(env) is not None:
            return _env(env)  # type: ignore[return-value]
    first = _ask_secret(f"{prompt}: ", "FIELDAPP_NEW_PASSPHRASE")
    if _ask_secret("Again: ", "FIELDAPP_NEW_PASSPHRASE") != first:
        raise UsageError("the two passphrases differ", "kedua kata sandi berbeda")
    return first


def recovery_code() -> str:
    value = _env("FIELDAPP_RECOVERY_CODE")
    return value if value is not None else _ask_secret("Recovery code: ", "FIELDAPP_RECOVERY_CODE")


def emit_json(data: object) -> None:
    """Indented JSON; characters a terminal would act on are written as \\u escapes (same data)."""
    sys.stdout.write(shown_json(json.dumps(data, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


def print_table(rows: Sequence[dict[str, object]], columns: Iterable[str]) -> None:
    """Plain aligned columns: readable in a terminal and easy to cut with awk.

    Cells are `shown()`: a control or bidi character in a stored value (old stores have them)
    appears as an escape such as \\x1b, never acts on the terminal.
    """
    names = list(columns)
    cells = [[("" if row.get(c) is None else shown(str(row.get(c)))) for c in names] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    print("  ".join(n.upper().ljust(w) for n, w in zip(names, widths, strict=True)).rstrip())
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"({len(rows)} row(s))", file=sys.stderr)
