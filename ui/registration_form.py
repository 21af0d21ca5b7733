"""The registration form: the whole record on one scrollable page, checked as it is typed.

Sections follow the programme's record: Identitas, Kontak, Alamat KTP, Domisili, Pendidikan &
Pekerjaan, Persetujuan. Every check is the core's: `validation.check()` on what is typed so
far (messages shown only under fields the operator has left), and the store's own rules (a
NIK already registered, a KK with two registrants) asked on the database worker as soon as a
NIK or KK number is complete. Typing the NIK fills the birth date and sex it carries.
Ctrl+S saves, Esc clears; in edit mode the same form saves a new version of a record.
A new registration is also kept as an encrypted draft a moment after each change
(`ui.draft_autosave`), so a power cut or a lock loses at most the last two seconds of typing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import InvalidRecords, Problem
from fieldapp.messages import message
from fieldapp.nik import birth_from_nik, is_sixteen_digits
from fieldapp.registration import EDUCATION_LEVELS, EMPLOYMENT_STATUSES, SEXES
from fieldapp.validation import check, normalize_phone
from ui import i18n, labels
from ui.address_section import AddressSection
from ui.draft_autosave import DraftKeeper, filled_fields
from ui.errors import show_error
from ui.form_fields import Field, date_edit, digits_edit, iso_to_typed_date, text_edit, typed_date_to_iso
from ui.session import Session

CHECK_DELAY_MS = 250
ADDRESSES = ("ktp_address", "domicile_address")


class RegistrationForm(QWidget):
    saved = Signal(str)  # the record id
    cancelled = Signal()

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        record_id: str | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.record_id = record_id
        self._touched: set[str] = set()
        self._store_problems: list[Problem] = []
        self._from_nik: tuple[str, object] = ("", None)  # the birth date and sex last filled in from a NIK
        self._saving = False
        self._saving_data: dict[str, Any] = {}
        self._initial: dict[str, Any] = {}
        self.last_saved: dict[str, Any] = {}
        self.drafts: DraftKeeper | None = None if record_id is not None else DraftKeeper(session, self, self.data)
        self._build()
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self._connect()
        if initial is not None:
            self.load(initial)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.fields: dict[str, Field] = {}
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self._identity())
        column.addWidget(self._contact())
        self.ktp = AddressSection(self.tr("Alamat KTP"), "ktp_address", self.session.office)
        column.addWidget(self.ktp)
        column.addWidget(self._domicile())
        column.addWidget(self._work())
        column.addWidget(self._consent())
        column.addStretch(1)
        for section in (self.ktp, self.domicile):
            self.fields.update(section.fields)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll = scroll
        self.summary = QLabel()
        self.summary.setObjectName("formSummary")
        self.summary.setWordWrap(True)
        self.summary.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addLayout(self._buttons())

    def _grid(self, title: str, cells: list[tuple[str, Field, int]]) -> QGroupBox:
        """A section whose fields flow over two columns; a span of 2 takes a whole row."""
        box = QGroupBox(title)
        grid = QGridLayout(box)
        row = col = 0
        for key, field, span in cells:
            self.fields[key] = field
            if col + span > 2:
                row, col = row + 1, 0
            grid.addWidget(field, row, col, 1, span, Qt.AlignmentFlag.AlignTop)
            col += span
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return box

    def _identity(self) -> QGroupBox:
        self.nik = digits_edit(16)
        self.kk = digits_edit(16)
        self.full_name = text_edit(100)
        self.mother_name = text_edit(100)
        self.birth_place = text_edit(100)
        self.birth_date = date_edit()
        self.birth_date.setPlaceholderText(self.tr("HH-BB-TTTT"))
        self.sex = QComboBox()
        self.sex.addItem(self.tr("— pilih —"), None)
        for code in SEXES:
            self.sex.addItem(labels.sex_name(code), code)
        return self._grid(
            self.tr("Identitas"),
            [
                ("nik", Field(self.tr("&NIK (16 digit)"), self.nik), 1),
                ("kk_number", Field(self.tr("Nomor &KK (16 digit)"), self.kk), 1),
                ("full_name", Field(self.tr("Nama &lengkap sesuai KTP"), self.full_name), 1),
                ("mother_name", Field(self.tr("Nama &ibu kandung"), self.mother_name), 1),
                ("birth_place", Field(self.tr("&Tempat lahir"), self.birth_place), 1),
                ("birth_date", Field(self.tr("Tanggal lahir (HH-BB-TTTT)"), self.birth_date), 1),
                ("sex", Field(self.tr("Jenis kelamin"), self.sex), 1),
            ],
        )

    def _contact(self) -> QGroupBox:
        self.phone = text_edit(20)
        self.phone.setPlaceholderText("08xx-xxxx-xxxx")
        self.email = text_edit(254)
        self.email.setPlaceholderText(self.tr("nama@contoh.com"))
        return self._grid(
            self.tr("Kontak"),
            [
                ("phone", Field(self.tr("Nomor &HP"), self.phone), 1),
                ("email", Field(self.tr("&Email"), self.email), 1),
            ],
        )

    def _domicile(self) -> QGroupBox:
        box = QGroupBox(self.tr("Domisili"))
        self.same_address = QCheckBox(self.tr("Alamat domisili &sama dengan alamat KTP"))
        self.same_address.setChecked(True)
        self.domicile = AddressSection(self.tr("Alamat domisili"), "domicile_address", self.session.office)
        self.domicile.setFlat(True)
        self.domicile.setVisible(False)
        layout = QVBoxLayout(box)
        layout.addWidget(self.same_address)
        layout.addWidget(self.domicile)
        return box

    def _work(self) -> QGroupBox:
        self.education = QComboBox()
        self.education.addItem(self.tr("— pilih —"), None)
        for code in EDUCATION_LEVELS:
            self.education.addItem(labels.education_name(code), code)
        self.employment = QComboBox()
        self.employment.addItem(self.tr("— pilih —"), None)
        for code in EMPLOYMENT_STATUSES:
            self.employment.addItem(labels.employment_name(code), code)
        self.in_school = QCheckBox(self.tr("Sedang sekolah atau kuliah"))
        self.excluded = QCheckBox(self.tr("Bekerja di pekerjaan yang dikecualikan"))
        self.interest = text_edit(200)
        self.interest.setPlaceholderText(self.tr("mis. menjahit, pemasaran digital"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        return self._grid(
            self.tr("Pendidikan && Pekerjaan"),
            [
                ("education", Field(self.tr("Pendidikan terakhir"), self.education), 1),
                ("employment_status", Field(self.tr("Status pekerjaan"), self.employment), 1),
                ("in_formal_education", Field(self.tr("Pendidikan formal"), self.in_school), 1),
                (
                    "excluded_occupation",
                    Field(
                        self.tr("Pekerjaan"),
                        self.excluded,
                        note=self.tr("ASN, TNI/Polri, perangkat desa, anggota DPR/DPRD, atau direksi BUMN/BUMD"),
                    ),
                    1,
                ),
                ("training_interest", Field(self.tr("&Minat pelatihan"), self.interest), 2),
                ("notes", Field(self.tr("Ca&tatan"), self.notes), 2),
            ],
        )

    def _consent(self) -> QGroupBox:
        self.consent = QCheckBox(self.tr("Pendaftar menyetujui pemrosesan data pribadinya"))
        note = self.tr(
            "Petugas sudah menjelaskan bahwa data dipakai untuk pendaftaran Kartu Prakerja, disimpan terenkripsi "
            "dan dikirim ke server pusat (UU PDP No. 27/2022)."
        )
        return self._grid(
            self.tr("Persetujuan"), [("consent", Field(self.tr("Persetujuan"), self.consent, note=note), 2)]
        )

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton(self.tr("Simpan (Ctrl+S)"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(
            self.tr("Kosongkan (Esc)") if self.record_id is None else self.tr("Batal (Esc)")
        )
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.escape)
        self.draft_note = QLabel()
        self.draft_note.setObjectName("draftNote")
        self.draft_note.setStyleSheet("color: #6b7280;")
        self.draft_note.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.draft_note)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addWidget(self.save_button)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Esc"), self, self.escape, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return row

    def _connect(self) -> None:
        edits: list[QLineEdit] = [
            self.nik, self.kk, self.full_name, self.mother_name, self.birth_place, self.birth_date, self.phone,
            self.email, self.interest, self.ktp.street, self.ktp.rt, self.ktp.rw, self.domicile.street,
            self.domicile.rt, self.domicile.rw,
        ]  # fmt: skip
        for edit in edits:
            edit.textEdited.connect(self._edited)
            edit.editingFinished.connect(lambda edit=edit: self._leave(edit))
        for combo in (self.sex, self.education, self.employment):
            combo.currentIndexChanged.connect(lambda _i, combo=combo: self._leave(combo))
        for box in (self.in_school, self.excluded, self.consent):
            box.toggled.connect(lambda _on, box=box: self._leave(box))
        for section in (self.ktp, self.domicile):
            section.region.changed.connect(lambda _code, section=section: self._leave(section.region))
        self.notes.textChanged.connect(self._edited)
        self.nik.textEdited.connect(self._nik_typed)
        self.same_address.toggled.connect(lambda same: self.domicile.setVisible(not same))
        self.same_address.toggled.connect(lambda _same: self._edited())
        if self.drafts is not None:
            self._connect_drafts(self.drafts, edits)

    def _connect_drafts(self, drafts: DraftKeeper, edits: list[QLineEdit]) -> None:
        """Every change of any input, typed or chosen, arms the draft's autosave."""
        combos, boxes = (self.sex, self.education, self.employment), (self.in_school, self.excluded, self.consent)
        drafts.watch(
            [edit.textChanged for edit in edits]
            + [combo.currentIndexChanged for combo in combos]
            + [box.toggled for box in (*boxes, self.same_address)]
            + [section.region.changed for section in (self.ktp, self.domicile)]
            + [self.notes.textChanged]
        )
        drafts.saved.connect(self._draft_saved)
        drafts.dropped.connect(lambda: self.draft_note.setVisible(False))

    def _draft_saved(self, at: str) -> None:
        self.draft_note.setText(self.tr("Draf tersimpan {0}").format(at))
        self.draft_note.setVisible(True)

    # -- reading and loading ---------------------------------------------------------------------

    def data(self) -> dict[str, Any]:
        """What is typed, in the core's JSON shape (empty answers as None: "wajib diisi")."""
        return {
            "nik": self.nik.text() or None,
            "kk_number": self.kk.text() or None,
            "full_name": self.full_name.text() or None,
            "mother_name": self.mother_name.text() or None,
            "birth_place": self.birth_place.text() or None,
            "birth_date": typed_date_to_iso(self.birth_date.text()) or None,
            "sex": self.sex.currentData(),
            "phone": self.phone.text() or None,
            "email": self.email.text() or None,
            "ktp_address": self.ktp.value(),
            "domicile_address": None if self.same_address.isChecked() else self.domicile.value(),
            "education": self.education.currentData(),
            "employment_status": self.employment.currentData(),
            "in_formal_education": self.in_school.isChecked(),
            "excluded_occupation": self.excluded.isChecked(),
            "training_interest": self.interest.text(),
            "consent": self.consent.isChecked(),
            "notes": self.notes.toPlainText(),
        }

    def load(self, record: dict[str, Any]) -> None:
        """Fill the form with a saved record (edit mode)."""
        self.nik.setText(str(record.get("nik") or ""))
        self.kk.setText(str(record.get("kk_number") or ""))
        self.full_name.setText(str(record.get("full_name") or ""))
        self.mother_name.setText(str(record.get("mother_name") or ""))
        self.birth_place.setText(str(record.get("birth_place") or ""))
        self.birth_date.setText(iso_to_typed_date(str(record.get("birth_date") or "")))
        _choose(self.sex, record.get("sex"))
        self.phone.setText(str(record.get("phone") or ""))
        self.email.setText(str(record.get("email") or ""))
        self.ktp.load(record.get("ktp_address") or {})
        domicile = record.get("domicile_address")
        self.same_address.setChecked(not domicile)
        if domicile:
            self.domicile.load(domicile)
        _choose(self.education, record.get("education"))
        _choose(self.employment, record.get("employment_status"))
        self.in_school.setChecked(bool(record.get("in_formal_education")))
        self.excluded.setChecked(bool(record.get("excluded_occupation")))
        self.interest.setText(str(record.get("training_interest") or ""))
        self.notes.setPlainText(str(record.get("notes") or ""))
        self.consent.setChecked(bool(record.get("consent")))
        self._initial = self.data()  # what "Batal" compares against before throwing edits away
        self._from_nik = ("", None)
        self._touched = set(self.fields)
        self.check_now()

    def load_draft(self, draft_id: str, fields: dict[str, Any]) -> None:
        """Continue a draft: every field as it was, messages only under the ones already filled."""
        self.load(fields)
        data = self.data()
        self._touched = filled_fields(data, self.fields)
        self.check_now()
        if self.drafts is not None:
            self.drafts.adopt(draft_id, data)
        self.summary.setVisible(False)

    def clear(self) -> None:
        """Empty every field for the next applicant; the cursor goes back to the NIK."""
        self.last_saved = {}
        for edit in (self.nik, self.kk, self.full_name, self.mother_name, self.birth_place, self.birth_date,
                     self.phone, self.email, self.interest):  # fmt: skip
            edit.clear()
        self.notes.clear()
        for combo in (self.sex, self.education, self.employment):
            combo.setCurrentIndex(0)
        for box in (self.in_school, self.excluded, self.consent):
            box.setChecked(False)
        self.same_address.setChecked(True)
        self.ktp.clear()
        self.domicile.clear()
        self._touched.clear()
        self._store_problems = []
        self._from_nik = ("", None)
        for field in self.fields.values():
            field.show_error("")
        self.summary.setVisible(False)
        self.scroll.verticalScrollBar().setValue(0)
        self.nik.setFocus()

    def focus_first(self) -> None:
        self.nik.setFocus()

    # -- checking as the operator types ----------------------------------------------------------

    def _edited(self, *_args: object) -> None:
        self._check_timer.start()

    def _leave(self, widget: QWidget) -> None:
        for key, field in self.fields.items():
            if field.widget is widget:
                self._touched.add(key)
        self._check_timer.start()

    def _nik_typed(self, text: str) -> None:
        """A complete NIK carries the birth date and sex: fill them in, unless the operator did.

        A field still holding what an earlier NIK filled in follows a corrected NIK; one the
        operator typed or chose is left alone (and a mismatch is then flagged by the rules).
        """
        if not is_sixteen_digits(text):
            return
        found = birth_from_nik(text, dt.date.today())
        if found is None:
            return
        born, sex = found
        filled_date, filled_sex = self._from_nik
        typed_date = born.strftime("%d-%m-%Y")
        if not self.birth_date.text() or self.birth_date.text() == filled_date:
            self.birth_date.setText(typed_date)
            filled_date = typed_date
        if self.sex.currentIndex() == 0 or self.sex.currentData() == filled_sex:
            _choose(self.sex, sex)
            filled_sex = sex
        self._from_nik = (filled_date, filled_sex)
        self._touched.update({"nik", "birth_date", "sex"})

    def check_now(self) -> None:
        """Show the core's verdict on what is typed; ask the store about a complete NIK or KK."""
        data = self.data()
        _registration, problems = check(data, dt.date.today())
        self._show(problems + self._store_problems)
        self._show_phone_hint(data.get("phone"))
        nik = data["nik"] if is_sixteen_digits(data["nik"] or "") else None
        kk = data["kk_number"] if is_sixteen_digits(data["kk_number"] or "") else None
        if nik or kk:
            record_id = self.record_id
            self.session.op(self, lambda ctx: ctx.store.identity_problems(nik, kk, record_id)).success(
                lambda found: self._store_checked(nik, kk, found)
            ).failure(lambda _exc: None).run()  # a hint only: the save checks again and says why
        elif self._store_problems:
            self._store_checked(None, None, [])

    def _store_checked(self, nik: str | None, kk: str | None, found: list[Problem]) -> None:
        if self.nik.text() != (nik or self.nik.text()) or self.kk.text() != (kk or self.kk.text()):
            return  # typed on meanwhile: a newer check is on its way
        if found != self._store_problems:
            self._store_problems = found
            self._touched.update(problem.field for problem in found)
            _registration, problems = check(self.data(), dt.date.today())
            self._show(problems + found)

    def _show(self, problems: list[Problem], everything: bool = False) -> None:
        lang = i18n.language()
        messages: dict[str, str] = {}
        for problem in problems:
            key = _field_key(problem.field)
            if key in self.fields and (everything or key in self._touched) and key not in messages:
                messages[key] = message(problem.code, lang, problem.limit)
        for key, field in self.fields.items():
            if key != "phone" or key in messages:
                field.show_error(messages.get(key, ""))

    def _show_phone_hint(self, phone: str | None) -> None:
        normalized = normalize_phone(phone) if phone else None
        if normalized and "phone" in self._touched:
            self.fields["phone"].show_hint(self.tr("Disimpan sebagai {0}").format(normalized))
        elif not phone:
            self.fields["phone"].show_error("")

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> None:
        if self._saving:
            return
        self._check_timer.stop()
        data = self.data()
        _registration, problems = check(data, dt.date.today())
        if problems:  # the store's own rules (duplicate NIK, full KK) it checks again as it saves
            self._refuse(problems)
            return
        self._saving = True
        self._saving_data = data
        record_id = self.record_id
        if self.drafts is not None:  # a new registration: its draft goes in the same transaction
            self.drafts.timer.stop()
            self.drafts.paused = True
            work = self.drafts.register_work(data)
        elif record_id is None:
            work = lambda ctx: ctx.store.register([data])[0]  # noqa: E731
        else:
            work = lambda ctx: (ctx.store.edit(record_id, data), record_id)[1]  # noqa: E731
        self.session.op(self, work).success(self._saved).failure(self._save_failed).run()

    def _saved(self, record_id: str) -> None:
        self._saving = False
        self.last_saved = self._saving_data  # the screen's receipt needs the name and NIK typed
        self._saving_data = {}
        if self.drafts is not None:
            self.drafts.registered()
        self.session.notify("records")
        self.session.sync_soon()
        self.saved.emit(record_id)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if self.drafts is not None:
            self.drafts.paused = False
            self.drafts.changed()  # not registered: what is typed stays in its draft
        if isinstance(exc, InvalidRecords):
            self._refuse(exc.problems)
        else:
            show_error(self, exc)

    def _refuse(self, problems: list[Problem]) -> None:
        """Show every problem at once and take the cursor to the first one."""
        self._touched = set(self.fields)
        self._show(problems, everything=True)
        count = len({_field_key(p.field) for p in problems})
        self.summary.setText(self.tr("Belum bisa disimpan: {0} isian perlu diperbaiki (ditandai merah).").format(count))
        self.summary.setStyleSheet("background:#fee2e2; color:#7f1d1d; padding:6px; border-radius:4px;")
        self.summary.setVisible(True)
        first = next((self.fields[_field_key(p.field)] for p in problems if _field_key(p.field) in self.fields), None)
        if first is not None:
            self.scroll.ensureWidgetVisible(first)
            first.widget.setFocus()

    def escape(self) -> None:
        if self.record_id is not None:
            if self.data() == self._initial or self.confirm_discard():
                self.cancelled.emit()
        elif self._has_input() and self.confirm_clear():
            self.clear()
            if self.drafts is not None:
                self.drafts.discard()

    def _has_input(self) -> bool:
        return any(
            value not in (None, "", False, {}) for key, value in self.data().items() if key not in ADDRESSES
        ) or any(self.ktp.value().values())

    def confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Batalkan perubahan"),
            self.tr("Buang perubahan pada data ini? Versi yang tersimpan tidak berubah."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def confirm_clear(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Kosongkan formulir"),
            self.tr("Hapus semua isian formulir ini? Data yang belum disimpan akan hilang."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes


def _choose(combo: QComboBox, code: object) -> None:
    combo.setCurrentIndex(max(combo.findData(code), 0))


def _field_key(field: str) -> str:
    """The form's key for a problem's field; a whole missing address shows under its street."""
    if field in ADDRESSES:
        return f"{field}.street"
    return field
