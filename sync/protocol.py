"""The sync wire protocol, version 1: the schema both the laptop and the server import.

JSON over HTTPS under `/v1/`, request and response bodies gzip-compressed, errors as RFC 9457
problem+json. Every push is idempotent on (record id, version, content hash), so a client that
did not hear an answer simply sends the same thing again. See docs/protocol.md.

`PROTOCOL_VERSION` is the revision of v1 a server speaks (`/v1/health` says it). A revision only
adds optional request fields, so a server serves older laptops unchanged; a laptop sends a
revision's fields only to a server that says it speaks it, since unknown fields are refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

PROTOCOL_VERSION = 4
STORE_IDENTITY_REVISION = 2  # /v1/enroll takes office, store_id, store_proof, previous_token
VERSIONED_VERDICTS_REVISION = 3  # /v1/pull?revision=3: each status change names its version
AUDIT_ANCHOR_REVISION = 4  # /v1/audit-anchor: the laptop's audit-chain head, kept and checked
MAX_AUDIT_SEQ = 2**62  # audit entries are numbered 1..n; a 64-bit signed column holds any real n
PREFIX = "/v1"
MAX_BATCH_RECORDS = 500
MAX_BODY_BYTES = 4 * 1024 * 1024  # after decompression; a 500-record batch is about 400 kB
PROBLEM_TYPE_BASE = "https://fieldapp.invalid/problems/"

RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
ContentHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
AuditMac = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
AuditSeq = Annotated[int, Field(ge=0, le=MAX_AUDIT_SEQ)]
DesaCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")]
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})", re.ASCII)
MAX_UTC_OFFSET = dt.timedelta(hours=14)  # the widest real time zone (UTC+14, Kiribati)


def utc_timestamp(value: str) -> str:
    """A real ISO-8601 time with a zone, given back in the server's own UTC form.

    Strict because the time is judged (a registration's day) and stored: a year-1 time with a
    +23:59 offset once overflowed into a 500, and a string of the device's choosing must never
    be repeated to anyone else, so what is kept is only what the server wrote from the parse.
    """
    if not _TIMESTAMP.fullmatch(value):
        raise ValueError("is not an ISO-8601 time with a zone, as 2026-11-28T03:00:00.000Z")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("is not a real date and time") from None
    offset = moment.utcoffset()
    if offset is None or abs(offset) > MAX_UTC_OFFSET:
        raise ValueError("has a time-zone offset beyond 14 hours")
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("falls outside the years 1-9999 in UTC") from None
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


Timestamp = Annotated[str, StringConstraints(min_length=20, max_length=40), AfterValidator(utc_timestamp)]


def _printable(value: str) -> str:
    """Refuse control, bidi, zero-width and undecodable characters: names end up on terminals."""
    if not value.isprintable():
        raise ValueError("holds control or invisible characters")
    return value


PrintableText = AfterValidator(_printable)

# The whole of what a device hears about another office's registration (issue 8): no office,
# no time, no count. A duplicate within the device's own office names the first record's
# office and time in `duplicate_of` instead.
NIK_ELSEWHERE = "NIK already registered"
KK_ELSEWHERE = "KK already registered"

AnchorOutcome = Literal["ok", "restore_accepted", "rolled_back", "forked"]
PushOutcome = Literal["accepted", "already_have", "duplicate", "conflict", "stale", "rejected"]
ServerStatus = Literal["verified", "rejected"]


class _Strict(BaseModel):
    """Unknown fields are refused on the wire, as they are in the CLI."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def content_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON: what (id, version, hash) idempotency compares."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Health(_Strict):
    status: Literal["ok"]
    protocol: int
    server_time: str


class EnrollRequest(_Strict):
    """A one-time code, and (revision 2) who is asking: the laptop's office and its store.

    `office` is the laptop's desa code, or "" when it has none yet (it takes the code's). The
    store is named by `store_id` and proven by `store_proof`, a secret derived from the store's
    key, so reading a laptop's data folder is not enough to speak for its store.
    `previous_token` is the device token the laptop held before (even a revoked one): it lets
    the server join a device enrolled by an older fieldapp to the store.
    """

    code: Annotated[str, StringConstraints(min_length=8, max_length=64), PrintableText]
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=100), PrintableText]
    office: DesaCode | Literal[""] | None = None
    store_id: RecordId | None = None
    store_proof: ContentHash | None = None
    previous_token: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None

    @model_validator(mode="after")
    def _store_named_and_proven(self) -> EnrollRequest:
        if (self.store_id is None) != (self.store_proof is None):
            raise ValueError("store_id and store_proof come together")
        return self


class EnrollResponse(_Strict):
    device_id: str
    token: str
    office: str


class RecordEnvelope(_Strict):
    """One record version as the laptop sends it; `record` is the CLI's JSON shape."""

    id: RecordId
    version: Annotated[int, Field(ge=1)]
    content_hash: ContentHash
    created_at: Timestamp
    updated_at: Timestamp
    operator: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    record: dict[str, Any]


class PushRequest(_Strict):
    records: Annotated[list[RecordEnvelope], Field(min_length=1, max_length=MAX_BATCH_RECORDS)]


class FieldProblem(_Strict):
    field: str
    code: str
    message: str


class DuplicateOf(_Strict):
    office: str
    registered_at: str


class PushResult(_Strict):
    id: str
    version: int
    outcome: PushOutcome
    reason: str | None = None
    problems: list[FieldProblem] = []
    duplicate_of: DuplicateOf | None = None


class PushResponse(_Strict):
    results: list[PushResult]


class StatusChange(_Strict):
    """A central decision on one version of a record (`version`, since revision 3).

    The server names the version only to a laptop that asked with `revision` >= 3: an older
    laptop refuses unknown fields. A laptop applies a change with a version only while its
    record is still at that version, so a verdict never lands on an edit it did not judge.
    """

    id: str
    status: ServerStatus
    reason: str | None = None
    changed_at: str
    version: Annotated[int, Field(ge=1)] | None = None


class PullResponse(_Strict):
    changes: list[StatusChange]
    cursor: int
    more: bool


class AnchorHeld(_Strict):
    """`GET /v1/audit-anchor`: the sequence number of the head the server holds for this store (0: none).

    Only the number: the laptop proves it still has that entry by sending its MAC, which the
    server never gives out.
    """

    seq: AuditSeq


class AnchorRequest(_Strict):
    """`POST /v1/audit-anchor` (revision 4): the laptop's audit-chain head, and proof of the one before.

    `seq`/`head` are the chain's last entry and its MAC; `known_seq` is what `GET` answered and
    `known_head` the laptop's own MAC of that entry (None when it has no such entry, or when
    `known_seq` is 0). `restored` says a supervisor declared a backup restore.
    """

    seq: Annotated[int, Field(ge=1, le=MAX_AUDIT_SEQ)]
    head: AuditMac
    known_seq: AuditSeq
    known_head: AuditMac | None = None
    restored: bool = False


class AnchorAnswer(_Strict):
    """What the server made of the head: `ok`, `restore_accepted`, `rolled_back` or `forked`.

    `seq` is the sequence number the server held before this request (0: none).
    """

    outcome: AnchorOutcome
    seq: AuditSeq


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
