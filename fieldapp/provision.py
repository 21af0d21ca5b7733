"""A laptop set up from an IT provisioning file: its office, server, CA, settings and one code.

ODK's settings QR codes carry a server password in the clear, for good. A fieldapp
provisioning file carries no lasting secret: only a one-time enrolment code, which the server
spends at the first enrolment, and the file is deleted as soon as it is spent. The laptop's
own secrets (the supervisor's passphrase, the device token) never come from the file.

The file is JSON, versioned by `"fieldapp_provisioning": 1`, and parsed strictly: an unknown
version or field, a wrong type or a bad value is refused with a message that names the field
(never its value: the code is a secret), before anything changes. docs/provisioning-schema.json
is its JSON Schema; docs/deploy.md "Provision" explains it. The core imports no HTTP: the
network half of enrolment is handed in by the program (`sync.cli`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fieldapp.addresses import is_loopback
from fieldapp.errors import AuthError, FieldappError, NotPermitted, UsageError, describe_os_error, disk_problem
from fieldapp.messages import shown
from fieldapp.settings import AUTO_LOCK_RANGE, DRAFT_DAYS_RANGE, Settings

if TYPE_CHECKING:
    from fieldapp.device import Enrolment
    from fieldapp.store import Store

FILE_NAME = "fieldapp-provisioning.json"
ENV_FILE = "FIELDAPP_PROVISIONING"
VERSION_KEY = "fieldapp_provisioning"
VERSION = 1
MAX_BYTES = 256 * 1024  # a CA bundle is a few kilobytes; anything far larger is not our file
CA_FILE = "server-ca.pem"  # in the data folder, where enrolment's ca_file points
CODE_SHAPE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}")  # sync.server.admin.new_enrol_code
LANGUAGES = ("id", "en")
log = logging.getLogger(__name__)

Enroller = Callable[["Store", str, str, str, str], "Enrolment"]  # sync.service.enroll


class ProvisioningInvalid(UsageError):
    """The file is not a provisioning file we can use; `field` names what is wrong."""

    def __init__(self, field_name: str, reason_en: str, reason_id: str) -> None:
        super().__init__(
            f"provisioning file, field {field_name!r}: {reason_en}",
            f"berkas penyiapan, isian {field_name!r}: {reason_id}",
        )
        self.field = field_name
        self.reason_en = reason_en


@dataclass(frozen=True)
class Provisioning:
    """A checked provisioning file. Settings left out keep the laptop's own (or the defaults)."""

    server_url: str
    office: str
    enrol_code: str = field(repr=False)
    ca_certificate: str = field(default="", repr=False)
    language: str | None = None
    auto_lock_minutes: int | None = None
    auto_sync: bool | None = None
    draft_days: int | None = None

    def settings_over(self, current: Settings) -> Settings:
        """`current` with what the file sets."""
        given = {
            "auto_lock_minutes": self.auto_lock_minutes,
            "auto_sync": self.auto_sync,
            "draft_days": self.draft_days,
        }
        return replace(current, **{name: value for name, value in given.items() if value is not None})


# -- checking each field -------------------------------------------------------------------------


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ProvisioningInvalid(name, "must be a text string", "harus berupa teks")
    return value


