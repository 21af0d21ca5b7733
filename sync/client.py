"""The laptop's HTTP client for protocol v1: gzip bodies, bearer token, verified TLS.

Every failure becomes one of `sync.errors`, so the engine decides what to retry without
knowing HTTP. Plain HTTP is allowed only to a loopback address (development and tests).
"""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pydantic
import requests

from fieldapp.addresses import is_loopback
from fieldapp.errors import UsageError
from sync import protocol
from sync.errors import (
    AnchorMoved,
    BatchTooLarge,
    CertificateUnverified,
    InsecureServer,
    NotEnrolled,
    OfficeMismatch,
    ServerRefused,
    Transient,
    Unreachable,
)

if TYPE_CHECKING:
    from fieldapp.store_sync import StoreIdentity

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
USER_AGENT = "fieldapp-sync/1"
MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # after decompression; a full pull page is well under 1 MB
MAX_PULL_PAGES = 1000  # pages in a row with `more` (500,000 changes); a server that never ends is refused
_CHUNK_BYTES = 64 * 1024


def check_server_url(url: str) -> str:
    """The URL without a trailing slash; HTTPS, or HTTP only to this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InsecureServer(f"not a server URL: {url!r}", f"bukan alamat server: {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureServer(
            "plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https",
            "http biasa hanya boleh ke mesin ini (127.0.0.1, ::1, localhost); gunakan https",
        )
    return url.rstrip("/")


class SyncClient:
    """One server, one device token; `verify` is True or the path of a pinned CA bundle."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        ca_file: str | None = None,
        read_timeout: float = READ_TIMEOUT_S,
    ) -> None:
        self.base = check_server_url(server_url)
        self._session = requests.Session()
        self._verify: str = ca_file or _default_trust()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"
        self._timeout = (CONNECT_TIMEOUT_S, read_timeout)
        self.bytes_sent = 0
        self._pages_in_a_row = 0

    def close(self) -> None:
        self._session.close()

    def health(self) -> protocol.Health:
        return self._call("GET", "/health", None, protocol.Health)

    def enroll(self, code: str, device_name: str, identity: StoreIdentity | None = None) -> protocol.EnrollResponse:
        """Spend a code; with `identity`, say which office and store ask (to a server that listens).

        A server older than revision 2 would refuse the identity's fields as unknown, so they go
        only to a server whose health says it takes them; an older one enrols as it always did.
        """
        fields: dict[str, Any] = {"code": code, "device_name": device_name}
        if identity is not None and self.health().protocol >= protocol.STORE_IDENTITY_REVISION:
            fields["office"] = identity.office
            if identity.store_id:
                fields.update(
                    store_id=identity.store_id,
                    store_proof=identity.proof,
                    previous_token=identity.previous_token or None,
                )
        try:
            body = protocol.EnrollRequest(**fields)
        except pydantic.ValidationError as exc:  # named by field, never by value (a code is a secret)
            names = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
            raise UsageError(
                f"not valid for enrolment: {', '.join(names)} (a code is 16 letters in groups; "
                "a laptop name is 1-100 visible characters)",
                f"tidak sah untuk pendaftaran: {', '.join(names)}",
            ) from None
        return self._call("POST", "/enroll", body.model_dump(exclude_none=True), protocol.EnrollResponse)

    def push(self, envelopes: list[protocol.RecordEnvelope]) -> protocol.PushResponse:
        return self.push_encoded(encode_push(envelopes), {(e.id, e.version) for e in envelopes})

    def push_encoded(self, body: bytes, sent: set[tuple[str, int]]) -> protocol.PushResponse:
        """Send a body made by `encode_push` (the engine encodes the next batch ahead)."""
        response = self._call("POST", "/push", body, protocol.PushResponse)
        if {(r.id, r.version) for r in response.results} != sent or len(response.results) != len(sent):
            raise Transient("the server's answer does not match the records sent", "jawaban server tidak cocok")
        return response

    def pull(self, cursor: int, limit: int = 500) -> protocol.PullResponse:
        # `revision` asks for each change's version; a server older than revision 3 ignores it.
        query = f"cursor={int(cursor)}&limit={int(limit)}&revision={protocol.VERSIONED_VERDICTS_REVISION}"
        page = self._call("GET", f"/pull?{query}", None, protocol.PullResponse)
        self._check_page(int(cursor), page)
        return page

    def audit_anchor_held(self) -> int:
        """The sequence number of the audit head the server holds for this store (revision 4; 0: none)."""
        return int(self._call("GET", "/audit-anchor", None, protocol.AnchorHeld).seq)

    def anchor_audit(self, claim: protocol.AnchorRequest) -> protocol.AnchorAnswer:
        """Send our audit head; AnchorMoved if the server's anchor changed since it was read."""
        return self._call("POST", "/audit-anchor", claim.model_dump(), protocol.AnchorAnswer)

    def _check_page(self, cursor: int, page: protocol.PullResponse) -> None:
        """Refuse a server that keeps saying `more` without moving on, or past `MAX_PULL_PAGES`.

        The engine pulls until `more` is false; a broken or hostile server could keep it
        pulling (and writing) for ever. A page whose cursor does not advance, or one more
        page than a real backlog can hold, ends the pull with the queue and cursor kept.
        """
        if not page.more:
            self._pages_in_a_row = 0
            return
        self._pages_in_a_row += 1
        if page.cursor <= cursor or self._pages_in_a_row > MAX_PULL_PAGES:
            self._pages_in_a_row = 0
            raise ServerRefused(
                "the server keeps sending status pages without end; pulling stopped (nothing lost)",
                "server terus mengirim halaman status tanpa akhir; penarikan dihentikan (tidak ada yang hilang)",
            )

    def _call(self, method: str, path: str, body: dict[str, Any] | bytes | None, model: type[Any]) -> Any:
        data = None
        headers = {}
        if body is not None:
            data = body if isinstance(body, bytes) else _gzip_json(body)
            headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
            self.bytes_sent += len(data)
        try:
            response = self._session.request(
                method,
                self.base + protocol.PREFIX + path,
                data=data,
                headers=headers,
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,  # a 307 would send the body (and the token) wherever it points
                stream=True,
            )
            content = _read_capped(response)  # decompressed as it comes; a damaged gzip raises here
        except requests.exceptions.SSLError:
            raise CertificateUnverified(
                "the server's TLS certificate could not be verified (wrong CA, or a hotspot login page?)",
                "sertifikat TLS server tidak dapat diverifikasi (CA salah, atau halaman login hotspot?)",
            ) from None
        except requests.exceptions.RequestException as exc:
            raise Unreachable(f"no answer from the server ({type(exc).__name__})", "server tidak menjawab") from None
        _raise_for_status(response, content)
        try:
            return model.model_validate_json(content)
        except pydantic.ValidationError:
            raise Transient("the server's answer was damaged on the way", "jawaban server rusak di jalan") from None


