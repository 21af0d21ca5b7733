"""Offices and devices: every laptop, when it last synced, and the admin's enrolment codes and revokes.

A laptop not heard from for more than `silent_days` is flagged. An enrolment code is shown once,
as text and as a QR code, in the answer to the POST that made it; only its hash is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import func, select

from fieldapp.regions import regions
from fieldapp.timestamps import iso_utc
from sync.server import admin
from sync.server import storage as t
from sync.server.console import i18n
from sync.server.console.web import (
    ConsoleUser,
    audit,
    csrf_checked,
    language,
    local_time,
    render,
    require,
    state,
)

router = APIRouter(include_in_schema=False)  # HTML pages, not the device protocol's API
MAX_CODE_HOURS = 24 * 30  # a code from the console is for a laptop being set up this month
DEVICE_ID = r"^[0-9a-f-]{36}$"


def office_label(code: str) -> str:
    """ "Desa, Kecamatan" for a desa code (the code itself if the list does not know it)."""
    found = regions().lineage(code)
    if len(found) < 2:
        return code
    return ", ".join(region.name for region in reversed(found[-2:]))


def device_rows(request: Request) -> list[dict[str, object]]:
    """Every device with its office's name, records sent, last sync and whether it is silent."""
    console = state(request)
    devices = admin.list_devices(console.engine)
    with console.engine.connect() as conn:
        counts = dict(
            conn.execute(select(t.records.c.device_id, func.count()).group_by(t.records.c.device_id)).tuples().all()
        )
    silent_since = iso_utc(dt.datetime.now(dt.UTC) - dt.timedelta(days=console.settings.silent_days))
    for device in devices:
        seen = device.get("last_seen_at") or device["enrolled_at"]
        device["records"] = int(counts.get(device["id"], 0))
        device["office_name"] = office_label(str(device["office"]))
        device["silent"] = not device["revoked"] and str(seen) < silent_since
        device["last_seen_text"] = local_time(device.get("last_seen_at"))
        device["enrolled_text"] = local_time(device["enrolled_at"])
    devices.sort(key=lambda d: (bool(d["revoked"]), not d["silent"], str(d["office"]), str(d["name"])))
    return devices


def _devices_page(request: Request, user: ConsoleUser, status_code: int = 200, **context: object) -> HTMLResponse:
    rows = device_rows(request)
    return render(
        request,
        "devices.html",
        user,
        status_code,
        devices=rows,
        silent=sum(1 for d in rows if d["silent"]),
        silent_days=state(request).settings.silent_days,
        max_hours=MAX_CODE_HOURS,
        **context,
    )


@router.get("/console/devices", response_class=HTMLResponse)
def devices_page(
    request: Request, user: Annotated[ConsoleUser, Depends(require("viewer"))], done: str = ""
) -> Response:
    notice = i18n.t("devices.revoked_done", language(request)) if done == "revoked" else ""
    return _devices_page(request, user, notice=notice)


@router.post("/console/devices/enrol-code", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def enrol_code(
    request: Request,
    user: Annotated[ConsoleUser, Depends(require("admin"))],
    office: Annotated[str, Form(max_length=40)] = "",
    hours: Annotated[str, Form(max_length=10)] = "24",
) -> Response:
    lang = language(request)
    try:
        ttl = float(hours)
    except ValueError:
        ttl = -1.0
    if not 0 < ttl <= MAX_CODE_HOURS:
        message = i18n.t("devices.bad_hours", lang, max=MAX_CODE_HOURS)
        return _devices_page(request, user, 422, error=message, office=office, hours=hours)
    try:
        desa = admin.check_office(office.strip())
    except admin.AdminError:
        return _devices_page(request, user, 422, error=i18n.t("devices.bad_office", lang), office=office, hours=hours)
    code = admin.new_enrol_code(state(request).engine, desa, ttl)
    audit(request, user, "enrol-code", desa, f"hours={ttl:g}")
    expires = (dt.datetime.now().astimezone() + dt.timedelta(hours=ttl)).strftime("%Y-%m-%d %H:%M")
    qr = Markup(segno.make(code, error="m").svg_inline(scale=6, border=2, title=code))
    made = {"code": code, "qr": qr, "office": desa, "office_name": office_label(desa), "expires": expires}
    return _devices_page(request, user, made=made)


@router.get("/console/devices/{device_id}/revoke", response_class=HTMLResponse)
def revoke_confirm(
    request: Request,
    user: Annotated[ConsoleUser, Depends(require("admin"))],
    device_id: Annotated[str, Path(pattern=DEVICE_ID)],
) -> Response:
    found = [d for d in device_rows(request) if d["id"] == device_id]
    if not found:
        return RedirectResponse("/console/devices", status_code=303)
    return render(request, "revoke.html", user, device=found[0])


@router.post("/console/devices/{device_id}/revoke", dependencies=[Depends(csrf_checked)])
def revoke(
    request: Request,
    user: Annotated[ConsoleUser, Depends(require("admin"))],
    device_id: Annotated[str, Path(pattern=DEVICE_ID)],
) -> Response:
    try:
        admin.revoke(state(request).engine, device_id)
    except admin.AdminError:
        return RedirectResponse("/console/devices", status_code=303)
    audit(request, user, "revoke", device_id)
    return RedirectResponse("/console/devices?done=revoked", status_code=303)
