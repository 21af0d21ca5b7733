"""The `fieldapp` program: the desktop app when run with no command, the CLI otherwise.

`fieldapp` alone opens the app (when there is a display); `fieldapp demo` opens it against a
demonstration server with demo data; `fieldapp demo --headless` and every other command are
the CLI's (`sync.cli`). Qt is imported only when a window is really opened, so scripts that
call the CLI do not pay for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_NO_DISPLAY = 2
EXIT_USAGE = 2  # e.g. `fieldapp demo` without the server extra (docs/cli.md)
_GLOBAL_OPTIONS = {"--data-dir", "--user"}


def cli(argv: Sequence[str] | None = None) -> int:
    """The console entry point; Ctrl+C while the program is still starting ends it without a traceback."""
    try:
        return _cli(argv)
    except KeyboardInterrupt:
        print("fieldapp: interrupted", file=sys.stderr)
        return 130


def _cli(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--self-test"]:  # IT's check of an installed bundle (ui/selftest.py)
        from ui.selftest import run_self_test

        return run_self_test()
    command, data_dir = _command_and_data_dir(args)
    if command is None and not any(a in ("-h", "--help", "--version") for a in args):
        return _open_app(data_dir)
    if command == "demo" and _demo_unavailable(args):
        return EXIT_USAGE
    if command == "demo" and "--headless" not in args:
        return _open_app(data_dir, demo=True)
    from sync.cli import main as cli_main

    return cli_main(args)


def gui() -> int:
    """The windowed entry point (no console window on Windows)."""
    command, data_dir = _command_and_data_dir(sys.argv[1:])
    if command == "demo" and _demo_unavailable(sys.argv[1:]):
        return EXIT_USAGE
    return _open_app(data_dir, demo=command == "demo")


def _demo_unavailable(args: list[str]) -> bool:
    """The demo runs a central server, whose packages a laptop install leaves out (the server extra)."""
    if any(a in ("-h", "--help") for a in args):
        return False
    from sync.extras import refuse_without_server

    return refuse_without_server("fieldapp demo")


def _command_and_data_dir(args: list[str]) -> tuple[str | None, Path | None]:
    data_dir, position = None, 0
    while position < len(args):
        arg = args[position]
        if arg in _GLOBAL_OPTIONS and position + 1 < len(args):
            if arg == "--data-dir":
                data_dir = Path(args[position + 1])
            position += 2
        elif arg.startswith("--data-dir="):
            data_dir = Path(arg.split("=", 1)[1])
            position += 1
        elif arg.startswith("-"):
            position += 1
        else:
            return arg, data_dir
    return None, data_dir


def has_display() -> bool:
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_app(data_dir: Path | None, demo: bool = False) -> int:
    if not has_display():
        print(
            "fieldapp: no display to open the app on; run a command instead (fieldapp --help), "
            "or 'fieldapp demo --headless' for the demonstration",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    from ui.app import run

    return run(data_dir, demo=demo)


if __name__ == "__main__":
    raise SystemExit(cli())
