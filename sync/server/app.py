"""The FastAPI application: protocol v1 over HTTP, errors as problem+json, never a 500 for bad input.

Request bodies may be gzip-compressed and are bounded (413) before and after decompression;
devices authenticate with a bearer token whose hash the server keeps; each device is rate
limited; every request is logged as one JSON line without any body or personal data.

Who asks is settled before a body is read (`AuthGate`): a request without a live device token
costs one hash and one indexed lookup, never an inflation or a parse, and an address that keeps
failing is slowed down (429) before even that.
"""

import datetime as dt
import json
import logging
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.logs import log_crash
from sync import protocol
from sync.server import admin
from sync.server.anchors import AnchorMoved, Anchors
from sync.server.console import mount as mount_console
from sync.server.console.web import ConsoleSettings, is_console_path
from sync.server.console.web import error_page as console_error_page
from sync.server.ingest import Device, Ingest
from sync.server.keys import ServerKeys
from sync.server.lastseen import LastSeen
from sync.server.ratelimit import RateLimiter

access_log = logging.getLogger("fieldapp.server.access")
PROBLEM_JSON = "application/problem+json"
MAX_CURSOR = 2**62  # cursors are database row numbers: 64-bit signed integers in SQLite and PostgreSQL
ANCHOR_PATH = protocol.PREFIX + "/audit-anchor"
DEVICE_PATHS = frozenset({protocol.PREFIX + "/push", protocol.PREFIX + "/pull", ANCHOR_PATH})
ENROL_PATH = protocol.PREFIX + "/enroll"


