"""The server's own key: personal data at rest on the server is sealed with it.

A random 256-bit key in a file created with mode 0600 on first start. Sub-keys by HKDF, as on
the laptop: record encryption, NIK and KK blind indexes (so de-duplication across offices never
decrypts), and a MAC key for stored content hashes.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldapp import crypto


@dataclass(frozen=True)
class ServerKeys:
    record: AESGCM
    nik_index: bytes
    kk_index: bytes
    content: bytes


def load_or_create(path: Path) -> ServerKeys:
    """Read the key file, creating it (0600, atomically) if it does not exist yet."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(crypto.new_key()).decode() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    key = base64.b64decode(path.read_text().strip())
    if len(key) != crypto.KEY_LENGTH:
        raise ValueError(f"{path} does not hold a 256-bit key")
    return ServerKeys(
        record=AESGCM(crypto.subkey(key, "server-record")),
        nik_index=crypto.subkey(key, "server-nik-index"),
        kk_index=crypto.subkey(key, "server-kk-index"),
        content=crypto.subkey(key, "server-content"),
    )
