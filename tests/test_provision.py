"""Provisioning a laptop from an IT file: the file's strict checks, `fieldapp-server provision`,
and `fieldapp provision FILE` end to end against a real server (HTTPS with a pinned CA)."""

from __future__ import annotations

import json
import re
import shutil
import stat
from pathlib import Path

import pytest
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS, run_process
from servers import ServerProcess
from test_tls import make_ca_and_server_cert

from fieldapp import preferences, provision
from fieldapp.provision import ProvisioningInvalid, parse
from fieldapp.store import Store

ROOT = Path(__file__).resolve().parent.parent
CODE = "ABCD-EFGH-JKLM-NPQR"
OTHER_OFFICE = "32.16.01.2002"


def document(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "fieldapp_provisioning": 1,
        "server_url": "https://prakerja.example.go.id",
        "office": OFFICE,
        "enrol_code": CODE,
    }
    return {**base, **changes}


def refused_field(text: str) -> str:
    with pytest.raises(ProvisioningInvalid) as refused:
        parse(text)
    assert CODE not in str(refused.value) and CODE not in refused.value.message_id  # the code is a secret
    return refused.value.field


def test_a_minimal_and_a_full_file_are_read(tmp_path: Path) -> None:
    minimal = parse(json.dumps(document(office="3216012001", enrol_code=CODE.lower())))
    assert (minimal.office, minimal.enrol_code, minimal.language, minimal.auto_sync) == (OFFICE, CODE, None, None)
    assert CODE not in repr(minimal)
    ca = make_ca_and_server_cert(tmp_path)[0].read_text()
    file = tmp_path / provision.FILE_NAME
    fields = document(
        ca_certificate=ca, language="en", auto_lock_minutes=5, auto_sync=False, server_url="http://[::1]:9/"
    )
    file.write_text("\ufeff" + json.dumps(fields, indent=2), encoding="utf-8")  # a Windows editor's byte order mark
    full = provision.load(file)
    assert full.server_url == "http://[::1]:9" and full.ca_certificate.startswith("-----BEGIN CERTIFICATE-----")
    assert (full.language, full.auto_lock_minutes, full.auto_sync) == ("en", 5, False)


BAD = [
    (document(fieldapp_provisioning=2), "fieldapp_provisioning"),
    (document(fieldapp_provisioning="1"), "fieldapp_provisioning"),
    ({k: v for k, v in document().items() if k != "fieldapp_provisioning"}, "fieldapp_provisioning"),
    (document(wifi_password="x"), "wifi_password"),
    ({k: v for k, v in document().items() if k != "enrol_code"}, "enrol_code"),
    ({k: v for k, v in document().items() if k != "server_url"}, "server_url"),
    (document(server_url="http://prakerja.example.go.id"), "server_url"),
    (document(server_url="ftp://prakerja.example.go.id"), "server_url"),
    (document(server_url="https://admin:secret@prakerja.example.go.id"), "server_url"),
    (document(server_url="https://prakerja.example.go.id:port"), "server_url"),
    (document(server_url=["https://prakerja.example.go.id"]), "server_url"),
    (document(office="32.16.01"), "office"),  # a kecamatan
    (document(office="99.99.99.9999"), "office"),
    (document(office=3216012001), "office"),
    (document(enrol_code="1234"), "enrol_code"),
    (document(enrol_code="ABCD-EFGH-JKLM-NPQ1"), "enrol_code"),  # 1 is not base32
    (document(language="fr"), "language"),
    (document(auto_lock_minutes=0), "auto_lock_minutes"),
    (document(auto_lock_minutes=True), "auto_lock_minutes"),
    (document(auto_lock_minutes=5.0), "auto_lock_minutes"),
    (document(auto_sync="yes"), "auto_sync"),
    (document(ca_certificate="not a certificate"), "ca_certificate"),
    (document(ca_certificate="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"), "ca_certificate"),
]


@pytest.mark.parametrize(("bad", "field"), BAD)
def test_a_bad_file_is_refused_with_the_field_named(bad: dict[str, object], field: str) -> None:
    assert refused_field(json.dumps(bad)) == field


def test_a_file_that_is_not_one_json_object_is_refused() -> None:
    assert refused_field("{") == "(file)"
    assert refused_field("[1]") == "(file)"
    text = json.dumps(document())[:-1] + ', "office": "3216012001"}'
    assert refused_field(text) == "office"  # a field given twice


