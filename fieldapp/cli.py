"""`fieldapp`: the supervisor's and IT's scripting surface over the store.

Exit codes: 0 ok; 2 invalid input or usage; 3 authentication failed, locked out or not
permitted; 4 store damaged, tampered or not a fieldapp store; 5 server unreachable (`sync`);
6 the disk or folder refused (full, read-only, no permission); 7 `sync` left something unsent;
130 interrupted; 141 standard output closed early (`| head`); 1 anything else. Secrets never
come from arguments: passphrases from FIELDAPP_PASSPHRASE /
FIELDAPP_NEW_PASSPHRASE or a prompt.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fieldapp import __version__
from fieldapp.cli_io import (
    InputError,
    emit_json,
    new_passphrase,
    passphrase,
    print_table,
    read_object,
    read_records,
    recovery_code,
    user_name,
)
from fieldapp.errors import FieldappError, InvalidRecords, UsageError, disk_problem
from fieldapp.logs import log_crash, log_path, setup_logging
from fieldapp.messages import shown
from fieldapp.records import STATES
from fieldapp.store import Store, data_dir_default

log = logging.getLogger("fieldapp.cli")
PASSPHRASE_RULE = (
    "The new passphrase comes from FIELDAPP_NEW_PASSPHRASE or is typed twice: at least 10 characters,"
    " not only spaces, not common or guessable."
)  # users.MIN_PASSPHRASE_LENGTH; tests/test_input_hardening.py holds the two together
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_AUTH, EXIT_DAMAGED, EXIT_DISK = 0, 1, 2, 3, 4, 6
EXIT_INTERRUPTED, EXIT_PIPE_CLOSED = 130, 141
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage already; this only keeps its message short."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(f"fieldapp: error: {message}") from None


Extension = Callable[[argparse._SubParsersAction], None]  # adds commands from another package
MAX_COUNT = 1_000_000_000


def positive_count(text: str) -> int:
    """A `--limit`: a whole number from 1 (0, negative and absurd values are mistakes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_COUNT}")
    return value


def day_count(text: str) -> int:
    """A number of days for `drafts purge --older-than`: a whole number from 0."""
    from fieldapp.store_drafts import MAX_PURGE_DAYS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number of days") from None
    if not 0 <= value <= MAX_PURGE_DAYS:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_PURGE_DAYS}")
    return value


