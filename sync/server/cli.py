"""`fieldapp-server`: run the central server and manage its devices.

    fieldapp-server [--db URL] [--key-file PATH] serve [--host 127.0.0.1] [--port 8765]
    fieldapp-server enroll-code --office DESA_CODE [--ttl-hours 24]
    fieldapp-server provision --office DESA_CODE --out FILE [--server-url URL] [--ca-file PEM] ...
    fieldapp-server devices [--json] | revoke DEVICE_ID
    fieldapp-server stats --json
    fieldapp-server set-status RECORD_ID verified|rejected [--reason TEXT]
    fieldapp-server set-target KABUPATEN COUNT        (e.g. set-target 32.16 24000: the console's dashboard)
    fieldapp-server recount                           (rebuild the console's counts from the records)
    fieldapp-server user add NAME --role viewer|verifier|admin | user list [--json] | user disable NAME
    fieldapp-server user password NAME                (a forgotten password: a new one, unlocked, enabled)

A console user's password comes from FIELDAPP_SERVER_PASSWORD, or is typed twice without echo;
it is never an argument.

The database is `--db`, else FIELDAPP_SERVER_DB, else a SQLite file in the user data folder.
The key file is `--key-file`, else FIELDAPP_SERVER_KEY_FILE, else `server.key` beside the
default database; it is created (mode 0600) on first start.

Exit codes: 0 done, 2 refused (a wrong argument, a database or port that cannot be used, an
unknown device or record; one line on stderr says why). Anything else is a bug.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import math
import os
import socket
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from fieldapp.errors import FieldappError, UsageError, describe_os_error
from sync.server import admin
from sync.server.database import DATABASE_ERRORS, describe_failure, open_database

DEFAULT_PORT = 8765
MAX_TTL_HOURS = 24 * 365  # a code meant for next year is a code someone will find first
EXIT_REFUSED = 2
MAX_REASON = 500  # the column's width (storage.records.reason)


class ServeError(UsageError):
    """`serve` cannot start as asked (port taken, TLS files unreadable, key file wrong)."""


def _default_dir() -> Path:
    return Path(platformdirs.user_data_dir("fieldapp-server", appauthor=False))


def _number(minimum: float, maximum: float, what: str) -> Callable[[str], float]:
    """An argparse type: a finite number in (minimum, maximum]; nan and inf are refused."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and minimum < value <= maximum):
            raise argparse.ArgumentTypeError(f"must be {what}")
        return value

    return parse


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be a port number from 0 to 65535")
    return value


def _reason(text: str) -> str:
    """A rejection reason fit for the laptop's screen: not too long, no control characters."""
    if len(text) > MAX_REASON:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_REASON} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text):  # Cs: bytes that were not UTF-8
        raise argparse.ArgumentTypeError("must be UTF-8 text without control or invisible formatting characters")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldapp-server", description="fieldapp central server")
    parser.add_argument("--db", default=os.environ.get("FIELDAPP_SERVER_DB"), help="SQLAlchemy database URL")
    parser.add_argument("--key-file", type=Path, default=os.environ.get("FIELDAPP_SERVER_KEY_FILE"))
    commands = parser.add_subparsers(dest="command", required=True)

    rate = _number(0, 1e6, "a positive number per second")
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help="0 picks a free port (printed)")
    serve.add_argument("--tls-cert", help="PEM certificate chain: serve HTTPS")
    serve.add_argument("--tls-key", help="PEM private key for --tls-cert")
    serve.add_argument("--rate", type=rate, default=20.0, help="requests per second per device")
    serve.add_argument("--enrol-rate", type=rate, default=1.0, help="enrolments per second per client address")
    serve.add_argument(
        "--silent-days",
        type=int,
        choices=range(1, 366),
        metavar="DAYS",
        default=3,
        help="the console flags a laptop not heard from for longer (default 3)",
    )

    code = commands.add_parser("enroll-code", help="make a one-time enrolment code for a laptop")
    code.add_argument("--office", required=True)
    code.add_argument(
        "--ttl-hours",
        type=_number(0, MAX_TTL_HOURS, f"a positive number of hours, at most {MAX_TTL_HOURS}"),
        default=24.0,
        help=f"how long the code works (default 24, at most {MAX_TTL_HOURS})",
    )

    _add_provision(commands)

    devices = commands.add_parser("devices", help="list enrolled devices")
    devices.add_argument("--json", action="store_true")
    revoke = commands.add_parser("revoke", help="revoke a device's token")
    revoke.add_argument("device_id")
    stats = commands.add_parser("stats", help="counts")
    stats.add_argument("--json", action="store_true")
    status = commands.add_parser("set-status", help="mark a record verified or rejected")
    status.add_argument("record_id", help="the record's id, or a unique start of it")
    status.add_argument("status", choices=admin.STATUSES)
    status.add_argument("--reason", type=_reason, help=f"shown on the laptop; at most {MAX_REASON} characters")
    target = commands.add_parser("set-target", help="a kabupaten's registration target, shown on the console")
    target.add_argument("kabupaten", help="the kabupaten/kota code, e.g. 32.16")
    target.add_argument("count", type=int, help="how many registrations it aims for")
    commands.add_parser(
        "recount",
        help="rebuild the console's counts (tallies) from the records and duplicates; prints what it corrected",
    )
    _add_user_commands(commands)
    return parser


