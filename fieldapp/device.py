"""This laptop's enrolment with a central server: where it syncs to and its device token.

Where data goes must not be changeable by editing the file: the whole enrolment (server URL,
CA file, device id, office and token) is sealed with the store's secrets sub-key, which only an
unlocked store has. Plaintext copies of the URL, device id and CA path stay beside it so IT can
read them without a passphrase (`fieldapp status`); on load they must equal the sealed copy,
or sync stops (`EnrolmentTampered`, exit 4) and sends nothing.

Stores enrolled before the sealed copy existed are trusted once, as they are, and sealed then;
only a store not yet upgraded to a supervisor key counts as such.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass

from fieldapp import crypto
from fieldapp.crypto import SubKeys
from fieldapp.errors import StoreDamaged
from fieldapp.keyring import get_meta, set_meta

_SEALED_KEY = "enrolment_sealed"
_SEALED_CONTEXT = b"enrolment"
_PLAIN_KEYS = ("server_url", "device_id", "ca_file", "office")


class EnrolmentTampered(StoreDamaged):
    """The sync settings in the file differ from the sealed ones: someone edited them."""

    def __init__(self) -> None:
        super().__init__(
            "the sync settings in the store file were changed outside fieldapp (server, CA, device or "
            "office); sync is stopped and nothing was sent. Tell IT, then enrol this laptop again",
            "pengaturan sinkronisasi di berkas penyimpanan diubah di luar fieldapp; sinkronisasi dihentikan "
            "dan tidak ada data yang dikirim. Hubungi petugas TI, lalu daftarkan ulang laptop ini",
        )


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
    """Keep the enrolment sealed whole, with plaintext copies for IT (inside the caller's transaction)."""
    set_meta(conn, "server_url", enrolment.server_url)
    set_meta(conn, "device_id", enrolment.device_id)
    set_meta(conn, "ca_file", enrolment.ca_file)
    sealed = crypto.seal(
        keys.secrets, crypto.KIND_SECRET, enrolment.token.encode(), _token_context(enrolment.device_id)
    )
    set_meta(conn, "device_token", sealed)
    whole = json.dumps(asdict(enrolment), sort_keys=True).encode("utf-8")
    set_meta(conn, _SEALED_KEY, crypto.seal(keys.secrets, crypto.KIND_SECRET, whole, _SEALED_CONTEXT))


def load(conn: sqlite3.Connection, keys: SubKeys, old_store: bool) -> Enrolment | None:
    """The enrolment as sealed; EnrolmentTampered if the plaintext copies were edited.

    An enrolment without its sealed copy is trusted only in a store from before the supervisor
    key (`supervisor.is_old_store`), which an older fieldapp left so; anywhere else the sealed
    copy was removed, and that is an edit too.
    """
    sealed = get_meta(conn, _SEALED_KEY)
    if sealed is None:
        if get_meta(conn, "device_id") and not old_store:  # the sealed copy was removed: an edit
            raise EnrolmentTampered()
        return _legacy(conn, keys)
    if not isinstance(sealed, bytes):
        raise EnrolmentTampered()
    try:
        whole = crypto.open_sealed(keys.secrets, crypto.KIND_SECRET, sealed, _SEALED_CONTEXT)
    except crypto.Tampered:
        raise EnrolmentTampered() from None
    enrolment = Enrolment(**json.loads(whole))
    if _plain(conn) != {key: getattr(enrolment, key) for key in _PLAIN_KEYS}:
        raise EnrolmentTampered()
    return enrolment


def needs_sealing(conn: sqlite3.Connection) -> bool:
    """An enrolment from before the sealed copy: trusted once, then sealed (see the module doc)."""
    return get_meta(conn, _SEALED_KEY) is None and bool(get_meta(conn, "device_id"))


def _plain(conn: sqlite3.Connection) -> dict[str, str]:
    return {key: str(get_meta(conn, key) or "") for key in _PLAIN_KEYS}


def _legacy(conn: sqlite3.Connection, keys: SubKeys) -> Enrolment | None:
    device_id = get_meta(conn, "device_id")
    sealed = get_meta(conn, "device_token")
    if not device_id or sealed is None:
        return None
    if not isinstance(sealed, bytes):
        raise EnrolmentTampered()
    token = crypto.open_sealed(keys.secrets, crypto.KIND_SECRET, sealed, _token_context(str(device_id)))
    plain = _plain(conn)
    return Enrolment(plain["server_url"], plain["device_id"], plain["office"], token.decode(), plain["ca_file"])
