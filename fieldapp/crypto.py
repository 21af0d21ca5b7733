"""Encryption at rest: sealed values, key wrapping, sub-keys and blind indexes.

Every encrypted value is `header || nonce || ciphertext+tag`, where the 4-byte header is the
magic `FA`, a format version and the kind of value. The header and a caller-given context (for
a record: its id, version and schema) are the AES-GCM associated data, so a value moved to
another row, or an old version replayed in place of a new one, fails to open. A header from a
newer format fails with a clear message instead of garbage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import StoreDamaged, UnsupportedFormat

MAGIC = b"FA"
FORMAT_VERSION = 1
KIND_RECORD = 1
KIND_WRAPPED_KEY = 2
KIND_SEARCH = 3
KIND_SECRET = 4
KIND_DRAFT = 5  # a registration being filled in (fieldapp/drafts.py)
HEADER_LENGTH = 4
NONCE_LENGTH = 12
KEY_LENGTH = 32


class Tampered(StoreDamaged):
    """A sealed value failed authentication: changed, moved or sealed with another key."""

    def __init__(self) -> None:
        super().__init__("encrypted value failed its integrity check", "data terenkripsi gagal diperiksa keutuhannya")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored beside each wrapped key so it can be raised later."""

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def encode(self) -> str:
        return f"argon2id:m={self.memory_kib},t={self.iterations},p={self.lanes}"

    @classmethod
    def decode(cls, text: str) -> KdfParams:
        name, _, rest = text.partition(":")
        if name != "argon2id":
            raise UnsupportedFormat(f"unknown key derivation {name!r}", f"derivasi kunci {name!r} tidak dikenal")
        fields = dict(part.split("=") for part in rest.split(","))
        return cls(int(fields["m"]), int(fields["t"]), int(fields["p"]))


def new_key() -> bytes:
    return os.urandom(KEY_LENGTH)


def new_salt() -> bytes:
    return os.urandom(16)


# OpenSSL's Argon2id (lanes > 1) starts its own threads; two calls at the same moment in one
# process can hang forever inside OpenSSL or fail with MemoryError. Every Argon2id run in the
# project goes through this one lock: they take turns, a fraction of a second each.
ARGON2_LOCK = threading.Lock()


def derive_kek(secret: str, salt: bytes, params: KdfParams, *, as_typed: bool = False) -> bytes:
    """The key-encryption key for a passphrase or recovery code (Argon2id).

    The secret is NFC-normalised first: "é" is one character on one keyboard and "e" plus a
    combining accent on another, and both must open the store. `as_typed` derives from the
    string exactly as given; only passphrases set before normalisation need it (see
    `users.unwrap_store_key`).
    """
    if not as_typed and not secret.isascii():
        secret = unicodedata.normalize("NFC", secret)
    with ARGON2_LOCK:
        return _argon2id(salt, params).derive(secret.encode("utf-8"))


def _argon2id(salt: bytes, params: KdfParams) -> Argon2id:
    return Argon2id(
        salt=salt,
        length=KEY_LENGTH,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )


def password_hash(password: str, params: KdfParams) -> str:
    """An Argon2id PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) for a password.

    The string carries its own cost, so the cost can be raised later without breaking older hashes.
    """
    with ARGON2_LOCK:
        return _argon2id(new_salt(), params).derive_phc_encoded(password.encode("utf-8"))


def password_hash_matches(password: str, phc: str) -> bool:
    """Argon2id's own constant-time check of a PHC string; a damaged string never matches."""
    try:
        with ARGON2_LOCK:
            Argon2id.verify_phc_encoded(password.encode("utf-8"), phc)
    except (InvalidKey, ValueError):
        return False
    return True


def _header(kind: int) -> bytes:
    return MAGIC + bytes((FORMAT_VERSION, kind))


def seal(aead: AESGCM, kind: int, plaintext: bytes, context: bytes) -> bytes:
    """Encrypt with a fresh random nonce; `context` must be given again to open."""
    header = _header(kind)
    nonce = os.urandom(NONCE_LENGTH)
    return header + nonce + aead.encrypt(nonce, plaintext, header + context)


def open_sealed(aead: AESGCM, kind: int, blob: bytes, context: bytes) -> bytes:
    """Decrypt a sealed value, refusing unknown formats and anything altered."""
    header = bytes(blob[:HEADER_LENGTH])
    if header[:2] != MAGIC:
        raise Tampered()
    if header[2] > FORMAT_VERSION:
        raise UnsupportedFormat(
            "this data was written by a newer fieldapp; upgrade the app to read it",
            "data ini ditulis oleh fieldapp yang lebih baru; perbarui aplikasi untuk membacanya",
        )
    if header[3] != kind:
        raise Tampered()
    nonce = blob[HEADER_LENGTH : HEADER_LENGTH + NONCE_LENGTH]
    try:
        return aead.decrypt(nonce, bytes(blob[HEADER_LENGTH + NONCE_LENGTH :]), header + context)
    except (InvalidTag, ValueError):
        raise Tampered() from None


def wrap_key(kek: bytes, key: bytes, context: bytes) -> bytes:
    return seal(AESGCM(kek), KIND_WRAPPED_KEY, key, context)


def unwrap_key(kek: bytes, wrapped: bytes, context: bytes) -> bytes:
    """The store key, or Tampered when the KEK is wrong (a wrong passphrase)."""
    return open_sealed(AESGCM(kek), KIND_WRAPPED_KEY, wrapped, context)


@dataclass(frozen=True)
class SubKeys:
    """Keys derived from the store key, one per purpose, so no key serves two jobs."""

    record: AESGCM
    search: AESGCM
    secrets: AESGCM
    nik_index: bytes
    kk_index: bytes
    audit: bytes
    outbox: bytes  # MACs each queue entry and whether it was sent
    draft: AESGCM  # seals drafts: a draft is never a record, so it never shares the record key

    @classmethod
    def derive(cls, store_key: bytes) -> SubKeys:
        def sub(label: str) -> bytes:
            return subkey(store_key, label)

        return cls(
            record=AESGCM(sub("record")),
            search=AESGCM(sub("search")),
            secrets=AESGCM(sub("secrets")),
            nik_index=sub("nik-index"),
            kk_index=sub("kk-index"),
            audit=sub("audit"),
            outbox=sub("outbox"),
            draft=AESGCM(sub("draft")),
        )


def subkey(key: bytes, label: str) -> bytes:
    """HKDF-SHA256 of a key for one named purpose."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_LENGTH, salt=None, info=b"fieldapp/" + label.encode())
    return hkdf.derive(key)


def blind_index(key: bytes, value: str) -> bytes:
    """HMAC-SHA256 of a value: equal values match, and the value cannot be read back."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()


def mac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def new_recovery_code() -> str:
    """A 25-character code (125 random bits) in five groups, easy to write on paper."""
    letters = base64.b32encode(os.urandom(16)).decode("ascii")[:25]
    return "-".join(letters[i : i + 5] for i in range(0, 25, 5))


def normalize_recovery_code(text: str) -> str:
    """Accept the code in any case, with or without dashes and spaces."""
    letters = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(letters[i : i + 5] for i in range(0, len(letters), 5))
