"""One registration in full: every field in words, its sync state, the server's verdict, its history.

Opening a record is a deliberate, audited view (`Store.show` writes a "view" entry), so the NIK
is shown whole here and only here. The record is decrypted on the database lane; the dialog is
made only when that succeeded, so a record that fails its integrity check shows the mapped
error and no half-filled dialog. The dialog deletes itself on close and drops the decrypted
record, and it closes when the app locks.

"Ubah" opens the registration form in edit mode (`ui.registration_form.RegistrationForm`) inside
the dialog; after a save the dialog reloads the record, so the new version shows at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.nik import masked
from fieldapp.records import StoredRecord, VersionInfo, short_number
from fieldapp.regions import Region, regions
from fieldapp.registration import Address, Registration
from sync.notes import describe_note
from ui import i18n, labels
from ui import receipt as receipts
from ui.ops import Context, Op
from ui.records_model import ATTENTION_STATES, local_time
from ui.session import Session

ATTENTION_STYLE = "QFrame#serverVerdict { background: #fff4e5; border: 1px solid #f0a35e; border-radius: 4px; }"


@dataclass(frozen=True)
class RecordView:
    """What the dialog shows: the record, its versions, and its region names (looked up off the GUI thread)."""

    stored: StoredRecord
    versions: list[VersionInfo]
    places: dict[str, list[Region]]  # desa code -> province, kabupaten, kecamatan, desa


def load_view(ctx: Context, record_id: str) -> RecordView:
    """Runs on the database lane: the audited view, the history, and the region names."""
    stored = ctx.store.show(record_id)
    versions = ctx.store.versions(stored.meta.id)
    reg = stored.registration
    codes = {reg.ktp_address.desa_code} | ({reg.domicile_address.desa_code} if reg.domicile_address else set())
    index = regions()  # reads the region file's parts these codes need: disk work, not on the GUI thread
    return RecordView(stored, versions, {code: index.lineage(code) for code in codes})


def open_record(
    session: Session,
    parent: QWidget,
    record_id: str,
    opened: Callable[[RecordDialog], None] | None = None,
    failed: Callable[[BaseException], None] | None = None,
) -> Op:
    """Decrypt a record on the database lane and show it; a failure (a damaged record) shows its message."""

    def show(view: RecordView) -> None:
        dialog = RecordDialog(session, view, parent)
        dialog.open()
        if opened is not None:
            opened(dialog)

    op = session.op(parent, lambda ctx: load_view(ctx, record_id)).success(show)
    if failed is not None:
        op.failure(failed)
    return op.run()


def state_explanation(state: str) -> str:
    """What the operator should make of the server's verdict."""
    texts = {
        "duplicate": QCoreApplication.translate(
            "record_dialog", "Server pusat menyatakan NIK ini sudah terdaftar di kantor lain. Data ini tidak diproses."
        ),
        "rejected": QCoreApplication.translate(
            "record_dialog", "Server pusat menolak data ini. Perbaiki isian yang disebut di bawah lalu simpan ulang."
        ),
        "conflict": QCoreApplication.translate(
            "record_dialog", "Data ini juga diubah di tempat lain. Periksa isinya, lalu simpan ulang bila perlu."
        ),
    }
    return texts.get(state, "")


def readable_note(state: str, note: str) -> str:
    """The server's note in the app's language (`sync.notes.describe_note` knows its shapes)."""
    return describe_note(note, i18n.language()) if note else ""


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


