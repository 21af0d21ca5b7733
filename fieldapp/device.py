"""This laptop's enrolment with a central server: where it syncs to and its device token.

The token is a secret: it is sealed with the store's secrets sub-key and only ever decrypted
in memory by a logged-in user. The server URL, device id, office and CA path are settings, kept
in plaintext so IT can read them without a passphrase.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from fieldapp import crypto
from fieldapp.crypto import SubKeys
from fieldapp.keyring import get_meta, set_meta


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    device_id: str
    office: str
    token: str
    ca_file: str = ""

    def __repr__(self) -> str:  # never show the token, even in a traceback or a debugger
        return f"Enrolment(server_url={self.server_url!r}, device_id={self.device_id!r}, office={self.office!r})"


def _token_context(device_id: str) -> bytes:
    return b"device-token:" + device_id.encode("ascii")


def save(conn: sqlite3.Connection, keys: SubKeys, enrolment: Enrolment) -> None:
    set_meta(conn, "server_url", enrolment.server_url)
    set_meta(conn, "device_id", enrolment.device_id)
    set_meta(conn, "ca_file", enrolment.ca_file)
    sealed = crypto.seal(
        keys.secrets, crypto.KIND_SECRET, enrolment.token.encode(), _token_context(enrolment.device_id)
    )
    set_meta(conn, "device_token", sealed)


def load(conn: sqlite3.Connection, keys: SubKeys) -> Enrolment | None:
    device_id = get_meta(conn, "device_id")
    sealed = get_meta(conn, "device_token")
    if not device_id or sealed is None:
        return None
    token = crypto.open_sealed(keys.secrets, crypto.KIND_SECRET, bytes(sealed), _token_context(str(device_id)))  # type: ignore[arg-type]
    return Enrolment(
        server_url=str(get_meta(conn, "server_url")),
        device_id=str(device_id),
        office=str(get_meta(conn, "office") or ""),
        token=token.decode(),
        ca_file=str(get_meta(conn, "ca_file") or ""),
    )