def folder(text: str) -> Path:
    """A path argument; an empty one is refused (it would silently mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError("is not UTF-8 text") from None
    return Path(text)


def build_parser(extend: Extension | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="fieldapp", description="Offline assisted registration for Kartu Prakerja.")
    parser.add_argument("--version", action="version", version=f"fieldapp {__version__}")
    parser.add_argument(
        "--data-dir", type=folder, help="store folder (default: FIELDAPP_DATA_DIR or the user data folder)"
    )
    parser.add_argument("--user", help="acting user (default: FIELDAPP_USER)")
    parser.add_argument(  # run by the program entry point (ui/main.py, ui/selftest.py) before any command
        "--self-test",
        action="store_true",
        help="given alone: check this installation (crypto, SQLite, Qt, region data, translations, an "
        "encrypted write and read), one line per check, exit 0 or 1",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    init = commands.add_parser("init", help="create the store and its first supervisor", description=PASSPHRASE_RULE)
    init.add_argument("--office", help="this laptop's desa/kelurahan code")
    init.set_defaults(run=cmd_init)

    user = commands.add_parser("user", help="manage users (supervisors)")
    user_commands = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    add = user_commands.add_parser("add", help="add a user", description=PASSPHRASE_RULE)
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("operator", "supervisor"))
    add.set_defaults(run=cmd_user_add)
    for name, run, text in (
        ("disable", cmd_user_disable, "disable a user"),
        ("enable", cmd_user_enable, "let a disabled user log in again"),
        ("reset", cmd_user_reset, "set a new passphrase for a user and lift a lockout"),
    ):
        sub = user_commands.add_parser(name, help=text, description=PASSPHRASE_RULE if name == "reset" else None)
        sub.add_argument("name")
        sub.set_defaults(run=run)
    listing = user_commands.add_parser("list", help="list users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_user_list)

    register = commands.add_parser("register", help="register records from JSON (object, array or JSON Lines)")
    register.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    register.add_argument("--json", action="store_true")
    register.set_defaults(run=cmd_register)

    records = commands.add_parser("list", help="list records, newest first (NIK masked)")
    records.add_argument("--status", choices=STATES, help="only records in this state")
    records.add_argument(
        "--search", help="part of a name, or a whole NIK; '-' reads it from standard input (keeps a NIK out of ps)"
    )
    records.add_argument("--limit", type=positive_count, help="at most this many")
    records.add_argument("--json", action="store_true")
    records.set_defaults(run=cmd_list)

    show = commands.add_parser("show", help="show one full record (audited)")
    show.add_argument("id", help="record id, or enough of its start to be unique")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=cmd_show)

    edit = commands.add_parser("edit", help="save a new version with the given fields changed")
    edit.add_argument("id")
    edit.add_argument("file", nargs="?", default="-", help="a JSON object of the fields to change")
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(run=cmd_edit)

    verify = commands.add_parser("verify", help="decrypt every version and check the audit chain")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=cmd_verify)

    audit = commands.add_parser("audit", help="show the audit log (supervisors)")
    audit.add_argument("--limit", type=positive_count, help="only the newest entries")
    audit.add_argument("--json", action="store_true")
    audit.add_argument(
        "--declare-restore",
        action="store_true",
        help="declare (audited) that this store was restored from a backup, so the server accepts "
        "its audit log going back at the next sync",
    )
    audit.set_defaults(run=cmd_audit)

    export = commands.add_parser("export", help="write every record, decrypted, to a CSV file (supervisor; audited)")
    export.add_argument("--out", required=True, type=folder, help="the CSV file to write (it holds personal data)")
    export.add_argument("--json", action="store_true")
    export.set_defaults(run=cmd_export)

    drafts = commands.add_parser(
        "drafts", help="list unfinished registrations (drafts): who, when, which sections; no personal data"
    )
    drafts.add_argument("--json", action="store_true")
    drafts.set_defaults(run=cmd_drafts)
    drafts_commands = drafts.add_subparsers(dest="drafts_command", parser_class=_Parser)
    purge = drafts_commands.add_parser("purge", help="discard drafts not saved for more than DAYS days (supervisor)")
    purge.add_argument("--older-than", metavar="DAYS", required=True, type=day_count, help="0 discards every draft")
    purge.add_argument("--json", action="store_true", default=argparse.SUPPRESS)  # `drafts --json purge` too
    purge.set_defaults(run=cmd_drafts_purge)

    recover = commands.add_parser(
        "recover", help="set a new passphrase with the recovery code", description=PASSPHRASE_RULE
    )
    recover.set_defaults(run=cmd_recover)

    recovery_code_parser = commands.add_parser(
        "recovery-code", help="replace the recovery code with a new one, shown once (supervisor; audited)"
    )
    recovery_code_parser.set_defaults(run=cmd_recovery_code)

    # -- IT deployment (issue 9): each command lives in its own module --------------------------
    provision = commands.add_parser("provision", help="set up this laptop from an IT provisioning file")
    provision.add_argument("file", type=folder, help="the provisioning file (JSON) IT gave")
    provision.set_defaults(run=cmd_provision)

    backup = commands.add_parser("backup", help="write an encrypted, self-checking backup of the store (supervisor)")
    backup.add_argument("out", type=folder, help="the backup file to write")
    backup.set_defaults(run=cmd_backup)

    restore = commands.add_parser("restore", help="replace the store with a backup, after checking it (supervisor)")
    restore.add_argument("backup_file", metavar="IN", type=folder, help="the backup file to restore")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="restore even over another store, or over unsent versions the backup lacks (kept in the store put aside)",
    )
    restore.set_defaults(run=cmd_restore)

    diagnostics = commands.add_parser("diagnostics", help="write a support bundle (zip) without personal data")
    diagnostics.add_argument("out", metavar="OUT.zip", type=folder, help="the zip file to write")
    diagnostics.set_defaults(run=cmd_diagnostics)

    demo = commands.add_parser("demo", help="run a demonstration in a temporary folder")
    demo.add_argument("--headless", action="store_true", help="no desktop window: print each step")
    demo.set_defaults(run=cmd_demo)
    if extend is not None:
        extend(commands)
    _accept_global_options_after(commands)
    return parser


def _accept_global_options_after(commands: argparse._SubParsersAction) -> None:
    """`fieldapp init --user kepala` works as well as `fieldapp --user kepala init`.

    The options are added to every command with no default of their own, so one given before
    the command is not overwritten by its absence after it.
    """
    for command in commands.choices.values():
        command.add_argument("--user", default=argparse.SUPPRESS, help="acting user (as before the command)")
        command.add_argument("--data-dir", type=folder, default=argparse.SUPPRESS, help="store folder")
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_global_options_after(action)


def main(argv: Sequence[str] | None = None, extend: Extension | None = None) -> int:
    """Run one command; `extend` lets the program entry point add the sync commands."""
    parser = build_parser(extend)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
            return EXIT_USAGE
        return int(exit_.code or 0)
    if sys.stdout is None:  # started with standard output closed (`fieldapp list >&-`)
        print("fieldapp: standard output is closed; nothing was done", file=sys.stderr)
        return EXIT_USAGE
    args.data_dir = args.data_dir or data_dir_default()
    if args.command == "demo":  # a throw-away folder: problems go to the terminal
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    else:
        setup_logging(args.data_dir)
    try:
        code = _run(args.run, args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_after_closed_pipe()
    except KeyboardInterrupt:  # after the command's own work, while its output was flushed
        print("fieldapp: interrupted while printing; what the command did is saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the output itself went to a full disk (`fieldapp list > /dev/full`)
        problem = disk_problem(exc.errno or errno.EIO, saved_nothing=False)
        print(f"fieldapp: cannot write the output: {problem.message_en}", file=sys.stderr)
        return problem.exit_code
    return code


def _quiet_after_closed_pipe() -> int:
    """The reader went away (`fieldapp list | head -1`): stop without a word, like other tools.

    Standard output is pointed at /dev/null so Python's own flush at exit cannot complain.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


