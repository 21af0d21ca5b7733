"""Supervisors' report: totals per state, registrations per day, per desa, and the CSV export.

Building the report decrypts every record (the desa is personal data), so it runs on the
database lane with progress, only while the screen is visible: a change to the records while
it is hidden marks it stale and it is rebuilt when shown again. The export writes personal
data to a file on purpose; the supervisor is told so, and that it is audited, before choosing
where it goes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
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

from fieldapp.records import STATES
from fieldapp.reports import Report
from ui import labels
from ui.chart import BarChart
from ui.errors import message_for, show_error
from ui.session import Session
from ui.widgets import say

CHART_DAYS = 30
STATE_ORDER = ("pending", "synced", "verified", "duplicate", "conflict", "rejected")  # the way a record goes


class Screen(QWidget):
    """Header with the export button, the per-day chart, then per state and per desa side by side."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report: Report | None = None
        self.stale = True
        self.loading = False
        self.refresh_button = QPushButton(self.tr("&Muat ulang"))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("&Ekspor CSV…"))
        self.export_button.clicked.connect(self.export)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setVisible(False)
        self.chart = BarChart(self)
        self.state_values: dict[str, QLabel] = {}
        self.total_value = QLabel("–")
        self.desa_table = self._make_desa_table()
        self._lay_out()
        session.changed.connect(self._changed)

    # -- layout ----------------------------------------------------------------------------------

    def _make_desa_table(self) -> QTableWidget:
        table = QTableWidget(0, 3)
        table.setHorizontalHeaderLabels([self.tr("Desa"), self.tr("Kode"), self.tr("Jumlah")])
        table.setAccessibleName(self.tr("Pendaftar per desa"))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def _states_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Per status"))
        form = QFormLayout(box)
        for state in (*STATE_ORDER, *(s for s in STATES if s not in STATE_ORDER), "total"):
            value = self.total_value if state == "total" else QLabel("–")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            name = self.tr("Jumlah") if state == "total" else labels.state_name(state)
            value.setAccessibleName(name)
            if state == "total":
                value.setStyleSheet("font-weight: 600;")
            else:
                self.state_values[state] = value
            form.addRow(QLabel(name), value)
        return box

    def _lay_out(self) -> None:
        title = QLabel(self.tr("Laporan"))
        title.setObjectName("screenTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.refresh_button)
        header.addWidget(self.export_button)
        chart_box = QGroupBox(self.tr("Pendaftaran per hari ({0} hari terakhir yang berisi data)").format(CHART_DAYS))
        QVBoxLayout(chart_box).addWidget(self.chart)
        desa_box = QGroupBox(self.tr("Per desa domisili"))
        desa_label = QLabel(self.tr("&Desa"))
        desa_label.setBuddy(self.desa_table)
        desa_layout = QVBoxLayout(desa_box)
        desa_layout.addWidget(desa_label)
        desa_layout.addWidget(self.desa_table)
        bottom = QHBoxLayout()
        bottom.addWidget(self._states_box(), 1)
        bottom.addWidget(desa_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(header)
        layout.addWidget(self.status)
        layout.addWidget(chart_box, 3)
        layout.addLayout(bottom, 2)

    def focus_first(self) -> None:
        self.export_button.setFocus()

    # -- loading ---------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def _changed(self, areas: set) -> None:
        if "records" in areas:
            self.stale = True
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        if self.loading:
            return  # the running build will be followed by another (stale stays True)
        self.loading = True
        self.stale = False
        self.refresh_button.setEnabled(False)
        self.session.op(self, lambda ctx: ctx.store.report(ctx.report)).with_progress(
            self.tr("Menyusun laporan…")
        ).success(self._loaded).failure(self._load_failed).run()

    def _loaded(self, report: Report) -> None:
        self._finish_loading()
        self.show_report(report)

    def _load_failed(self, exc: BaseException) -> None:
        self._finish_loading()
        show_error(self, exc)

    def _finish_loading(self) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        if self.stale and self.isVisible():
            self.refresh()

    def show_report(self, report: Report) -> None:
        self.report = report
        for state, label in self.state_values.items():
            label.setText(str(report.per_state.get(state, 0)))
        self.total_value.setText(str(report.total))
        self.chart.set_bars([(self._day_label(day), count) for day, count in report.per_day[-CHART_DAYS:]])
        self.desa_table.setRowCount(len(report.per_desa))
        for row, desa in enumerate(report.per_desa):
            count = QTableWidgetItem(str(desa.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate((QTableWidgetItem(desa.name), QTableWidgetItem(desa.code), count)):
                self.desa_table.setItem(row, column, item)
        if report.damaged:
            self._say(self.tr("{0} data rusak tidak dapat dibaca; tidak dihitung per desa.").format(report.damaged))

    @staticmethod
    def _day_label(day: str) -> str:
        return dt.date.fromisoformat(day).strftime("%d/%m")

    def _say(self, text: str, ok: bool = False) -> None:
        say(self.status, text, ok)

    # -- export ----------------------------------------------------------------------------------

    def confirm_export(self) -> bool:
        """The warning before any personal data leaves the encrypted store."""
        answer = QMessageBox.warning(
            self,
            self.tr("Ekspor data pendaftar"),
            self.tr(
                "Berkas CSV ini berisi data pribadi pendaftar (NIK, nama, alamat, nomor telepon) tanpa enkripsi. "
                "Simpan di tempat yang aman, jangan dibagikan, dan hapus bila tidak diperlukan lagi.\n\n"
                "Ekspor ini dicatat di log audit. Lanjutkan?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def choose_export_path(self) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        default = Path(folder) / f"prakerja-{dt.date.today():%Y%m%d}.csv"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Simpan ekspor CSV"), str(default), self.tr("Berkas CSV (*.csv)")
        )
        if not path:
            return None
        chosen = Path(path)
        return chosen if chosen.suffix.lower() == ".csv" else chosen.with_name(chosen.name + ".csv")

    def export(self) -> None:
        if not self.confirm_export():
            return
        path = self.choose_export_path()
        if path is None:
            return
        self.export_button.setEnabled(False)
        self._say("")
        self.session.op(self, lambda ctx: ctx.store.export_csv(path, ctx.report)).with_progress(
            self.tr("Mengekspor data…")
        ).success(lambda result: self._exported(path, *result)).failure(self._export_failed).run()

    def _exported(self, path: Path, written: int, damaged: int) -> None:
        self.export_button.setEnabled(True)
        text = self.tr("{0} baris ditulis ke {1}.").format(written, str(path))
        if damaged:
            text += " " + self.tr("{0} data rusak dilewati.").format(damaged)
        self._say(text, ok=True)

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._say(self.tr("Ekspor gagal: {0}").format(message_for(exc)))
        show_error(self, exc)
