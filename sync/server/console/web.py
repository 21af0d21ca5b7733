"""The console's shared plumbing: who asks (sessions, roles), CSRF, rendering and the audit log.

Every page depends on `require(role)`, every POST route on `csrf_checked`; handlers never check
either themselves. Pages are rendered by `render()` from templates/ with the translate function
and the CSRF token in their context.

The Content-Security-Policy (see `SECURITY_HEADERS`) allows scripts and styles only from
/console/static: templates carry no <script> or <style> blocks and no style="..." attributes.
Widths and heights of bars go in SVG attributes (width="42"), which CSS policy does not govern.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from fieldapp.timestamps import parse, utc_now
from sync.server import storage as t
from sync.server.console import i18n
from sync.server.console.accounts import LoginGuard, Session, session_for_token
from sync.server.keys import ServerKeys
from sync.server.ratelimit import RateLimiter

ROLES = ("viewer", "verifier", "admin")  # each has the powers of those before it
SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"  # the login form's double-submit token, before any session
LANG_COOKIE = "lang"
COOKIE_PATH = "/console"
HOME = "/console/"
TEMPLATES = Path(__file__).with_name("templates")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ConsoleUser:
    name: str
    role: str

    def can(self, role: str) -> bool:
        """True if this user has `role`'s powers (an admin can everything a verifier can)."""
        return role in ROLES and self.role in ROLES and ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class ConsoleSettings:
    silent_days: int = 3  # a laptop not heard from for longer is flagged on the devices page
    session_minutes: int = 480  # a session ends this long after login, whatever happens
    idle_minutes: int = 30  # ... or after this long without a request
    max_failures: int = 5  # wrong passwords in a row before the account is locked
    lockout_minutes: int = 15
    logins_per_minute: float = 12.0  # sign-in attempts one client address may make, after ...
    login_burst: int = 20  # ... this many at once: slows down guessing across many names


@dataclass
class ConsoleState:
    """What the console's routes share: found at `request.app.state.console`."""

    engine: Engine
    keys: ServerKeys
    settings: ConsoleSettings
    guard: LoginGuard = field(init=False)
    login_limiter: RateLimiter = field(init=False)  # POST /console/login, per client address

    def __post_init__(self) -> None:
        self.guard = LoginGuard(self.engine, self.settings.max_failures, self.settings.lockout_minutes)
        self.login_limiter = RateLimiter(self.settings.logins_per_minute / 60, self.settings.login_burst)


def state(request: Request) -> ConsoleState:
    return request.app.state.console


class LoginNeeded(Exception):
    """No live session: the handler answers 303 to the login page, which comes back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__("login needed")
        self.next_path = next_path


class Refused(Exception):
    """A 403 page: too small a role, or a form without its CSRF token. Nothing was done."""

    def __init__(self, message_key: str, user: ConsoleUser | None) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.user = user


def current_session(request: Request) -> Session | None:
    """The live session this request's cookie names (looked up once per request), or None."""
    if "console_session" not in request.scope.setdefault("state", {}):
        token = request.cookies.get(SESSION_COOKIE, "")
        console = state(request)
        found = session_for_token(console.engine, token, console.settings) if token else None
        request.state.console_session = found
    return request.state.console_session


def require(role: str) -> Callable[[Request], ConsoleUser]:
    """A dependency: the signed-in user if they have `role`; else the login page or a 403 page."""
    if role not in ROLES:
        raise ValueError(f"unknown console role {role!r}")

    def dependency(request: Request) -> ConsoleUser:
        session = current_session(request)
        if session is None:
            raise LoginNeeded(_here(request))
        user = ConsoleUser(session.user_name, session.role)
        if not user.can(role):
            raise Refused("error.forbidden", user)
        return user

    return dependency


def _here(request: Request) -> str:
    """Where to come back to after login: this page, or the dashboard for a form's POST."""
    if request.method != "GET":
        return HOME
    return request.url.path + ("?" + request.url.query if request.url.query else "")


def session_csrf(token: str) -> str:
    """A session's CSRF token, derived from its secret cookie token (never stored, never the token)."""
    return hmac.new(token.encode("utf-8"), b"fieldapp-console-csrf", hashlib.sha256).hexdigest()