def _server_url(value: object) -> str:
    """HTTPS, or HTTP only to this machine (as `fieldapp enroll`); no password, query or fragment."""
    url = _text("server_url", value).strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        host = None
    if not host or parts.scheme not in ("https", "http"):
        raise ProvisioningInvalid("server_url", "must be a https:// server address", "harus alamat server https://")
    if parts.username is not None or parts.query or parts.fragment:
        raise ProvisioningInvalid(
            "server_url",
            "must not hold a user name, password, query or fragment",
            "tidak boleh memuat nama pengguna, kata sandi, kueri atau fragmen",
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise ProvisioningInvalid(
            "server_url",
            "plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https",
            "http biasa hanya boleh ke mesin ini; gunakan https",
        )
    return url.rstrip("/")


def _office(value: object) -> str:
    from fieldapp.regions import dotted, regions

    code = dotted(_text("office", value))
    if code is None or not regions().exists(code, "desa"):
        raise ProvisioningInvalid(
            "office",
            "must be a desa/kelurahan code in the Kemendagri list",
            "harus kode desa/kelurahan dalam daftar Kemendagri",
        )
    return code


def _enrol_code(value: object) -> str:
    code = _text("enrol_code", value).strip().upper()
    if not CODE_SHAPE.fullmatch(code):
        raise ProvisioningInvalid(
            "enrol_code",
            "must be a code from fieldapp-server, shaped XXXX-XXXX-XXXX-XXXX",
            "harus kode dari fieldapp-server, berbentuk XXXX-XXXX-XXXX-XXXX",
        )
    return code


def _ca_certificate(value: object) -> str:
    """One or more PEM certificates; a private key pasted by mistake is refused, loudly."""
    from cryptography import x509

    pem = _text("ca_certificate", value).strip()
    if "PRIVATE KEY" in pem:
        raise ProvisioningInvalid(
            "ca_certificate",
            "holds a private key: never hand that out; put only the CA certificate here, and replace the key",
            "memuat kunci privat: jangan pernah dibagikan; isi hanya sertifikat CA, dan ganti kuncinya",
        )
    try:
        found = x509.load_pem_x509_certificates(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        found = []
    if not found:
        raise ProvisioningInvalid(
            "ca_certificate",
            "must be PEM certificate text (-----BEGIN CERTIFICATE----- ...)",
            "harus teks sertifikat PEM (-----BEGIN CERTIFICATE----- ...)",
        )
    return pem + "\n"


def _language(value: object) -> str:
    if value not in LANGUAGES:
        raise ProvisioningInvalid("language", 'must be "id" or "en"', 'harus "id" atau "en"')
    return str(value)


def _auto_lock_minutes(value: object) -> int:
    low, high = AUTO_LOCK_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProvisioningInvalid(
            "auto_lock_minutes",
            f"must be a whole number of minutes from {low} to {high}",
            f"harus bilangan bulat menit dari {low} sampai {high}",
        )
    return value


def _draft_days(value: object) -> int:
    low, high = DRAFT_DAYS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProvisioningInvalid(
            "draft_days",
            f"must be a whole number of days from {low} to {high}",
            f"harus bilangan bulat hari dari {low} sampai {high}",
        )
    return value


def _auto_sync(value: object) -> bool:
    if not isinstance(value, bool):
        raise ProvisioningInvalid("auto_sync", "must be true or false", "harus true atau false")
    return value


REQUIRED: dict[str, Callable[[object], Any]] = {
    "server_url": _server_url,
    "office": _office,
    "enrol_code": _enrol_code,
}
OPTIONAL: dict[str, Callable[[object], Any]] = {
    "ca_certificate": _ca_certificate,
    "language": _language,
    "auto_lock_minutes": _auto_lock_minutes,
    "auto_sync": _auto_sync,
    "draft_days": _draft_days,
}


# -- reading a file ------------------------------------------------------------------------------


def parse(text: str) -> Provisioning:
    """A checked Provisioning from the file's text; ProvisioningInvalid names the first bad field."""
    document = _json_object(text)
    _check_version(document)
    unknown = sorted(set(document) - {VERSION_KEY, *REQUIRED, *OPTIONAL})
    if unknown:
        raise ProvisioningInvalid(
            shown(unknown[0], limit=40), "unknown field (is the file for a newer fieldapp?)", "isian tidak dikenal"
        )
    for name in REQUIRED:
        if name not in document:
            raise ProvisioningInvalid(name, "is missing", "belum diisi")
    checked = {name: check(document[name]) for name, check in {**REQUIRED, **OPTIONAL}.items() if name in document}
    return Provisioning(**checked)


def _json_object(text: str) -> dict[str, object]:
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        seen: dict[str, object] = {}
        for key, value in pairs:
            if key in seen:
                raise ProvisioningInvalid(shown(key, limit=40), "appears twice", "muncul dua kali")
            seen[key] = value
        return seen

    try:
        document = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise ProvisioningInvalid(
            "(file)",
            f"not valid JSON at line {exc.lineno}, column {exc.colno}",
            f"bukan JSON yang sah di baris {exc.lineno}",
        ) from None
    except (RecursionError, ValueError):
        raise ProvisioningInvalid("(file)", "not a provisioning file", "bukan berkas penyiapan") from None
    if not isinstance(document, dict):
        raise ProvisioningInvalid("(file)", "must be one JSON object", "harus satu objek JSON")
    return document


def _check_version(document: dict[str, object]) -> None:
    version = document.get(VERSION_KEY)
    if VERSION_KEY not in document:
        raise ProvisioningInvalid(VERSION_KEY, "is missing: not a fieldapp provisioning file", "belum diisi")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProvisioningInvalid(VERSION_KEY, "must be a whole number", "harus bilangan bulat")
    if version != VERSION:
        raise ProvisioningInvalid(
            VERSION_KEY,
            f"version {version} is not known to this fieldapp (it reads version {VERSION}); update fieldapp "
            "or make the file with a matching fieldapp-server",
            f"versi {version} tidak dikenal (aplikasi ini membaca versi {VERSION})",
        )


def load(path: Path) -> Provisioning:
    """Read and check a provisioning file (UTF-8, a byte order mark allowed)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise UsageError("there is no such provisioning file", "berkas penyiapan tidak ditemukan") from None
    except OSError as exc:
        english, indonesian = describe_os_error(exc)
        raise UsageError(
            f"cannot read the provisioning file: {english}", f"berkas penyiapan tidak dapat dibaca: {indonesian}"
        ) from None
    if len(raw) > MAX_BYTES:
        raise ProvisioningInvalid("(file)", f"larger than {MAX_BYTES // 1024} KiB", "terlalu besar")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ProvisioningInvalid("(file)", "not UTF-8 text", "bukan teks UTF-8") from None
    return parse(text)


def app_folder() -> Path:
    """Where the app lies: the bundle's folder (PyInstaller), else the folder of the program run."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0] or ".").resolve().parent


def find(data_dir: Path) -> Path | None:
    """The file the first-run wizard uses: FIELDAPP_PROVISIONING, else beside the app, else in the data folder."""
    named = os.environ.get(ENV_FILE)
    if named:
        return Path(named)  # named on purpose: a missing file is reported, not passed over
    for folder in (app_folder(), Path(data_dir)):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


# -- applying it -------------------------------------------------------------------------------


def apply(store: Store, provisioning: Provisioning, data_dir: Path) -> str:
    """Settings (audited), language and the pinned CA; returns the CA file for enrolment ("" if none).

    Everything here may be done again: a retry after a failed enrolment repeats it harmlessly.
    """
    from fieldapp import preferences

    if not store.user.is_supervisor:
        raise NotPermitted(
            "only a supervisor may provision this laptop", "hanya supervisor yang boleh menyiapkan laptop"
        )
    if any(
        value is not None for value in (provisioning.auto_lock_minutes, provisioning.auto_sync, provisioning.draft_days)
    ):
        store.save_settings(provisioning.settings_over(_current_settings(store)))
    if provisioning.language is not None:
        preferences.save(data_dir, language=provisioning.language)
    return pin_ca(data_dir, provisioning.ca_certificate)


def _current_settings(store: Store) -> Settings:
    try:
        return store.settings()
    except FieldappError:  # sealed settings that fail to open: the file's replace them
        return Settings()


def pin_ca(data_dir: Path, pem: str) -> str:
    """Write the CA to pin into the data folder; its path is what enrolment keeps as `ca_file`."""
    from fieldapp.files import written_whole

    if not pem:
        return ""
    target = Path(data_dir) / CA_FILE
    try:
        with written_whole(target, "w", encoding="ascii") as handle:
            handle.write(pem)
    except OSError as exc:
        raise disk_problem(exc.errno or 5, saved_nothing=False) from None
    return str(target.resolve())


def discard(path: Path) -> FieldappError | None:
    """Delete the spent file; what stopped it (a read-only medium), for the caller to say."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return None
    except OSError as exc:
        english, indonesian = describe_os_error(exc)
        return UsageError(
            f"the provisioning file could not be deleted ({english}): delete it by hand or wipe the medium; "
            "its enrolment code is spent and works no more",
            f"berkas penyiapan tidak dapat dihapus ({indonesian}): hapus secara manual; kodenya sudah terpakai",
        )
    return None


# -- `fieldapp provision FILE` -------------------------------------------------------------------


def run_provision(args: argparse.Namespace, enrol: Enroller | None = None) -> int:
    """Create the store (new laptop) or log in (supervisor), apply the file, enrol, delete the file."""
    if enrol is None:
        raise UsageError(
            "this program cannot reach a server; run the fieldapp program itself", "program ini tidak dapat ke server"
        )
    provisioning = load(args.file)
    data_dir = Path(args.data_dir)
    store, created = _store_for(args, provisioning, data_dir)
    with store:
        ca_file = apply(store, provisioning, data_dir)
        try:
            enrolment = enrol(store, provisioning.server_url, provisioning.enrol_code, socket.gethostname(), ca_file)
        except FieldappError as exc:
            raise EnrolmentFailed(exc, args.file, created) from None
    log.info("provisioned from a file: office %s, device %s", enrolment.office, enrolment.device_id)
    print(f"Enrolled as device {enrolment.device_id} of office {enrolment.office} with {enrolment.server_url}.")
    problem = discard(args.file)
    if problem is not None:
        print(f"warning: {problem.message_en}", file=sys.stderr)
    else:
        print("The provisioning file is deleted (its enrolment code is spent).")
    return 0


def _store_for(args: argparse.Namespace, provisioning: Provisioning, data_dir: Path) -> tuple[Store, bool]:
    """The new store with its first supervisor, or the existing one with a supervisor logged in."""
    from fieldapp.cli import login
    from fieldapp.cli_io import new_passphrase, user_name
    from fieldapp.store import STORE_FILE, Store

    if not (data_dir / STORE_FILE).exists():
        name = user_name(args.user)
        secret = new_passphrase(f"Passphrase for {name}", fallback_env="FIELDAPP_PASSPHRASE")
        store, code = Store.create(data_dir, name, secret, provisioning.office)
        print(f"Store created in {data_dir} for office {provisioning.office} with supervisor {name!r}.")
        print("Recovery code (shown only this once; write it down and keep it locked away):")
        print(code, flush=True)
        return store, True
    store = login(args)
    try:
        _check_existing(store, provisioning)
    except BaseException:
        store.close()
        raise
    return store, False


def _check_existing(store: Store, provisioning: Provisioning) -> None:
    if not store.user.is_supervisor:
        raise NotPermitted(
            "only a supervisor may provision this laptop", "hanya supervisor yang boleh menyiapkan laptop"
        )
    if store.office and store.office != provisioning.office:
        raise ProvisioningInvalid(
            "office",
            f"is {provisioning.office}, but this laptop belongs to {store.office}; nothing was changed",
            f"{provisioning.office}, tetapi laptop ini milik {store.office}; tidak ada yang diubah",
        )


class EnrolmentFailed(FieldappError):
    """Enrolment failed after the store was made or logged in to: the cause, then how to go on.

    Keeps the cause's exit code (3 refused code, 5 server unreachable, 2 wrong office).
    """

    def __init__(self, cause: FieldappError, path: Path, created: bool) -> None:
        made = "the store is created (keep the recovery code) and the settings applied, but " if created else ""
        made_id = "penyimpanan sudah dibuat, tetapi " if created else ""
        if isinstance(cause, AuthError):  # the code is used, expired or wrong: this file will not work again
            then = "ask IT for a new provisioning file and run 'fieldapp provision' with it (it logs in and enrols)"
            then_id = "minta berkas penyiapan baru ke petugas TI"
        elif getattr(cause, "certificate_problem", False):  # the file's CA, most likely: running it again won't help
            then = (
                f"if this laptop is behind a hotspot's login page, log in there and run 'fieldapp provision {path}' "
                "again; otherwise the CA in the file does not match the server: ask IT for a corrected file"
            )
            then_id = (
                "jika laptop ini di balik halaman login hotspot, masuk dulu lalu jalankan penyiapan lagi; jika tidak, "
                "CA di berkas tidak cocok dengan server: minta berkas yang sudah diperbaiki ke petugas TI"
            )
        else:
            then = f"fix the cause and run 'fieldapp provision {path}' again (the file is kept; it logs in and enrols)"
            then_id = "perbaiki penyebabnya lalu jalankan penyiapan lagi (berkas disimpan)"
        super().__init__(
            f"{cause.message_en}; {made}enrolment failed: {then}",
            f"{cause.message_id}; {made_id}pendaftaran gagal: {then_id}",
        )
        self.exit_code = cause.exit_code
