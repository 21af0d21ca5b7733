"""The app's state machines and layering, tested without Qt (Electrum's test_wizard.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.errors import UsageError
from sync.errors import Cancelled, NotEnrolled, Unreachable
from ui.sync_state import SyncState
from ui.wizard_flow import WizardFlow

ROOT = Path(__file__).resolve().parent.parent


def test_the_wizard_walks_its_steps_and_checks_each_answer_with_the_core() -> None:
    flow = WizardFlow()
    flow.choose_language("en")
    assert flow.step == "supervisor" and flow.data.language == "en"
    with pytest.raises(UsageError, match="at least 10"):
        flow.set_supervisor("kepala", "short", "short", "")
    with pytest.raises(UsageError, match="differ"):
        flow.set_supervisor("kepala", "long enough one", "long enough two", "")
    with pytest.raises(UsageError, match="user names"):
        flow.set_supervisor("Kepala Desa", "long enough one", "long enough one", "")
    with pytest.raises(UsageError, match="desa/kelurahan"):
        flow.set_supervisor("kepala", "long enough one", "long enough one", "32.16.01")  # a kecamatan
    flow.set_supervisor("kepala", "long enough one", "long enough one", "3216012001")
    assert flow.data.office == "32.16.01.2001" and flow.step == "supervisor"
    flow.store_made("ABCD-EFGH")
    assert flow.step == "recovery" and flow.data.passphrase == "" and not flow.can_go_back()
    with pytest.raises(UsageError, match="written down"):
        flow.confirm_recovery(False)
    flow.confirm_recovery(True)
    assert flow.step == "server" and flow.data.recovery_code == ""  # shown once, then forgotten
    flow.server_enrolled("https://prakerja.example.go.id")
    assert flow.step == "done" and flow.data.enrolled


def test_the_wizard_goes_back_only_before_the_store_exists() -> None:
    flow = WizardFlow()
    flow.choose_language("id")
    assert flow.can_go_back()
    flow.back()
    assert flow.step == "language"


def test_sync_state_follows_the_service_events() -> None:
    seen: list[str] = []
    state = SyncState(enrolled=True)
    state.observe(seen.append)
    assert state.state == "offline"
    state.on_event("link_up")
    state.on_event("started")
    state.on_event("synced")
    state.on_event("started")
    state.on_event("failed", Unreachable("no link"))
    state.on_event("link_up")
    state.on_event("failed", Cancelled())
    state.on_event("failed", NotEnrolled("revoked"))
    assert seen == ["online", "syncing", "online", "syncing", "offline", "online", "revoked"]


def test_a_laptop_without_enrolment_says_so_until_it_is_enrolled() -> None:
    state = SyncState(enrolled=False)
    state.on_event("failed", NotEnrolled("not enrolled"))
    assert state.state == "not_enrolled"
    state.enrolled()
    assert state.state == "offline"


FORBIDDEN_IN_UI = {"sqlite3", "cryptography", "requests", "urllib3", "httpx", "http", "socketserver", "sqlalchemy"}
FORBIDDEN_CORE = ("fieldapp.db", "fieldapp.crypto", "fieldapp.keyring", "fieldapp.outbox", "sync.client", "sync.server")
RECORDS_NAMES_ALLOWED = {"short_number", "STATES", "RecordMeta", "StoredRecord", "VersionInfo"}  # no row access


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", [alias.name for alias in node.names]))
    return found


def test_the_ui_runs_no_sql_crypto_or_http_itself() -> None:
    for path in (ROOT / "ui").glob("*.py"):
        for module, names in _imports(path):
            assert module.split(".")[0] not in FORBIDDEN_IN_UI, f"{path.name} imports {module}"
            assert not module.startswith(FORBIDDEN_CORE), f"{path.name} imports {module}"
            if module == "fieldapp.records":
                assert set(names) <= RECORDS_NAMES_ALLOWED, f"{path.name} imports {names} from fieldapp.records"


def test_the_state_machines_import_no_qt() -> None:
    code = "import sys, ui.wizard_flow, ui.sync_state; print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


def test_the_wizard_takes_language_and_office_from_a_provisioning_file() -> None:
    import json

    from fieldapp.provision import parse

    provisioning = parse(
        json.dumps(
            {
                "fieldapp_provisioning": 1,
                "server_url": "https://prakerja.example.go.id",
                "office": "3216012001",
                "enrol_code": "ABCD-EFGH-JKLM-NPQR",
                "language": "en",
            }
        )
    )
    flow = WizardFlow(provisioning)
    assert flow.step == "supervisor" and flow.data.language == "en" and flow.data.office == "32.16.01.2001"
    with pytest.raises(UsageError, match="provisioning file"):
        flow.set_supervisor("kepala", "long enough one", "long enough one", "32.16.01.2002")
    flow.set_supervisor("kepala", "long enough one", "long enough one", "3216012001")
    flow.store_made("ABCD-EFGH")
    flow.confirm_recovery(True)
    assert flow.step == "server"
    note = UsageError("could not be deleted", "tidak dapat dihapus")
    flow.server_enrolled("https://prakerja.example.go.id", note)
    assert flow.step == "done" and flow.provisioning_note is note
    without_language = WizardFlow(provisioning.__class__(provisioning.server_url, provisioning.office, "X"))
    assert without_language.step == "language" and without_language.data.office == "32.16.01.2001"
