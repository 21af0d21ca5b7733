"""The registrations list: search, state filter, date order, and opening a record.

The list is `RecordsModel`, which pages from the core; this screen only turns what the operator
types and picks into the model's filters (search after a short pause in typing, so a 100,000
record list is not searched on every key) and opens the chosen record in `RecordDialog`.
It refreshes when another screen or a sync says records changed, or when next shown if hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QLocale, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import labels
from ui.record_dialog import RecordDialog, open_record
from ui.records_model import (
    COL_CREATED,
    COL_NAME,
    COL_NIK,
    COL_NOTE,
    COL_NUMBER,
    COL_OPERATOR,
    COL_STATE,
    COL_VERSION,
    RecordsModel,
)
from ui.session import Session

SEARCH_DELAY_MS = 250
STATE_ORDER = ("pending", "synced", "verified", "duplicate", "conflict", "rejected")  # as an operator meets them
COLUMN_WIDTHS = {
    COL_NUMBER: 110,
    COL_NIK: 150,
    COL_NAME: 230,
    COL_STATE: 120,
    COL_VERSION: 50,
    COL_OPERATOR: 110,
    COL_CREATED: 130,
}


class Screen(QWidget):
    """Daftar Pendaftar: every registration on this laptop, a page at a time."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: RecordDialog | None = None
        self._opening = False
        self._stale = False
        self._keep_id = ""  # the selected record, selected again after a refresh
        self.model = RecordsModel(session, self)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self._build()
        self._connect()
        self.apply_filters()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel(self.tr("Daftar Pendaftar"))
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addLayout(self._filters())
        self.hint = QLabel()
        self.hint.setObjectName("searchHint")
        self.hint.setStyleSheet("color: #a4400b;")
        self.hint.hide()
        layout.addWidget(self.hint)
        layout.addWidget(self._table(), 1)
        self.empty = QLabel()
        self.empty.setObjectName("emptyList")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #6b7280; padding: 12px;")
        self.empty.hide()
        layout.addWidget(self.empty)
        layout.addLayout(self._actions())

    def _filters(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setObjectName("recordSearch")
        self.search.setPlaceholderText(self.tr("Nama, atau NIK lengkap 16 digit"))
        self.search.setAccessibleName(self.tr("Cari pendaftar"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(100)
        self.state_combo = QComboBox()
        self.state_combo.setObjectName("stateFilter")
        self.state_combo.setAccessibleName(self.tr("Saring menurut status"))
        self.state_combo.addItem(self.tr("Semua"), None)
        for state in STATE_ORDER:
            self.state_combo.addItem(labels.state_name(state), state)
        self.order_combo = QComboBox()
        self.order_combo.setObjectName("orderCombo")
        self.order_combo.setAccessibleName(self.tr("Urutan"))
        self.order_combo.addItem(self.tr("Terbaru dulu"), False)
        self.order_combo.addItem(self.tr("Terlama dulu"), True)
        self.count_label = QLabel()
        self.count_label.setObjectName("recordCount")
        self.count_label.setAccessibleName(self.tr("Jumlah data"))
        row = QHBoxLayout()
        for caption, widget, stretch in (
            (self.tr("&Cari:"), self.search, 3),
            (self.tr("&Status:"), self.state_combo, 0),
            (self.tr("&Urutan:"), self.order_combo, 0),
        ):
            label = QLabel(caption)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget, stretch)
            row.addSpacing(8)
        row.addStretch(1)
        row.addWidget(self.count_label)
        return row

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("recordsTable")
        table.setAccessibleName(self.tr("Daftar pendaftar"))
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COL_CREATED, Qt.SortOrder.DescendingOrder)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.resizeSection(COL_NOTE, 200)
        self.table = table
        return table

    def _actions(self) -> QHBoxLayout:
        help_text = QLabel(self.tr("Enter atau klik dua kali pada baris untuk membuka data."))
        help_text.setStyleSheet("color: #6b7280;")
        self.open_button = QPushButton(self.tr("&Buka"))
        self.open_button.setObjectName("openRecord")
        self.open_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(help_text)
        row.addStretch(1)
        row.addWidget(self.open_button)
        return row

    def _connect(self) -> None:
        self.search.textChanged.connect(self._search_typed)
        self.search.returnPressed.connect(self.apply_filters)
        self.search.installEventFilter(self)
        self.state_combo.currentIndexChanged.connect(self.apply_filters)
        self.order_combo.currentIndexChanged.connect(self.apply_filters)
        self.table.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.table.activated.connect(self._activated)  # Enter, and a double click
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_button.clicked.connect(self.open_selected)
        self.model.counted.connect(self._show_count)
        self.model.loading_changed.connect(self._show_loading)
        self.model.page_loaded.connect(self._page_loaded)
        self.model.modelReset.connect(self._selection_changed)
        self.session.changed.connect(self._changed)
        self.session.locked.connect(self.model.clear)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, activated=self.focus_first)

    # -- filters -----------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_typed(self, text: str) -> None:
        compact = text.strip()
        partial_nik = compact.isdigit() and len(compact) != 16
        self.hint.setText(self.tr("NIK dicari utuh: ketik ke-16 digitnya.") if partial_nik else "")
        self.hint.setVisible(partial_nik)
        self.search_timer.start()

    def apply_filters(self) -> None:
        """Hand the current search, state and order to the model (it loads from the first page)."""
        self.search_timer.stop()
        oldest_first = bool(self.order_combo.currentData())
        order = Qt.SortOrder.AscendingOrder if oldest_first else Qt.SortOrder.DescendingOrder
        self.table.horizontalHeader().setSortIndicator(COL_CREATED, order)
        self._remember_selection()
        self.model.set_filters(self.state_combo.currentData(), self.search.text(), oldest_first)

    def _header_clicked(self, section: int) -> None:
        """A click on "Dibuat" turns the order round; other columns are not sortable."""
        if section == COL_CREATED:
            self.order_combo.setCurrentIndex(1 - self.order_combo.currentIndex())  # applies the filters
            return
        oldest_first = bool(self.order_combo.currentData())
        order = Qt.SortOrder.AscendingOrder if oldest_first else Qt.SortOrder.DescendingOrder
        self.table.horizontalHeader().setSortIndicator(COL_CREATED, order)  # the header moved it

    # -- refresh -----------------------------------------------------------------------------

    def _changed(self, areas: set) -> None:
        if "records" not in areas:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # a hidden list refreshes when it is shown again

    def refresh(self) -> None:
        self._stale = False
        self._remember_selection()
        self.model.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _remember_selection(self) -> None:
        self._keep_id = self.selected_id() or self._keep_id

    def _page_loaded(self, _added: int) -> None:
        if not self._keep_id or self.selected_id():
            return
        row = self.model.row_of(self._keep_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self._keep_id = ""
        self._show_empty()

    def _show_count(self, total: int) -> None:
        number = QLocale().toString(total)
        text = self.tr("{0} data cocok") if self.model.search or self.model.state else self.tr("{0} data")
        self.count_label.setText(text.format(number))
        self._show_empty()

    def _show_loading(self, loading: bool) -> None:
        if loading and self.model.total is None:
            self.count_label.setText(self.tr("Memuat…"))

    def _show_empty(self) -> None:
        empty = self.model.total == 0 and self.model.rowCount() == 0
        if self.model.search or self.model.state:
            message = self.tr("Tidak ada data yang cocok dengan pencarian atau saringan ini.")
        else:
            message = self.tr("Belum ada data pendaftar di laptop ini.")
        self.empty.setText(message if empty else "")
        self.empty.setVisible(empty)

    # -- opening -----------------------------------------------------------------------------

    def selected_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        summary = self.model.summary(rows[0].row()) if rows else None
        return summary.id if summary is not None else ""

    def _selection_changed(self, *_args: object) -> None:
        self.open_button.setEnabled(bool(self.selected_id()))

    def _activated(self, index: QModelIndex) -> None:
        summary = self.model.summary(index.row())
        if summary is not None:
            self.open_id(summary.id)

    def open_selected(self) -> None:
        record_id = self.selected_id()
        if record_id:
            self.open_id(record_id)

    def open_id(self, record_id: str) -> None:
        """Decrypt and show one record (audited); one at a time, however often Enter is pressed."""
        if self._opening or self.dialog is not None:
            return
        self._opening = True
        open_record(self.session, self, record_id, self._opened, self._open_failed)

    def _opened(self, dialog: RecordDialog) -> None:
        self._opening = False
        self.dialog = dialog
        dialog.finished.connect(self._dialog_closed)

    def _open_failed(self, exc: BaseException) -> None:
        from ui.errors import show_error

        self._opening = False
        show_error(self, exc)

    def _dialog_closed(self, _result: int) -> None:
        self.dialog = None  # the dialog deletes itself and its copy of the record
        self.table.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down from the search box goes into the list, so the keyboard never has to Tab round."""
        down = isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down
        if watched is self.search and down and self.model.rowCount():
            self.table.setFocus()
            if not self.selected_id():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)