def _add_user_commands(commands: argparse._SubParsersAction) -> None:
    """`user add|list|disable`: the central console's accounts (see sync/server/console/accounts.py)."""
    from sync.server.console.accounts import ROLE_NAMES

    user = commands.add_parser("user", help="console accounts")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser(
        "add", help="make a console account; the password from FIELDAPP_SERVER_PASSWORD or typed twice"
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLE_NAMES)
    listing = actions.add_parser("list", help="list console accounts")
    listing.add_argument("--json", action="store_true")
    disable = actions.add_parser("disable", help="disable a console account and end its sessions at once")
    disable.add_argument("name")
    password = actions.add_parser(
        "password", help="set a new password (FIELDAPP_SERVER_PASSWORD or typed twice); unlocks and re-enables"
    )
    password.add_argument("name")


def _add_provision(commands: argparse._SubParsersAction) -> None:
    provision = commands.add_parser(
        "provision", help="write a laptop's provisioning file (office, server, CA, settings, a fresh one-time code)"
    )
    provision.add_argument("--office", required=True, help="the laptop's desa/kelurahan code")
    provision.add_argument("--out", required=True, type=Path, help="the file to write (never overwritten)")
    provision.add_argument(
        "--server-url",
        default=os.environ.get("FIELDAPP_SERVER_URL"),
        help="the address laptops reach this server at (default: FIELDAPP_SERVER_URL)",
    )
    provision.add_argument("--ca-file", type=Path, help="a CA certificate (PEM) the laptop pins")
    provision.add_argument(
        "--ttl-hours",
        type=_number(0, MAX_TTL_HOURS, f"a positive number of hours, at most {MAX_TTL_HOURS}"),
        default=24.0 * 7,
        help="how long the code in it works (default a week)",
    )
    provision.add_argument("--language", choices=("id", "en"), help="the app's language on the laptop")
    provision.add_argument("--auto-lock-minutes", type=int, help="lock the app after this many idle minutes")
    provision.add_argument(
        "--auto-sync", action=argparse.BooleanOptionalAction, help="sync by itself whenever the link is up"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Only `serve` logs (its startup, then one line per request); an admin command's output is
    # what it prints, not Alembic's "Context impl SQLiteImpl" chatter.
    level = logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    try:
        return _run(args)
    except (FieldappError, admin.AdminError) as exc:
        return _refuse(str(exc))
    except BrokenPipeError:
        # `fieldapp-server devices | head -1`: the reader has what it wanted.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return _refuse("interrupted", code=130)


def _refuse(message: str, code: int = EXIT_REFUSED) -> int:
    print(f"fieldapp-server: {message}", file=sys.stderr)
    return code


def _run(args: argparse.Namespace) -> int:
    if args.command == "serve":
        # What `serve` needs besides the database is checked first: a taken port or a wrong
        # TLS file is then the one line the operator sees, before any startup log.
        args.setup = _prepare_serve(args)
    if args.db:
        url, default = args.db, False
    else:
        url, default = f"sqlite:///{_default_dir() / 'server.sqlite3'}", True
    engine = open_database(url, create_folder=default)
    try:
        code = COMMANDS[args.command](args, engine)
        sys.stdout.flush()  # a closed pipe shows here, inside main, not at interpreter exit
        return code
    except DATABASE_ERRORS as exc:
        raise describe_failure(exc) from exc
    finally:
        engine.dispose()


@dataclass(frozen=True)
class ServeSetup:
    keys: object
    sock: socket.socket


def _prepare_serve(args: argparse.Namespace) -> ServeSetup:
    _check_tls(args.tls_cert, args.tls_key)
    keys = _load_keys(args.key_file)
    return ServeSetup(keys, _listen(args.host, args.port))


def cmd_serve(args: argparse.Namespace, engine: object) -> int:
    import uvicorn

    from sync.server.app import create_app

    setup: ServeSetup = args.setup
    from sync.server.console.web import ConsoleSettings

    app = create_app(
        engine,  # type: ignore[arg-type]
        setup.keys,  # type: ignore[arg-type]
        requests_per_second=args.rate,
        burst=max(10, int(args.rate * 2)),
        enrolments_per_second=args.enrol_rate,
        console=ConsoleSettings(silent_days=args.silent_days),
    )
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        timeout_keep_alive=30,
    )
    scheme = "https" if args.tls_cert else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"fieldapp-server listening on {scheme}://{host}:{setup.sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[setup.sock])
    return 0


