"""The registrations list as a lazy table model: one page of summaries at a time, from the core.

At 100,000 records the list must open as fast as at 100, so the model never asks for all of
them: it loads the first page when its filters change and one more page each time the view
scrolls near the end (`canFetchMore` / `fetchMore`). It holds only `RecordSummary` objects, in
which the NIK is already masked. Filter, search and order go back to the core (the search runs
over the in-memory name index there); a `QSortFilterProxyModel` would need every row decrypted.

Every request carries the token of the filters it was made for; a page that arrives after the
filters changed, or after `clear()`, is dropped, so a slow search can never mix into a newer one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from fieldapp import timestamps
from fieldapp.records import STATES, short_number
from fieldapp.store import RecordSummary
from sync.notes import describe_note
from ui import i18n, labels
from ui.session import Session

PAGE = 100
COLUMNS = ("number", "nik", "name", "state", "version", "operator", "created", "note")
COL_NUMBER, COL_NIK, COL_NAME, COL_STATE, COL_VERSION, COL_OPERATOR, COL_CREATED, COL_NOTE = range(len(COLUMNS))
ATTENTION_STATES = ("duplicate", "conflict", "rejected")  # the server wants something done

DAMAGED_BACKGROUND = QColor("#fde2e1")
DAMAGED_FOREGROUND = QColor("#8f1d14")
ATTENTION_FOREGROUND = QColor("#a4400b")

Index = QModelIndex | QPersistentModelIndex


@lru_cache(maxsize=4096)
def local_time(stamp: str) -> str:
    """A stored UTC time as the laptop's local date and time (cached: data() asks often)."""
    try:
        return timestamps.parse(stamp).astimezone().strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return stamp  # a malformed time is shown as stored rather than breaking the list


class RecordsModel(QAbstractTableModel):
    """Registrations, newest (or oldest) first, paged from the store on the database lane."""

    counted = Signal(int)  # how many records match the filters
    loading_changed = Signal(bool)
    page_loaded = Signal(int)  # rows added by the page that just arrived

    def __init__(self, session: Session, owner: QWidget) -> None:
        super().__init__(owner)
        self.session = session
        self.owner = owner  # ops report their failures on this widget and die with it
        self.state: str | None = None
        self.search = ""
        self.oldest_first = False
        self.total: int | None = None
        self._rows: list[RecordSummary] = []
        self._token = 0
        self._loading = False
        self._exhausted = True  # nothing to fetch until refresh() starts a list

    # -- filters ---------------------------------------------------------------------------

    def set_filters(self, state: str | None = None, search: str = "", oldest_first: bool = False) -> None:
        """New filters: drop the rows and load again from the first page."""
        if state is not None and state not in STATES:
            raise ValueError("unknown state")
        self.state, self.search, self.oldest_first = state, search.strip(), oldest_first
        self.refresh()

    def refresh(self) -> None:
        """Load the list again with the current filters (after a save or a sync)."""
        self._reset(exhausted=False)
        self._count()
        self._fetch_page()

    def clear(self) -> None:
        """Drop every row and every request in flight (on lock): nothing is fetched until refresh()."""
        self._reset(exhausted=True)

    def _reset(self, exhausted: bool) -> None:
        self._token += 1
        self.beginResetModel()
        self._rows = []
        self.total = None
        self._exhausted = exhausted
        self.endResetModel()
        self._set_loading(False)

    # -- paging ----------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt's signature)
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch_page()

    def is_loading(self) -> bool:
        return self._loading

    def _fetch_page(self) -> None:
        token, offset = self._token, len(self._rows)
        state, search, oldest_first = self.state, self.search or None, self.oldest_first
        self._set_loading(True)
        self.session.op(
            self.owner,
            lambda ctx: ctx.store.summaries(
                state=state, search=search, limit=PAGE, offset=offset, oldest_first=oldest_first
            ),
        ).success(lambda page: self._page_arrived(token, offset, page)).failure(
            lambda exc: self._page_failed(token, exc)
        ).run()

    def _page_arrived(self, token: int, offset: int, page: list[RecordSummary]) -> None:
        if token != self._token or offset != len(self._rows):
            return  # made for filters that are gone, or a page already had
        self._set_loading(False)
        self._exhausted = len(page) < PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        self.page_loaded.emit(len(page))

    def _page_failed(self, token: int, exc: BaseException) -> None:
        if token != self._token:
            return
        self._set_loading(False)
        self._exhausted = True  # no retry loop from the view's scrolling; refresh() tries again
        from ui.errors import show_error

        show_error(self.owner, exc)

    def _count(self) -> None:
        token = self._token
        state, search = self.state, self.search or None
        self.session.op(self.owner, lambda ctx: ctx.store.count(state, search)).success(
            lambda total: self._count_arrived(token, total)
        ).failure(lambda _exc: None).run()  # the page request reports the same failure once

    def _count_arrived(self, token: int, total: int) -> None:
        if token == self._token:
            self.total = total
            self.counted.emit(total)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- the table ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def summary(self, row: int) -> RecordSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: str) -> int:
        """The row that shows `record_id` among the rows loaded so far, or -1."""
        return next((row for row, item in enumerate(self._rows) if item.id == record_id), -1)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == COL_CREATED:
            return self.tr("Klik untuk membalik urutan (terbaru/terlama dulu)")
        return None

    def _headers(self) -> tuple[str, ...]:
        return (
            self.tr("No. registrasi"),
            self.tr("NIK"),
            self.tr("Nama"),
            self.tr("Status"),
            self.tr("Versi"),
            self.tr("Operator"),
            self.tr("Dibuat"),
            self.tr("Catatan server"),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.summary(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.BackgroundRole and item.damaged:
            return QBrush(DAMAGED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_VERSION:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, item: RecordSummary, column: int) -> str:
        if column == COL_NAME:
            return self.tr("Data rusak") if item.damaged else item.full_name
        values = {
            COL_NUMBER: short_number(item.id),
            COL_NIK: item.nik_masked,
            COL_STATE: labels.state_name(item.state),
            COL_VERSION: str(item.version),
            COL_OPERATOR: item.operator,
            COL_CREATED: local_time(item.created_at),
            COL_NOTE: describe_note(item.server_note, i18n.language()),
        }
        return values.get(column, "")

    def _tooltip(self, item: RecordSummary, column: int) -> str | None:
        if item.damaged:
            return self.tr(
                "Data terenkripsi rekaman ini gagal pemeriksaan integritas. Jalankan pemeriksaan data "
                "(verify) atau hubungi petugas TI; rekaman lain tidak terpengaruh."
            )
        if column == COL_NOTE and item.server_note:
            return describe_note(item.server_note, i18n.language())
        if column == COL_CREATED:
            return self.tr("Diubah terakhir: {0}").format(local_time(item.updated_at))
        return None

    def _foreground(self, item: RecordSummary, column: int) -> QBrush | None:
        if item.damaged:
            return QBrush(DAMAGED_FOREGROUND)
        if column in (COL_STATE, COL_NOTE) and item.state in ATTENTION_STATES:
            return QBrush(ATTENTION_FOREGROUND)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Only the date order is offered: the core lists by when a record was made."""
        if column != COL_CREATED:
            return
        oldest_first = order == Qt.SortOrder.AscendingOrder
        if oldest_first != self.oldest_first:
            self.set_filters(self.state, self.search, oldest_first)