class ProblemError(Exception):
    def __init__(
        self, status: int, kind: str, title: str, detail: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(title)
        self.status, self.kind, self.title, self.detail, self.headers = status, kind, title, detail, headers


def problem_response(
    status: int, kind: str, title: str, detail: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = protocol.Problem(type=protocol.PROBLEM_TYPE_BASE + kind, title=title, status=status, detail=detail)
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def create_app(
    engine: Engine,
    keys: ServerKeys,
    *,
    requests_per_second: float = 20.0,
    burst: int = 40,
    max_body_bytes: int = protocol.MAX_BODY_BYTES,
    enrolments_per_second: float = 1.0,
    failures_per_second: float = 5.0,
    failure_burst: int = 30,
    console: ConsoleSettings | None = None,
) -> FastAPI:
    app = FastAPI(
        title="fieldapp central server", version=str(protocol.PROTOCOL_VERSION), docs_url=None, redoc_url=None
    )
    ingest = Ingest(engine, keys)
    anchors = Anchors(engine)
    device_limiter = RateLimiter(requests_per_second, burst)
    enrol_limiter = RateLimiter(enrolments_per_second, max(10, int(enrolments_per_second * 2)))
    _install_error_handlers(app)

    def current_device(request: Request) -> Device:
        """The device `AuthGate` found for this request's token, before the body was read."""
        device = request.state.device if hasattr(request.state, "device") else None
        if not isinstance(device, Device):  # unreachable: the gate guards every device path
            raise ProblemError(401, "unauthenticated", "a device token is required", headers=_BEARER)
        return device

    @app.get(protocol.PREFIX + "/health", response_model=protocol.Health)
    def health() -> protocol.Health:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        return protocol.Health(status="ok", protocol=protocol.PROTOCOL_VERSION, server_time=now)

    @app.post(protocol.PREFIX + "/enroll", response_model=protocol.EnrollResponse)
    def enroll(body: protocol.EnrollRequest, request: Request) -> protocol.EnrollResponse:
        try:
            enrolled = admin.enrol(engine, body.code, body.device_name, _claim(body))
        except admin.OfficeMismatch as exc:
            raise ProblemError(409, "office-mismatch", "the code is for another office", str(exc)) from None
        except admin.StoreMismatch as exc:
            raise ProblemError(403, "store-mismatch", str(exc)) from None
        except admin.AdminError as exc:
            raise ProblemError(403, "invalid-code", str(exc)) from None
        request.state.device_id = enrolled.device_id
        return protocol.EnrollResponse(device_id=enrolled.device_id, token=enrolled.token, office=enrolled.office)

    @app.post(protocol.PREFIX + "/push", response_model=protocol.PushResponse)
    def push(body: protocol.PushRequest, device: Annotated[Device, Depends(current_device)]) -> Response:
        if len({(e.id, e.version) for e in body.records}) != len(body.records):
            raise ProblemError(422, "invalid-batch", "a record version appears twice in the batch")
        for envelope in body.records:
            if protocol.content_hash(envelope.record) != envelope.content_hash:
                raise ProblemError(400, "corrupt-body", "a record does not match its content hash")
        answer = protocol.PushResponse(results=ingest.push(device, list(body.records)))
        # Serialised by pydantic-core directly: FastAPI would validate and re-encode the
        # 500 results once more, a tenth of the whole request's time.
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.get(protocol.PREFIX + "/pull", response_model=protocol.PullResponse)
    def pull(
        device: Annotated[Device, Depends(current_device)],
        cursor: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
        revision: Annotated[int, Query(ge=1, le=1000)] = 1,
    ) -> Response:
        changes, next_cursor, more = admin.changes_since(engine, device, cursor, limit)
        page = protocol.PullResponse(
            changes=[protocol.StatusChange(**c) for c in changes], cursor=next_cursor, more=more
        )
        # A laptop older than revision 3 refuses unknown fields: it never sees `version`.
        hidden = None if revision >= protocol.VERSIONED_VERDICTS_REVISION else {"changes": {"__all__": {"version"}}}
        return Response(page.model_dump_json(exclude=hidden), media_type="application/json")

    @app.get(ANCHOR_PATH, response_model=protocol.AnchorHeld)
    def anchor_held(device: Annotated[Device, Depends(current_device)]) -> protocol.AnchorHeld:
        return protocol.AnchorHeld(seq=anchors.held(device))

    @app.post(ANCHOR_PATH, response_model=protocol.AnchorAnswer)
    def anchor(
        body: protocol.AnchorRequest, device: Annotated[Device, Depends(current_device)]
    ) -> protocol.AnchorAnswer:
        try:
            anchored = anchors.anchor(device, body)
        except AnchorMoved as exc:
            raise ProblemError(
                409, "anchor-moved", "the audit anchor changed since it was read; read it again", str(exc)
            ) from None
        return protocol.AnchorAnswer(outcome=anchored.outcome, seq=anchored.held_before)

    # The central console (/console/): its pages, static files and security headers.
    mount_console(app, engine, keys, console or ConsoleSettings())
    app.add_middleware(BodyGate, max_bytes=max_body_bytes)
    gate = _Gatekeeper(engine, device_limiter, enrol_limiter, RateLimiter(failures_per_second, failure_burst))
    app.add_middleware(AuthGate, gatekeeper=gate)  # outside BodyGate: runs before any body is read
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(AccessLog)
    return app


def _claim(body: protocol.EnrollRequest) -> admin.StoreClaim | None:
    """Who asks, when the laptop says (revision 2); None for an older laptop's request."""
    if body.office is None and body.store_id is None:
        return None
    return admin.StoreClaim(body.office or "", body.store_id, body.store_proof or "", body.previous_token)


_BEARER = {"WWW-Authenticate": "Bearer"}


def _slow_down(wait: float) -> ProblemError:
    return ProblemError(
        429, "rate-limited", "too many requests; slow down", headers={"Retry-After": str(max(1, round(wait)))}
    )


def _limit(limiter: RateLimiter, key: str) -> None:
    wait = limiter.take(key)
    if wait > 0:
        raise _slow_down(wait)


class _Gatekeeper:
    """Decides from the headers alone whether a request may go on to have its body read.

    Device paths need a live token (the device is then rate limited); an address whose tokens
    keep failing is refused before the lookup. Enrolment is rate limited per address.
    """

    def __init__(self, engine: Engine, devices: RateLimiter, enrolments: RateLimiter, failures: RateLimiter) -> None:
        self.engine = engine
        self.devices = devices
        self.enrolments = enrolments
        self.failures = failures
        self.last_seen = LastSeen(engine)

    def admit(self, path: str, address: str, authorization: str) -> Device | None:
        """The device asking (None for enrolment), or a `ProblemError` to answer instead."""
        if path == ENROL_PATH:
            _limit(self.enrolments, address)
            return None
        wait = self.failures.wait(address)
        if wait > 0:
            raise _slow_down(wait)
        try:
            device = self._device(authorization)
        except ProblemError:
            self.failures.take(address)
            raise
        _limit(self.devices, device.id)
        self.last_seen.touch(device.id)
        return device

    def _device(self, authorization: str) -> Device:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ProblemError(401, "unauthenticated", "a device token is required", headers=_BEARER)
        found = admin.device_for_token(self.engine, token.strip())
        if found.device is None:
            raise ProblemError(401, "unauthenticated", "unknown device token", headers=_BEARER)
        if found.revoked:
            raise ProblemError(401, "device-revoked", "this device was revoked", headers=_BEARER)
        return found.device


class AuthGate:
    """Settle who asks on /push, /pull, /audit-anchor and /enroll before the body is read, inflated or parsed."""

    def __init__(self, app: ASGIApp, gatekeeper: _Gatekeeper) -> None:
        self.app = app
        self.gatekeeper = gatekeeper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path not in DEVICE_PATHS and path != ENROL_PATH:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = scope.get("client")
        address = client[0] if client else "unknown"
        try:
            device = await run_in_threadpool(self.gatekeeper.admit, path, address, headers.get("authorization", ""))
        except ProblemError as exc:
            await problem_response(exc.status, exc.kind, exc.title, exc.detail, exc.headers)(scope, receive, send)
            return
        if device is not None:
            state = scope.setdefault("state", {})
            state["device"] = device
            state["device_id"] = device.id
        await self.app(scope, receive, send)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def on_problem(_request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.kind, exc.title, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_console_path(request.url.path):  # a person's browser: an HTML page, not a JSON problem
            return await run_in_threadpool(console_error_page, request, 400)
        errors = exc.errors()
        if any(error.get("type") == "json_invalid" for error in errors):
            return problem_response(400, "malformed-json", "the body is not valid JSON")
        # loc and msg only: pydantic's "input" would echo the (personal) data sent
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors[:20])
        return problem_response(422, "invalid-body", "the body does not match the protocol", detail[:2000])

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        if is_console_path(request.url.path) and exc.status_code in (400, 404, 405, 422):
            status = 400 if exc.status_code == 422 else exc.status_code
            return await run_in_threadpool(console_error_page, request, status)
        return problem_response(exc.status_code, "http-" + str(exc.status_code), str(exc.detail))

    @app.exception_handler(Exception)
    async def on_bug(_request: Request, exc: Exception) -> JSONResponse:
        log_crash(exc)
        return problem_response(500, "internal", "internal server error")


class BodyGate:
    """Bound the body's size (413), undo Content-Encoding: gzip, refuse other encodings (415)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = await self._read(headers, receive)
        if isinstance(refusal, JSONResponse):
            await refusal(scope, receive, send)
            return
        body = refusal
        scope = dict(scope)
        scope["headers"] = [
            (k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")
        ]
        scope["headers"].append((b"content-length", str(len(body)).encode()))
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, headers: dict[str, str], receive: Receive) -> bytes | JSONResponse:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return _too_large(self.max_bytes)
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return _too_large(self.max_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity"):
            return raw
        if encoding != "gzip":
            return problem_response(415, "unsupported-encoding", "only gzip bodies are accepted")
        return self._gunzip(raw)

    def _gunzip(self, raw: bytes) -> bytes | JSONResponse:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(raw, self.max_bytes + 1)
            if len(body) > self.max_bytes or inflater.unconsumed_tail:
                return _too_large(self.max_bytes)
            body += inflater.flush()
        except zlib.error:
            return problem_response(400, "corrupt-body", "the gzip body is damaged")
        if not inflater.eof or inflater.unused_data:
            return problem_response(400, "corrupt-body", "the gzip body is incomplete or has trailing data")
        return body


def _too_large(limit: int) -> JSONResponse:
    return problem_response(413, "too-large", f"the body is larger than {limit} bytes; send fewer records")


def _replay(body: bytes, original: Receive) -> Callable[[], Awaitable[Message]]:
    """The body already read, then the real channel: a streamed answer (the console's CSV
    export) listens for the client's disconnect, which must not be invented at once."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class AccessLog:
    """One JSON line per request: method, path, status, time, sizes, device. No bodies, no queries' data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "bytes_out": 0}
        state = scope.setdefault("state", {})  # shared with the request, which records the device

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes_out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            access_log.info(
                json.dumps(
                    {
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": seen["status"],
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "bytes_out": seen["bytes_out"],
                        "device": state.get("device_id"),
                    }
                )
            )