def _load_keys(key_file: Path | None) -> object:
    """The server key, made on first start; a key file that cannot be used stops `serve`."""
    from sync.server.keys import load_or_create

    try:
        if key_file is None:
            key_file = _default_dir() / "server.key"
            key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        elif not Path(key_file).parent.is_dir():
            raise ServeError(
                f"the key file's folder {Path(key_file).parent} does not exist; create it or correct --key-file"
            )
        return load_or_create(key_file)
    except OSError as exc:
        raise ServeError(f"cannot use the key file {key_file}: {_os_reason(exc)}") from exc
    except ValueError as exc:  # not base64, not UTF-8, or not 32 bytes
        raise ServeError(
            f"the key file {key_file} does not hold a fieldapp-server key; restore it from its backup"
        ) from exc


def _check_tls(cert: str | None, key: str | None) -> None:
    """Read the certificate and key now, so a wrong file stops `serve` before it says it listens.

    An encrypted key is refused rather than prompted for: a server started by a service
    manager has no terminal, and a passphrase must not go on the command line.
    """
    import ssl

    if key and not cert:
        raise ServeError("--tls-key needs --tls-cert")
    if not cert:
        return
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key, password=lambda: b"")
    except OSError as exc:
        if isinstance(exc, ssl.SSLError):
            raise ServeError(
                "--tls-cert and --tls-key are not a PEM certificate chain and its unencrypted private key"
            ) from exc
        raise ServeError(f"cannot read --tls-cert or --tls-key: {_os_reason(exc)}") from exc


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    return describe_os_error(exc)[0]


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket; connections queue from now on, so the printed address works at once."""
    try:
        family, _type, _proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot listen on {host}: no such address on this machine") from exc
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it every keep-alive answer waits 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServeError(_listen_refusal(host, port, exc)) from exc
    return sock


def _listen_refusal(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; stop the program using it or choose another --port"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"not allowed to listen on port {port}; ports below 1024 need administrator rights: choose another --port"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: it is not an address of this machine"
    return f"cannot listen on {host} port {port}: {exc.strerror or type(exc).__name__}"


def cmd_enroll_code(args: argparse.Namespace, engine: object) -> int:
    code = admin.new_enrol_code(engine, args.office, args.ttl_hours)  # type: ignore[arg-type]
    print(f"Enrolment code for office {args.office}, valid {args.ttl_hours:g} h, usable once:")
    print(code)
    return 0


PROVISION_OPTIONS = {
    "server_url": "--server-url",
    "office": "--office",
    "ca_certificate": "--ca-file",
    "language": "--language",
    "auto_lock_minutes": "--auto-lock-minutes",
    "auto_sync": "--auto-sync",
}


def cmd_provision(args: argparse.Namespace, engine: object) -> int:
    """Check everything first, so a refused file wastes no code; then make the code and write once."""
    document = _provisioning_document(args)
    if args.out.exists():
        raise admin.AdminError(f"--out: {args.out} exists already; it is never overwritten (choose another name)")
    descriptor = _open_private(args.out)  # before the code: an unwritable --out wastes none
    try:
        document["enrol_code"] = admin.new_enrol_code(engine, args.office, args.ttl_hours)  # type: ignore[arg-type]
    except BaseException:
        os.close(descriptor)
        args.out.unlink(missing_ok=True)
        raise
    _write_private(descriptor, args.out, json.dumps(document, indent=2) + "\n")
    print(
        f"Provisioning file {args.out} written for office {document['office']}: its code works once, "
        f"for {args.ttl_hours:g} h. Hand it over privately; the laptop deletes it once used."
    )
    return 0


def _provisioning_document(args: argparse.Namespace) -> dict[str, object]:
    """The file's contents, checked with the laptop's own parser (a placeholder code stands in)."""
    from fieldapp.provision import VERSION, VERSION_KEY, ProvisioningInvalid, parse

    if not args.server_url:
        raise admin.AdminError("give --server-url (or FIELDAPP_SERVER_URL): the address laptops reach this server at")
    document: dict[str, object] = {
        VERSION_KEY: VERSION,
        "server_url": args.server_url,
        "office": args.office,
        "enrol_code": "",  # made last, once everything else is known to be right
    }
    if args.ca_file is not None:
        document["ca_certificate"] = _read_pem(args.ca_file)
    given = {"language": args.language, "auto_lock_minutes": args.auto_lock_minutes, "auto_sync": args.auto_sync}
    document |= {name: value for name, value in given.items() if value is not None}
    try:
        checked = parse(json.dumps({**document, "enrol_code": "AAAA-AAAA-AAAA-AAAA"}))
    except ProvisioningInvalid as exc:
        raise admin.AdminError(f"{PROVISION_OPTIONS.get(exc.field, exc.field)}: {exc.reason_en}") from None
    return {**document, "server_url": checked.server_url, "office": checked.office}


def _read_pem(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except OSError as exc:
        raise admin.AdminError(f"--ca-file: cannot read {path}: {_os_reason(exc)}") from None
    except UnicodeDecodeError:
        raise admin.AdminError("--ca-file: must be PEM certificate text") from None


def _open_private(path: Path) -> int:
    """The new file, mode 0600 from the first byte, never over an existing one (O_EXCL)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise admin.AdminError(f"--out: {path} exists already; it is never overwritten") from None
    except OSError as exc:
        raise admin.AdminError(f"--out: cannot write {path}: {_os_reason(exc)}; no code was made") from None


