"""At login: "you have a registration that was not finished; continue it?"

After a crash, a power cut or a lock in the middle of a registration, the user's newest draft
is offered once, right after they log in: continue it (the registration form opens with every
field as it was), later (it stays in the "Draf" list), or discard it (asked once more). Only the
user's own drafts are offered; a supervisor sees the others' in the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldapp.drafts import DraftInfo
from ui.drafts_screen import confirm_discard, describe_sections
from ui.records_model import local_time
from ui.session import Session


class DraftOfferDialog(QDialog):
    """Continue / later / discard, for one draft; says how many others wait in the list."""

    continue_requested = Signal(str)  # the draft id

    def __init__(self, session: Session, info: DraftInfo, others: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.info = info
        self.setObjectName("draftOffer")
        self.setWindowTitle(self.tr("Pendaftaran belum selesai"))
        self.setMinimumWidth(540)
        text = QLabel(
            self.tr("Ada pendaftaran yang belum selesai, terakhir disimpan {0}. Lanjutkan sekarang?").format(
                local_time(info.saved_at)
            )
        )
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 14px;")
        sections = QLabel(self.tr("Sudah terisi: {0}").format(describe_sections(info)))
        sections.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(sections)
        if others:
            more = QLabel(self.tr("{0} draf lain ada di layar Draf.").format(others))
            more.setStyleSheet("color: #4b5563;")
            layout.addWidget(more)
        layout.addSpacing(8)
        layout.addLayout(self._buttons())

    def _buttons(self) -> QHBoxLayout:
        """Discard apart on the left; Later, then Continue (the default) on the right."""
        self.continue_button = QPushButton(self.tr("&Lanjutkan"))
        self.continue_button.setObjectName("offerContinue")
        self.later_button = QPushButton(self.tr("&Nanti"))
        self.later_button.setObjectName("offerLater")
        self.discard_button = QPushButton(self.tr("&Buang…"))
        self.discard_button.setObjectName("offerDiscard")
        row = QHBoxLayout()
        row.addWidget(self.discard_button)
        row.addStretch(1)
        row.addWidget(self.later_button)
        row.addWidget(self.continue_button)
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.continue_draft)
        self.later_button.clicked.connect(self.reject)
        self.discard_button.clicked.connect(self.discard)
        return row

    def continue_draft(self) -> None:
        self.accept()
        self.continue_requested.emit(self.info.id)

    def discard(self) -> None:
        if not self.confirm_discard():
            return  # back to the three choices
        draft_id, session = self.info.id, self.session
        session.op(self.parentWidget() or self, lambda ctx: ctx.store.discard_draft(draft_id)).success(
            lambda _none: session.notify("drafts")  # the dialog is gone by then: no `self` here
        ).run()
        self.reject()

    def confirm_discard(self) -> bool:
        return confirm_discard(self)


def own_drafts(user: str) -> Callable[..., list[DraftInfo]]:
    """The op that lists the user's own drafts that can be opened, newest saved first."""
    return lambda ctx: [d for d in ctx.store.drafts() if d.owner == user and not d.damaged]


def offer_newest(session: Session, parent: QWidget, on_continue: Callable[[str], None]) -> None:
    """Ask the store for the user's drafts; if there are any, offer the newest (non-blocking)."""
    if session.user is None:
        return
    user = session.user.name

    def show(drafts: list[DraftInfo]) -> None:
        if not drafts:
            return
        dialog = DraftOfferDialog(session, drafts[0], len(drafts) - 1, parent)
        dialog.continue_requested.connect(on_continue)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    session.op(parent, own_drafts(user)).success(show).run()
