"""Autosave of the registration form into its encrypted draft (`Store.save_draft`).

A moment after each change (debounced, DRAFT_DELAY_MS) the form's data goes to the store on
the database lane; the GUI thread never waits for it. The draft's id lives in a `DraftSlot`
that only the lane writes while work is queued: saves, the registration and a discard run on
that one lane in order, so a save queued before the first save has answered still finds the id
and never starts a second draft. The same ordering is what makes lock and quit safe: a save
queued before `Store.lock` / `Store.close` runs before them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QWidget

from fieldapp.errors import UsageError
from ui.ops import Context
from ui.session import Session

DRAFT_DELAY_MS = 2_000  # after the last change: long enough to batch typing, short enough to lose little


class DraftSlot:
    """The id of the form's draft; written on the database lane, read anywhere."""

    def __init__(self) -> None:
        self.id: str | None = None


def is_empty(data: dict[str, Any]) -> bool:
    """Nothing typed or chosen: no draft for it (an address of only None values is empty too)."""
    for value in data.values():
        if isinstance(value, dict):
            if any(value.values()):
                return False
        elif value not in (None, "", False):
            return False
    return True


def filled_fields(data: dict[str, Any], keys: Iterable[str]) -> set[str]:
    """Which of the form's field keys ("nik", "ktp_address.street" ...) hold something in `data`."""
    found = set()
    for key in keys:
        group, _dot, part = key.partition(".")
        value = data.get(group)
        if part:
            value = value.get(part) if isinstance(value, dict) else None
        if value not in (None, "", False):
            found.add(key)
    return found


class DraftKeeper(QObject):
    """Keeps one form's draft in step with what is typed; says when it last saved."""

    saved = Signal(str)  # the local time (HH:MM) of the last save
    dropped = Signal()  # the draft is gone (registered or discarded)

    def __init__(self, session: Session, owner: QWidget, read: Callable[[], dict[str, Any]]) -> None:
        super().__init__(owner)
        self.session = session
        self.owner = owner  # ops report on this widget and die with it
        self.read = read
        self.slot = DraftSlot()
        self.paused = False  # while a registration is being saved: its draft goes with it
        self._last: dict[str, Any] = {}
        self._complained = False  # a failing save (a full disk) is said once, not every 2 seconds
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.save_now)
        session.closing.connect(self.save_now)

    @property
    def draft_id(self) -> str | None:
        return self.slot.id

    def watch(self, signals: list[SignalInstance]) -> None:
        """Arm the autosave on each of these (the form's inputs' change signals)."""
        for signal in signals:
            signal.connect(self.changed)

    def changed(self, *_args: object) -> None:
        """Something in the form changed: save a moment after the last change."""
        if not self.paused:
            self.timer.start()

    def save_now(self) -> None:
        """Queue a save of what the form holds now, if it differs from the last one queued."""
        self.timer.stop()
        if self.paused or self.session.user is None:
            return
        data = self.read()
        if data == self._last:
            return
        self._last = data
        slot = self.slot
        if is_empty(data):  # everything typed was deleted by hand: no draft of nothing
            if slot.id is not None:
                self.session.op(self.owner, lambda ctx: _discard(ctx, slot)).success(self._gone).run()
            return
        self.session.op(self.owner, lambda ctx: _save(ctx, slot, data)).success(self._saved).failure(self._failed).run()

    def adopt(self, draft_id: str, data: dict[str, Any]) -> None:
        """The form now shows this draft (continued): later saves go into it."""
        self.timer.stop()
        self.slot.id = draft_id
        self._last = data

    def hand_over(self) -> tuple[DraftSlot, dict[str, Any]] | None:
        """The form is about to be built again (a language change): its draft slot and data, and it stops.

        What the form holds is queued for saving first; the slot travels, so the rebuilt form
        learns the id once that save has run on the lane (`continue_work`). None while a
        registration is being saved (its draft goes with it) or when there is nothing to carry.
        """
        if self.paused:
            return None
        self.save_now()
        self.paused = True  # this form is going away: it saves nothing more
        data = self.read()
        if is_empty(data) and self.slot.id is None:
            return None
        return self.slot, data

    def register_work(self, data: dict[str, Any]) -> Callable[[Context], str]:
        """The registration, deleting this form's draft in the same transaction (on the lane)."""
        slot = self.slot

        def work(ctx: Context) -> str:
            record_id = ctx.store.register([data], draft_id=slot.id)[0]
            slot.id = None
            return record_id

        return work

    def registered(self) -> None:
        """The registration went through and took the draft with it."""
        self._last = {}
        self.paused = False
        self._gone(None)

    def discard(self) -> None:
        """Throw the draft away (the operator cleared the form after being asked)."""
        self.timer.stop()
        self._last = {}
        slot = self.slot
        if slot.id is not None:
            self.session.op(self.owner, lambda ctx: _discard(ctx, slot)).success(self._gone).run()

    def forget(self) -> None:
        """The draft was discarded elsewhere (the "Draf" list, after its own save had run)."""
        self.timer.stop()
        self.slot.id = None
        self._last = {}
        self.dropped.emit()

    def _saved(self, _draft_id: str) -> None:
        self._complained = False
        self.saved.emit(dt.datetime.now().strftime("%H:%M"))
        self.session.notify("drafts")

    def _gone(self, _result: object) -> None:
        self.dropped.emit()
        self.session.notify("drafts")

    def _failed(self, exc: BaseException) -> None:
        """Said once until a save works again; the next change tries again."""
        self._last = {}
        if self._complained:
            return
        self._complained = True
        from ui.errors import show_error

        show_error(self.owner, exc)


def _save(ctx: Context, slot: DraftSlot, data: dict[str, Any]) -> str:
    """Save into the form's draft; one gone meanwhile (purged, discarded from the CLI) starts anew."""
    try:
        draft_id: str = ctx.store.save_draft(data, slot.id)
    except UsageError:
        if slot.id is None or any(info.id == slot.id for info in ctx.store.drafts()):
            raise
        draft_id = ctx.store.save_draft(data, None)
    slot.id = draft_id
    return draft_id


def continue_work(slot: DraftSlot, data: dict[str, Any]) -> Callable[[Context], str | None]:
    """On the lane, after the save the old form queued: the id of the draft it saved into.

    A save that failed (a full disk, said by the old form) is tried once more here, so the
    rebuilt form does not start a second draft of the same applicant.
    """

    def work(ctx: Context) -> str | None:
        if slot.id is None and not is_empty(data):
            _save(ctx, slot, data)
        return slot.id

    return work


def _discard(ctx: Context, slot: DraftSlot) -> None:
    if slot.id is not None:
        ctx.store.discard_draft(slot.id)
        slot.id = None
