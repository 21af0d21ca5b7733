"""Sync: the link, the queue, "Sinkronkan sekarang" with progress and cancel, the history of
runs, and the records the server refused, marked duplicate or in conflict, each with its
reason and a way to fix it (open and edit) or send it again.

Sync itself runs on its own thread (`sync.service` through the session); this screen only
starts it, shows its progress signals and reads what the store says afterwards.

When the server says this laptop's audit log went back or was rewritten (the anchor checked at
every sync), a warning says what to do, and a supervisor may declare a backup restore.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.records import short_number
from fieldapp.store import RecordSummary
from fieldapp.store_sync import SyncRun
from fieldapp.timestamps import parse
from sync.notes import describe_note
from ui import i18n, labels
from ui.errors import message_for
from ui.session import Session
from ui.sync_state import AUDIT_FLAGS, audit_warning

PROBLEM_STATES = ("duplicate", "rejected", "conflict")
HISTORY_ROWS = 30


def local_time(stamp: str | None) -> str:
    return parse(stamp).astimezone().strftime("%d-%m-%Y %H:%M") if stamp else "—"


class Screen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.problems: list[RecordSummary] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self._overview())
        layout.addWidget(self._problem_box(), 3)
        if session.is_supervisor:
            layout.addWidget(self._history_box(), 2)
        session.sync_state_changed.connect(lambda _s: self._show_state())
        session.sync_event.connect(self._event)
        session.sync_progress.connect(self._progress)
        session.changed.connect(self._changed)
        self._show_state()
        self.refresh()

    # -- building --------------------------------------------------------------------------------

    def _overview(self) -> QGroupBox:
        box = QGroupBox(self.tr("Status pengiriman"))
        self.state_label = QLabel()
        self.state_label.setObjectName("syncState")
        self.state_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.result = QLabel()
        self.result.setObjectName("syncResult")
        self.result.setWordWrap(True)
        self.sync_button = QPushButton(self.tr("Sinkronkan sekarang"))
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.clicked.connect(self.sync_now)
        self.sync_button.setVisible(self.session.is_supervisor)
        self.cancel_button = QPushButton(self.tr("Batalkan"))
        self.cancel_button.clicked.connect(self.session.cancel_sync)
        self.cancel_button.setVisible(False)
        self.bar = QProgressBar()
        self.bar.setFormat(self.tr("%v dari %m data terkirim"))
        self.bar.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.bar, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.state_label)
        layout.addWidget(self.details)
        layout.addLayout(self._audit_row())
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        return box

    def _audit_row(self) -> QHBoxLayout:
        """The server's warning about this laptop's audit log (hidden while there is none)."""
        self.audit_warning = QLabel()
        self.audit_warning.setObjectName("auditWarning")
        self.audit_warning.setWordWrap(True)
        self.audit_warning.setVisible(False)
        self.declare_button = QPushButton(self.tr("Nyatakan pemulihan cadangan"))
        self.declare_button.setObjectName("declareRestoreButton")
        self.declare_button.clicked.connect(self.declare_restore)
        self.declare_button.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.audit_warning, 1)
        row.addWidget(self.declare_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _problem_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Data yang perlu ditindaklanjuti (ditolak, duplikat, konflik)"))
        self.problem_table = _table(
            [
                self.tr("No. registrasi"),
                self.tr("Nama"),
                self.tr("NIK"),
                self.tr("Status"),
                self.tr("Alasan dari server"),
            ]
        )
        self.problem_table.doubleClicked.connect(lambda _index: self.fix())
        self.problem_table.itemSelectionChanged.connect(self._selection_changed)
        self.fix_button = QPushButton(self.tr("Buka && perbaiki…"))
        self.fix_button.clicked.connect(self.fix)
        self.resend_button = QPushButton(self.tr("Kirim ulang tanpa perubahan"))
        self.resend_button.clicked.connect(self.resend)
        self.problem_note = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem_note, 1)
        buttons.addWidget(self.fix_button)
        buttons.addWidget(self.resend_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.problem_table)
        layout.addLayout(buttons)
        return box

    def _history_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Riwayat sinkronisasi"))
        self.history_table = _table(
            [
                self.tr("Waktu"),
                self.tr("Oleh"),
                self.tr("Dikirim"),
                self.tr("Diterima"),
                self.tr("Duplikat"),
                self.tr("Ditolak"),
                self.tr("Status diperbarui"),
                self.tr("Hasil"),
            ]
        )
        QVBoxLayout(box).addWidget(self.history_table)
        return box

    def focus_first(self) -> None:
        (self.sync_button if self.session.is_supervisor else self.problem_table).setFocus()

    # -- state and progress --------------------------------------------------------------------

    def _show_state(self) -> None:
        texts = {
            "not_enrolled": self.tr("Belum terhubung ke server pusat (daftarkan perangkat di Pengaturan)"),
            "offline": self.tr("Offline — data tetap tersimpan dan dikirim saat koneksi kembali"),
            "online": self.tr("Online — terhubung ke server pusat"),
            "syncing": self.tr("Sedang sinkronisasi…"),
            "revoked": self.tr("Perangkat ini ditolak server pusat: supervisor harus mendaftarkannya ulang"),
        }
        state = self.session.sync_state.state
        self.state_label.setText(texts[state])
        syncing = state == "syncing"
        self.sync_button.setEnabled(not syncing and state not in ("not_enrolled",))
        self.cancel_button.setVisible(syncing and self.session.is_supervisor)
        self.bar.setVisible(syncing)

    def _progress(self, phase: str, done: int, total: int) -> None:
        if phase == "push":
            self.bar.setVisible(True)
            self.bar.setMaximum(max(total, 1))
            self.bar.setValue(done)

    def _event(self, kind: str, detail: str, error: object) -> None:
        if kind == "started":
            self.bar.setValue(0)
            self.result.setText("")
        elif kind == "synced":
            run = SyncRun("", "", detail, None)
            self.result.setStyleSheet("color: #b91c1c;" if _audit_flagged(run) else "color: #15803d;")
            self.result.setText(self._summary(run))
        elif kind == "failed" and isinstance(error, BaseException):
            self.result.setStyleSheet("color: #b91c1c;")
            self.result.setText(message_for(error))

    def _summary(self, run: SyncRun) -> str:
        return self.tr(
            "Selesai: {0} data dikirim ({1} diterima, {2} duplikat, {3} ditolak); {4} status diperbarui."
        ).format(
            run.count("pushed"),
            run.count("accepted") + run.count("already_have"),
            run.count("duplicate"),
            run.count("rejected"),
            run.count("pulled"),
        )

    def sync_now(self) -> None:
        self.result.setText(self.tr("Menghubungi server…"))
        self.session.sync_now()

    # -- what the store says ---------------------------------------------------------------------

    def _changed(self, areas: set) -> None:
        if areas & {"records", "sync"}:
            self.refresh()

    def refresh(self) -> None:
        supervisor = self.session.is_supervisor

        def read(ctx):  # type: ignore[no-untyped-def]
            problems = [s for state in PROBLEM_STATES for s in ctx.store.summaries(state=state, limit=500)]
            history = ctx.store.sync_history(HISTORY_ROWS) if supervisor else []
            warning = audit_warning(ctx.store.audit_anchor_state(), ctx.store.restore_declared())
            return ctx.store.sync_status(), problems, history, warning

        self.session.op(self, read).success(self._show).run()

    def _show(self, found: tuple[dict, list[RecordSummary], list[SyncRun], str | None]) -> None:
        status, problems, history, warning = found
        self._show_audit_warning(warning)
        self.details.setText(
            self.tr("Menunggu dikirim: {0} · Terakhir sinkron: {1} · Server: {2}").format(
                status["queued_versions"], local_time(status["last_sync_at"]), status["server"] or "—"
            )
        )
        self.problems = problems
        self._fill_problems()
        if self.session.is_supervisor:
            self._fill_history(history)

    def _show_audit_warning(self, warning: str | None) -> None:
        texts = {
            "rolled_back": self.tr(
                "Peringatan: server pusat mendapati log audit laptop ini mundur ke keadaan yang lebih lama "
                "(dikembalikan atau dipotong)."
            ),
            "forked": self.tr(
                "Peringatan: server pusat mendapati log audit laptop ini berbeda dari yang dikirim sebelumnya "
                "(ditulis ulang atau diganti)."
            ),
        }
        todo = self.tr(
            "Jika data laptop ini dipulihkan dari cadangan, supervisor menekan “Nyatakan pemulihan cadangan”; "
            "jika tidak, segera laporkan ke petugas TI."
        )
        if warning == "restore_declared":
            text = self.tr(
                "Pemulihan cadangan sudah dinyatakan; server pusat menerimanya pada sinkronisasi berikutnya."
            )
        else:
            text = f"{texts[warning]} {todo}" if warning in texts else ""
        flagged = warning in texts
        self.audit_warning.setText(text)
        self.audit_warning.setStyleSheet("color: #b91c1c; font-weight: bold;" if flagged else "color: #15803d;")
        self.audit_warning.setVisible(bool(text))
        self.declare_button.setVisible(flagged and self.session.is_supervisor)

    def confirm_declare_restore(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Nyatakan pemulihan cadangan"),
            self.tr(
                "Nyatakan bahwa data laptop ini dipulihkan dari cadangan? Pernyataan ini dicatat di log audit "
                "dan dilaporkan ke server pusat pada sinkronisasi berikutnya. Jangan lakukan ini jika Anda "
                "tidak memulihkan cadangan."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def declare_restore(self) -> None:
        """Audited by the store; the sync that follows tells the server, which accepts the chain."""
        if not self.confirm_declare_restore():
            return
        self.session.op(self, lambda ctx: ctx.store.declare_restore()).success(self._restore_declared).run()

    def _restore_declared(self, _result: object) -> None:
        self._show_audit_warning("restore_declared")
        self.session.sync_now()

    def _fill_problems(self) -> None:
        table = self.problem_table
        table.setRowCount(len(self.problems))
        lang = i18n.language()
        for row, summary in enumerate(self.problems):
            values = (
                short_number(summary.id),
                summary.full_name if not summary.damaged else self.tr("Data rusak"),
                summary.nik_masked,
                labels.state_name(summary.state),
                describe_note(summary.server_note, lang),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                table.setItem(row, column, item)
        self.problem_note.setText(self.tr("{0} data").format(len(self.problems)))
        self._selection_changed()

    def _fill_history(self, runs: list[SyncRun]) -> None:
        runs = [run for run in runs if _worth_showing(run)]
        table = self.history_table
        table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            outcome = self.tr("Gagal") if run.error else self.tr("Berhasil")
            if not run.error and _audit_flagged(run):
                outcome = self.tr("Berhasil; log audit ditandai server")
            values = (
                local_time(run.at),
                run.user,
                str(run.count("pushed")),
                str(run.count("accepted") + run.count("already_have")),
                str(run.count("duplicate")),
                str(run.count("rejected")),
                str(run.count("pulled")),
                outcome,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(run.error or "")  # the engine's own words on why it failed
                table.setItem(row, column, item)

    def _selection_changed(self) -> None:
        """Sending a duplicate again cannot help (the NIK is taken): only fixing it can."""
        chosen = self._selected()
        self.fix_button.setEnabled(chosen is not None)
        self.resend_button.setEnabled(chosen is not None and chosen.state != "duplicate")

    def _selected(self) -> RecordSummary | None:
        row = self.problem_table.currentRow()
        return self.problems[row] if 0 <= row < len(self.problems) else None

    def fix(self) -> None:
        summary = self._selected()
        if summary is None:
            return
        from ui.record_dialog import open_record

        open_record(self.session, self, summary.id)

    def resend(self) -> None:
        """A new, unchanged version: the server judges it again (after a central fix, say)."""
        summary = self._selected()
        if summary is None:
            return
        record_id = summary.id
        self.session.op(self, lambda ctx: ctx.store.resend(record_id)).success(self._resent).run()

    def _resent(self, _version: int) -> None:
        self.session.notify("records")
        self.session.sync_soon()


def _worth_showing(run: SyncRun) -> bool:
    """A run that moved something, failed, or had our audit log flagged: not a mere check."""
    return bool(run.error or run.count("pushed") or run.count("pulled") or _audit_flagged(run))


def _audit_flagged(run: SyncRun) -> bool:
    """Whether the server flagged our audit log in this run (the engine's summary says `audit=...`)."""
    return any(f"audit={flag}" in run.summary.split() for flag in AUDIT_FLAGS)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table
