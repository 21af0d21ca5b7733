"""`fieldapp-server`: run the central server and manage its devices.

    fieldapp-server [--db URL] [--key-file PATH] serve [--host 127.0.0.1] [--port 8765]
    fieldapp-server enroll-code --office DESA_CODE [--ttl-hours 24]
    fieldapp-server devices [--json] | revoke DEVICE_ID
    fieldapp-server stats --json
    fieldapp-server set-status RECORD_ID verified|rejected [--reason TEXT]

The database is `--db`, else FIELDAPP_SERVER_DB, else a SQLite file in the user data folder.
The key file is `--key-file`, else FIELDAPP_SERVER_KEY_FILE, else `server.key` beside the
default database; it is created (mode 0600) on first start.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from sync.server import admin
from sync.server.database import connect, upgrade
from sync.server.keys import load_or_create

DEFAULT_PORT = 8765


def _default_dir() -> Path:
    return Path(platformdirs.user_data_dir("fieldapp-server", appauthor=False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldapp-server", description="fieldapp central server")
    parser.add_argument("--db", default=os.environ.get("FIELDAPP_SERVER_DB"), help="SQLAlchemy database URL")
    parser.add_argument("--key-file", type=Path, default=os.environ.get("FIELDAPP_SERVER_KEY_FILE"))
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port (printed)")
    serve.add_argument("--tls-cert", help="PEM certificate chain: serve HTTPS")
    serve.add_argument("--tls-key", help="PEM private key for --tls-cert")
    serve.add_argument("--rate", type=float, default=20.0, help="requests per second per device")
    serve.add_argument("--enrol-rate", type=float, default=1.0, help="enrolments per second per client address")

    code = commands.add_parser("enroll-code", help="make a one-time enrolment code for a laptop")
    code.add_argument("--office", required=True)
    code.add_argument("--ttl-hours", type=float, default=24.0)

    devices = commands.add_parser("devices", help="list enrolled devices")
    devices.add_argument("--json", action="store_true")
    revoke = commands.add_parser("revoke", help="revoke a device's token")
    revoke.add_argument("device_id")
    stats = commands.add_parser("stats", help="counts")
    stats.add_argument("--json", action="store_true")
    status = commands.add_parser("set-status", help="mark a record verified or rejected")
    status.add_argument("record_id")
    status.add_argument("status", choices=admin.STATUSES)
    status.add_argument("--reason")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    url = args.db or f"sqlite:///{_default_dir() / 'server.sqlite3'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = connect(url)
    upgrade(engine)
    try:
        return COMMANDS[args.command](args, engine)
    except admin.AdminError as exc:
        print(f"fieldapp-server: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def cmd_serve(args: argparse.Namespace, engine: object) -> int:
    import uvicorn

    from sync.server.app import create_app

    keys = load_or_create(args.key_file or _default_dir() / "server.key")
    app = create_app(
        engine,  # type: ignore[arg-type]
        keys,
        requests_per_second=args.rate,
        burst=max(10, int(args.rate * 2)),
        enrolments_per_second=args.enrol_rate,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it every keep-alive answer waits 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(2048)  # connections queue from now on, so the printed address works at once
    scheme = "https" if args.tls_cert else "http"
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(f"fieldapp-server listening on {scheme}://{host}:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        timeout_keep_alive=30,
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def cmd_enroll_code(args: argparse.Namespace, engine: object) -> int:
    code = admin.new_enrol_code(engine, args.office, args.ttl_hours)  # type: ignore[arg-type]
    print(f"Enrolment code for office {args.office}, valid {args.ttl_hours:g} h, usable once:")
    print(code)
    return 0


def cmd_devices(args: argparse.Namespace, engine: object) -> int:
    found = admin.list_devices(engine)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    for device in found:
        state = "revoked" if device["revoked"] else "active"
        print(f"{device['id']}  {device['office']}  {device['enrolled_at']}  {state}  {device['name']}")
    return 0


def cmd_revoke(args: argparse.Namespace, engine: object) -> int:
    admin.revoke(engine, args.device_id)  # type: ignore[arg-type]
    print(f"Device {args.device_id} revoked.")
    return 0


def cmd_stats(args: argparse.Namespace, engine: object) -> int:
    counts = admin.stats(engine)  # type: ignore[arg-type]
    print(json.dumps(counts) if args.json else "\n".join(f"{k:>16}: {v}" for k, v in counts.items()))
    return 0


def cmd_set_status(args: argparse.Namespace, engine: object) -> int:
    admin.set_status(engine, args.record_id, args.status, args.reason)  # type: ignore[arg-type]
    print(f"Record {args.record_id} is now {args.status}.")
    return 0


COMMANDS = {
    "serve": cmd_serve,
    "enroll-code": cmd_enroll_code,
    "devices": cmd_devices,
    "revoke": cmd_revoke,
    "stats": cmd_stats,
    "set-status": cmd_set_status,
}

if __name__ == "__main__":
    raise SystemExit(main())
