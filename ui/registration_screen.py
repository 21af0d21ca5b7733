"""New registration: the form, and beside it the receipt of the applicant just saved.

After a save the form is empty again at once, ready for the next person in the queue, while
the last receipt stays on the right to print or save as PDF. A draft continued from the login
offer or the "Draf" list opens here; leaving the screen saves the form's draft at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldapp.nik import masked
from fieldapp.regions import regions
from fieldapp.timestamps import utc_now
from ui import receipt as receipts
from ui.draft_autosave import DraftSlot, continue_work
from ui.registration_form import RegistrationForm
from ui.session import Session

PANEL_WIDTH = 340


class ReceiptPanel(QWidget):
    """The last saved applicant's receipt, with print and save-as-PDF."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.receipt: receipts.Receipt | None = None
        self.setFixedWidth(PANEL_WIDTH)
        self.title = QLabel(self.tr("Tanda terima terakhir"))
        self.title.setStyleSheet("font-weight: bold;")
        self.saved_note = QLabel()
        self.saved_note.setWordWrap(True)
        self.saved_note.setObjectName("savedNote")
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.picture.setStyleSheet("border: 1px solid #d1d5db;")
        self.print_button = QPushButton(self.tr("&Cetak…"))
        self.pdf_button = QPushButton(self.tr("Simpan &PDF…"))
        self.print_button.clicked.connect(self.print)
        self.pdf_button.clicked.connect(self.save_pdf)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.saved_note)
        layout.addWidget(self.picture)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.setVisible(False)

    def show_receipt(self, receipt: receipts.Receipt) -> None:
        self.receipt = receipt
        self.saved_note.setText(
            self.tr("Tersimpan dan masuk antrean kirim. Nomor pendaftaran: {0}").format(receipt.number)
        )
        self.picture.setPixmap(receipts.preview(receipt, PANEL_WIDTH - 24))
        self.setVisible(True)

    def forget(self) -> None:
        self.receipt = None
        self.picture.clear()
        self.setVisible(False)

    def save_pdf(self) -> None:
        if self.receipt is None:
            return
        path = self.choose_pdf_path(f"tanda-terima-{self.receipt.number}.pdf")
        if path:
            self.write_pdf(Path(path))

    def choose_pdf_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Simpan tanda terima"), str(Path.home() / suggested), self.tr("PDF (*.pdf)")
        )
        return path

    def write_pdf(self, path: Path) -> None:
        """Audit the receipt on the database worker, then write the PDF (a few milliseconds).

        The audit entry comes first: a receipt (it shows the applicant's name) that the audit
        log could not record, on a full disk say, is not written.
        """
        assert self.receipt is not None
        receipt = self.receipt
        self.session.op(self, lambda ctx: ctx.store.note_receipt(receipt.record_id)).success(
            lambda _: self._save_pdf(receipt, path)
        ).run()

    def _save_pdf(self, receipt: receipts.Receipt, path: Path) -> None:
        try:
            receipts.save_pdf(receipt, path)
        except Exception as exc:  # shown by the one error mapper
            from ui.errors import show_error

            show_error(self, exc)
            return
        self.saved_note.setText(self.tr("PDF disimpan: {0}").format(path.name))

    def print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if self.receipt is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            receipt = self.receipt
            self.session.op(self, lambda ctx: ctx.store.note_receipt(receipt.record_id)).success(
                lambda _: receipts.print_receipt(receipt, printer)
            ).run()


class Screen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.form = RegistrationForm(session, self)
        self.panel = ReceiptPanel(session, self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.panel)
        self.form.saved.connect(self._saved)
        self.form.nik.textEdited.connect(self._next_applicant)

    def _saved(self, record_id: str) -> None:
        office = self.session.office
        saved = self.form.last_saved  # what was just typed: no need to decrypt it again
        receipt = receipts.Receipt(
            record_id=record_id,
            full_name=" ".join(str(saved.get("full_name") or "").split()),
            nik_masked=masked(str(saved.get("nik") or "")),
            created_at=utc_now(),
            office_name=regions().describe(office) if office else "",
            operator=self.session.user.name if self.session.user else "",
        )
        self.form.clear()
        self.panel.show_receipt(receipt)

    def _next_applicant(self, _text: str) -> None:
        """The next person is at the desk: the last one's name leaves the screen."""
        if self.panel.receipt is not None:
            self.panel.forget()

    def focus_first(self) -> None:
        self.form.focus_first()

    def leave(self) -> None:
        """Another screen is opened: the half-typed form goes into its draft now, not in 2 s."""
        if self.form.drafts is not None:
            self.form.drafts.save_now()

    def hand_over(self) -> tuple[DraftSlot, dict[str, Any]] | None:
        """This screen is being replaced by one in another language: what its form carries over."""
        return self.form.drafts.hand_over() if self.form.drafts is not None else None

    def take_over(self, handed: tuple[DraftSlot, dict[str, Any]]) -> None:
        """Continue the replaced screen's form: the same draft (same id), every field as it was."""
        slot, data = handed
        self.session.op(self, continue_work(slot, data)).success(
            lambda draft_id: self._draft_opened(draft_id, data, focus=False) if draft_id else None
        ).run()

    def continue_draft(self, draft_id: str) -> None:
        """Open a draft in the form; what the form held is saved into its own draft first."""
        drafts = self.form.drafts
        if drafts is None or drafts.draft_id == draft_id:
            return
        drafts.save_now()  # queued before the open below: the lane runs them in order
        self.session.op(self, lambda ctx: ctx.store.open_draft(draft_id)).success(
            lambda fields: self._draft_opened(draft_id, fields)
        ).run()

    def _draft_opened(self, draft_id: str, fields: dict[str, Any], focus: bool = True) -> None:
        self.panel.forget()  # the last applicant's receipt leaves the screen
        self.form.load_draft(draft_id, fields)
        if focus:
            self.form.focus_first()

    def draft_discarded(self, draft_id: str) -> None:
        """The form's own draft was thrown away in the "Draf" list: the form lets it go too."""
        drafts = self.form.drafts
        if drafts is not None and drafts.draft_id == draft_id:
            drafts.forget()
            self.form.clear()
