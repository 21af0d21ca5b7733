"""`fieldapp diagnostics OUT.zip`: what IT support needs from a laptop, and no personal data.

The zip holds versions, settings without secrets, store statistics, the sync history (times
and counts), the recent logs and the self-test's output. It must be useful exactly when the
app is in trouble: the store's facts come from a read-only look at the file (no migration, no
write, works on a store from a newer version or one that refuses to open), and logging in is
optional. With a login the sealed parts are added (policy settings, the verified enrolment,
the sync history for a supervisor); without one the README says what is missing and why.

Nothing here decrypts a record. The logs hold no personal data by design; as a second line
of defence every run of 16 digits (a NIK or KK number shape) is masked on the way into the zip.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing, suppress
from pathlib import Path

from fieldapp import __version__, keyring, logs, outbox, preferences, records, schema
from fieldapp.errors import FieldappError, UsageError, describe_os_error, disk_problem
from fieldapp.files import written_whole
from fieldapp.store import STORE_FILE, Store

SELF_TEST_TIMEOUT_S = 300
MAX_CA_BYTES = 100_000
_DIGIT_RUNS = re.compile(rb"\d{16,}")
_QUOTED = re.compile(r"'[^']*'")
Facts = dict[str, object]
_PLAIN_ENROLMENT = ("server_url", "device_id", "office", "ca_file")  # the file's copies, for IT


class Bundle:
    """The zip's parts, gathered as (name, bytes), and the notes the README tells."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}
        self.notes: list[str] = []

    def add_json(self, name: str, value: object) -> None:
        self.parts[name] = (json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def run_diagnostics(args: argparse.Namespace) -> int:
    """Write the zip (whole or not at all); exit 0 when written, even without a login."""
    data_dir, out = Path(args.data_dir), Path(args.out)
    _refuse_inside(out, [data_dir, logs.log_folder(data_dir)])
    bundle = Bundle()
    bundle.add_json("versions.json", versions())
    facts = store_facts(data_dir)
    settings = {"language": preferences.load(data_dir)["language"], **_folders(data_dir)}
    settings.update({key: facts.pop(key) for key in _PLAIN_ENROLMENT if key in facts})
    _with_login(args, bundle, settings, facts)
    settings.update(_ca_certificate(bundle, str(settings.get("ca_file") or "")))
    bundle.add_json("settings.json", settings)
    bundle.add_json("store.json", facts)
    _add_logs(bundle, data_dir)
    bundle.parts["self-test.txt"] = self_test_output(bundle).encode("utf-8")
    _write(out, bundle)
    print(f"Wrote {out}: {', '.join(sorted(bundle.parts))}.")
    for note in bundle.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _refuse_inside(target: Path, folders: list[Path]) -> None:
    """The zip never goes into the data folder or the log folder (the rule of Store's export)."""
    try:
        inside = any(target.resolve().is_relative_to(folder.resolve()) for folder in folders)
    except (OSError, RuntimeError, ValueError):
        inside = True
    if inside or not target.name:
        raise UsageError(
            "choose a file outside the data folder and the log folder for the diagnostics zip",
            "pilih berkas di luar folder data dan folder log untuk zip diagnostik",
        )


# -- what is gathered -------------------------------------------------------------------------


def versions() -> dict[str, object]:
    """fieldapp, Python, SQLite, the libraries that matter, Qt (from its metadata: no Qt loaded), OS."""
    found: dict[str, object] = {
        "fieldapp": __version__,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
        "machine": platform.machine(),
        "bundle": bool(getattr(sys, "frozen", False)),
        "store_schema_supported": schema.SCHEMA_VERSION,
    }
    for package in ("cryptography", "PySide6-Essentials", "PySide6", "platformdirs", "requests"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def store_facts(data_dir: Path) -> dict[str, object]:
    """Schema, counts, queue, enrolment copies and sizes, read without a passphrase and without writing."""
    path = data_dir / STORE_FILE
    facts: dict[str, object] = {"store_file_present": path.is_file(), **_sizes(data_dir)}
    if not path.is_file():
        return facts
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            facts["schema_version"] = schema.current_version(conn)
            facts["records_by_state"] = records.state_counts(conn)
            facts["queued_versions"] = outbox.pending_count(conn)
            facts.update({key: _text(keyring.get_meta(conn, key)) for key in (*_PLAIN_ENROLMENT, "last_sync_at")})
    except sqlite3.Error as exc:
        facts["read_error"] = f"{type(exc).__name__}: {exc}"
    facts["read_without_login"] = "counts and copies as the file holds them; verified only after a login"
    return facts


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _sizes(data_dir: Path) -> dict[str, object]:
    sizes = {}
    for name in (STORE_FILE, f"{STORE_FILE}-wal", f"{STORE_FILE}-shm"):
        try:
            sizes[name] = (data_dir / name).stat().st_size
        except OSError:
            continue
    found: dict[str, object] = {"file_bytes": sizes, "store_bytes": sum(sizes.values())}
    with suppress(OSError):
        found["disk_free_bytes"] = shutil.disk_usage(data_dir).free
    return found


def _folders(data_dir: Path) -> dict[str, str]:
    """Where things are, with the home folder as `~` (its name is often the operator's)."""
    return {"data_folder": _home_hidden(data_dir), "log_folder": _home_hidden(logs.log_folder(data_dir))}


def _home_hidden(path: Path) -> str:
    text, home = str(path.absolute()), str(Path.home())
    return "~" + text[len(home) :] if home and home != os.sep and text.startswith(home) else text


def _with_login(args: argparse.Namespace, bundle: Bundle, settings: Facts, facts: Facts) -> None:
    """Add the sealed parts if a user can log in; otherwise say in the README why they are missing."""
    from fieldapp.cli import login

    if facts.get("store_file_present") is not True:
        bundle.notes.append("no store in the data folder: no store statistics, settings or sync history")
        return
    if _interactive_without_passphrase():
        print("diagnostics: log in to add settings and the sync history, or press Enter to skip", file=sys.stderr)
    try:
        store = login(args)
    except FieldappError as exc:
        bundle.notes.append(f"no login ({_unquoted(exc)}): {_WITHOUT_LOGIN}")
        return
    with store:
        try:
            _sealed_parts(store, bundle, settings, facts)
        except FieldappError as exc:  # a sealed part that fails to open is itself a finding
            bundle.notes.append(f"after the login, reading the store stopped ({_unquoted(exc)})")


def _unquoted(exc: FieldappError) -> str:
    """The error's class and message, with quoted values (user names) left out."""
    message = _QUOTED.sub("'...'", exc.message_en)
    return f"{type(exc).__name__}: {message}"


_WITHOUT_LOGIN = (
    "policy settings (auto-lock, auto-sync), the verified enrolment and the sync history are missing; "
    "store statistics were read from the file without checking"
)


def _interactive_without_passphrase() -> bool:
    return not os.environ.get("FIELDAPP_PASSPHRASE") and sys.stdin is not None and sys.stdin.isatty()


def _sealed_parts(store: Store, bundle: Bundle, settings: Facts, facts: Facts) -> None:
    """What needs the store key: settings, enrolment (never its token), verified counts, sync history."""
    policy = store.settings()
    settings.update(auto_lock_minutes=policy.auto_lock_minutes, auto_sync=policy.auto_sync)
    enrolment = store.enrolment()
    if enrolment is not None:
        settings.update(server_url=enrolment.server_url, device_id=enrolment.device_id, office=enrolment.office)
        settings["ca_file"] = enrolment.ca_file
    facts.update(records_by_state=store.counts(), queued_versions=store.pending_outbox())
    facts["read_without_login"] = None
    facts["logged_in_as_role"] = store.user.role
    if not store.user.is_supervisor:
        bundle.notes.append("logged in as an operator: the sync history needs a supervisor")
        return
    bundle.add_json("sync-history.json", {"runs": sync_runs(store), "audit_anchor": store.audit_anchor_state()})


def sync_runs(store: Store) -> list[dict[str, object]]:
    """Each sync run: when, its counts, and whether it ended in an error (not who, not the error text)."""
    runs = []
    for run in store.sync_history(limit=200):
        counts = {
            key: int(value)
            for key, _, value in (part.partition("=") for part in run.summary.split())
            if value.isdigit()
        }
        runs.append({"at": run.at, "counts": counts, "ended_in_error": run.error is not None})
    return runs


def _ca_certificate(bundle: Bundle, ca_file: str) -> dict[str, object]:
    """The pinned CA (public, fine to share): its fingerprint, and the file itself when small."""
    if not ca_file:
        return {}
    try:
        blob = Path(ca_file).read_bytes()
    except OSError as exc:
        return {"ca_file_problem": describe_os_error(exc)[0]}
    if len(blob) <= MAX_CA_BYTES:
        bundle.parts["ca-certificate.pem"] = blob
    return {"ca_file_sha256": hashlib.sha256(blob).hexdigest()}


def _add_logs(bundle: Bundle, data_dir: Path) -> None:
    found = logs.log_files(data_dir)
    for path in found:
        try:
            bundle.parts[f"logs/{path.name}"] = _DIGIT_RUNS.sub(b"[16+ digits]", path.read_bytes())
        except OSError as exc:
            bundle.notes.append(f"log {path.name} could not be read: {describe_os_error(exc)[0]}")
    if not found:
        bundle.notes.append("no log files yet")


def self_test_output(bundle: Bundle) -> str:
    """`fieldapp --self-test` run as its own process (Qt stays out of this one); core checks here if it cannot run."""
    command = (
        [sys.executable, "--self-test"]
        if getattr(sys, "frozen", False)
        else [sys.executable, "-m", "ui.main", "--self-test"]
    )
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SELF_TEST_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        from fieldapp.selfcheck import reason, run_core_checks

        bundle.notes.append(f"the self-test program could not run ({reason(exc)}): core checks only, no Qt checks")
        return "".join(result.line() + "\n" for result in run_core_checks())
    return f"{done.stdout}exit {done.returncode}\n"


# -- writing ---------------------------------------------------------------------------------


def _write(out: Path, bundle: Bundle) -> None:
    """The zip through a .partial file renamed into place; a refusing disk is the user's DiskProblem."""
    bundle.parts["README.txt"] = readme(bundle).encode("utf-8")
    try:
        with written_whole(out) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, blob in sorted(bundle.parts.items()):
                archive.writestr(name, blob)
    except FileNotFoundError:
        raise UsageError(
            "the folder for the diagnostics zip does not exist", "folder untuk zip diagnostik tidak ada"
        ) from None
    except OSError as exc:
        raise disk_problem(exc.errno or errno.EIO, saved_nothing=False) from None


def readme(bundle: Bundle) -> str:
    made = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    lines = [
        f"fieldapp diagnostics, made {made} by fieldapp {__version__}.",
        "No personal data: no record is decrypted; logs never hold personal data, and any run of 16 or",
        "more digits in them is masked. No passphrase, token or key is included.",
        "",
        "versions.json      fieldapp, Python, SQLite, libraries, Qt, operating system",
        "settings.json      language, folders, server URL, office, device id, CA; auto-lock, auto-sync (login)",
        "store.json         schema version, records by state, queued versions, file sizes, free disk space",
        "sync-history.json  each sync run: time, counts, whether it ended in an error (a supervisor's login)",
        "logs/              the rotating log files",
        "self-test.txt      the output of 'fieldapp --self-test'",
        "",
    ]
    lines += ["Missing or limited:", *(f"- {note}" for note in bundle.notes)] if bundle.notes else ["Nothing missing."]
    return "\n".join(lines) + "\n"
