"""What the status bar and the sync screen say about sync: a small state machine, no Qt.

States: `not_enrolled` (no server yet), `offline`, `online`, `syncing`, `revoked` (the server
refused this device: a supervisor must enrol it again). Events come from `sync.service` and
the app; observers are called with the new state on every change.

`audit_warning` reads the server's last word on this laptop's audit log (what the store keeps
from the anchor at each sync) and says which warning the screen owes its user, if any.
"""

from __future__ import annotations

from collections.abc import Callable

from sync.errors import Cancelled, NotEnrolled, Transient

STATES = ("not_enrolled", "offline", "online", "syncing", "revoked")


class SyncState:
    def __init__(self, enrolled: bool) -> None:
        self.state = "offline" if enrolled else "not_enrolled"
        self.last_error: BaseException | None = None
        self._observers: list[Callable[[str], None]] = []

    def observe(self, callback: Callable[[str], None]) -> None:
        self._observers.append(callback)

    def _move(self, state: str) -> None:
        if state != self.state:
            self.state = state
            for callback in self._observers:
                callback(state)

    def enrolled(self) -> None:
        self.last_error = None
        self._move("offline")  # until the first probe answers

    def link_up(self) -> None:
        if self.state in ("offline", "not_enrolled"):
            self._move("online")

    def link_down(self) -> None:
        if self.state in ("online", "syncing"):
            self._move("offline")

    def started(self) -> None:
        if self.state != "not_enrolled":
            self._move("syncing")

    def synced(self) -> None:
        self.last_error = None
        self._move("online")

    def failed(self, error: BaseException | None) -> None:
        self.last_error = error
        if isinstance(error, NotEnrolled):
            self._move("revoked" if self.state != "not_enrolled" else "not_enrolled")
        elif isinstance(error, Cancelled):
            self._move("online")
        elif isinstance(error, Transient) or error is None:
            self._move("offline")
        else:
            self._move("online")  # the server answered but refused: the link itself is fine

    def on_event(self, kind: str, error: BaseException | None = None) -> None:
        """Apply a `sync.scheduler.SyncEvent` by its kind."""
        handlers: dict[str, Callable[[], None]] = {
            "link_up": self.link_up,
            "link_down": self.link_down,
            "started": self.started,
            "synced": self.synced,
            "failed": lambda: self.failed(error),
        }
        handlers[kind]()


AUDIT_FLAGS = ("rolled_back", "forked")


def audit_warning(anchor: dict[str, object], restore_declared: bool) -> str | None:
    """ "rolled_back" or "forked" while the server's last word flags our audit log, else None.

    With a backup restore declared and not yet accepted, the warning is "restore_declared": the
    next sync settles it, and there is nothing more for a supervisor to do before it.
    """
    if restore_declared:
        return "restore_declared"
    outcome = anchor.get("outcome")
    return outcome if isinstance(outcome, str) and outcome in AUDIT_FLAGS else None