def test_the_documented_json_schema_names_the_same_fields() -> None:
    schema = json.loads((ROOT / "docs" / "provisioning-schema.json").read_text(encoding="utf-8"))
    fields = {provision.VERSION_KEY, *provision.REQUIRED, *provision.OPTIONAL}
    assert set(schema["properties"]) == fields
    assert set(schema["required"]) == {provision.VERSION_KEY, *provision.REQUIRED}
    assert schema["additionalProperties"] is False
    assert schema["properties"][provision.VERSION_KEY]["const"] == provision.VERSION
    for example in schema["examples"]:
        parse(json.dumps(example))  # the documented example is a file the laptop accepts
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in deploy for name in fields), "docs/deploy.md's table misses a field"


def test_a_file_that_cannot_be_deleted_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    problem = provision.discard(folder)
    assert problem is not None and "could not be deleted" in problem.message_en
    assert provision.discard(tmp_path / "gone") is None


# -- end to end: a real server, real processes -------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    ca, cert, key = make_ca_and_server_cert(tmp_path / "pki")
    server = ServerProcess(
        f"sqlite:///{tmp_path / 'central.sqlite3'}",
        tmp_path / "server",
        extra=("--tls-cert", str(cert), "--tls-key", str(key)),
    ).start()
    server.ca = ca  # type: ignore[attr-defined]
    yield server
    server.stop()


def make_file(server: ServerProcess, out: Path, *extra: str) -> Path:
    done = server.admin(
        "provision", "--office", OFFICE.replace(".", ""), "--out", str(out), "--server-url", server.url, *extra
    )
    assert done.returncode == 0, done.stderr
    return out


def provision_laptop(data_dir: Path, file: Path, **env: str):  # type: ignore[no-untyped-def]
    return run_process(
        ["provision", str(file)], data_dir, env={"FIELDAPP_NEW_PASSPHRASE": SUPERVISOR_PASS, **env}, timeout=120
    )


def devices(server: ServerProcess) -> list[dict[str, object]]:
    done = server.admin("devices", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_new_laptop_is_provisioned_from_the_file_end_to_end(tls_server: ServerProcess, tmp_path: Path) -> None:
    media = tmp_path / "usb"
    media.mkdir()
    file = make_file(
        tls_server,
        media / provision.FILE_NAME,
        "--ca-file",
        str(tls_server.ca),  # type: ignore[attr-defined]
        "--language",
        "en",
        "--auto-lock-minutes",
        "5",
        "--no-auto-sync",
    )
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    again = tls_server.admin("provision", "--office", OFFICE, "--out", str(file), "--server-url", tls_server.url)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    written = json.loads(file.read_text())
    assert written["server_url"].startswith("https://127.0.0.1:") and written["auto_sync"] is False
    spare = shutil.copy(file, tmp_path / "copy.json")  # what someone kept: the code in it is spent below

    done = provision_laptop(tmp_path / "laptop", file)
    assert done.returncode == 0, done.stderr
    recovery = re.search(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", done.stdout, re.M)
    assert recovery is not None and "Enrolled as device" in done.stdout
    assert not file.exists(), "the spent file must not linger"
    [device] = devices(tls_server)
    assert device["office"] == OFFICE and not device["revoked"]
    with Store.open(tmp_path / "laptop") as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        settings, enrolment = store.settings(), store.enrolment()
        store.recover(SUPERVISOR, recovery[0], "another passphrase 1")  # the code printed opens the store
    assert (settings.auto_lock_minutes, settings.auto_sync) == (5, False)
    assert enrolment is not None and enrolment.device_id == device["id"]
    assert Path(enrolment.ca_file).read_text() == tls_server.ca.read_text()  # type: ignore[attr-defined]
    assert preferences.load(tmp_path / "laptop")["language"] == "en"

    reused = provision_laptop(tmp_path / "second", spare)
    assert reused.returncode == 3, reused.stderr
    assert "used or expired" in reused.stderr and "new provisioning file" in reused.stderr
    assert written["enrol_code"] not in reused.stderr + reused.stdout
    assert len(devices(tls_server)) == 1 and spare.exists()


def test_a_laptop_with_a_store_is_provisioned_by_a_supervisor(tls_server: ServerProcess, tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)[0].close()
    file = make_file(tls_server, tmp_path / "p.json", "--ca-file", str(tls_server.ca), "--auto-sync")  # type: ignore[attr-defined]
    wrong = run_process(["provision", str(file)], data_dir, passphrase="not the passphrase")
    assert wrong.returncode == 3 and file.exists() and devices(tls_server) == []
    done = run_process(["provision", str(file)], data_dir)
    assert done.returncode == 0, done.stderr
    assert "Recovery code" not in done.stdout and not file.exists()
    assert [d["office"] for d in devices(tls_server)] == [OFFICE]


def test_a_bad_file_changes_nothing_and_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps(document(auto_sync="yes")))
    done = provision_laptop(tmp_path / "laptop", bad)
    assert done.returncode == 2 and "'auto_sync'" in done.stderr
    assert not (tmp_path / "laptop" / "store.sqlite3").exists() and bad.exists()

    data_dir = tmp_path / "other"
    Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OTHER_OFFICE)[0].close()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document(auto_lock_minutes=3)))
    done = run_process(["provision", str(good)], data_dir)
    assert done.returncode == 2 and "'office'" in done.stderr and good.exists()
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        assert store.settings().auto_lock_minutes != 3