def _write_private(descriptor: int, path: Path, text: str) -> None:
    """Write the opened file whole, or remove it (a half-written file with a code in it must not stay)."""
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:  # a half-written file with a code in it must not stay behind
        path.unlink(missing_ok=True)
        raise


def _printable(text: str) -> str:
    """`text` without control, format or bidi characters: a laptop chose the device name."""
    return "".join("?" if unicodedata.category(c) in ("Cc", "Cf") else c for c in str(text))


def cmd_devices(args: argparse.Namespace, engine: object) -> int:
    found = admin.list_devices(engine)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    for device in found:
        state = "revoked" if device["revoked"] else "active"
        columns = (device["id"], device["office"], device["enrolled_at"], state, audit_anchor_text(device))
        print("  ".join(str(column) for column in columns), _printable(str(device["name"])), sep="  ")
    return 0


AUDIT_FLAG_TEXT = {"rolled_back": "ROLLED BACK", "forked": "FORKED", "restore_declared": "restore declared"}


def audit_anchor_text(device: dict[str, object]) -> str:
    """ "audit: ok @ 42", "audit: ROLLED BACK 2026-... @ 42", or "audit: none" before the first anchor.

    A flag stays shown until a later one replaces it: the central team decides what it means.
    """
    if device["audit_seq"] is None:
        return "audit: none"
    flag = str(device["audit_flag"] or "")
    said = f"{AUDIT_FLAG_TEXT.get(flag, flag)} {device['audit_flag_at']}" if flag else "ok"
    return f"audit: {said} @ {device['audit_seq']}"


