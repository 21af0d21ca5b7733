"""The packaging's promises that can be checked in seconds (the real build runs in .ci/run).

The laptop install carries no server package, and no laptop module reaches for one when it is
imported; `fieldapp demo` and `fieldapp-server` without them say what to install; build.spec,
the build script, the desktop entry and the Windows files name things that exist and agree.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the `server` extra installs (distribution names), and the modules they are imported as.
SERVER_DISTRIBUTIONS = {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg", "jinja2", "python-multipart"}
SERVER_PACKAGES = {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg", "jinja2", "python_multipart"}
SPEC = (ROOT / "build.spec").read_text()
BUILD_SCRIPT = (ROOT / "scripts" / "build_packages.sh").read_text()
DESKTOP = ROOT / "packaging" / "linux" / "fieldapp.desktop"
# Modules that are the server, run one, or test against one: left out of the bundle by build.spec.
NOT_LAPTOP = ("sync.server", "sync.demo", "sync.demo_environment", "sync.faultproxy", "ui.screenshots")


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def test_the_laptop_dependencies_have_no_server_package_and_the_extras_hold_them() -> None:
    extras = project()["optional-dependencies"]
    assert not names(project()["dependencies"]) & SERVER_DISTRIBUTIONS
    assert names(extras["server"]) == SERVER_DISTRIBUTIONS
    assert "fieldapp[server]" in extras["dev"]  # the tests run the server
    assert names(extras["build"]) == {"pyinstaller"} and "pyinstaller" not in names(extras["dev"])


def test_no_laptop_module_imports_a_server_package_when_imported() -> None:
    """Every module of fieldapp/, sync/ and ui/ that the bundle carries, imported in a fresh process."""
    code = f"""
import pkgutil, sys
import fieldapp, sync, ui
skip = {NOT_LAPTOP!r}
def walk(path, prefix):  # as pkgutil.walk_packages, without importing a skipped package to look inside
    for info in pkgutil.iter_modules(path, prefix):
        name = info.name
        if name.endswith("__main__") or any(name == s or name.startswith(s + ".") for s in skip):
            continue
        module = __import__(name, fromlist=["_"])
        if info.ispkg:
            walk(module.__path__, name + ".")
for package in (fieldapp, sync, ui):
    walk(package.__path__, package.__name__ + ".")
print(sorted({{m.split(".")[0] for m in sys.modules}} & set({sorted(SERVER_PACKAGES)!r})))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout


