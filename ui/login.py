"""Login and unlock: pick the user, type the passphrase; or recover with the recovery code.

Argon2id takes a good part of a second on purpose, so the check runs on the database worker
while the screen says so. A lockout shows its remaining wait, counting down.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError, LockedOut
from fieldapp.users import MIN_PASSPHRASE_LENGTH
from ui import i18n
from ui.errors import message_for, show_error
from ui.session import Session
from ui.widgets import buddy, password_edit

CARD_WIDTH = 460


class LoginScreen(QWidget):
    logged_in = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._locked_until: dict[str, float] = {}  # user -> monotonic time their lockout ends
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._login_page())
        self.pages.addWidget(self._recovery_page())
        card = QFrame()
        card.setObjectName("loginCard")
        card.setFixedWidth(CARD_WIDTH)
        card.setStyleSheet("#loginCard { border: 1px solid #d1d5db; border-radius: 8px; background: white; }")
        inner = QVBoxLayout(card)
        title = QLabel(self.tr("Pendaftaran Kartu Prakerja"))
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        subtitle = QLabel(self.tr("Pendaftaran dengan pendampingan di kantor desa"))
        subtitle.setStyleSheet("color: #4b5563;")
        inner.addWidget(title)
        inner.addWidget(subtitle)
        if session.demo_note:
            demo = QLabel(session.demo_note)
            demo.setObjectName("demoNote")
            demo.setWordWrap(True)
            demo.setStyleSheet("background: #fef3c7; color: #78350f; padding: 6px; border-radius: 4px;")
            inner.addWidget(demo)
        inner.addSpacing(8)
        inner.addWidget(self.pages)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.show_page(0)
        self._load_names()

    # -- login ---------------------------------------------------------------------------------

    def _login_page(self) -> QWidget:
        page = QWidget()
        self.user = QComboBox()
        self.user.setEditable(False)
        self.user.currentTextChanged.connect(lambda _name: self._tick())
        self.passphrase = password_edit()
        self.passphrase.returnPressed.connect(self.submit)
        self.message = QLabel()
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b91c1c;")
        self.login_button = QPushButton(self.tr("&Masuk"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.submit)
        forgot = QPushButton(self.tr("Lupa kata sandi? Pulihkan dengan kode pemulihan"))
        forgot.setFlat(True)
        forgot.setStyleSheet("color: #1d4ed8; text-align: left;")
        forgot.clicked.connect(lambda: self.show_page(1))
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.language()))
        self.language.currentIndexChanged.connect(self._language_chosen)
        form = QFormLayout()
        for label, widget in (
            (self.tr("&Pengguna"), self.user),
            (self.tr("&Kata sandi"), self.passphrase),
            (self.tr("&Bahasa"), self.language),
        ):
            form.addRow(buddy(label, widget), widget)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.login_button)
        layout.addWidget(forgot)
        return page

    def focus_first(self) -> None:
        self.passphrase.setFocus()

    def show_page(self, index: int) -> None:
        """Login or recovery; the card takes the height of the page shown, not the taller one."""
        for number in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if number == index else QSizePolicy.Policy.Ignored
            self.pages.widget(number).setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(index)
        self.pages.adjustSize()
        (self.passphrase if index == 0 else self.recovery_code).setFocus()

    def _load_names(self) -> None:
        self.session.op(self, self.session.open_store).success(self._show_names).run()

    def _show_names(self, names: list[str]) -> None:
        self.user.clear()
        self.user.addItems(names)
        self.recover_user.clear()
        self.recover_user.addItems(names)
        self.passphrase.setFocus()

    def submit(self) -> None:
        name, secret = self.user.currentText(), self.passphrase.text()
        if not name or not secret or self._wait_left(name) > 0:
            return
        self.passphrase.clear()
        self._busy(True)
        self.message.setStyleSheet("color: #374151;")
        self.message.setText(self.tr("Memeriksa kata sandi…"))
        self.session.op(self, lambda ctx: self.session.login(ctx, name, secret)).success(self._done).failure(
            lambda exc: self._refused(name, exc)
        ).run()

    def _done(self, _user: object) -> None:
        self._busy(False)
        self.logged_in.emit()

    def _refused(self, name: str, exc: BaseException) -> None:
        self._busy(False)
        if not isinstance(exc, FieldappError):
            show_error(self, exc)
            return
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setText(message_for(exc))
        if isinstance(exc, LockedOut) and exc.wait_seconds > 0:
            self._locked_until[name] = time.monotonic() + exc.wait_seconds
            self._countdown.start()
        self._tick()
        self.passphrase.setFocus()

    def _wait_left(self, name: str) -> int:
        return max(0, int(self._locked_until.get(name, 0.0) - time.monotonic() + 0.999))

    def _tick(self) -> None:
        """The button counts down the chosen user's lockout; another user may log in meanwhile."""
        wait = self._wait_left(self.user.currentText())
        if not any(self._wait_left(name) for name in self._locked_until):
            self._countdown.stop()
        if wait <= 0:
            self.login_button.setEnabled(True)
            self.login_button.setText(self.tr("&Masuk"))
            return
        minutes, seconds = divmod(wait, 60)
        self.login_button.setEnabled(False)
        self.login_button.setText(self.tr("Terkunci, coba lagi dalam {0}:{1:02d}").format(minutes, seconds))

    def _busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)
        self.user.setEnabled(not busy)

    def _language_chosen(self) -> None:
        window = self.window()
        problem = self.session.change_language(self.language.currentData())
        window.start()  # type: ignore[attr-defined]  # the login screen again, in the new language
        if problem is not None:
            show_error(window, problem)

    # -- recovery --------------------------------------------------------------------------------

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            self.tr(
                "Masukkan kode pemulihan yang dicatat saat aplikasi dipasang, lalu kata sandi baru. "
                "Setelah itu kode pemulihan lama tidak berlaku dan kode baru ditampilkan sekali."
            )
        )
        intro.setWordWrap(True)
        self.recover_user = QComboBox()
        self.recovery_code = QLineEdit()
        self.recovery_code.setPlaceholderText("XXXX-XXXX-…")
        self.new_passphrase = password_edit()
        self.new_passphrase_again = password_edit()
        self.recover_message = QLabel()
        self.recover_message.setWordWrap(True)
        self.recover_message.setStyleSheet("color: #b91c1c;")
        form = QFormLayout()
        for label, widget in (
            (self.tr("&Pengguna"), self.recover_user),
            (self.tr("Kode &pemulihan"), self.recovery_code),
            (
                self.tr("Kata sandi &baru (min. {0} karakter, sulit ditebak)").format(MIN_PASSPHRASE_LENGTH),
                self.new_passphrase,
            ),
            (self.tr("&Ulangi kata sandi baru"), self.new_passphrase_again),
        ):
            form.addRow(buddy(label, widget), widget)
        recover = QPushButton(self.tr("&Pulihkan"))
        recover.clicked.connect(self.recover)
        back = QPushButton(self.tr("Kembali"))
        back.clicked.connect(lambda: self.show_page(0))
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(recover)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.recover_message)
        layout.addLayout(buttons)
        return page

    def recover(self) -> None:
        name, code = self.recover_user.currentText(), self.recovery_code.text()
        first, second = self.new_passphrase.text(), self.new_passphrase_again.text()
        if first != second:
            self.recover_message.setText(self.tr("Kedua kata sandi baru tidak sama."))
            return
        for edit in (self.recovery_code, self.new_passphrase, self.new_passphrase_again):
            edit.clear()
        self.recover_message.setStyleSheet("color: #374151;")
        self.recover_message.setText(self.tr("Memeriksa kode pemulihan…"))
        self.session.op(self, lambda ctx: self.session.recover(ctx, name, code, first)).success(
            self._recovered
        ).failure(self._recovery_refused).run()

    def _recovered(self, new_code: str) -> None:
        self.recover_message.setText("")
        self.show_new_recovery_code(new_code)
        self.show_page(0)
        self.message.setStyleSheet("color: #15803d;")
        self.message.setText(self.tr("Kata sandi baru sudah berlaku. Silakan masuk."))
        self.passphrase.setFocus()

    def show_new_recovery_code(self, code: str) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Kode pemulihan baru"))
        box.setText(
            self.tr("Catat kode pemulihan baru ini dan simpan di tempat terkunci. Kode ini hanya ditampilkan sekali:")
        )
        box.setInformativeText(code)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        confirm = QCheckBox(self.tr("Saya sudah mencatat kode ini"))
        box.setCheckBox(confirm)
        box.exec()
        while not confirm.isChecked():  # shown once: it must not be clicked away unread
            box.exec()
        box.setInformativeText("")
        box.deleteLater()

    def _recovery_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, FieldappError):
            show_error(self, exc)
            return
        self.recover_message.setStyleSheet("color: #b91c1c;")
        self.recover_message.setText(message_for(exc))