def test_an_unreachable_server_keeps_the_file_for_a_retry(tmp_path: Path) -> None:
    file = tmp_path / "p.json"
    file.write_text(json.dumps(document(server_url="http://127.0.0.1:9")))
    done = provision_laptop(tmp_path / "laptop", file)
    assert done.returncode == 5, done.stderr
    assert "store is created" in done.stderr and "again" in done.stderr and file.exists()
    assert (tmp_path / "laptop" / "store.sqlite3").exists()


def test_a_file_whose_ca_does_not_match_the_server_says_to_ask_for_a_new_file(
    tls_server: ServerProcess, tmp_path: Path
) -> None:
    """Review: "fix the cause and run again" could not work when the cause is in the file itself."""
    other_ca = make_ca_and_server_cert(tmp_path / "other-pki")[0]
    file = make_file(tls_server, tmp_path / "p.json", "--ca-file", str(other_ca))
    done = provision_laptop(tmp_path / "laptop", file)
    assert done.returncode == 5, done.stderr
    assert "could not be verified" in done.stderr and "ask IT for a corrected file" in done.stderr
    assert file.exists() and devices(tls_server) == []


def test_the_server_refuses_a_bad_provisioning_request_before_making_a_code(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server")
    out = tmp_path / "p.json"
    for extra, named in (
        (("--server-url", "http://prakerja.example.go.id"), "--server-url"),
        (("--server-url", "https://x.example", "--auto-lock-minutes", "0"), "--auto-lock-minutes"),
        (("--server-url", "https://x.example", "--ca-file", str(out.with_name("none.pem"))), "--ca-file"),
        ((), "--server-url"),
    ):
        done = server.admin("provision", "--office", OFFICE, "--out", str(out), *extra)
        assert done.returncode == 2 and named in done.stderr, (extra, done.stderr)
        assert not out.exists()


def test_an_unwritable_out_file_wastes_no_code(tmp_path: Path) -> None:
    """Review: the code was made before the file was opened, and stayed live for a week unused."""
    import sqlite3

    db = tmp_path / "central.sqlite3"
    server = ServerProcess(f"sqlite:///{db}", tmp_path / "server")
    done = server.admin(
        "provision",
        "--office",
        OFFICE,
        "--out",
        str(tmp_path / "missing" / "p.json"),
        "--server-url",
        "https://x.example",
    )
    assert done.returncode == 2 and "no code was made" in done.stderr, done.stderr
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM enrol_codes").fetchone()[0] == 0


def test_the_wizard_finds_the_file_beside_the_app_in_the_data_folder_or_named(tmp_path: Path, monkeypatch) -> None:
    import sys

    app, data_dir = tmp_path / "app", tmp_path / "data"
    app.mkdir()
    data_dir.mkdir()
    monkeypatch.delenv(provision.ENV_FILE, raising=False)
    monkeypatch.setattr(sys, "argv", [str(app / "fieldapp")])
    assert provision.find(data_dir) is None
    (data_dir / provision.FILE_NAME).write_text("{}")
    assert provision.find(data_dir) == data_dir / provision.FILE_NAME
    (app / provision.FILE_NAME).write_text("{}")
    assert provision.find(data_dir) == app / provision.FILE_NAME  # beside the app comes first
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / provision.FILE_NAME).write_text("{}")
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # a PyInstaller bundle: beside sys.executable
    monkeypatch.setattr(sys, "executable", str(bundle / "fieldapp"))
    assert provision.find(data_dir) == bundle / provision.FILE_NAME
    monkeypatch.setenv(provision.ENV_FILE, str(tmp_path / "named.json"))
    assert provision.find(data_dir) == tmp_path / "named.json"  # named on purpose: used even if missing