def _run(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return command(args)
    except InputError as exc:  # not JSON records at all: with --json, still a JSON answer
        log.info("input refused: %s", exc.code)
        if getattr(args, "json", False):
            emit_json({"saved": 0, "errors": [exc.as_dict()]})
        else:
            print(f"fieldapp: {exc.message_en}", file=sys.stderr)
        return exc.exit_code
    except InvalidRecords as exc:
        _report_invalid(exc, getattr(args, "json", False))
        return exc.exit_code
    except FieldappError as exc:
        # The kind and the exit code only: a message may repeat a typed user name, or a name
        # someone typed in the wrong box, and the log goes into support bundles.
        log.info("%s (exit %d) in '%s'", type(exc).__name__, exc.exit_code, args.command)
        print(f"fieldapp: {exc.message_en}", file=sys.stderr)
        if getattr(args, "json", False) and not exc.answered_on_stdout:  # asked for JSON: errors too
            emit_json({"errors": [_error_dict(exc)]})
        return exc.exit_code
    except KeyboardInterrupt:
        print("fieldapp: interrupted; every change is saved whole or not at all", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug: log it without its message (it may hold data), say where
        if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:  # the output itself, to a full disk say
            problem = disk_problem(exc.errno, saved_nothing=False)
            print(f"fieldapp: cannot write: {problem.message_en}", file=sys.stderr)
            return problem.exit_code
        log_crash(exc)
        where = log_path(args.data_dir)
        told = f"details are in {where}" if where is not None else "no log could be written"
        print(f"fieldapp: internal error ({type(exc).__name__}); {told}", file=sys.stderr)
        return EXIT_ERROR


def _error_dict(exc: FieldappError) -> dict[str, object]:
    """One error in the shape of the batch errors (`index` and `field` are for records)."""
    code = "".join(f"_{c.lower()}" if c.isupper() else c for c in type(exc).__name__).lstrip("_")
    return {"index": None, "field": None, "code": code, "message": exc.message_en, "message_id": exc.message_id}


def _report_invalid(exc: InvalidRecords, as_json: bool) -> None:
    if as_json:
        emit_json({"saved": 0, "errors": [problem.as_dict() for problem in exc.problems]})
        return
    for problem in exc.problems:
        print(f"record {problem.index}: {problem.message_en} [{problem.code}]", file=sys.stderr)
    print(f"fieldapp: {exc.message_en}", file=sys.stderr)


def login(args: argparse.Namespace) -> Store:
    store = Store.open(args.data_dir)
    try:
        store.login(user_name(args.user), passphrase())
    except BaseException:
        store.close()
        raise
    if store.user.is_supervisor and not store.recovery_carries_supervisor_key():
        print(
            "warning: this store's recovery code cannot give a supervisor their powers back (it predates the "
            "supervisor key); make a new one with 'fieldapp recovery-code' and keep it locked away",
            file=sys.stderr,
        )
    return store


# -- commands ------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    name = user_name(args.user)
    secret = new_passphrase(f"Passphrase for {name}", fallback_env="FIELDAPP_PASSPHRASE")
    store, code = Store.create(args.data_dir, name, secret, args.office)
    store.close()
    print(f"Store created in {args.data_dir} with supervisor {name!r}.")
    print("Recovery code (shown only this once; write it down and keep it locked away):")
    print(code)
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    with login(args) as store:
        store.add_user(args.name, args.role, new_passphrase(f"Passphrase for {args.name}"))
    print(f"User {args.name!r} added as {args.role}.")
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    with login(args) as store:
        store.disable_user(args.name)
    print(f"User {args.name!r} disabled.")
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace) -> int:
    with login(args) as store:
        store.enable_user(args.name)
    print(f"User {args.name!r} enabled.")
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    with login(args) as store:
        target = store.reset_passphrase(args.name, new_passphrase(f"New passphrase for {args.name}"))
    print(f"Passphrase of {args.name!r} reset; any lockout lifted.")
    if target.disabled:
        print(f"{args.name!r} stays disabled: run 'fieldapp user enable {args.name}' to let them log in.")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    with login(args) as store:
        found = store.users()
        if store.users_tampered():
            print(
                "warning: the users table was changed outside fieldapp since a supervisor last changed it; "
                "disable any user you did not add (that seals the table again) and tell IT",
                file=sys.stderr,
            )
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "disabled": u.disabled,
            "failed_attempts": u.failed_attempts,
            "created_at": u.created_at,
        }
        for u in found
    ]
    if args.json:
        emit_json(rows)
    else:
        print_table(rows, ("name", "role", "disabled", "failed_attempts", "created_at"))
    return EXIT_OK