def _default_trust() -> str:
    """The CA bundle shipped with the app (certifi), given explicitly when no CA is pinned.

    requests replaces `verify=True` with REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE from the
    environment; a path is kept as given. So with no CA pinned the laptop trusts exactly the
    public CAs of certifi, and a variable set on a shared laptop (or by malware) cannot swap in
    its own CA. A private CA is pinned at enrolment (`--ca-file`), never taken from the shell.
    """
    import certifi

    return str(certifi.where())


def _read_capped(response: requests.Response) -> bytes:
    """The decompressed body, refused past `MAX_RESPONSE_BYTES` (a gzip bomb inflates in chunks)."""
    received = bytearray()
    try:
        for chunk in response.iter_content(_CHUNK_BYTES):
            received += chunk
            if len(received) > MAX_RESPONSE_BYTES:
                raise ServerRefused(
                    f"the server's answer is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB; refused",
                    f"jawaban server lebih dari {MAX_RESPONSE_BYTES // (1024 * 1024)} MB; ditolak",
                )
    finally:
        response.close()
    return bytes(received)


def _gzip_json(body: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def encode_push(envelopes: list[protocol.RecordEnvelope]) -> bytes:
    """A push request's body: JSON, gzip-compressed."""
    return _gzip_json({"records": [envelope.model_dump() for envelope in envelopes]})


def _raise_for_status(response: requests.Response, content: bytes) -> None:
    status = response.status_code
    if 300 <= status < 400:
        raise ServerRefused(
            f"the server answered with a redirect (HTTP {status}); fieldapp never follows one "
            "(it would send records elsewhere): check the server address",
            f"server menjawab dengan pengalihan (HTTP {status}); fieldapp tidak pernah mengikutinya: "
            "periksa alamat server",
        )
    if status < 400:
        return
    problem = _problem(response, content)
    detail = problem.get("detail") or problem.get("title") or response.reason
    kind = str(problem.get("type", "")).rsplit("/", 1)[-1]
    if kind in ("invalid-code", "store-mismatch"):
        raise NotEnrolled(str(detail), f"server menolak: {detail}")
    if kind == "office-mismatch":
        raise OfficeMismatch(
            f"{detail}; the code was not spent: use it on a laptop of that office, "
            "or ask for a code for this laptop's office",
            f"{detail}; kode belum terpakai: gunakan di laptop kantor itu, atau minta kode untuk kantor laptop ini",
        )
    if kind == "anchor-moved":
        raise AnchorMoved(f"the server's audit anchor moved: {detail}", "penanda log audit di server berubah")
    if status == 401 or status == 403:
        raise NotEnrolled(
            f"the server refused this device: {detail}; a supervisor must enrol it again",
            f"server menolak perangkat ini: {detail}; supervisor harus mendaftarkannya lagi",
        )
    if status == 413:
        raise BatchTooLarge("the server says the batch is too large", "kiriman terlalu besar")
    if status == 429 or status >= 500 or kind == "corrupt-body" or not problem:
        retry = response.headers.get("Retry-After")
        raise Transient(
            f"server busy or link damaged (HTTP {status})",
            f"server sibuk (HTTP {status})",
            float(retry) if retry and retry.isdigit() else None,
        )
    raise ServerRefused(f"the server refused the request (HTTP {status}): {detail}", f"server menolak (HTTP {status})")


def _problem(response: requests.Response, content: bytes) -> dict[str, Any]:
    """The problem+json body, or {} when the body is not one (a proxy's page, a damaged body)."""
    if "json" not in response.headers.get("Content-Type", ""):
        return {}
    try:
        found = json.loads(content)
    except ValueError:
        return {}
    return found if isinstance(found, dict) and "type" in found else {}