class RecordDialog(QDialog):
    """A read-only view of one record, with its history and an "Ubah" button."""

    def __init__(self, session: Session, view: RecordView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.view: RecordView | None = view
        self.form: QWidget | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("recordDialog")
        self.setMinimumSize(860, 560)
        self.resize(1040, 700)
        self.pages = QStackedWidget()
        self.details = QWidget()
        self.pages.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        session.locked.connect(self.reject)
        self._build(view)

    @property
    def record_id(self) -> str:
        return self.view.stored.meta.id if self.view is not None else ""

    # -- the read-only page ----------------------------------------------------------------

    def _build(self, view: RecordView) -> None:
        """Fill the details page (again, after a save) from `view`."""
        meta, reg = view.stored.meta, view.stored.registration
        self.setWindowTitle(self.tr("Data pendaftar {0}").format(short_number(meta.id)))
        old = self.details.layout()
        if old is not None:
            QWidget().setLayout(old)  # hands the old layout and its widgets to a throwaway parent
        layout = QVBoxLayout(self.details)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._header(view))
        if meta.state in ATTENTION_STATES or meta.server_note:
            layout.addWidget(self._verdict(meta.state, meta.server_note))
        layout.addWidget(self._fields(reg, view), 1)
        layout.addWidget(self._buttons())

    def _header(self, view: RecordView) -> QWidget:
        meta, reg = view.stored.meta, view.stored.registration
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 4)
        name = _value(reg.full_name, self.tr("Nama lengkap"))
        name.setObjectName("recordName")
        name.setStyleSheet("font-size: 15pt; font-weight: 600;")
        column.addWidget(name)
        state, created = labels.state_name(meta.state), local_time(meta.created_at)
        facts = self.tr("No. registrasi {0}  ·  Status: {1}  ·  Versi {2}  ·  Dibuat {3}  ·  Operator {4}").format(
            short_number(meta.id), state, meta.version, created, meta.operator
        )
        summary = _value(facts, self.tr("Ringkasan"))
        summary.setObjectName("recordFacts")
        summary.setStyleSheet("color: #374151;")
        column.addWidget(summary)
        return box

    def _verdict(self, state: str, note: str) -> QWidget:
        """The server's answer, where the operator cannot miss it."""
        frame = QFrame()
        frame.setObjectName("serverVerdict")
        frame.setStyleSheet(ATTENTION_STYLE)
        layout = QVBoxLayout(frame)
        title = QLabel(self.tr("Status sinkronisasi: {0}").format(labels.state_name(state)))
        title.setStyleSheet("font-weight: 600; color: #a4400b;")
        layout.addWidget(title)
        explanation = state_explanation(state)
        if explanation:
            layout.addWidget(_value(explanation, self.tr("Penjelasan")))
        if note:
            text = self.tr("Catatan server: {0}").format(readable_note(state, note))
            layout.addWidget(_value(text, self.tr("Catatan server")))
        return frame

    def _fields(self, reg: Registration, view: RecordView) -> QWidget:
        """The form's sections in two columns (so a 768-pixel screen shows them without scrolling)."""
        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (self._identity(reg), self._contact(reg), self._work(reg)):
            left.addWidget(box)
        for box in (
            self._address(self.tr("Alamat KTP"), reg.ktp_address, view.places),
            self._domicile(reg.domicile_address, view.places),
            self._consent(reg),
            self._history(view.versions),
        ):
            right.addWidget(box)
        left.addStretch(1)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        inner = QWidget()
        inner.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        return scroll

    def _identity(self, reg: Registration) -> QGroupBox:
        return _group(
            self.tr("Identitas"),
            [
                (self.tr("NIK"), reg.nik),
                (self.tr("Nomor KK"), reg.kk_number),
                (self.tr("Nama lengkap"), reg.full_name),
                (self.tr("Nama ibu kandung"), reg.mother_name),
                (self.tr("Tempat lahir"), reg.birth_place),
                (self.tr("Tanggal lahir"), _date(reg.birth_date)),
                (self.tr("Jenis kelamin"), labels.sex_name(reg.sex)),
            ],
        )

    def _contact(self, reg: Registration) -> QGroupBox:
        return _group(
            self.tr("Kontak"),
            [(self.tr("Nomor HP"), reg.phone), (self.tr("Email"), reg.email or self.tr("(tidak diisi)"))],
        )

    def _work(self, reg: Registration) -> QGroupBox:
        return _group(
            self.tr("Pendidikan && Pekerjaan"),
            [
                (self.tr("Pendidikan terakhir"), labels.education_name(reg.education)),
                (self.tr("Status pekerjaan"), labels.employment_name(reg.employment_status)),
                (self.tr("Sedang sekolah/kuliah"), labels.yes_no(reg.in_formal_education)),
                (self.tr("Pekerjaan yang dikecualikan"), labels.yes_no(reg.excluded_occupation)),
                (self.tr("Minat pelatihan"), reg.training_interest or self.tr("(tidak diisi)")),
            ],
        )

    def _address(self, title: str, address: Address, places: dict[str, list[Region]]) -> QGroupBox:
        lineage = places.get(address.desa_code, [])
        names = [region.name for region in lineage] + [""] * (4 - len(lineage))
        unknown = self.tr("(kode tidak dikenal)")
        return _group(
            title,
            [
                (self.tr("Jalan"), address.street),
                (self.tr("RT/RW"), f"{address.rt}/{address.rw}"),
                (self.tr("Desa/Kelurahan"), names[3] or unknown),
                (self.tr("Kecamatan"), names[2] or unknown),
                (self.tr("Kabupaten/Kota"), names[1] or unknown),
                (self.tr("Provinsi"), names[0] or unknown),
                (self.tr("Kode wilayah"), address.desa_code),
            ],
        )

    def _domicile(self, address: Address | None, places: dict[str, list[Region]]) -> QGroupBox:
        if address is not None:
            return self._address(self.tr("Domisili"), address, places)
        return _group(self.tr("Domisili"), [(self.tr("Alamat domisili"), self.tr("Sama dengan alamat KTP"))])

    def _consent(self, reg: Registration) -> QGroupBox:
        return _group(
            self.tr("Persetujuan"),
            [
                (self.tr("Setuju pemrosesan data (UU PDP)"), labels.yes_no(reg.consent)),
                (self.tr("Catatan"), reg.notes or self.tr("(tidak ada)")),
            ],
        )

    def _history(self, versions: list[VersionInfo]) -> QGroupBox:
        box = QGroupBox(self.tr("Riwayat versi"))
        table = QTableWidget(len(versions), 3)
        table.setObjectName("versionHistory")
        table.setAccessibleName(self.tr("Riwayat versi"))
        table.setHorizontalHeaderLabels([self.tr("Versi"), self.tr("Disimpan"), self.tr("Operator")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        for row, info in enumerate(reversed(versions)):  # newest first: the one shown above
            for column, text in enumerate((str(info.version), local_time(info.created_at), info.operator)):
                table.setItem(row, column, QTableWidgetItem(text))
        rows_shown = min(max(len(versions), 1), 4)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows_shown * 26 + 4)
        layout = QVBoxLayout(box)
        layout.addWidget(table)
        return box

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.edit_button = QPushButton(self.tr("Ubah"))
        self.edit_button.setObjectName("editRecord")
        self.edit_button.setToolTip(self.tr("Ubah data ini; perubahan disimpan sebagai versi baru"))
        self.edit_button.clicked.connect(self.start_edit)
        receipt = QPushButton(self.tr("Tanda &terima…"))
        receipt.setToolTip(self.tr("Cetak atau simpan lagi tanda terima pendaftar ini"))
        receipt.clicked.connect(self.show_receipt)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Tutup"))
        buttons.addButton(receipt, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.edit_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        return buttons

    def show_receipt(self) -> None:
        """The applicant's receipt again (lost, or the printer was off the first time)."""
        from ui.registration_screen import ReceiptPanel

        if self.view is None:
            return
        meta, reg = self.view.stored.meta, self.view.stored.registration
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Tanda terima"))
        panel = ReceiptPanel(self.session, dialog)
        panel.show_receipt(
            receipts.Receipt(
                meta.id,
                reg.full_name,
                masked(reg.nik),
                meta.created_at,
                regions().describe(meta.office) if meta.office else "",
                meta.operator,
            )
        )
        QVBoxLayout(dialog).addWidget(panel)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- editing -------------------------------------------------------------------------------

    def start_edit(self) -> None:
        """Open the registration form on this record, inside the dialog."""
        if self.view is None or self.form is not None:
            return
        if self.view.stored.meta.state == "verified" and not self._confirm_reopen():
            return
        from ui.registration_form import RegistrationForm  # made on use: the form is the larger module

        record_id = self.view.stored.meta.id
        form = RegistrationForm(
            self.session, self, record_id=record_id, initial=self.view.stored.registration.to_json()
        )
        form.saved.connect(self._saved)
        form.cancelled.connect(self._edit_done)
        self.form = form
        if isinstance(form, QDialog):
            form.open()
        else:
            self.pages.addWidget(form)
            self.pages.setCurrentWidget(form)
        self.setWindowTitle(self.tr("Ubah data pendaftar {0}").format(short_number(record_id)))

    def _confirm_reopen(self) -> bool:
        """A verified record that is changed goes back to the server's review: say so first."""
        answer = QMessageBox.question(
            self,
            self.tr("Data sudah diverifikasi"),
            self.tr(
                "Data ini sudah diverifikasi server. Jika diubah, versi barunya dikirim lagi dan "
                "diperiksa ulang (statusnya kembali menunggu). Tetap ubah?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _saved(self, record_id: str) -> None:
        self._edit_done()  # the form has told the other screens (session.notify) already
        self.session.op(self, lambda ctx: load_view(ctx, record_id)).success(self._reloaded).run()

    def _reloaded(self, view: RecordView) -> None:
        self.view = view
        self._build(view)

    def _edit_done(self) -> None:
        form, self.form = self.form, None
        self.pages.setCurrentWidget(self.details)
        if form is not None:
            if not isinstance(form, QDialog):
                self.pages.removeWidget(form)
            form.deleteLater()
        if self.view is not None:
            self.setWindowTitle(self.tr("Data pendaftar {0}").format(short_number(self.view.stored.meta.id)))

    def done(self, result: int) -> None:
        """Closing drops the decrypted record (the widgets go too: WA_DeleteOnClose)."""
        self.view = None
        if self.form is not None:
            self.form.deleteLater()
            self.form = None
        super().done(result)


def _value(text: str, name: str) -> QLabel:
    """A read-only value: plain text (a name is never markup), selectable, announced by its field name."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setAccessibleName(name)
    return label


def _group(title: str, rows: list[tuple[str, str]]) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for caption, text in rows:
        label = QLabel(caption)
        value = _value(text, caption)
        label.setBuddy(value)
        form.addRow(label, value)
    return box
