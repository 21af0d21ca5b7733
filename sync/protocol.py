"""The sync wire protocol, version 1: the schema both the laptop and the server import.

JSON over HTTPS under `/v1/`, request and response bodies gzip-compressed, errors as RFC 9457
problem+json. Every push is idempotent on (record id, version, content hash), so a client that
did not hear an answer simply sends the same thing again. See docs/protocol.md.

`PROTOCOL_VERSION` is the revision of v1 a server speaks (`/v1/health` says it). A revision only
adds optional request fields, so a server serves older laptops unchanged; a laptop sends a
revision's fields only to a server that says it speaks it, since unknown fields are refused.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

PROTOCOL_VERSION = 2
STORE_IDENTITY_REVISION = 2  # /v1/enroll takes office, store_id, store_proof, previous_token
PREFIX = "/v1"
MAX_BATCH_RECORDS = 500
MAX_BODY_BYTES = 4 * 1024 * 1024  # after decompression; a 500-record batch is about 400 kB
PROBLEM_TYPE_BASE = "https://fieldapp.invalid/problems/"

RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
ContentHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
DesaCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")]
Timestamp = Annotated[str, StringConstraints(min_length=20, max_length=40)]


def _printable(value: str) -> str:
    """Refuse control, bidi, zero-width and undecodable characters: names end up on terminals."""
    if not value.isprintable():
        raise ValueError("holds control or invisible characters")
    return value


PrintableText = AfterValidator(_printable)

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
    id: str
    status: ServerStatus
    reason: str | None = None
    changed_at: str


class PullResponse(_Strict):
    changes: list[StatusChange]
    cursor: int
    more: bool


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