def csrf_token_for(request: Request) -> str:
    """The token forms on this page must send back: the session's, or the login double-submit one."""
    session = current_session(request)
    if session is not None:
        return session_csrf(session.token)
    existing = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if len(existing) == 43 and existing.replace("-", "").replace("_", "").isalnum():
        return existing
    if not hasattr(request.state, "new_login_csrf"):
        request.state.new_login_csrf = secrets.token_urlsafe(32)
    return request.state.new_login_csrf


async def csrf_checked(request: Request) -> None:
    """A dependency for every POST: the form's csrf_token (or X-CSRF-Token) must match, else 403."""
    sent = request.headers.get("x-csrf-token", "")
    if not sent:
        form = await request.form()
        value = form.get("csrf_token", "")
        sent = value if isinstance(value, str) else ""
    session = current_session(request)
    expected = session_csrf(session.token) if session is not None else request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        user = ConsoleUser(session.user_name, session.role) if session is not None else None
        raise Refused("error.csrf", user)


def safe_next(target: str | None) -> str:
    """`target` if it is a console page of this site; the dashboard for anything else."""
    if not target or "\\" in target or any(unicodedata.category(c) == "Cc" for c in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or ".." in parts.path:
        return HOME
    if parts.path != "/console" and not parts.path.startswith("/console/"):
        return HOME
    if parts.path.startswith(("/console/login", "/console/logout")):
        return HOME
    return target


def login_url(next_path: str) -> str:
    return "/console/login?next=" + quote(safe_next(next_path), safe="/")


def language(request: Request) -> str:
    wanted = request.cookies.get(LANG_COOKIE, "")
    return wanted if wanted in i18n.LANGUAGES else i18n.DEFAULT


def translator(lang: str) -> Callable[..., str]:
    def translate(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    return translate


_environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    request: Request, template: str, user: ConsoleUser | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """The page `template` for `user`; its context also holds lang, t, csrf_token, user and path."""
    lang = language(request)
    csrf_token = csrf_token_for(request)
    page = _environment.get_template(template).render(
        lang=lang,
        t=translator(lang),
        csrf_token=csrf_token,
        user=user,
        path=request.url.path,
        roles=ROLES,
        **context,
    )
    response = HTMLResponse(page, status_code=status_code)
    if getattr(request.state, "new_login_csrf", None) == csrf_token:
        set_cookie(request, response, LOGIN_CSRF_COOKIE, csrf_token, max_age=None)
    return response


def is_console_path(path: str) -> bool:
    return path == "/console" or path.startswith("/console/")


ERROR_PAGES = {404: "error.not_found", 405: "error.bad_request"}


def error_page(request: Request, status_code: int) -> HTMLResponse:
    """The console's own page for a request it cannot serve (a bad value in the address or a
    form, an unknown page), instead of the device API's JSON problem; it says nothing of the input."""
    try:
        session = current_session(request)
    except Exception:  # the page must answer even when the database does not
        session = None
    user = ConsoleUser(session.user_name, session.role) if session is not None else None
    message_key = ERROR_PAGES.get(status_code, "error.bad_request")
    return render(request, "refused.html", user, status_code, message_key=message_key)


def set_cookie(request: Request, response: Any, name: str, value: str, max_age: int | None) -> None:
    """A console cookie: HttpOnly, SameSite=Strict, Path=/console, Secure when the request came over TLS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def audit(request: Request, user: ConsoleUser, action: str, target: str | None = None, detail: str = "") -> None:
    """One row in console_audit. `detail` never holds personal data (filters, codes, states, dates)."""
    audit_as(state(request).engine, user.name, action, target, detail, client_address(request))


def audit_as(engine: Engine, name: str, action: str, target: str | None, detail: str, address: str) -> None:
    """`audit` for a name that is not (yet) a signed-in user: a failed login's typed name."""
    with engine.begin() as conn:
        conn.execute(
            t.console_audit.insert().values(
                at=utc_now(),
                user_name=printable(name)[:64],
                action=action[:32],
                target=None if target is None else printable(target)[:64],
                detail=printable(detail)[:500],
                address=address[:64],
            )
        )


def printable(text: str) -> str:
    """`text` without control or invisible formatting characters (names typed into a form)."""
    return "".join("?" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in text)


def local_time(stored: object) -> str:
    """A stored UTC time as the server's local date and minute, as pages show it; "" for none."""
    if not stored:
        return ""
    return parse(str(stored)).astimezone().strftime("%Y-%m-%d %H:%M")