def cmd_revoke(args: argparse.Namespace, engine: object) -> int:
    admin.revoke(engine, args.device_id)  # type: ignore[arg-type]
    print(f"Device {args.device_id} revoked.")
    return 0


def cmd_stats(args: argparse.Namespace, engine: object) -> int:
    counts = admin.stats(engine)  # type: ignore[arg-type]
    print(json.dumps(counts) if args.json else "\n".join(f"{k:>16}: {v}" for k, v in counts.items()))
    return 0


def cmd_set_status(args: argparse.Namespace, engine: object) -> int:
    record_id = admin.set_status(engine, args.record_id, args.status, args.reason)  # type: ignore[arg-type]
    print(f"Record {record_id} is now {args.status}.")
    return 0


def cmd_user(args: argparse.Namespace, engine: object) -> int:
    from sync.server.console import accounts

    if args.user_command == "add":
        accounts.check_identity(args.name, args.role)  # before the password is asked for
        name = accounts.add_user(engine, args.name, args.role, _new_password(args.name))  # type: ignore[arg-type]
        print(f"Console user {name} added as {args.role}.")
    elif args.user_command == "list":
        found = accounts.list_users(engine)  # type: ignore[arg-type]
        if args.json:
            print(json.dumps(found, indent=2))
        for user in [] if args.json else found:
            state = (
                "disabled"
                if user["disabled"]
                else f"locked until {user['locked_until']}"
                if user["locked_until"]
                else "active"
            )
            print(f"{user['name']}  {user['role']}  {state}  last login {user['last_login_at'] or 'never'}")
    elif args.user_command == "password":
        name = accounts.normalize_name(args.name)
        if not any(user["name"] == name for user in accounts.list_users(engine)):  # type: ignore[arg-type]
            raise admin.AdminError(f"no console user {name!r}")  # before the password is asked for
        ended = accounts.set_password(engine, name, _new_password(name))  # type: ignore[arg-type]
        print(f"Console user {name} has a new password and may log in; {ended} session(s) ended.")
    else:
        ended = accounts.disable_user(engine, args.name)  # type: ignore[arg-type]
        print(f"Console user {accounts.normalize_name(args.name)} disabled; {ended} session(s) ended.")
    return 0


def _new_password(name: str) -> str:
    """FIELDAPP_SERVER_PASSWORD, else typed twice without echo on the terminal; never an argument."""
    import getpass

    given = os.environ.get("FIELDAPP_SERVER_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise admin.AdminError("no password given: set FIELDAPP_SERVER_PASSWORD or run in a terminal")
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != first:
        raise admin.AdminError("the two passwords differ")
    return first


def cmd_set_target(args: argparse.Namespace, engine: object) -> int:
    from sync.server.targets import TargetRefused, set_target

    try:
        code = set_target(engine, args.kabupaten, args.count)  # type: ignore[arg-type]
    except TargetRefused as exc:
        raise admin.AdminError(str(exc)) from None
    print(f"Target for {code}: {args.count:,} registrations.")
    return 0


def cmd_recount(args: argparse.Namespace, engine: object) -> int:
    """The tallies rebuilt from the rows; each corrected count printed, or that none had drifted."""
    from sync.server.tallies import recount

    fixes = recount(engine)  # type: ignore[arg-type]
    for office, day, status, before, now in fixes:
        print(f"{office}  {day}  {status}: {before} -> {now}")
    print(f"{len(fixes)} count(s) corrected." if fixes else "All counts matched the records; nothing changed.")
    return 0


COMMANDS = {
    "serve": cmd_serve,
    "enroll-code": cmd_enroll_code,
    "provision": cmd_provision,
    "devices": cmd_devices,
    "revoke": cmd_revoke,
    "stats": cmd_stats,
    "set-status": cmd_set_status,
    "set-target": cmd_set_target,
    "recount": cmd_recount,
    "user": cmd_user,
}

if __name__ == "__main__":
    raise SystemExit(main())
