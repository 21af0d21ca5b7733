"""Draf: every registration still being filled in on this laptop, to continue or throw away.

The list is `Store.drafts()` (supervisors see every user's, operators their own) and shows only
what the core lets a list show: who started a draft, when, when it was last saved, and which
sections of the form have something in them; never a name or a NIK. "Lanjutkan" (Enter) opens
the draft in the registration form; "Buang" (Delete) throws it away after asking once. The list
refreshes when a draft changes anywhere in the app (`session.notify("drafts")`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.drafts import SECTIONS, DraftInfo
from ui.records_model import local_time
from ui.session import Session

COL_OWNER, COL_STARTED, COL_SAVED, COL_SECTIONS = range(4)


def section_name(section: str) -> str:
    names = {
        "identity": QCoreApplication.translate("drafts", "Identitas"),
        "contact": QCoreApplication.translate("drafts", "Kontak"),
        "address": QCoreApplication.translate("drafts", "Alamat"),
        "work": QCoreApplication.translate("drafts", "Pendidikan & Pekerjaan"),
        "consent": QCoreApplication.translate("drafts", "Persetujuan"),
    }
    return names.get(section, section)


def describe_sections(info: DraftInfo) -> str:
    """ "Identitas, Kontak (2 dari 5)": how far the form got, with no personal data."""
    if info.damaged:
        return QCoreApplication.translate("drafts", "Rusak: tidak dapat dibuka (diubah di luar aplikasi)")
    if not info.sections:
        return QCoreApplication.translate("drafts", "Belum ada bagian yang terisi")
    names = ", ".join(section_name(s) for s in info.sections)
    return QCoreApplication.translate("drafts", "{0} ({1} dari {2})").format(names, len(info.sections), len(SECTIONS))


def confirm_discard(parent: QWidget) -> bool:
    """The one question before a draft is thrown away (asked once, "No" by default)."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("drafts", "Buang draf"),
        QCoreApplication.translate("drafts", "Buang draf ini? Isiannya hilang dan tidak dapat dikembalikan."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class Screen(QWidget):
    """The open drafts, newest saved first."""

    continue_requested = Signal(str)  # a draft id: the workspace opens it in the registration form
    discarded = Signal(str)  # a draft id, once it is gone

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.drafts: list[DraftInfo] = []
        self._stale = False
        self._build()
        self.session.changed.connect(self._changed)
        self.refresh()

    def _build(self) -> None:
        title = QLabel(self.tr("Draf"))
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        intro = QLabel(
            self.tr(
                "Pendaftaran yang belum selesai disimpan otomatis di sini, terenkripsi, sampai disimpan "
                "utuh atau dibuang. Draf yang tidak disentuh selama {0} hari dihapus otomatis."
            ).format(self.session.settings.draft_days)
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #4b5563;")
        self.table = self._table()
        self.empty = QLabel(self.tr("Tidak ada draf yang terbuka."))
        self.empty.setObjectName("emptyDrafts")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #6b7280; padding: 12px;")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(self._actions())

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setObjectName("draftsTable")
        table.setAccessibleName(self.tr("Daftar draf"))
        table.setHorizontalHeaderLabels(
            [self.tr("Dimulai oleh"), self.tr("Dimulai"), self.tr("Terakhir disimpan"), self.tr("Bagian terisi")]
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, width in ((COL_OWNER, 160), (COL_STARTED, 150), (COL_SAVED, 150)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.activated.connect(lambda _index: self.continue_selected())  # Enter, and a double click
        table.itemSelectionChanged.connect(self._selection_changed)
        return table

    def _actions(self) -> QHBoxLayout:
        help_text = QLabel(self.tr("Enter untuk melanjutkan draf yang dipilih, Delete untuk membuangnya."))
        help_text.setStyleSheet("color: #6b7280;")
        self.continue_button = QPushButton(self.tr("&Lanjutkan"))
        self.continue_button.setObjectName("continueDraft")
        self.discard_button = QPushButton(self.tr("B&uang…"))
        self.discard_button.setObjectName("discardDraft")
        self.continue_button.clicked.connect(self.continue_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self.table.installEventFilter(self)  # Delete in the list discards (after asking)
        row = QHBoxLayout()
        row.addWidget(help_text)
        row.addStretch(1)
        row.addWidget(self.discard_button)
        row.addWidget(self.continue_button)
        self._selection_changed()
        return row

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._stale = False
        self.session.op(self, lambda ctx: ctx.store.drafts()).success(self._show).run()

    def _show(self, drafts: list[DraftInfo]) -> None:
        keep = self.selected_id()
        self.drafts = drafts
        self.table.setRowCount(len(drafts))
        for row, info in enumerate(drafts):
            cells = (info.owner, local_time(info.started_at), local_time(info.saved_at), describe_sections(info))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if info.damaged:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        ids = [info.id for info in drafts]
        if drafts:
            self.table.selectRow(ids.index(keep) if keep in ids else 0)
        self.empty.setVisible(not drafts)
        self._selection_changed()

    def _changed(self, areas: set) -> None:
        if "drafts" not in areas:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # refreshed when shown again

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def focus_first(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- acting ------------------------------------------------------------------------------

    def selected(self) -> DraftInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.drafts[rows[0].row()] if rows and rows[0].row() < len(self.drafts) else None

    def selected_id(self) -> str:
        info = self.selected()
        return info.id if info is not None else ""

    def _selection_changed(self) -> None:
        info = self.selected()
        self.continue_button.setEnabled(info is not None and not info.damaged)
        self.discard_button.setEnabled(info is not None)

    def continue_selected(self) -> None:
        info = self.selected()
        if info is not None and not info.damaged:
            self.continue_requested.emit(info.id)

    def discard_selected(self) -> None:
        info = self.selected()
        if info is None or not self.confirm_discard():
            return
        draft_id = info.id
        self.session.op(self, lambda ctx: ctx.store.discard_draft(draft_id)).success(
            lambda _none: self._discarded(draft_id)
        ).run()

    def _discarded(self, draft_id: str) -> None:
        self.discarded.emit(draft_id)
        self.session.notify("drafts")

    def confirm_discard(self) -> bool:
        return confirm_discard(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        delete = (
            isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Delete
        )
        if watched is self.table and delete:
            self.discard_selected()
            return True
        return super().eventFilter(watched, event)
