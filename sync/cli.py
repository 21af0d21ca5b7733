"""The `fieldapp` program: the core's commands plus enroll, sync and status.

The core package never imports HTTP; this module is the program's entry point that joins the
two (see fieldapp.cli.main's `extend`).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fieldapp import cli as core_cli
from fieldapp.cli_io import emit_json
from fieldapp.errors import NotPermitted, UsageError
from sync.errors import NotEnrolled

if TYPE_CHECKING:  # HTTP (requests, pydantic: ~0.3 s) loads only in the commands that talk to a server
    from sync.engine import Progress

STATUS_KEYS = ("pending", "synced", "duplicate", "rejected", "conflict", "verified")


def main(argv: Sequence[str] | None = None) -> int:
    return core_cli.main(argv, extend=add_sync_commands)


def add_sync_commands(commands: argparse._SubParsersAction) -> None:
    enroll = commands.add_parser("enroll", help="enrol this laptop with the central server (supervisor)")
    enroll.add_argument("--server", required=True, help="https://... (http only to this machine)")
    enroll.add_argument("--code", help="one-time code from fieldapp-server enroll-code (or FIELDAPP_ENROLL_CODE)")
    enroll.add_argument("--ca-file", help="pin this CA certificate (PEM) instead of the system's")
    enroll.add_argument("--name", default=socket.gethostname(), help="this laptop's name on the server")
    enroll.set_defaults(run=cmd_enroll)

    sync = commands.add_parser("sync", help="push every queued record, then pull status changes (supervisor)")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(run=cmd_sync)

    status = commands.add_parser("status", help="what is queued, synced, refused; when sync last ran")
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=cmd_status)

    commands.choices["demo"].set_defaults(run=cmd_demo)
    commands.choices["provision"].set_defaults(run=cmd_provision)  # the core's command, given enrolment


def cmd_enroll(args: argparse.Namespace) -> int:
    from sync.client import check_server_url
    from sync.service import enroll

    server = check_server_url(args.server)
    code = args.code or os.environ.get("FIELDAPP_ENROLL_CODE")
    if not code:
        raise UsageError("give the enrolment code with --code or FIELDAPP_ENROLL_CODE", "kode pendaftaran belum diisi")
    with core_cli.login(args) as store:
        enrolled = enroll(store, server, code, args.name, args.ca_file or "")
    print(f"Enrolled as device {enrolled.device_id} of office {enrolled.office} with {server}.")
    return 0


def cmd_provision(args: argparse.Namespace) -> int:
    """`fieldapp provision FILE` with the network half of enrolment, which the core cannot import."""
    from fieldapp.provision import run_provision
    from sync.service import enroll

    return run_provision(args, enroll)


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.client import SyncClient
    from sync.engine import SyncEngine
    from sync.errors import AuditFlagged, Unsent

    with core_cli.login(args) as store:
        if not store.user.is_supervisor:
            raise NotPermitted("only a supervisor may sync", "hanya supervisor yang boleh sinkronisasi")
        enrolment = store.enrolment()
        if enrolment is None:
            raise NotEnrolled("this laptop is not enrolled; run 'fieldapp enroll' first", "laptop belum terdaftar")
        client = SyncClient(enrolment.server_url, enrolment.token, enrolment.ca_file or None)
        try:
            with _ProgressDisplay() as display:
                report = SyncEngine(store, client, progress=display).run()
        finally:
            client.close()
    if args.json:
        emit_json(
            {
                "outcomes": dict(report.outcomes),
                "pulled": report.pulled,
                "retries": report.retries,
                "queued_versions": report.left_queued,
                "conflict": report.left_conflict,
                "unsent": report.unsent,
                "audit_anchor": report.audit_anchor,
            }
        )
    else:
        print(f"Sync finished: {report.summary()}; {report.unsent} version(s) unsent.")
    unsent = ""
    if report.unsent:  # exit 7: never 0 while the server lacks something
        unsent = f"sync finished, but {report.unsent} version(s) still unsent: {'; '.join(report.unsent_reasons())}"
    if report.audit_flag:  # exit 4 before 7: tampering is what a person must look at first
        raise AuditFlagged(*audit_flag_messages(report.audit_flag, unsent))
    if unsent:
        raise Unsent(unsent, f"sinkronisasi selesai, tetapi {report.unsent} versi belum terkirim")
    return 0


AUDIT_FLAG_WORDS = {
    "rolled_back": ("went back to an earlier state (rolled back or truncated)", "kembali ke keadaan lebih lama"),
    "forked": ("differs from the one it sent before (rewritten or replaced)", "berbeda dari yang dikirim sebelumnya"),
}


def audit_flag_messages(flag: str, unsent: str = "") -> tuple[str, str]:
    """The warning for a server that flags our audit log, in English and Indonesian, with what to do."""
    english, indonesian = AUDIT_FLAG_WORDS[flag]
    message_en = (
        f"WARNING: the server says this laptop's audit log {english}. If this store was restored from "
        "a backup, a supervisor runs 'fieldapp audit --declare-restore' and syncs again; otherwise "
        "tell IT: the audit log was rolled back or rewritten"
    )
    message_id = (
        f"PERINGATAN: menurut server, log audit laptop ini {indonesian}. Jika data dipulihkan dari "
        "cadangan, supervisor menyatakan pemulihan lalu sinkronkan lagi; jika tidak, lapor ke petugas TI"
    )
    return (f"{message_en}; also {unsent}" if unsent else message_en), message_id


class _ProgressDisplay:
    """A progress bar on a terminal; plain "push: 40/120" lines otherwise (logs, scripts, CI)."""

    def __init__(self) -> None:
        self._bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
            )
            self._tasks: dict[str, int] = {}

    def __enter__(self) -> _ProgressDisplay:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, progress: Progress) -> None:
        if self._bar is None:
            print(f"{progress.phase}: {progress.done}/{progress.total}", file=sys.stderr, flush=True)
            return
        if progress.phase not in self._tasks:
            self._tasks[progress.phase] = self._bar.add_task(progress.phase, total=progress.total)
        self._bar.update(self._tasks[progress.phase], completed=progress.done, total=progress.total)


def cmd_status(args: argparse.Namespace) -> int:
    with core_cli.login(args) as store:
        status = store.sync_status()
        status["audit_anchor"] = store.audit_anchor_state() or None
    if args.json:
        emit_json(status)
    else:
        for key, value in status.items():
            print(f"{key:>16}: {_status_value(value)}")
    return 0


def _status_value(value: object) -> str:
    """A status line's value; the audit anchor as the server's last word, what it held, and when."""
    if isinstance(value, dict):
        return f"{value.get('outcome')} (server held entry {value.get('server_seq')}; {value.get('at')})"
    return "" if value is None else str(value)


def cmd_demo(args: argparse.Namespace) -> int:
    from sync.demo import run_demo

    return run_demo(print)


if __name__ == "__main__":
    raise SystemExit(main())
