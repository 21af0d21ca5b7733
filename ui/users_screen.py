"""Supervisors manage the laptop's users: list them, add one, disable or enable one, reset a passphrase.

Every rule (name format, passphrase length, not disabling yourself) is the core's: the screen
sends what was typed and shows the core's message next to the form. The only check here is
that a passphrase was typed the same twice, which the core cannot know. Passphrases leave
their line edits as soon as they are sent, whatever the answer.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from fieldapp.timestamps import parse
from fieldapp.users import MIN_PASSPHRASE_LENGTH, User
from ui.errors import message_for, show_error
from ui.session import Session
from ui.widgets import message_label, password_edit, say


def _refusal(label: QLabel, parent: QWidget) -> Callable[[BaseException], None]:
    """A failure handler: the core's refusals inline, anything else to the bug reporter."""

    def handle(exc: BaseException) -> None:
        if isinstance(exc, FieldappError):
            say(label, message_for(exc), ok=False)
        else:
            show_error(parent, exc)

    return handle


class AddUserForm(QGroupBox):
    """Name, role and the passphrase twice; the rules shown before the user types."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(self.tr("Tambah pengguna"))
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Nama pengguna baru"))
        self.name.setMaxLength(32)
        self.role = QComboBox()
        self.role.setAccessibleName(self.tr("Peran pengguna baru"))
        self.role.addItem(self.tr("Operator"), "operator")
        self.role.addItem(self.tr("Supervisor"), "supervisor")
        self.passphrase = password_edit(self.tr("Kata sandi pengguna baru"))
        self.again = password_edit(self.tr("Ulangi kata sandi pengguna baru"))
        self.rules = QLabel(
            self.tr(
                "Nama: 2-32 karakter, huruf kecil, angka, '.', '_' atau '-', diawali huruf. "
                "Kata sandi: minimal {0} karakter dan sulit ditebak (misalnya tiga atau empat kata acak)."
            ).format(MIN_PASSPHRASE_LENGTH)
        )
        self.rules.setWordWrap(True)
        self.message = message_label()
        self.submit = QPushButton(self.tr("&Tambah"))
        self.submit.setAccessibleName(self.tr("Tambah pengguna"))
        self.submit.clicked.connect(self.add)
        self.again.returnPressed.connect(self.add)
        form = QFormLayout(self)
        for text, widget in (
            (self.tr("&Nama"), self.name),
            (self.tr("&Peran"), self.role),
            (self.tr("&Kata sandi"), self.passphrase),
            (self.tr("&Ulangi kata sandi"), self.again),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.rules)
        form.addRow(self.message)
        form.addRow(self.submit)

    def add(self) -> None:
        name, role = self.name.text().strip(), self.role.currentData()
        passphrase, again = self.passphrase.text(), self.again.text()
        self.passphrase.clear()
        self.again.clear()
        if passphrase != again:
            say(self.message, self.tr("Kedua kata sandi tidak sama. Ketik ulang."), ok=False)
            self.passphrase.setFocus()
            return
        self.submit.setEnabled(False)
        self.session.op(self, lambda ctx: ctx.store.add_user(name, role, passphrase)).success(
            lambda _result: self._added(name)
        ).failure(self._refused).run()

    def _added(self, name: str) -> None:
        self.submit.setEnabled(True)
        self.name.clear()
        say(self.message, self.tr("Pengguna {0} ditambahkan.").format(name), ok=True)
        self.session.notify("users")

    def _refused(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        _refusal(self.message, self)(exc)
        self.name.setFocus()


class ResetForm(QGroupBox):
    """A new passphrase, twice, for the user selected in the table; it also lifts a lockout."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.user_name = ""
        self.setTitle(self.tr("Atur ulang kata sandi"))
        self.target = QLabel(self.tr("Pilih pengguna di tabel."))
        self.passphrase = password_edit(self.tr("Kata sandi baru"))
        self.again = password_edit(self.tr("Ulangi kata sandi baru"))
        note = QLabel(
            self.tr("Minimal {0} karakter. Mengatur ulang juga membuka kunci pengguna yang terkunci.").format(
                MIN_PASSPHRASE_LENGTH
            )
        )
        note.setWordWrap(True)
        self.message = message_label()
        self.submit = QPushButton(self.tr("Atu&r ulang"))
        self.submit.setAccessibleName(self.tr("Atur ulang kata sandi"))
        self.submit.clicked.connect(self.reset)
        self.again.returnPressed.connect(self.reset)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Pengguna")), self.target)
        for text, widget in ((self.tr("Kata sandi &baru"), self.passphrase), (self.tr("U&langi"), self.again)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(note)
        form.addRow(self.message)
        form.addRow(self.submit)
        self.select("")

    def select(self, name: str) -> None:
        self.user_name = name
        self.target.setText(name or self.tr("Pilih pengguna di tabel."))
        for widget in (self.passphrase, self.again, self.submit):
            widget.setEnabled(bool(name))

    def reset(self) -> None:
        name, passphrase, again = self.user_name, self.passphrase.text(), self.again.text()
        self.passphrase.clear()
        self.again.clear()
        if not name:
            return
        if passphrase != again:
            say(self.message, self.tr("Kedua kata sandi tidak sama. Ketik ulang."), ok=False)
            self.passphrase.setFocus()
            return
        self.session.op(self, lambda ctx: ctx.store.reset_passphrase(name, passphrase)).success(
            lambda user: self._done(name, user.disabled)
        ).failure(_refusal(self.message, self)).run()

    def _done(self, name: str, still_disabled: bool) -> None:
        text = self.tr("Kata sandi {0} sudah diganti.").format(name)
        if still_disabled:
            text += " " + self.tr('Pengguna ini tetap nonaktif; pilih "Aktifkan lagi" agar bisa masuk.')
        say(self.message, text, ok=True)
        self.session.notify("users")


class Screen(QWidget):
    """The users table, with the disable button under it and the two forms beside it."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.users: list[User] = []
        self.table = self._make_table()
        self.disable_button = QPushButton(self.tr("Non&aktifkan pengguna"))
        self.disable_button.setEnabled(False)
        self.disable_button.clicked.connect(self.disable_selected)
        self.enable_button = QPushButton(self.tr("Aktif&kan lagi"))
        self.enable_button.setToolTip(self.tr("Izinkan pengguna yang dinonaktifkan masuk lagi"))
        self.enable_button.setEnabled(False)
        self.enable_button.clicked.connect(self.enable_selected)
        self.message = message_label()
        self.tamper_warning = QLabel(
            self.tr(
                "Peringatan: daftar pengguna diubah di luar fieldapp sejak terakhir diubah supervisor "
                "(pengguna ditambah, dijadikan supervisor, atau diaktifkan lagi). Nonaktifkan pengguna "
                "yang tidak Anda tambahkan, lalu hubungi petugas TI."
            )
        )
        self.tamper_warning.setWordWrap(True)
        self.tamper_warning.setStyleSheet("color: #b91c1c; font-weight: 600;")
        self.tamper_warning.setVisible(False)
        self.recovery_warning = QLabel(
            self.tr(
                "Kode pemulihan laptop ini dibuat sebelum kunci supervisor ada: kode itu hanya membuka data, "
                "tidak mengembalikan hak supervisor. Buat kode pemulihan baru dan simpan di tempat terkunci."
            )
        )
        self.recovery_warning.setWordWrap(True)
        self.recovery_warning.setStyleSheet("color: #92400e; font-weight: 600;")
        self.recovery_warning.setVisible(False)
        self.recovery_button = QPushButton(self.tr("Buat kode &pemulihan baru"))
        self.recovery_button.setToolTip(self.tr("Kode lama tidak berlaku lagi; kode baru hanya ditampilkan sekali"))
        self.recovery_button.clicked.connect(self.new_recovery_code)
        self.add_form = AddUserForm(session, self)
        self.reset_form = ResetForm(session, self)
        self._lay_out()
        self.table.itemSelectionChanged.connect(self._selection_changed)
        session.changed.connect(self._changed)
        self.refresh()

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setHorizontalHeaderLabels([self.tr("Nama"), self.tr("Peran"), self.tr("Status"), self.tr("Dibuat")])
        table.setAccessibleName(self.tr("Daftar pengguna"))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _lay_out(self) -> None:
        title = QLabel(self.tr("Pengguna laptop ini"))
        title.setObjectName("screenTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        table_label = QLabel(self.tr("Daftar pen&gguna"))
        table_label.setBuddy(self.table)
        left = QVBoxLayout()
        left.addWidget(table_label)
        left.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.disable_button)
        buttons.addWidget(self.enable_button)
        buttons.addStretch(1)
        buttons.addWidget(self.recovery_button)
        left.addLayout(buttons)
        left.addWidget(self.message)
        left.addWidget(self.recovery_warning)
        right = QVBoxLayout()
        right.addWidget(self.add_form)
        right.addWidget(self.reset_form)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(self.tamper_warning)
        layout.addLayout(body, 1)

    def focus_first(self) -> None:
        self.table.setFocus()

    def _changed(self, areas: set) -> None:
        if "users" in areas:
            self.refresh()

    # -- the table -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.session.op(
            self,
            lambda ctx: (ctx.store.users(), ctx.store.users_tampered(), ctx.store.recovery_carries_supervisor_key()),
        ).success(lambda found: self.show_users(*found)).run()

    def show_users(self, users: list[User], tampered: bool = False, recovery_ok: bool = True) -> None:
        """Fill the table; warn when the users table was changed outside fieldapp, or the recovery
        code of an upgraded store cannot give a supervisor their powers back."""
        self.tamper_warning.setVisible(tampered)
        self.recovery_warning.setVisible(not recovery_ok)
        selected = self.selected_name()
        self.users = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            cells = (user.name, self._role(user.role), self._status(user), self._created(user.created_at))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, user.name)
                self.table.setItem(row, column, item)
            if user.name == selected:
                self.table.selectRow(row)
        self._selection_changed()

    def _role(self, role: str) -> str:
        return self.tr("Supervisor") if role == "supervisor" else self.tr("Operator")

    def _status(self, user: User) -> str:
        if user.disabled:
            return self.tr("nonaktif")
        if user.locked_until > time.time():
            until = dt.datetime.fromtimestamp(user.locked_until).strftime("%H:%M")
            return self.tr("terkunci sampai {0}").format(until)
        return self.tr("aktif")

    @staticmethod
    def _created(created_at: str) -> str:
        try:
            return parse(created_at).astimezone().strftime("%d-%m-%Y")
        except ValueError:
            return created_at

    def selected_name(self) -> str:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else ""

    def select_user(self, name: str) -> None:
        """Select a user's row (the keyboard does this with the arrows; tests call it)."""
        for row, user in enumerate(self.users):
            if user.name == name:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        name = self.selected_name()
        user = next((u for u in self.users if u.name == name), None)
        self.disable_button.setEnabled(user is not None and not user.disabled)
        self.enable_button.setEnabled(user is not None and user.disabled)
        self.reset_form.select(name)

    # -- the recovery code -------------------------------------------------------------------------

    def confirm_new_recovery_code(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Kode pemulihan baru"),
            self.tr(
                "Buat kode pemulihan baru? Kode lama langsung tidak berlaku. Kode baru hanya ditampilkan sekali: "
                "siapkan kertas untuk menulisnya."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def new_recovery_code(self) -> None:
        if not self.confirm_new_recovery_code():
            return
        self.session.op(self, lambda ctx: ctx.store.new_recovery_code()).success(self.show_recovery_code).failure(
            _refusal(self.message, self)
        ).run()

    def show_recovery_code(self, code: str) -> None:
        """The new code, once, in a dialog that closes only after the supervisor says it is written down."""
        self.recovery_dialog = RecoveryCodeDialog(code, self)
        self.recovery_dialog.finished.connect(lambda _result: self.refresh())
        self.recovery_dialog.open()

    # -- disabling -------------------------------------------------------------------------------

    def confirm_disable(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Nonaktifkan pengguna"),
            self.tr("Nonaktifkan {0}? Pengguna ini tidak dapat masuk lagi.").format(name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def disable_selected(self) -> None:
        name = self.selected_name()
        if not name or not self.confirm_disable(name):
            return
        self.session.op(self, lambda ctx: ctx.store.disable_user(name)).success(
            lambda _result: self._disabled(name)
        ).failure(_refusal(self.message, self)).run()

    def _disabled(self, name: str) -> None:
        say(self.message, self.tr("{0} dinonaktifkan.").format(name), ok=True)
        self.session.notify("users")

    def enable_selected(self) -> None:
        """No question asked: enabling takes nothing away, and disabling again is one click."""
        name = self.selected_name()
        if not name:
            return
        self.session.op(self, lambda ctx: ctx.store.enable_user(name)).success(
            lambda _result: self._enabled(name)
        ).failure(_refusal(self.message, self)).run()

    def _enabled(self, name: str) -> None:
        say(self.message, self.tr("{0} dapat masuk lagi.").format(name), ok=True)
        self.session.notify("users")


class RecoveryCodeDialog(QDialog):
    """Shows a new recovery code once; OK only after "I wrote it down" is ticked."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kode pemulihan baru"))
        self.setModal(True)
        intro = QLabel(
            self.tr(
                "Tulis kode ini di kertas dan simpan di tempat terkunci; jangan difoto. Kode ini hanya "
                "ditampilkan sekali, dan mengembalikan data serta hak supervisor jika semua kata sandi terlupa."
            )
        )
        intro.setWordWrap(True)
        self.code = QLabel(code)
        self.code.setObjectName("recoveryCode")
        font = QFont("DejaVu Sans Mono")
        font.setPixelSize(22)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setStyleSheet("background: #f3f4f6; padding: 12px; border-radius: 6px;")
        self.written = QCheckBox(self.tr("Saya sudah menulis kode pemulihan ini dan menyimpannya di tempat aman"))
        self.ok_button = QPushButton(self.tr("Selesai"))
        self.ok_button.setEnabled(False)
        self.written.toggled.connect(self.ok_button.setEnabled)
        self.ok_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(self.written)
        layout.addWidget(self.ok_button, 0, Qt.AlignmentFlag.AlignRight)

    def reject(self) -> None:  # Escape does not close it before the code is written down
        if self.written.isChecked():
            super().reject()
