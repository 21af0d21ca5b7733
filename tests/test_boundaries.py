"""The layout's rules: the core imports no Qt and no HTTP; sync imports no Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_after(modules: list[str]) -> set[str]:
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(result.stdout.split())


def test_the_core_imports_no_http_no_server_and_no_qt() -> None:
    core = [f"fieldapp.{p.stem}" for p in (ROOT / "fieldapp").glob("*.py") if p.stem not in ("__main__",)]
    loaded = imported_after(core)
    for forbidden in ("requests", "urllib3", "fastapi", "uvicorn", "sqlalchemy", "PySide6", "sync"):
        assert forbidden not in loaded, forbidden


def test_sync_imports_no_qt() -> None:
    modules = [
        "sync.protocol",
        "sync.client",
        "sync.engine",
        "sync.scheduler",
        "sync.service",
        "sync.notes",
        "sync.demo_environment",
        "sync.cli",
        "sync.server.app",
    ]
    assert "PySide6" not in imported_after(modules)


def test_the_command_line_entry_point_loads_qt_only_to_open_a_window() -> None:
    assert "PySide6" not in imported_after(["ui.main", "sync.cli"])
