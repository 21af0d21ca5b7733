"""Whether the central server's packages are installed (the `server` extra).

A laptop install (`pip install fieldapp`, or the bundle build.spec makes) carries no FastAPI,
uvicorn, SQLAlchemy, Alembic or psycopg: they are the server's alone. `fieldapp demo` runs a
server on loopback and `fieldapp-server` is the server, so both first check here and say in one
line what to install, instead of failing with an ImportError traceback.
"""

from __future__ import annotations

import importlib.util
import sys

SERVER_PACKAGES = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg")
EXIT_MISSING = 2  # a usage problem, as in docs/cli.md


def missing_server_packages() -> list[str]:
    """The server packages that cannot be imported here; find_spec imports none of them (fast)."""
    return [name for name in SERVER_PACKAGES if importlib.util.find_spec(name) is None]


def server_extra_message(program: str, missing: list[str]) -> str:
    """One line for stderr: what is missing and the command that installs it."""
    return (
        f"{program}: needs the server extra ({', '.join(missing)} missing): "
        "pip install 'fieldapp[server]' (in a checkout: .venv/bin/pip install -e '.[server]')"
    )


def refuse_without_server(program: str) -> bool:
    """True (after printing the one line) when the server extra is not installed."""
    missing = missing_server_packages()
    if missing:
        print(server_extra_message(program, missing), file=sys.stderr)
    return bool(missing)


def server_main() -> int:
    """`fieldapp-server`: the real entry point, once the server's packages are known to be there."""
    if refuse_without_server("fieldapp-server"):
        return EXIT_MISSING
    from sync.server.cli import main

    return main()
