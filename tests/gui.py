"""Helpers for the desktop app's tests: a real store in a temp folder and a logged-in session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS

from fieldapp.sample import applicant
from fieldapp.store import Store
from ui.ops import Context
from ui.session import Session


def make_store(data_dir: Path, records: int = 0) -> list[str]:
    """A store with a supervisor and an operator, and `records` synthetic registrations."""
    store, _code = Store.create(data_dir, SUPERVISOR, SUPERVISOR_PASS, OFFICE)
    store.add_user(OPERATOR, "operator", OPERATOR_PASS)
    ids = store.register([applicant(i, OFFICE) for i in range(records)]) if records else []
    store.close()
    return ids


def on_lane(session: Session, fn: Callable[[Context], Any]) -> Any:
    """Run `fn` on the session's database lane and wait for it (for test set-up only)."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def call() -> None:
        try:
            box["result"] = fn(Context(session.lanes.store, lambda _d, _t: None))
        except BaseException as exc:
            box["error"] = exc
        done.set()

    session.lanes.db.start(call)
    assert done.wait(30), "the database lane did not answer"
    if "error" in box:
        raise box["error"]
    return box["result"]


def logged_in(data_dir: Path, user: str = SUPERVISOR, passphrase: str = SUPERVISOR_PASS) -> Session:
    """A session on an existing store, logged in (the way the login screen does it)."""
    session = Session(data_dir)
    on_lane(session, session.open_store)
    on_lane(session, lambda ctx: session.login(ctx, user, passphrase))
    return session
