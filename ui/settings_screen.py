"""Settings: the language (this laptop's preference, anyone), the policy (auto-lock and auto-sync,
supervisors), and the central server this laptop is enrolled with (supervisors enrol).

The policy widgets are disabled for operators, but the core refuses them too: the screen is
not the guard. Enrolment is two steps on two lanes: the one-time code is spent at the server
on the network lane (HTTP only), then the token is sealed into the store on the database lane,
so a slow server never holds up the store.
"""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.device import Enrolment
from fieldapp.errors import FieldappError
from fieldapp.settings import AUTO_LOCK_RANGE, DRAFT_DAYS_RANGE, Settings
from fieldapp.store_sync import StoreIdentity
from sync.service import request_enrolment
from ui import i18n
from ui.backup_screen import BackupBox
from ui.errors import message_for, show_error
from ui.session import Session
from ui.widgets import add_row, message_label, say


class LanguageBox(QGroupBox):
    """The language of this laptop's app: switched at once, kept for the next start."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(self.tr("Bahasa"))
        self.choice = QComboBox()
        self.choice.setAccessibleName(self.tr("Bahasa aplikasi"))
        for code, name in i18n.LANGUAGES.items():
            self.choice.addItem(name, code)
        self.choice.setCurrentIndex(max(0, self.choice.findData(i18n.language())))
        self.apply_button = QPushButton(self.tr("&Terapkan bahasa"))
        self.apply_button.clicked.connect(self.apply)
        row = QHBoxLayout()
        row.addWidget(self.choice, 1)
        row.addWidget(self.apply_button)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout(self)
        add_row(form, self.tr("&Bahasa"), holder)
        form.labelForField(holder).setBuddy(self.choice)  # type: ignore[union-attr]
        note = QLabel(self.tr("Berlaku langsung untuk laptop ini dan tetap dipakai saat aplikasi dibuka lagi."))
        note.setWordWrap(True)
        form.addRow(note)

    def apply(self) -> None:
        code = self.choice.currentData()
        if code != i18n.language():
            window = self.window()
            problem = self.session.change_language(code)  # the window rebuilds the workspace, this box with it
            if problem is not None:
                show_error(window, problem)


class PolicyBox(QGroupBox):
    """Auto-lock minutes and auto-sync: the supervisor's policy for this laptop."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(self.tr("Kebijakan laptop"))
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(*AUTO_LOCK_RANGE)
        self.lock_minutes.setSuffix(self.tr(" menit"))
        self.lock_minutes.setAccessibleName(self.tr("Kunci otomatis setelah menit tanpa aktivitas"))
        self.auto_sync = QCheckBox(self.tr("Kirim data otomatis saat ada koneksi"))
        self.auto_sync.setAccessibleName(self.tr("Sinkronisasi otomatis"))
        self.draft_days = QSpinBox()
        self.draft_days.setRange(*DRAFT_DAYS_RANGE)
        self.draft_days.setSuffix(self.tr(" hari"))
        self.draft_days.setAccessibleName(self.tr("Hapus draf yang tidak disimpan selama hari"))
        self.save_button = QPushButton(self.tr("&Simpan kebijakan"))
        self.save_button.clicked.connect(self.save)
        self.note = QLabel(self.tr("Hanya supervisor yang dapat mengubah kebijakan ini."))
        self.note.setWordWrap(True)
        self.message = message_label()
        form = QFormLayout(self)
        add_row(form, self.tr("Kunci &otomatis setelah"), self.lock_minutes)
        add_row(form, self.tr("Si&nkronisasi otomatis"), self.auto_sync)
        add_row(form, self.tr("Simpan &draf selama"), self.draft_days)
        form.addRow(self.note)
        form.addRow(self.message)
        form.addRow(self.save_button)
        supervisor = session.is_supervisor
        for widget in (self.lock_minutes, self.auto_sync, self.draft_days, self.save_button):
            widget.setEnabled(supervisor)
        self.note.setVisible(not supervisor)
        self.show_settings(session.settings)

    def show_settings(self, settings: Settings) -> None:
        self.lock_minutes.setValue(settings.auto_lock_minutes)
        self.auto_sync.setChecked(settings.auto_sync)
        self.draft_days.setValue(settings.draft_days)

    def save(self) -> None:
        new = Settings(
            auto_lock_minutes=self.lock_minutes.value(),
            auto_sync=self.auto_sync.isChecked(),
            draft_days=self.draft_days.value(),
        )
        self.session.op(self, lambda ctx: ctx.store.save_settings(new)).success(lambda _r: self._saved(new)).failure(
            self._refused
        ).run()

    def _saved(self, new: Settings) -> None:
        self.session.settings = new
        self.session.set_auto_sync(new.auto_sync)
        window = self.window()
        idle = getattr(window, "idle", None)
        if idle is not None:
            idle.arm()  # the new auto-lock minutes count from now
        say(self.message, self.tr("Kebijakan disimpan."), ok=True)
        self.session.notify("settings")

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, FieldappError):
            say(self.message, message_for(exc), ok=False)
        else:
            show_error(self, exc)


