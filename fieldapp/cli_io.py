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


def read_records(source: str) -> list[object]:
    """One JSON object, a JSON array, or JSON Lines, from a file or standard input."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror}", f"tidak dapat membaca {source}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text", f"{source} bukan teks UTF-8") from None
    if not text.strip():
        raise UsageError("no records in the input", "tidak ada data pada masukan")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return _json_lines(text)
    return data if isinstance(data, list) else [data]


def _json_lines(text: str) -> list[object]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError as exc:  # exc.msg names the syntax problem, never the data
            raise UsageError(
                f"input line {number}, column {exc.colno}: not valid JSON ({exc.msg})",
                f"baris {number}, kolom {exc.colno}: bukan JSON yang sah",
            ) from None
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


def user_name(given: str | None) -> str:
    name = given or os.environ.get("FIELDAPP_USER")
    if name:
        return name.strip()
    if not _interactive():
        raise UsageError("no user given: use --user or FIELDAPP_USER", "pengguna tidak diberikan")
    return input("User: ").strip()


def passphrase() -> str:
    value = os.environ.get("FIELDAPP_PASSPHRASE")
    return value if value is not None else _ask_secret("Passphrase: ", "FIELDAPP_PASSPHRASE")


def new_passphrase(prompt: str, fallback_env: str | None = None) -> str:
    """A new user's passphrase: FIELDAPP_NEW_PASSPHRASE, or typed twice."""
    for env in ("FIELDAPP_NEW_PASSPHRASE", fallback_env):
        if env and os.environ.get(env) is not None:
            return os.environ[env]
    first = _ask_secret(f"{prompt}: ", "FIELDAPP_NEW_PASSPHRASE")
    if _ask_secret("Again: ", "FIELDAPP_NEW_PASSPHRASE") != first:
        raise UsageError("the two passphrases differ", "kedua kata sandi berbeda")
    return first


def recovery_code() -> str:
    value = os.environ.get("FIELDAPP_RECOVERY_CODE")
    return value if value is not None else _ask_secret("Recovery code: ", "FIELDAPP_RECOVERY_CODE")


def emit_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(rows: Sequence[dict[str, object]], columns: Iterable[str]) -> None:
    """Plain aligned columns: readable in a terminal and easy to cut with awk."""
    names = list(columns)
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in names] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    print("  ".join(n.upper().ljust(w) for n, w in zip(names, widths, strict=True)).rstrip())
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"({len(rows)} row(s))", file=sys.stderr)