def without_server(call: str) -> subprocess.CompletedProcess[str]:
    """`call` in a child where the server packages cannot be imported, as in a laptop install."""
    code = (
        "import sys\n"
        f"for name in {sorted(SERVER_PACKAGES)!r}: sys.modules[name] = None  # import fails, find_spec is None\n"
        f"{call}\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [["demo", "--headless"], ["demo"]])
def test_fieldapp_demo_without_the_server_extra_says_what_to_install(args: list[str]) -> None:
    done = without_server(f"from ui.main import cli; sys.exit(cli({args!r}))")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "fieldapp[server]" in lines[0] and "fastapi" in lines[0]


def test_fieldapp_server_without_the_server_extra_says_what_to_install() -> None:
    done = without_server("from sync.extras import server_main; sys.exit(server_main())")
    assert done.returncode == 2 and "fieldapp[server]" in done.stderr and "Traceback" not in done.stderr
    assert project()["scripts"]["fieldapp-server"] == "sync.extras:server_main"


def test_with_the_server_extra_nothing_is_missing() -> None:
    from sync.extras import missing_server_packages

    assert missing_server_packages() == []


def test_build_spec_names_files_that_exist_and_leaves_the_server_out() -> None:
    paths = re.findall(r'ROOT((?: / "[^"]+")+)', SPEC)
    assert paths
    for chain in paths:
        path = ROOT.joinpath(*re.findall(r'"([^"]+)"', chain))
        if path.parts[len(ROOT.parts)] == "build":
            continue  # made by the build itself (scripts/make_icons.py)
        assert path.exists(), f"build.spec names {path}, which does not exist"
    assert list((ROOT / "ui" / "i18n").glob("*.qm")), "the translations the bundle ships"
    for name in ("wilayah.idx", "wilayah.LICENSE", "fieldapp_launcher.py", "fieldapp_gui_launcher.py"):
        assert f'"{name}"' in SPEC
    assert SERVER_PACKAGES.issubset(spec_list("SERVER_ONLY")) and set(NOT_LAPTOP).issubset(spec_list("LEFT_OUT"))


def spec_list(name: str) -> set[str]:
    """The quoted names in build.spec's `NAME = [...]`."""
    return set(re.findall(r'"([A-Za-z0-9_.]+)"', SPEC.split(f"{name} = [", 1)[1].split("]", 1)[0]))


def test_the_launchers_call_the_installed_entry_points() -> None:
    scripts = {**project()["scripts"], **project()["gui-scripts"]}
    assert scripts["fieldapp"] == "ui.main:cli" and scripts["fieldapp-gui"] == "ui.main:gui"
    assert "from ui.main import cli" in (ROOT / "packaging" / "fieldapp_launcher.py").read_text()
    assert "from ui.main import gui" in (ROOT / "packaging" / "fieldapp_gui_launcher.py").read_text()


def test_the_desktop_entry_is_valid_and_names_the_installed_program_and_icon() -> None:
    validator = shutil.which("desktop-file-validate")
    if validator:
        done = subprocess.run([validator, str(DESKTOP)], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] and section["Terminal"] == "false"
    assert section["Exec"].split()[0] == "fieldapp" and 'ln -s /opt/fieldapp/fieldapp "$root/usr/bin/fieldapp"' in (
        BUILD_SCRIPT
    )
    assert section["Icon"] == "fieldapp" and "apps/fieldapp.png" in BUILD_SCRIPT and "apps/fieldapp.svg" in BUILD_SCRIPT
    assert section["StartupWMClass"] == "fieldapp"  # ui/app.py's application name: the dock groups its window


def test_the_debian_package_depends_on_every_qt_library_the_readme_lists() -> None:
    readme = " ".join((ROOT / "README.md").read_text().split())
    listed = set()
    for command in re.findall(r"`sudo apt-get install -y (lib[^`]+)`", readme) + re.findall(
        r"also `(libxcb[^`]+)`", readme
    ):
        listed |= set(command.split())
    depends = BUILD_SCRIPT.split('DEPENDS="', 1)[1].split('"', 1)[0].replace("\\\n", " ")
    alternatives = {name.split("(")[0].strip() for part in depends.split(",") for name in part.split("|")}
    assert {"libegl1", "libxcb-cursor0", "fonts-dejavu-core"} <= listed
    assert listed <= alternatives, listed - alternatives


def test_the_windows_installer_and_workflow_use_what_the_spec_builds() -> None:
    iss = (ROOT / "packaging" / "windows" / "fieldapp.iss").read_text()
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text()
    assert 'program(windowed, "fieldapp-gui", console=False)' in SPEC and "{app}\\fieldapp-gui.exe" in iss
    assert 'Source: "..\\..\\dist\\fieldapp\\*"' in iss and "PrivilegesRequired=admin" in iss
    assert "{userappdata}" not in iss and "{localappdata}" not in iss  # the user's data is never touched
    assert "build.spec" in workflow and "packaging\\windows\\fieldapp.iss" in workflow
    assert 'pip install -e ".[build]"' in workflow and "--self-test" in workflow


def test_the_icons_render_from_the_svg(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "scripts/make_icons.py", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    from PySide6.QtGui import QImage

    for size in (48, 256):
        image = QImage(str(tmp_path / f"fieldapp-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 8).blue() > 150  # the blue square, not an empty image
    assert (tmp_path / "fieldapp.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
