"""The central console: web pages under /console/ for the kabupaten team, served by the sync server.

`mount()` adds its routes, its static files and its security headers to the server's app; the
same process and database serve the laptops and the console.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server.console import accounts_pages, device_pages, review_pages
from sync.server.console.web import (
    SECURITY_HEADERS,
    ConsoleSettings,
    ConsoleState,
    LoginNeeded,
    Refused,
    login_url,
    render,
)
from sync.server.keys import ServerKeys

PREFIX = "/console"
STATIC = Path(__file__).with_name("static")


def mount(app: FastAPI, engine: Engine, keys: ServerKeys, settings: ConsoleSettings) -> None:
    """Serve the console from `app`: its pages, /console/static, and its exception pages."""
    app.state.console = ConsoleState(engine, keys, settings)
    app.include_router(accounts_pages.router)
    app.include_router(device_pages.router)
    app.include_router(review_pages.router)
    app.mount(PREFIX + "/static", StaticFiles(directory=STATIC), name="console-static")

    @app.exception_handler(LoginNeeded)
    async def on_login_needed(_request: Request, exc: LoginNeeded) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(Refused)
    async def on_refused(request: Request, exc: Refused) -> Response:
        return render(request, "refused.html", exc.user, 403, message_key=exc.message_key)

    app.add_middleware(ConsoleHeaders)


class ConsoleHeaders:
    """Every answer under /console carries the security headers (CSP, no framing, no caching).

    HEAD on a console page is answered as its GET without the body (the routes are GET-only,
    which would answer HEAD 405): link checkers and uptime monitors use HEAD.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            await self.app(scope, receive, send)
            return

        head = scope.get("method") == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in self.headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self.headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, with_headers)