def cmd_register(args: argparse.Namespace) -> int:
    try:
        raw = read_records(args.file)
        store = login(args)
    except KeyboardInterrupt:
        raise Interrupted(saved=False) from None
    with store:
        before = store.count()
        try:
            ids = store.register(raw)
            _print_saved(ids, args.json)
        except KeyboardInterrupt:  # the batch is all or nothing: say which, from the store itself
            raise Interrupted(saved=store.count() - before >= len(raw) > 0, batch=len(raw)) from None
    return EXIT_OK


def _print_saved(ids: list[str], as_json: bool) -> None:
    if as_json:
        emit_json({"saved": len(ids), "ids": ids})
    else:
        print("\n".join(ids))
        print(f"{len(ids)} record(s) saved and queued for sync.", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    search = _search_text(args.search)
    with login(args) as store:
        found = store.summaries(args.status, search, args.limit)
        unsearchable = store.unsearchable() if search else []
    rows = [summary.as_dict() for summary in found]
    if args.json:
        emit_json(rows)
    else:
        for row in rows:
            if row["damaged"]:
                row["full_name"] = "[damaged]"
        print_table(rows, ("id", "nik_masked", "full_name", "state", "version", "created_at"))
    damaged = sorted({summary.id for summary in found if summary.damaged} | set(unsearchable))
    if damaged:
        print(
            f"fieldapp: warning: {len(damaged)} record(s) could not be read (damaged): {', '.join(damaged)}; "
            "run 'fieldapp verify' and tell IT",
            file=sys.stderr,
        )
    return EXIT_OK


def _search_text(given: str | None) -> str | None:
    """The search text; `-` reads it from standard input, so a NIK stays out of the process list."""
    if given != "-":
        return given
    try:
        text = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("standard input is not UTF-8 text", "masukan standar bukan teks UTF-8") from None
    if not text.strip():
        raise UsageError("no search text on standard input", "teks pencarian kosong")
    return text.strip()


def cmd_show(args: argparse.Namespace) -> int:
    with login(args) as store:
        stored = store.show(args.id)
    document = {**stored.meta.__dict__, "record": stored.registration.to_json()}
    if args.json:
        emit_json(document)
    else:
        record = document.pop("record")
        for key, value in {**document, **record}.items():  # type: ignore[dict-item]
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
            print(f"{key:>20}: {shown(text)}")  # old stores may hold control characters
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    changes = read_object(args.file)
    with login(args) as store:
        before = store.record_meta(args.id)
        version = store.edit(before.id, changes)
    changed = version != before.version
    if changed and before.state == "verified":
        print(
            "fieldapp: warning: this record was verified; the new version goes back to the server for review",
            file=sys.stderr,
        )
    if args.json:
        emit_json({"id": before.id, "version": version, "changed": changed})
    elif changed:
        print(f"Saved version {version}; queued for sync.")
    else:
        print(f"No change: the record stays at version {version}; nothing queued.")
    return EXIT_OK


class Interrupted(FieldappError):
    """Ctrl+C during a batch: the message says whether the batch was saved (it is all or none)."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, saved: bool, batch: int = 0) -> None:
        if saved:
            english = f"interrupted after the batch was saved: all {batch} record(s) are saved and queued for sync"
            indonesian = f"dihentikan setelah semua {batch} data tersimpan dan masuk antrean"
        else:
            english = "interrupted before the batch was saved: nothing was saved; run the command again"
            indonesian = "dihentikan sebelum disimpan: tidak ada data yang tersimpan; jalankan lagi"
        super().__init__(english, indonesian)


def cmd_verify(args: argparse.Namespace) -> int:
    with login(args) as store:
        report = store.verify()
    if args.json:
        emit_json(
            {
                "ok": report.ok,
                "records": report.records,
                "versions": report.versions,
                "audit_entries": report.audit_entries,
                "bad_versions": [{"id": i, "version": v, "problem": p} for i, v, p in report.bad_versions],
                "bad_audit_entries": report.bad_audit,
                "database_problems": report.database_problems,
                "security_problems": report.security_problems,
                "audit_entries_unchecked": report.audit_unchecked,
                "bad_drafts": report.bad_drafts,
            }
        )
    else:
        print(
            f"Checked {report.records} record(s), {report.versions} version(s), {report.audit_entries} audit entries."
        )
        for record_id, version, problem in report.bad_versions:
            print(f"BAD record {record_id} version {version}: {problem}")
        for seq in report.bad_audit:
            print(f"BAD audit entry {seq}: its MAC does not check out")
        for problem in report.database_problems:
            print(f"BAD database: {problem}")
        for problem in report.security_problems:
            print(f"BAD: {problem}")
        for draft_id in report.bad_drafts:
            print(f"BAD draft {draft_id}: changed outside fieldapp (a supervisor can discard it)")
        if report.audit_unchecked:
            print(f"({report.audit_unchecked} audit entries can be checked only by a supervisor)")
        print("OK" if report.ok else "DAMAGED: restore from a backup or contact IT")
    return EXIT_OK if report.ok else EXIT_DAMAGED


def cmd_audit(args: argparse.Namespace) -> int:
    with login(args) as store:
        if args.declare_restore:
            store.declare_restore()
            print("Restore declared: the next sync tells the server, which accepts this store's audit log.")
            return EXIT_OK
        entries = store.audit_log(args.limit)
    rows = [entry.as_dict() for entry in entries]
    if args.json:
        emit_json(rows)
    else:
        print_table(rows, ("seq", "at", "user", "action", "record_id", "detail"))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    with login(args) as store:
        written, damaged = store.export_csv(args.out)
    if args.json:
        emit_json({"written": written, "damaged": damaged, "file": str(args.out)})
    else:
        print(f"Wrote {written} record(s) to {args.out}; it holds personal data: keep it safe, delete it after use.")
        if damaged:
            print(f"{damaged} damaged record(s) left out; run 'fieldapp verify'.", file=sys.stderr)
    return EXIT_OK


def cmd_drafts(args: argparse.Namespace) -> int:
    with login(args) as store:
        found = store.drafts()
    rows = [info.as_dict() for info in found]
    if args.json:
        emit_json(rows)
    else:
        table = [{**row, "sections": ",".join(row["sections"]) or "-"} for row in rows]  # type: ignore[arg-type]
        print_table(table, ("id", "owner", "started_at", "saved_at", "sections", "damaged"))
    damaged = [info.id for info in found if info.damaged]
    if damaged:
        print(
            f"fieldapp: warning: {len(damaged)} draft(s) were changed outside fieldapp and cannot be opened: "
            f"{', '.join(damaged)}; a supervisor can discard them (run 'fieldapp verify' and tell IT)",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_drafts_purge(args: argparse.Namespace) -> int:
    with login(args) as store:
        purged = store.purge_drafts(args.older_than)
    if args.json:
        emit_json({"purged": purged, "older_than_days": args.older_than})
    else:
        print(f"Discarded {purged} draft(s) not saved for more than {args.older_than} day(s).")
    return EXIT_OK


def cmd_recover(args: argparse.Namespace) -> int:
    name = user_name(args.user)
    code = recovery_code()
    secret = new_passphrase(f"New passphrase for {name}")
    with Store.open(args.data_dir) as store:
        new_code = store.recover(name, code, secret)
    print(f"Passphrase of {name!r} set. The old recovery code no longer works; the new one (shown once):")
    print(new_code)
    return EXIT_OK


def cmd_recovery_code(args: argparse.Namespace) -> int:
    with login(args) as store:
        code = store.new_recovery_code()
    print("The old recovery code no longer works. The new one (shown only this once; write it down):")
    print(code)
    return EXIT_OK


def cmd_provision(args: argparse.Namespace) -> int:
    from fieldapp.provision import run_provision  # late: only this command pays for it

    return run_provision(args)


def cmd_backup(args: argparse.Namespace) -> int:
    from fieldapp.backup import run_backup

    return run_backup(args)


def cmd_restore(args: argparse.Namespace) -> int:
    from fieldapp.backup import run_restore

    return run_restore(args)


def cmd_diagnostics(args: argparse.Namespace) -> int:
    from fieldapp.diagnostics import run_diagnostics

    return run_diagnostics(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldapp.demo import run_demo

    return run_demo(print)


if __name__ == "__main__":
    raise SystemExit(main())
