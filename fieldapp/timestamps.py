"""Stored times: UTC, ISO 8601 with milliseconds and a Z, so they sort as text.

One place for the format, shared by the laptop's store and the central server.
"""

from __future__ import annotations

import datetime as dt


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> str:
    return iso_utc(dt.datetime.now(dt.UTC))


def parse(timestamp: str) -> dt.datetime:
    """A stored time back as an aware datetime (a time without a zone is taken as UTC)."""
    moment = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def local_day(timestamp: str) -> dt.date:
    """The laptop's calendar day of a stored UTC time: the day a registration was made."""
    return parse(timestamp).astimezone().date()
