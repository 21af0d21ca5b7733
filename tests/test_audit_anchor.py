"""The laptop's audit-chain head anchored on the server (issue 8, item 3; protocol revision 4).

A store put back to an older copy, or one whose audit log was rewritten, verifies on its own;
the server, which kept the head of every sync, notices: `rolled_back` or `forked`, shown in
`fieldapp-server devices` and on the laptop (exit 4, audited). A supervisor who restored a
backup declares it and the server accepts the new chain. Real server processes on loopback;
laptops driven through the `fieldapp` CLI, or a real Store and engine where a step must fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from conftest import OFFICE, SUPERVISOR, SUPERVISOR_PASS
from servers import Laptop, ServerProcess
from test_server_protocol import enrol, post
from test_sync import enrolled_laptop

from fieldapp.sample import applicant
from fieldapp.store import Store
from sync import protocol
from sync.client import SyncClient
from sync.engine import Backoff, Progress, SyncEngine
from sync.errors import EXIT_AUDIT_FLAGGED, Unreachable
from sync.faultproxy import FaultProxy, LinkProfile
from sync.service import enroll

HEAD_A, HEAD_B, HEAD_C = "a" * 64, "b" * 64, "c" * 64


def devices(server: ServerProcess) -> list[dict[str, object]]:
    result = server.admin("devices", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def device_line(server: ServerProcess, device_id: object) -> str:
    result = server.admin("devices")
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith(str(device_id))]
    return line


def audit_log(laptop: Laptop) -> list[dict[str, object]]:
    result = laptop.run("audit", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def audit_actions(laptop: Laptop) -> list[str]:
    return [str(entry["action"]) for entry in audit_log(laptop)]


def sync(laptop: Laptop) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    result = laptop.run("sync", "--json")
    return result, json.loads(result.stdout) if result.stdout.strip() else {}


def work(laptop: Laptop, first: int, records: int) -> None:
    """Audited work: each registration, and each look at a record, is an audit entry."""
    for index in range(first, first + records):
        [record_id] = laptop.register([applicant(index)])
        assert laptop.run("show", record_id).returncode == 0


def copy_of(laptop: Laptop, folder: Path) -> Laptop:
    shutil.copytree(laptop.data_dir, folder)
    return Laptop(folder, laptop.office)


def put_back(laptop: Laptop, backup: Path) -> None:
    """What restoring a backup (or an operator copying an old store over) does to the data folder."""
    shutil.rmtree(laptop.data_dir)
    shutil.copytree(backup, laptop.data_dir)


# --- through the CLI, as a supervisor sees it ----------------------------------------------------


def test_the_first_sync_anchors_the_head_and_the_server_lists_it(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    laptop.register([applicant(0)])
    result, report = sync(laptop)
    assert result.returncode == 0, result.stderr
    assert report["audit_anchor"] == "ok"
    [device] = devices(server)
    assert device["audit_flag"] == "" and device["audit_flag_at"] is None
    [sync_entry] = [entry for entry in audit_log(laptop) if entry["action"] == "sync"]
    assert device["audit_seq"] == sync_entry["seq"] - 1  # type: ignore[operator]  # the head before the sync's entry
    assert f"audit: ok @ {device['audit_seq']}" in device_line(server, device["id"])
    anchor = laptop.status()["audit_anchor"]
    assert isinstance(anchor, dict) and anchor["outcome"] == "ok" and anchor["server_seq"] == 0

    again, report = sync(laptop)
    assert again.returncode == 0 and report["audit_anchor"] == "ok"
    assert devices(server)[0]["audit_seq"] > device["audit_seq"]
    assert laptop.status()["audit_anchor"]["server_seq"] == device["audit_seq"]  # type: ignore[index]


def test_a_store_put_back_to_an_older_copy_is_flagged_until_a_restore_is_declared(
    tmp_path: Path, server: ServerProcess
) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    work(laptop, 0, 1)
    assert sync(laptop)[0].returncode == 0
    backup = tmp_path / "backup"
    shutil.copytree(laptop.data_dir, backup)
    work(laptop, 1, 6)  # what someone wants gone from the audit log
    assert sync(laptop)[0].returncode == 0
    put_back(laptop, backup)

    result, report = sync(laptop)
    assert result.returncode == EXIT_AUDIT_FLAGGED, result.stdout + result.stderr
    assert report["audit_anchor"] == "rolled_back" and report["unsent"] == 0  # the report comes first
    assert "rolled back" in result.stderr and "fieldapp audit --declare-restore" in result.stderr
    assert "tell IT" in result.stderr
    [device] = devices(server)
    assert device["audit_flag"] == "rolled_back" and device["audit_flag_at"]
    assert "ROLLED BACK" in device_line(server, device["id"])
    assert "tamper_detected" in audit_actions(laptop)
    assert laptop.status()["audit_anchor"]["outcome"] == "rolled_back"  # type: ignore[index]

    # It was a restore after all: declared (audited), the next sync is accepted and noted.
    declared = laptop.run("audit", "--declare-restore")
    assert declared.returncode == 0, declared.stderr
    result, report = sync(laptop)
    assert result.returncode == 0, result.stderr
    assert report["audit_anchor"] == "restore_accepted"
    [device] = devices(server)
    assert device["audit_flag"] == "restore_declared" and "restore declared" in device_line(server, device["id"])
    assert "restore_declared" in audit_actions(laptop)
    result, report = sync(laptop)
    assert result.returncode == 0 and report["audit_anchor"] == "ok"
    assert devices(server)[0]["audit_flag"] == "restore_declared"  # the central team still sees it


def test_a_restore_declared_before_syncing_is_accepted_at_once(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    assert sync(laptop)[0].returncode == 0
    backup = tmp_path / "backup"
    shutil.copytree(laptop.data_dir, backup)
    work(laptop, 0, 6)
    assert sync(laptop)[0].returncode == 0
    put_back(laptop, backup)
    assert laptop.run("audit", "--declare-restore").returncode == 0
    result, report = sync(laptop)
    assert result.returncode == 0, result.stderr
    assert report["audit_anchor"] == "restore_accepted"
    assert "tamper_detected" not in audit_actions(laptop)
    assert devices(server)[0]["audit_flag"] == "restore_declared"
    assert sync(laptop)[1]["audit_anchor"] == "ok"


def test_two_copies_of_one_store_that_both_go_on_working_fork(tmp_path: Path, server: ServerProcess) -> None:
    laptop = enrolled_laptop(tmp_path, server)
    assert sync(laptop)[0].returncode == 0
    twin = copy_of(laptop, tmp_path / "twin")
    work(laptop, 0, 2)
    assert sync(laptop)[0].returncode == 0
    work(twin, 10, 5)  # longer than the original's: not behind, but not the same chain
    result, report = sync(twin)
    assert result.returncode == EXIT_AUDIT_FLAGGED, result.stdout + result.stderr
    assert report["audit_anchor"] == "forked" and report["outcomes"] == {"accepted": 5}
    assert "rewritten" in result.stderr and "--declare-restore" in result.stderr
    [device] = devices(server)
    assert device["audit_flag"] == "forked" and "FORKED" in device_line(server, device["id"])
    assert "tamper_detected" in audit_actions(twin)


# --- the endpoint itself, over HTTP --------------------------------------------------------------


def get_anchor(server: ServerProcess, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(server.url + protocol.PREFIX + "/audit-anchor", headers=headers, timeout=10)


def claim(seq: int, head: str, known_seq: int, known_head: str | None, restored: bool = False) -> dict[str, object]:
    return {"seq": seq, "head": head, "known_seq": known_seq, "known_head": known_head, "restored": restored}


def anchor(server: ServerProcess, token: str, body: dict[str, object]) -> dict[str, object]:
    answer = post(server, "/audit-anchor", body, token)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_server_judges_each_head_against_the_last_one(server: ServerProcess) -> None:
    token = enrol(server)
    assert get_anchor(server, token).json() == {"seq": 0}
    assert anchor(server, token, claim(5, HEAD_A, 0, None)) == {"outcome": "ok", "seq": 0}
    assert get_anchor(server, token).json() == {"seq": 5}
    assert anchor(server, token, claim(9, HEAD_B, 5, HEAD_A)) == {"outcome": "ok", "seq": 5}
    assert anchor(server, token, claim(9, HEAD_B, 9, HEAD_B)) == {"outcome": "ok", "seq": 9}  # nothing new
    assert anchor(server, token, claim(4, HEAD_C, 9, None)) == {"outcome": "rolled_back", "seq": 9}
    assert anchor(server, token, claim(8, HEAD_A, 4, HEAD_B)) == {"outcome": "forked", "seq": 4}  # entry 4 differs
    assert anchor(server, token, claim(12, HEAD_B, 8, None)) == {"outcome": "forked", "seq": 8}  # entry 8 missing
    assert anchor(server, token, claim(3, HEAD_C, 12, None, True)) == {"outcome": "restore_accepted", "seq": 12}
    assert anchor(server, token, claim(6, HEAD_A, 3, HEAD_C)) == {"outcome": "ok", "seq": 3}
    [device] = devices(server)
    assert device["audit_seq"] == 6 and device["audit_flag"] == "restore_declared"

    moved = post(server, "/audit-anchor", claim(7, HEAD_B, 3, HEAD_C), token)  # read before the last move
    assert moved.status_code == 409 and moved.json()["type"].endswith("/anchor-moved")
    assert get_anchor(server, token).json() == {"seq": 6}  # nothing kept from a refused request


def test_anchors_need_a_device_token_and_a_well_formed_head(server: ServerProcess) -> None:
    assert get_anchor(server, None).status_code == 401
    refused = post(server, "/audit-anchor", claim(5, HEAD_A, 0, None), token=None)
    assert refused.status_code == 401 and refused.json()["type"].endswith("/unauthenticated")
    assert post(server, "/audit-anchor", claim(5, HEAD_A, 0, None), token="forged").status_code == 401
    token = enrol(server)
    for bad in (
        claim(5, "A" * 64, 0, None),  # upper case
        claim(5, "a" * 63, 0, None),
        claim(5, "g" * 64, 0, None),
        claim(5, HEAD_A, 0, "zz"),
        claim(0, HEAD_A, 0, None),  # a head is an entry: 1 or more
        claim(-1, HEAD_A, 0, None),
        claim(2**63, HEAD_A, 0, None),
        {**claim(5, HEAD_A, 0, None), "office": OFFICE},  # unknown field
    ):
        answer = post(server, "/audit-anchor", bad, token)
        assert answer.status_code == 422, (bad, answer.text)
    assert get_anchor(server, token).json() == {"seq": 0}


def enrol_store(server: ServerProcess, store_id: str, proof: str) -> str:
    body = {"code": server.enroll_code(OFFICE), "device_name": "t", "office": OFFICE}
    answer = post(server, "/enroll", {**body, "store_id": store_id, "store_proof": proof}, token=None)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def test_enrolling_the_same_store_again_keeps_its_anchor(server: ServerProcess) -> None:
    store_id, proof = str(uuid.uuid4()), "d" * 64
    first = enrol_store(server, store_id, proof)
    anchor(server, first, claim(40, HEAD_A, 0, None))
    again = enrol_store(server, store_id, proof)
    assert get_anchor(server, again).json() == {"seq": 40}
    assert anchor(server, again, claim(12, HEAD_B, 40, None)) == {"outcome": "rolled_back", "seq": 40}
    other = enrol(server)  # another laptop: its own chain, nothing to compare with
    assert get_anchor(server, other).json() == {"seq": 0}


# --- the engine: an old server, and trouble while anchoring --------------------------------------


class RevisionThreeServer(ServerProcess):
    """The same server program, saying it speaks revision 3, as one not yet upgraded would."""

    def _base(self) -> list[str]:
        script = (
            "import sys; import sync.protocol as p; p.PROTOCOL_VERSION = 3; "
            "from sync.server.cli import main; raise SystemExit(main(sys.argv[1:]))"
        )
        return [sys.executable, "-c", script, "--db", self.db_url, "--key-file", str(self.key_file)]


def test_a_server_older_than_revision_4_is_not_asked(tmp_path: Path) -> None:
    server = RevisionThreeServer(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path / "old").start()
    try:
        assert requests.get(server.url + "/v1/health", timeout=10).json()["protocol"] == 3
        laptop = enrolled_laptop(tmp_path, server)
        laptop.register([applicant(0)])
        result, report = sync(laptop)
        assert result.returncode == 0, result.stderr
        assert report["audit_anchor"] is None and report["outcomes"] == {"accepted": 1}
        assert devices(server)[0]["audit_seq"] is None
        assert laptop.status()["audit_anchor"] is None
    finally:
        server.stop()


def test_a_link_lost_while_anchoring_leaves_nothing_unsent_and_nothing_to_send_again(
    tmp_path: Path, server: ServerProcess
) -> None:
    store, _code = Store.create(tmp_path / "laptop", SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    try:
        enroll(store, server.url, server.enroll_code(OFFICE), "laptop")
        store.register([applicant(i) for i in range(5)])
        enrolment = store.enrolment()
        assert enrolment is not None
        with FaultProxy(("127.0.0.1", server.port)) as proxy:

            def cut_after_pull(progress: Progress) -> None:  # the next request is the anchor's
                if progress.phase == "pull":
                    proxy.profile = LinkProfile(fault_rate=1.0, faults=("error_before",))

            client = SyncClient(f"http://127.0.0.1:{proxy.port}", enrolment.token)
            engine = SyncEngine(
                store, client, progress=cut_after_pull, max_failures_in_a_row=2, backoff=Backoff(base=0.01, cap=0.05)
            )
            try:
                engine.run()
                raise AssertionError("the anchor's failure must be reported")
            except Unreachable:
                pass
            assert store.sync_status()["synced"] == 5 and store.sync_status()["queued_versions"] == 0
            assert server.stats()["records"] == 5
            assert store.audit_anchor_state() == {}
            proxy.profile = LinkProfile()
            report = SyncEngine(store, client).run()
            client.close()
        assert report.pushed == 0 and report.audit_anchor == "ok"  # nothing went twice
        assert server.stats()["records"] == 5 and server.stats()["versions"] == 5
    finally:
        store.close()


# --- the app: the warning, and the supervisor's way out -------------------------------------------


def test_the_app_warns_only_while_the_server_flags_the_log() -> None:
    from ui.sync_state import audit_warning

    assert audit_warning({}, False) is None
    assert audit_warning({"outcome": "ok", "server_seq": 4}, False) is None
    assert audit_warning({"outcome": "restore_accepted", "server_seq": 4}, False) is None
    assert audit_warning({"outcome": "rolled_back", "server_seq": 4}, False) == "rolled_back"
    assert audit_warning({"outcome": "forked", "server_seq": 4}, False) == "forked"
    assert audit_warning({"outcome": "forked", "server_seq": 4}, True) == "restore_declared"


def engine_sync(store: Store) -> None:
    enrolment = store.enrolment()
    assert enrolment is not None
    client = SyncClient(enrolment.server_url, enrolment.token)
    try:
        SyncEngine(store, client).run()
    finally:
        client.close()


def store_put_back_after_a_sync(data_dir: Path, backup: Path, server: ServerProcess) -> None:
    """A store synced, copied, worked on and synced again, then put back to the copy."""
    from gui import make_store

    make_store(data_dir)
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        enroll(store, server.url, server.enroll_code(OFFICE), "laptop-a")
        engine_sync(store)
    shutil.copytree(data_dir, backup)
    with Store.open(data_dir) as store:
        store.login(SUPERVISOR, SUPERVISOR_PASS)
        for index in range(8):
            store.register([applicant(index, OFFICE)])
        engine_sync(store)
    shutil.rmtree(data_dir)
    shutil.copytree(backup, data_dir)
    with Store.open(data_dir) as store:
        from fieldapp.settings import Settings

        store.login(SUPERVISOR, SUPERVISOR_PASS)
        store.save_settings(Settings(auto_sync=False))  # the supervisor syncs by hand


@pytest.mark.gui
def test_the_sync_screen_warns_and_a_supervisor_declares_the_restore(
    qtbot, data_dir: Path, tmp_path: Path, server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui import on_lane
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox
    from test_ui_operator import login
    from ui_driver import open_app

    store_put_back_after_a_sync(data_dir, tmp_path / "backup", server)
    session, window = open_app(qtbot, data_dir, probe_every_s=0.3)
    login(qtbot, window, SUPERVISOR, SUPERVISOR_PASS)
    screen = window.workspace.open("sync")
    qtbot.waitUntil(lambda: session.sync_state.state == "online", timeout=10_000)
    assert not screen.audit_warning.isVisible() and not screen.declare_button.isVisible()
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(screen.audit_warning.isVisible, timeout=30_000)
    assert "mundur" in screen.audit_warning.text() and "petugas TI" in screen.audit_warning.text()
    assert screen.declare_button.isVisible()
    qtbot.waitUntil(lambda: screen.history_table.rowCount() >= 1)
    assert screen.history_table.item(0, 7).text() == "Berhasil; log audit ditandai server"
    if shots := os.environ.get("FIELDAPP_ANCHOR_SHOTS"):  # to look at it: a PNG of the screen
        window.grab().save(str(Path(shots) / "sync-audit-warning.png"))

    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def question(_parent, _title, text, *_rest):  # type: ignore[no-untyped-def]
            asked.append(text)
            return reply

        return staticmethod(question)

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(screen.declare_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "cadangan" in asked[0]
    assert on_lane(session, lambda ctx: ctx.store.restore_declared()) is False  # "no" declares nothing

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(screen.declare_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2  # asked once per click
    qtbot.waitUntil(lambda: not screen.audit_warning.isVisible(), timeout=30_000)  # declared, synced, accepted
    assert devices(server)[0]["audit_flag"] == "restore_declared"
    assert not screen.declare_button.isVisible()
    anchor = on_lane(session, lambda ctx: ctx.store.audit_anchor_state())
    assert anchor["outcome"] == "restore_accepted"
    assert "restore_declared" in [e.action for e in on_lane(session, lambda ctx: ctx.store.audit_log(None))]
