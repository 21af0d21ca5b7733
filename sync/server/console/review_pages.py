"""The dashboard, the review queue, record details and decisions, duplicates, the export, targets.

Only the record detail (a verifier, audited "view") and the export (an admin, audited "export")
show personal data; every other page shows codes, offices, times and counts. Counts come from
the tallies (queries.py); decisions go through admin.set_status, the one path a verdict takes
to the laptop that sent the record.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from fieldapp.registration import EDUCATION_LEVELS, EMPLOYMENT_STATUSES
from fieldapp.timestamps import utc_now
from sync.server import admin
from sync.server.console import queries, record_view
from sync.server.console.charts import bar_chart
from sync.server.console.reasons import REASONS, ReasonRefused, label, laptop_reason
from sync.server.console.web import ConsoleUser, audit, csrf_checked, language, local_time, render, require, state
from sync.server.tallies import RECORD_STATES
from sync.server.targets import TargetRefused, set_target

router = APIRouter(include_in_schema=False)  # HTML pages, not the device protocol's API
RECORD_ID = r"^[0-9A-Za-z-]{36}$"  # a full id only: a short start of one never names a record here
Viewer = Annotated[ConsoleUser, Depends(require("viewer"))]
Verifier = Annotated[ConsoleUser, Depends(require("verifier"))]
Admin = Annotated[ConsoleUser, Depends(require("admin"))]
Text = Annotated[str, Form(max_length=1000)]


def _filter(state_: str, region: str, day_from: str, day_to: str) -> tuple[queries.QueueFilter, str]:
    """The filter from GET parameters, or no filter and the key of what was wrong with it."""
    try:
        return queries.QueueFilter.parse(state_, region, day_from, day_to), ""
    except queries.FilterRefused as refused:
        return queries.QueueFilter(), refused.key


@router.get("/console/", response_class=HTMLResponse)
def dashboard_page(request: Request, user: Viewer, region: str = "") -> Response:
    error = ""
    try:
        region = queries.check_region(region)
    except queries.FilterRefused as refused:
        region, error = "", refused.key
    if len(region) not in (0, 5, 8):  # a desa is one office: its records are in the queue
        return RedirectResponse("/console/review?" + urlencode({"region": region}), status_code=303)
    with state(request).engine.connect() as conn:
        board = queries.dashboard(conn, region)
    return render(
        request,
        "dashboard.html",
        user,
        board=board,
        chart=bar_chart(board.days),
        error=error,
        states=RECORD_STATES,
        notice=request.query_params.get("done", ""),
    )


@router.get("/console/review", response_class=HTMLResponse)
def review_page(request: Request, user: Viewer, region: str = "", after: str = "", before: str = "") -> Response:
    """The queue; `state`, `from` and `to` are read from the query (`from` is a Python word)."""
    params = request.query_params
    where, error = _filter(params.get("state", ""), region, params.get("from", ""), params.get("to", ""))
    with state(request).engine.connect() as conn:
        try:
            page = queries.queue_page(conn, where, after=after, before=before)
        except queries.FilterRefused as refused:
            page, error = queries.queue_page(conn, where), refused.key
    base = where.params()
    return render(
        request,
        "review.html",
        user,
        where=where,
        page=page,
        error=error,
        states=RECORD_STATES,
        given={"state": params.get("state", ""), "region": region, "from": params.get("from", "")}
        | {"to": params.get("to", "")},
        first_link="/console/review?" + urlencode(base),
        next_link=("/console/review?" + urlencode(base | {"after": page.next_after})) if page.next_after else "",
        prev_link=("/console/review?" + urlencode(base | {"before": page.prev_before})) if page.prev_before else "",
        reason_label=lambda code: label(code, language(request)),
        when=local_time,
    )


def _detail_page(
    request: Request, user: ConsoleUser, record_id: str, status_code: int = 200, **extra: object
) -> Response:
    console = state(request)
    with console.engine.connect() as conn:
        detail = record_view.record_detail(conn, console.keys, record_id)
    if detail is None:
        return render(request, "refused.html", user, 404, message_key="record.not_found")
    audit(request, user, "view", detail.id, f"version={detail.version}")
    lang = language(request)
    return render(
        request,
        "record.html",
        user,
        status_code,
        r=detail,
        record=detail.record,
        reasons=[(code, pair[1] if lang == "en" else pair[0]) for code, pair in REASONS.items()],
        reason_label=lambda code: label(code, lang),
        place=queries.place,
        when=local_time,
        education=EDUCATION_LEVELS,
        employment=EMPLOYMENT_STATUSES,
        **extra,
    )


@router.get("/console/records/{record_id}", response_class=HTMLResponse)
def record_page(
    request: Request, user: Verifier, record_id: Annotated[str, Path(pattern=RECORD_ID)], done: str = ""
) -> Response:
    return _detail_page(request, user, record_id, notice=done)


@router.post("/console/records/{record_id}/decision", dependencies=[Depends(csrf_checked)])
def decide(
    request: Request,
    user: Verifier,
    record_id: Annotated[str, Path(pattern=RECORD_ID)],
    decision: Annotated[str, Form(max_length=16)] = "",
    version: Annotated[int | None, Form(ge=1)] = None,
    reason_code: Annotated[str, Form(max_length=32)] = "",
    reason_text: Text = "",
) -> Response:
    """Verify, or reject with a reason; the laptop hears it at its next pull. A record that
    changed since the verifier opened it is not decided: they see the new version first."""
    if version is None:  # the form always sends the version it shows: this POST was not made by it
        return render(request, "refused.html", user, 400, message_key="error.bad_request")
    try:
        if decision == "verified":
            reason, code = None, None
        elif decision == "rejected":
            reason, code = laptop_reason(reason_code, reason_text), reason_code
        else:
            raise ReasonRefused("decision.error.choose")
        record_id = admin.set_status(
            state(request).engine,
            record_id,
            decision,
            reason,
            reason_code=code,
            decided_by=user.name,
            version=version,
            exact=True,
        )
    except ReasonRefused as refused:
        return _detail_page(request, user, record_id, 422, error=refused.key, typed=reason_text, chosen=reason_code)
    except admin.VersionChanged:
        return _detail_page(request, user, record_id, 409, error="decision.error.changed")
    except admin.AdminError:
        return render(request, "refused.html", user, 404, message_key="record.not_found")
    audit(request, user, "decision", record_id, f"status={decision} version={version} reason={code or ''}")
    return RedirectResponse(f"/console/records/{record_id}?done={decision}", status_code=303)


@router.get("/console/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, user: Viewer, region: str = "", after: int | None = None) -> Response:
    error = ""
    try:
        region = queries.check_region(region)
    except queries.FilterRefused as refused:
        region, error = "", refused.key
    with state(request).engine.connect() as conn:
        pairs, more = queries.duplicates_page(conn, region, after)
        total = queries.duplicate_total(conn, region)
    base = {"region": region} if region else {}
    return render(
        request,
        "duplicates.html",
        user,
        pairs=pairs,
        total=total,
        region=region,
        error=error,
        first_link="/console/duplicates?" + urlencode(base),
        next_link=("/console/duplicates?" + urlencode(base | {"after": more})) if more else "",
        when=local_time,
        paged=after is not None,
    )


@router.get("/console/export", response_class=HTMLResponse)
def export_form(request: Request, user: Admin) -> Response:
    return render(request, "export.html", user, states=RECORD_STATES, error="", given={})


@router.post("/console/export", dependencies=[Depends(csrf_checked)])
def export(
    request: Request,
    user: Admin,
    state_: Annotated[str, Form(alias="state", max_length=16)] = "",
    region: Annotated[str, Form(max_length=20)] = "",
    day_from: Annotated[str, Form(alias="from", max_length=10)] = "",
    day_to: Annotated[str, Form(alias="to", max_length=10)] = "",
) -> Response:
    """The filter's records as CSV, decrypted and streamed; audited with the filter and count."""
    try:
        where = queries.QueueFilter.parse(state_, region, day_from, day_to)
    except queries.FilterRefused as refused:
        given = {"state": state_, "region": region, "from": day_from, "to": day_to}
        return render(request, "export.html", user, 422, states=RECORD_STATES, error=refused.key, given=given)
    console = state(request)
    with console.engine.connect() as conn:
        total = queries.count(conn, where)
    audit(request, user, "export", None, f"{where.describe()} count={total}")
    name = f"prakerja-{utc_now()[:10]}.csv"
    return StreamingResponse(
        record_view.export_csv(console.engine, console.keys, where),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/console/targets", dependencies=[Depends(csrf_checked)])
def targets(
    request: Request,
    user: Admin,
    kabupaten: Annotated[str, Form(max_length=20)] = "",
    target: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        count = int(target.strip().replace(".", "").replace(",", ""))
        code = set_target(state(request).engine, kabupaten, count)
    except (ValueError, TargetRefused):
        with state(request).engine.connect() as conn:
            board = queries.dashboard(conn)
        return render(
            request,
            "dashboard.html",
            user,
            422,
            board=board,
            chart=bar_chart(board.days),
            error="target.error",
            states=RECORD_STATES,
            notice="",
        )
    audit(request, user, "target", code, f"target={count}")
    return RedirectResponse("/console/?done=target", status_code=303)
