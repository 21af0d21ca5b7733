"""Signing in and out, the language switch, and the admin's pages about people: users and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from fieldapp.timestamps import parse
from sync.server import storage as t
from sync.server.console import accounts, i18n
from sync.server.console.web import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleUser,
    audit,
    audit_as,
    client_address,
    csrf_checked,
    current_session,
    local_time,
    render,
    require,
    safe_next,
    set_cookie,
    state,
)

router = APIRouter(include_in_schema=False)  # HTML pages, not the device protocol's API
AUDIT_PAGE = 50
LANG_SECONDS = 365 * 24 * 3600


@router.get("/console/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> Response:
    session = current_session(request)
    if session is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, safe_next(next))


def _login_form(
    request: Request, next_path: str, message: str = "", name: str = "", status_code: int = 200
) -> HTMLResponse:
    settings = state(request).settings
    return render(
        request,
        "login.html",
        None,
        status_code,
        next=next_path,
        message=message,
        kind="error",
        name=name,
        max_failures=settings.max_failures,
        lockout_minutes=settings.lockout_minutes,
    )


UNKNOWN_NAME = "(nama tidak dikenal)"


@router.post("/console/login", dependencies=[Depends(csrf_checked)])
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    console = state(request)
    target = safe_next(next)
    address = client_address(request)
    wait = console.login_limiter.take(address)
    if wait > 0:  # many sign-ins from one address: refused before any password is checked
        response = _login_form(request, target, i18n.t("login.slow_down", _lang(request)), username[:64], 429)
        response.headers["Retry-After"] = str(max(1, round(wait)))
        return response
    result = await run_in_threadpool(console.guard.attempt, username, password)
    if result.outcome == "ok":
        token = await run_in_threadpool(accounts.create_session, console.engine, result.name, console.settings)
        await run_in_threadpool(audit_as, console.engine, result.name, "login", None, "", address)
        response = RedirectResponse(target, status_code=303)
        set_cookie(request, response, SESSION_COOKIE, token, max_age=None)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
        return response
    lang = _lang(request)
    if result.outcome == "locked":
        action = "lockout" if result.just_locked else "login-locked"
        until = parse(str(result.until)).astimezone().strftime("%H:%M")
        message = i18n.t("login.locked", lang, minutes=console.settings.lockout_minutes, until=until)
    else:
        action, message = "login-failed", i18n.t("login.wrong", lang)
    # A name no account has is not written down: it may be a password typed into the wrong box.
    who = result.name if result.known else UNKNOWN_NAME
    await run_in_threadpool(audit_as, console.engine, who, action, None, "", address)
    return _login_form(request, target, message, username[:64], status_code=401)


def _lang(request: Request) -> str:
    wanted = request.cookies.get(LANG_COOKIE, "")
    return wanted if wanted in i18n.LANGUAGES else i18n.DEFAULT


@router.post("/console/logout", dependencies=[Depends(csrf_checked)])
def logout(request: Request, user: Annotated[ConsoleUser, Depends(require("viewer"))]) -> Response:
    session = current_session(request)
    if session is not None:
        accounts.end_session(state(request).engine, session.token)
    audit(request, user, "logout")
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


@router.post("/console/lang", dependencies=[Depends(csrf_checked)])
def choose_language(
    request: Request,
    lang: Annotated[str, Form(max_length=8)] = i18n.DEFAULT,
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    target = next if next == "/console/login" else safe_next(next)
    response = RedirectResponse(target, status_code=303)
    if lang in i18n.LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=LANG_SECONDS)
    return response


@router.get("/console/users", response_class=HTMLResponse)
def users_page(request: Request, user: Annotated[ConsoleUser, Depends(require("admin"))]) -> Response:
    found = accounts.list_users(state(request).engine)
    for account in found:
        account["locked_text"] = local_time(account["locked_until"])
        account["created_text"] = local_time(account["created_at"])
        account["last_login_text"] = local_time(account["last_login_at"])
    return render(request, "users.html", user, users=found)


@router.get("/console/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: Annotated[ConsoleUser, Depends(require("admin"))],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    log = t.console_audit
    with state(request).engine.connect() as conn:
        rows = conn.execute(
            select(log).order_by(log.c.seq.desc()).limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE)
        ).all()
    entries = [dict(row._mapping) | {"at_text": local_time(row.at)} for row in rows[:AUDIT_PAGE]]
    return render(request, "audit.html", user, entries=entries, page=page, has_next=len(rows) > AUDIT_PAGE)