class ServerBox(QGroupBox):
    """Where this laptop sends its data, and the form to enrol it (again) with a one-time code."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.enrolled = False
        self.setTitle(self.tr("Server pusat"))
        self.server_value, self.device_value, self.office_value = QLabel("–"), QLabel("–"), QLabel("–")
        for value in (self.server_value, self.device_value, self.office_value):
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://")
        self.url.setAccessibleName(self.tr("Alamat server"))
        self.code = QLineEdit()
        self.code.setAccessibleName(self.tr("Kode pendaftaran sekali pakai"))
        self.code.returnPressed.connect(self.enrol)
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(self.tr("Berkas sertifikat CA (opsional)"))
        self.browse = QPushButton(self.tr("Pi&lih…"))
        self.browse.setAccessibleName(self.tr("Pilih berkas sertifikat CA"))
        self.browse.clicked.connect(self.choose_ca_file)
        self.enrol_button = QPushButton(self.tr("&Daftarkan laptop"))
        self.enrol_button.clicked.connect(self.enrol)
        self.note = QLabel(self.tr("Hanya supervisor yang dapat mendaftarkan laptop ini ke server."))
        self.note.setWordWrap(True)
        self.message = message_label()
        self._lay_out()
        supervisor = session.is_supervisor
        for widget in (self.url, self.code, self.ca_file, self.browse, self.enrol_button):
            widget.setEnabled(supervisor)
        self.note.setVisible(not supervisor)

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Server")), self.server_value)
        form.addRow(QLabel(self.tr("ID perangkat")), self.device_value)
        form.addRow(QLabel(self.tr("Kantor")), self.office_value)
        add_row(form, self.tr("&Alamat server"), self.url)
        add_row(form, self.tr("&Kode sekali pakai"), self.code)
        ca_row = QHBoxLayout()
        ca_row.setContentsMargins(0, 0, 0, 0)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.browse)
        holder = QWidget()
        holder.setLayout(ca_row)
        add_row(form, self.tr("Sertifikat &CA (opsional)"), holder)
        form.labelForField(holder).setBuddy(self.ca_file)  # type: ignore[union-attr]
        form.addRow(self.note)
        form.addRow(self.message)
        form.addRow(self.enrol_button)

    def refresh(self) -> None:
        self.session.op(self, lambda ctx: ctx.store.sync_status()).success(self.show_status).run()

    def show_status(self, status: dict[str, object]) -> None:
        self.enrolled = bool(status.get("device_id"))
        self.server_value.setText(str(status.get("server") or self.tr("belum terdaftar")))
        self.device_value.setText(str(status.get("device_id") or "–"))
        self.office_value.setText(str(status.get("office") or "–"))
        if status.get("server") and not self.url.text():
            self.url.setText(str(status["server"]))
        self.enrol_button.setText(self.tr("&Daftarkan ulang") if self.enrolled else self.tr("&Daftarkan laptop"))

    def choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Pilih sertifikat CA"), str(Path.home()), self.tr("Sertifikat (*.pem *.crt);;Semua (*)")
        )
        if path:
            self.ca_file.setText(path)

    def confirm_reenrol(self) -> bool:
        """Enrolling again replaces the device token; say so before it happens."""
        answer = QMessageBox.question(
            self,
            self.tr("Daftarkan ulang"),
            self.tr("Laptop ini sudah terdaftar. Daftarkan ulang dengan kode baru? Token lama tidak dipakai lagi."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def enrol(self) -> None:
        url, code, ca_file = self.url.text().strip(), self.code.text().strip(), self.ca_file.text().strip()
        if not url or not code:
            say(self.message, self.tr("Isi alamat server dan kode sekali pakai."), ok=False)
            return
        if self.enrolled and not self.confirm_reenrol():
            return
        self.code.clear()
        self.enrol_button.setEnabled(False)
        say(self.message, self.tr("Menghubungi server…"), ok=True)
        name = socket.gethostname()
        self.session.op(self, lambda ctx: ctx.store.sync_identity()).success(
            lambda identity: self._ask_server(url, code, name, ca_file, identity)
        ).failure(self._refused).run()

    def _ask_server(self, url: str, code: str, name: str, ca_file: str, identity: StoreIdentity) -> None:
        """The network half, told which office and store ask (so a wrong code is not spent)."""
        self.session.op(self, lambda _ctx: request_enrolment(url, code, name, ca_file, identity), lane="net").success(
            self._keep
        ).failure(self._refused).run()

    def _keep(self, enrolment: Enrolment) -> None:
        self.session.op(self, lambda ctx: self.session.enrol(ctx, enrolment)).success(
            lambda _r: self._enrolled()
        ).failure(self._refused).run()

    def _enrolled(self) -> None:
        self.enrol_button.setEnabled(True)
        say(self.message, self.tr("Laptop terdaftar di server."), ok=True)
        self.session.enrolled()
        self.session.notify("sync", "settings")

    def _refused(self, exc: BaseException) -> None:
        self.enrol_button.setEnabled(True)
        if isinstance(exc, FieldappError):
            say(self.message, message_for(exc), ok=False)
        else:
            say(self.message, "", ok=False)
            show_error(self, exc)


class Screen(QWidget):
    """The boxes (backup and restore for supervisors) in a scroll area, so nothing is cut off on a small screen."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.language = LanguageBox(session)
        self.policy = PolicyBox(session)
        self.server = ServerBox(session)
        title = QLabel(self.tr("Pengaturan"))
        title.setObjectName("screenTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 12, 16, 12)
        column.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(self.language, 1)
        top.addWidget(self.policy, 1)
        column.addLayout(top)
        column.addWidget(self.server)
        if session.is_supervisor:  # backup and restore (issue 9): supervisors only; the core checks too
            self.backup = BackupBox(session)
            column.addWidget(self.backup)
        column.addStretch(1)
        content.setMaximumWidth(1100)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        session.changed.connect(self._changed)
        self.server.refresh()

    def focus_first(self) -> None:
        self.language.choice.setFocus()

    def _changed(self, areas: set) -> None:
        if "settings" in areas:
            self.policy.show_settings(self.session.settings)
        if areas & {"settings", "sync"}:
            self.server.refresh()
