"""What a record shows about the server's answer: written by the engine, read by the app.

`note_for` keeps a verdict's details (a duplicate's office and day when it is the laptop's own
office, only "already registered" when it is another's; the rules a record broke) in a short
English form stored on the record; `describe_note` turns that form into words in
the app's language. Neither ever holds personal data. No HTTP here, so screens may import it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync import protocol

_DUPLICATE_NOTE = re.compile(r"NIK already registered by office (?P<office>[\d.]+) at (?P<at>\S+)")
_PROBLEM_NOTE = re.compile(r"(?P<field>[a-z_.]+): (?P<code>[a-z_]+)")


_ELSEWHERE = {
    "NIK already registered": (
        "This NIK is already registered at another office",
        "NIK ini sudah terdaftar di kantor lain",
    ),
    "KK already registered": (
        "This KK number already has its registrations at another office",
        "Nomor KK ini sudah memiliki pendaftaran di kantor lain",
    ),
}


def note_for(result: protocol.PushResult) -> str:
    """What the record shows about the server's answer; never personal data."""
    if result.duplicate_of is not None:
        return f"NIK already registered by office {result.duplicate_of.office} at {result.duplicate_of.registered_at}"
    if result.problems:
        return "; ".join(f"{p.field}: {p.code}" for p in result.problems)
    return result.reason or ""


def describe_note(note: str, lang: str) -> str:
    """A stored server note (written by `note_for`) in words, in `lang` ("en" or "id").

    Notes are kept as `note_for` writes them, so a record's note reads the same in the CLI's
    English; the app shows them in its language. A central operator's free-text reason is
    shown as it was written.
    """
    from fieldapp.errors import Problem
    from fieldapp.regions import regions

    if note in _ELSEWHERE:
        english, indonesian = _ELSEWHERE[note]
        return indonesian if lang == "id" else english
    duplicate = _DUPLICATE_NOTE.fullmatch(note)
    if duplicate:
        region = regions().get(duplicate["office"])
        office = f"{region.name} ({duplicate['office']})" if region else duplicate["office"]
        day = duplicate["at"][:10]
        if lang == "id":
            return f"NIK ini sudah didaftarkan oleh kantor {office} pada {day}"
        return f"This NIK was already registered by office {office} on {day}"
    parts = [_PROBLEM_NOTE.fullmatch(part.strip()) for part in note.split(";")] if note else []
    if parts and all(parts):
        return "; ".join(Problem(m["field"], m["code"]).message(lang) for m in parts if m)
    return note
