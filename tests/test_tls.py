"""TLS: a server with a private CA works only when the laptop pins that CA; plain HTTP only to loopback."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from conftest import OFFICE
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from servers import Laptop, ServerProcess

from fieldapp.sample import applicant


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a certificate for 127.0.0.1 signed by it (PEM files)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fieldapp test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def test_https_with_a_pinned_ca_and_verification_always_on(tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_server_cert(tmp_path / "pki")
    server = ServerProcess(
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server",
        extra=("--tls-cert", str(cert), "--tls-key", str(key)),
    ).start()
    try:
        assert server.url.startswith("https://127.0.0.1:")
        unpinned = Laptop(tmp_path / "a", OFFICE).init()
        refused = unpinned.enroll(server)
        assert refused.returncode == 5 and "certificate" in refused.stderr
        pinned = Laptop(tmp_path / "b", OFFICE).init()
        enrolled = pinned.enroll(server, "--ca-file", str(ca))
        assert enrolled.returncode == 0, enrolled.stderr
        pinned.register([applicant(0)])
        assert pinned.run("sync").returncode == 0
        assert pinned.status()["synced"] == 1
    finally:
        server.stop()
