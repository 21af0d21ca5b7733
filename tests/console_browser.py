"""The central console in a real browser: Debian's chromium driven by Playwright, never a download.

`console_site()` starts a real `fieldapp-server serve` on loopback (ServerProcess) and makes
console accounts through the real CLI (`fieldapp-server user add`, password from
FIELDAPP_SERVER_PASSWORD). `chromium()` launches /usr/bin/chromium headless; a missing browser
fails the test with what to install (it is never skipped: .ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from servers import ServerProcess

CHROMIUM = os.environ.get("FIELDAPP_TEST_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}  # a phone-sized screen
LAPTOP = {"width": 1366, "height": 768}  # the kabupaten office's laptop


@contextmanager
def chromium() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        raise AssertionError(f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


class ConsoleSite:
    """A running server and the console accounts made for a test."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server

    @property
    def url(self) -> str:
        return self.server.url + "/console/"

    def add_user(self, name: str, role: str, password: str) -> subprocess.CompletedProcess[str]:
        """`fieldapp-server user add NAME --role ROLE`, the password from the environment."""
        base = self.server._base()  # the same --db and --key-file as the server
        return subprocess.run(
            [*base, "user", "add", name, "--role", role],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "FIELDAPP_SERVER_PASSWORD": password},
        )

    def user(self, name: str, role: str, password: str) -> None:
        result = self.add_user(name, role, password)
        assert result.returncode == 0, result.stderr


def login(page: Page, site: ConsoleSite, name: str, password: str) -> None:
    """Fill the login form as a person does; ends on the page the console sends them to."""
    page.goto(site.url + "login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@contextmanager
def console_site(db_url: str, folder: Path, extra: tuple[str, ...] = ()) -> Iterator[ConsoleSite]:
    server = ServerProcess(db_url, folder, extra).start()
    try:
        yield ConsoleSite(server)
    finally:
        server.stop()
