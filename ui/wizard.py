"""The first-run wizard's screens; the flow itself is `ui.wizard_flow` (no Qt, tested alone).

Each step's page is made when the flow reaches it, so pages after the language step are
built in the language just chosen. An IT provisioning file (`fieldapp-provisioning.json` beside
the app or in the data folder, or named by FIELDAPP_PROVISIONING) fixes the language and office
and replaces the server page's questions with an enrolment from the file, run off the GUI
thread once the store exists.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import provision
from fieldapp.errors import FieldappError
from fieldapp.provision import Provisioning
from fieldapp.regions import regions
from fieldapp.store_sync import StoreIdentity
from sync.service import request_enrolment
from ui import i18n
from ui.errors import message_for, show_error
from ui.region_picker import RegionPicker
from ui.session import Session, warm_rules
from ui.widgets import password_edit
from ui.wizard_flow import STEPS, WizardFlow

CARD_WIDTH = 720
log = logging.getLogger(__name__)


def find_provisioning(data_dir: Path) -> tuple[Provisioning | None, FieldappError | None, Path | None]:
    """The provisioning file the wizard uses, or why it cannot (the wizard goes on without it)."""
    path = provision.find(data_dir)
    if path is None:
        return None, None, None
    try:
        found = provision.load(path)
    except FieldappError as exc:
        log.warning("provisioning file refused: %s", exc.message_en)  # names the field, never a value
        return None, exc, None
    log.info("provisioning file found: office and server come from it")
    return found, None, path


class FirstRunWizard(QWidget):
    finished = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # Read here, on the GUI thread: one small local file (~0.1 s with the region check), once,
        # before the first page, so that the first page shown is already the right one.
        provisioning, problem, self.provisioning_path = find_provisioning(session.data_dir)
        self.flow = WizardFlow(provisioning, problem)
        if provisioning is not None and provisioning.language is not None:
            session.change_language(provisioning.language)  # kept for the next start by provision.apply too
        else:
            self.flow.data.language = i18n.language()
        self.card = QFrame()
        self.card.setObjectName("wizardCard")
        self.card.setFixedWidth(CARD_WIDTH)
        self.card.setStyleSheet("#wizardCard { border: 1px solid #d1d5db; border-radius: 8px; background: white; }")
        self.card_layout = QVBoxLayout(self.card)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.page: QWidget | None = None
        self.show_step()
        session.op(self, lambda _ctx: warm_rules()).run()  # the office picker needs the region list next

    # -- pages -------------------------------------------------------------------------------------

    def show_step(self) -> None:
        builders = {
            "language": self._language_page,
            "supervisor": self._supervisor_page,
            "recovery": self._recovery_page,
            "server": self._server_page,
            "done": self._done_page,
        }
        if self.page is not None:
            self.card_layout.removeWidget(self.page)
            self.page.hide()
            self.page.deleteLater()
        self.page = builders[self.flow.step]()
        self.card_layout.addWidget(self.page)
        focus = self.page.focusNextChild
        focus()

    def _frame(self, title: str, intro: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        number = STEPS.index(self.flow.step) + 1
        step = QLabel(self.tr("Langkah {0} dari {1}").format(number, len(STEPS)))
        step.setStyleSheet("color: #6b7280;")
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        text = QLabel(intro)
        text.setWordWrap(True)
        for widget in (step, heading, text):
            layout.addWidget(widget)
        self.error = QLabel()
        self.error.setObjectName("wizardError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c;")
        return page, layout

    def _buttons(self, layout: QVBoxLayout, next_text: str, on_next, back: bool = False) -> QPushButton:  # type: ignore[no-untyped-def]
        layout.addWidget(self.error)
        row = QHBoxLayout()
        if back:
            back_button = QPushButton(self.tr("Kembali"))
            back_button.clicked.connect(self._back)
            row.addWidget(back_button)
        row.addStretch(1)
        button = QPushButton(next_text)
        button.setObjectName("wizardNext")
        button.setDefault(True)
        button.setAutoDefault(True)
        button.clicked.connect(on_next)
        row.addWidget(button)
        layout.addLayout(row)
        return button

    def _language_page(self) -> QWidget:
        page, layout = self._frame(
            self.tr("Selamat datang"),
            self.tr("Aplikasi ini dipakai petugas desa untuk mendaftarkan warga ke Kartu Prakerja. Pilih bahasa."),
        )
        self.language_buttons: dict[str, QRadioButton] = {}
        for code, name in i18n.LANGUAGES.items():
            button = QRadioButton(name)
            button.setChecked(code == self.flow.data.language)
            self.language_buttons[code] = button
            layout.addWidget(button)
        self._buttons(layout, self.tr("Lanjut"), self._language_chosen)
        if self.flow.provisioning_problem is not None:
            self.error.setText(
                self.tr("Berkas penyiapan TI tidak dipakai: {0}. Lanjutkan tanpa berkas itu.").format(
                    message_for(self.flow.provisioning_problem)
                )
            )
        return page

    def _supervisor_page(self) -> QWidget:
        page, layout = self._frame(
            self.tr("Supervisor pertama dan kantor"),
            self.tr(
                "Buat akun supervisor laptop ini. Kata sandinya membuka kunci semua data di laptop: minimal 10 "
                "karakter, sebaiknya beberapa kata. Pilih desa/kelurahan kantor tempat laptop ini dipakai."
            ),
        )
        self.name = QLineEdit(self.flow.data.supervisor)
        self.name.setPlaceholderText(self.tr("mis. kepala.desa"))
        self.passphrase = password_edit()
        self.passphrase_again = password_edit()
        self.office = RegionPicker(self.flow.data.office, self.tr("kantor"))
        if self.flow.data.office:
            self.office.set_code(self.flow.data.office)
        if self.flow.provisioning is not None:
            self.office.setEnabled(False)  # IT's file says which office, and the server holds it to that
        form = QFormLayout()
        for text, widget in (
            (self.tr("&Nama pengguna"), self.name),
            (self.tr("&Kata sandi"), self.passphrase),
            (self.tr("&Ulangi kata sandi"), self.passphrase_again),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        layout.addLayout(form)
        office_label = QLabel(self.tr("Kantor (&desa/kelurahan) tempat laptop ini dipakai"))
        office_label.setBuddy(self.office.search)
        layout.addWidget(office_label)
        layout.addWidget(self.office)
        if self.flow.provisioning is not None:
            note = QLabel(self.tr("Kantor dan server pusat ditetapkan oleh berkas penyiapan dari petugas TI."))
            note.setObjectName("provisionedNote")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.create_button = self._buttons(layout, self.tr("Buat penyimpanan terenkripsi"), self._create, back=True)
        return page

    def _recovery_page(self) -> QWidget:
        page, layout = self._frame(
            self.tr("Kode pemulihan"),
            self.tr(
                "Jika semua kata sandi supervisor terlupa, hanya kode ini yang dapat membuka data. Tulis di kertas, "
                "simpan di tempat terkunci, jangan difoto. Kode ini hanya ditampilkan sekali."
            ),
        )
        code = QLabel(self.flow.data.recovery_code)
        code.setObjectName("recoveryCode")
        font = QFont("DejaVu Sans Mono")
        font.setPixelSize(22)
        font.setBold(True)
        code.setFont(font)
        code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        code.setStyleSheet("background: #f3f4f6; padding: 12px; border-radius: 6px;")
        code.setWordWrap(True)
        layout.addWidget(code)
        self.written = QCheckBox(self.tr("Saya sudah menulis kode pemulihan ini dan menyimpannya di tempat aman"))
        layout.addWidget(self.written)
        self._buttons(layout, self.tr("Lanjut"), self._recovery_confirmed)
        return page

    def _server_page(self) -> QWidget:
        if self.flow.provisioning is not None:
            return self._provisioned_server_page(self.flow.provisioning)
        page, layout = self._frame(
            self.tr("Server pusat (boleh nanti)"),
            self.tr(
                "Masukkan alamat server pusat dan kode pendaftaran sekali pakai dari petugas TI kabupaten. "
                "Tanpa internet sekarang? Lewati saja: pendaftaran tetap bisa dilakukan, dan perangkat dapat "
                "didaftarkan nanti di menu Pengaturan."
            ),
        )
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("https://prakerja.contoh.go.id")
        self.enrol_code = QLineEdit()
        self.enrol_code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX")
        form = QFormLayout()
        for text, widget in (
            (self.tr("&Alamat server"), self.server_url),
            (self.tr("&Kode pendaftaran"), self.enrol_code),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        layout.addLayout(form)
        skip = QPushButton(self.tr("Lewati, daftarkan nanti"))
        skip.clicked.connect(self._skip_server)
        layout.addWidget(skip, alignment=Qt.AlignmentFlag.AlignLeft)
        self.enrol_button = self._buttons(layout, self.tr("Daftarkan perangkat"), self._enrol)
        return page

    def _provisioned_server_page(self, provisioning: Provisioning) -> QWidget:
        page, layout = self._frame(
            self.tr("Server pusat"),
            self.tr(
                "Laptop ini didaftarkan ke server pusat {0} dengan kode sekali pakai dari berkas penyiapan TI. "
                "Tanpa internet sekarang? Lewati saja: perangkat dapat didaftarkan nanti di menu Pengaturan."
            ).format(provisioning.server_url),
        )
        skip = QPushButton(self.tr("Lewati, daftarkan nanti"))
        skip.clicked.connect(self._skip_server)
        layout.addWidget(skip, alignment=Qt.AlignmentFlag.AlignLeft)
        self.enrol_button = self._buttons(layout, self.tr("Coba lagi"), self._enrol_from_file)
        self._enrol_from_file()
        return page

    def _done_page(self) -> QWidget:
        office = self.session.office
        place = regions().describe(office) if office else self.tr("(belum ditentukan)")
        server = self.tr("terdaftar di server pusat") if self.flow.data.enrolled else self.tr("belum terdaftar")
        page, layout = self._frame(
            self.tr("Siap dipakai"),
            self.tr(
                "Penyimpanan terenkripsi sudah dibuat untuk kantor {0}; perangkat {1}. "
                "Langkah berikutnya: tambahkan akun operator di menu Pengguna."
            ).format(place, server),
        )
        self._buttons(layout, self.tr("Mulai"), self.finished.emit)
        if self.flow.provisioning_note is not None:
            self.error.setText(message_for(self.flow.provisioning_note))
        return page

    # -- moving on ---------------------------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        if isinstance(exc, FieldappError):
            self.error.setText(message_for(exc))
        else:
            show_error(self, exc)

    def _back(self) -> None:
        self.flow.back()
        self.show_step()

    def _language_chosen(self) -> None:
        code = next(code for code, button in self.language_buttons.items() if button.isChecked())
        problem = self.session.change_language(code)
        self.flow.choose_language(code)
        self.show_step()
        if problem is not None:
            show_error(self, problem)

    def _create(self) -> None:
        name, first, second = self.name.text(), self.passphrase.text(), self.passphrase_again.text()
        try:
            self.flow.set_supervisor(name, first, second, self.office.code())
        except FieldappError as exc:
            self._fail(exc)
            return
        data = self.flow.data
        self.passphrase.clear()
        self.passphrase_again.clear()
        self.create_button.setEnabled(False)
        self.error.setStyleSheet("color: #374151;")
        self.error.setText(self.tr("Membuat penyimpanan dan kunci (beberapa detik)…"))
        self.session.op(
            self, lambda ctx: self.session.create_store(ctx, data.supervisor, data.passphrase, data.office)
        ).success(self._created).failure(self._create_failed).run()

    def _create_failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.error.setStyleSheet("color: #b91c1c;")
        self._fail(exc)

    def _created(self, recovery_code: str) -> None:
        self.flow.store_made(recovery_code)
        self.show_step()

    def _recovery_confirmed(self) -> None:
        try:
            self.flow.confirm_recovery(self.written.isChecked())
        except FieldappError as exc:
            self._fail(exc)
            return
        self.show_step()

    def _skip_server(self) -> None:
        self.flow.skip_server()
        self.show_step()

    def _enrol(self) -> None:
        url, code = self.server_url.text().strip(), self.enrol_code.text().strip()
        if not url or not code:
            self.error.setText(self.tr("Isi alamat server dan kode pendaftaran, atau pilih Lewati."))
            return
        self.enrol_code.clear()
        self.enrol_button.setEnabled(False)
        self.error.setStyleSheet("color: #374151;")
        self.error.setText(self.tr("Menghubungi server…"))
        name = socket.gethostname()
        self.session.op(self, lambda ctx: ctx.store.sync_identity()).success(
            lambda identity: self._ask_server(url, code, name, identity)
        ).failure(self._enrol_failed).run()

    def _enrol_from_file(self) -> None:
        """Settings and CA from the file (database lane), then the same two halves as by hand."""
        provisioning, data_dir = self.flow.provisioning, self.session.data_dir
        assert provisioning is not None
        self.enrol_button.setEnabled(False)
        self.error.setStyleSheet("color: #374151;")
        self.error.setText(self.tr("Menghubungi server…"))
        name = socket.gethostname()

        def prepare(ctx):  # type: ignore[no-untyped-def]
            ca_file = provision.apply(ctx.store, provisioning, data_dir)
            self.session.settings = ctx.store.settings()
            return ca_file, ctx.store.sync_identity()

        self.session.op(self, prepare).success(
            lambda found: self._ask_server(provisioning.server_url, provisioning.enrol_code, name, found[1], found[0])
        ).failure(self._enrol_failed).run()

    def _ask_server(self, url: str, code: str, name: str, identity: StoreIdentity, ca_file: str = "") -> None:
        """The network half, told which office and store ask (so a wrong code is not spent)."""
        self.session.op(self, lambda _ctx: request_enrolment(url, code, name, ca_file, identity), lane="net").success(
            self._keep_enrolment
        ).failure(self._enrol_failed).run()

    def _keep_enrolment(self, enrolment) -> None:  # type: ignore[no-untyped-def]
        """Keep the token; a provisioning file, its code now spent, is deleted on the same lane."""
        spent = self.provisioning_path if self.flow.provisioning is not None else None

        def keep(ctx):  # type: ignore[no-untyped-def]
            self.session.enrol(ctx, enrolment)
            return provision.discard(spent) if spent is not None else None

        self.session.op(self, keep).success(lambda note: self._enrolled(enrolment.server_url, note)).failure(
            self._enrol_failed
        ).run()

    def _enrolled(self, url: str, note: FieldappError | None = None) -> None:
        self.session.enrolled()
        self.flow.server_enrolled(url, note)
        self.show_step()

    def _enrol_failed(self, exc: BaseException) -> None:
        self.enrol_button.setEnabled(True)
        self.error.setStyleSheet("color: #b91c1c;")
        self._fail(exc)
