"""Half a registration typed into the real form, and what the form must show when it comes back.

Shared by the in-process draft tests and the child process of the SIGKILL test. Typing goes
through QTest key clicks (no qtbot needed in the child), so the form sees what an operator's
keyboard produces; the pickers, combos and check boxes are set the way a click sets them.
Every personal value is a marker, so a scan of the data folder can look for each.
"""

from __future__ import annotations

from typing import Any

from conftest import OFFICE
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fieldapp.regions import regions

TYPED = {  # the text fields typed, by the form's attribute name
    "nik": "3216014507950003",  # a woman born 05-07-1995: the form fills the birth date and sex from it
    "kk": "3216019988770001",
    "full_name": "Draftmarker Wulandari",
    "mother_name": "Mothermarker Sumarni",
    "birth_place": "Placemarker Cikarang",
    "phone": "081377701234",
    "email": "draftmarker.wulan@example.org",
}
KTP = {"street": "Jl. Streetmarker Melati 7", "rt": "3", "rw": "5"}
DOMICILE = {"street": "Jl. Domicilemarker Kenanga 2", "rt": "8", "rw": "11"}
EDUCATION, EMPLOYMENT = "senior_high", "laid_off"


def domicile_desa() -> str:
    """Another desa of the office's kecamatan than the KTP's, so the two pickers differ."""
    kecamatan = ".".join(OFFICE.split(".")[:3])
    return next(r.code for r in regions().children(kecamatan) if r.code != OFFICE)


def type_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Tab)
    QApplication.processEvents()


def type_half(form: Any) -> None:
    """Identity, contact, both addresses and part of work; no interest, notes or consent."""
    for name, text in TYPED.items():
        type_text(getattr(form, name), text)
    for key, text in KTP.items():
        type_text(getattr(form.ktp, key), text)
    form.ktp.region.set_code(OFFICE)
    form.same_address.click()  # unticked: the domicile differs
    for key, text in DOMICILE.items():
        type_text(getattr(form.domicile, key), text)
    form.domicile.region.set_code(domicile_desa())
    form.education.setCurrentIndex(form.education.findData(EDUCATION))
    form.employment.setCurrentIndex(form.employment.findData(EMPLOYMENT))
    form.excluded.click()
    QApplication.processEvents()


def expected_data() -> dict[str, Any]:
    """What `form.data()` holds after `type_half`, and must hold again after a restore."""
    return {
        "nik": TYPED["nik"],
        "kk_number": TYPED["kk"],
        "full_name": TYPED["full_name"],
        "mother_name": TYPED["mother_name"],
        "birth_place": TYPED["birth_place"],
        "birth_date": "1995-07-05",
        "sex": "female",
        "phone": TYPED["phone"],
        "email": TYPED["email"],
        "ktp_address": {**KTP, "desa_code": OFFICE},
        "domicile_address": {**DOMICILE, "desa_code": domicile_desa()},
        "education": EDUCATION,
        "employment_status": EMPLOYMENT,
        "in_formal_education": False,
        "excluded_occupation": True,
        "training_interest": "",
        "consent": False,
        "notes": "",
    }


def widget_values(form: Any) -> dict[str, Any]:
    """Each input as its widget shows it (not through data()): text, picks, ticks, picker levels."""
    shown: dict[str, Any] = {name: getattr(form, name).text() for name in TYPED}
    shown["birth_date"] = form.birth_date.text()
    shown["sex"] = form.sex.currentData()
    for prefix, section in (("ktp", form.ktp), ("domicile", form.domicile)):
        for key in ("street", "rt", "rw"):
            shown[f"{prefix}.{key}"] = getattr(section, key).text()
        shown[f"{prefix}.levels"] = [combo.currentData() for combo in section.region.combos]
    shown["same_address"] = form.same_address.isChecked()
    shown["domicile_visible"] = not form.domicile.isHidden()
    shown["education"] = form.education.currentData()
    shown["employment"] = form.employment.currentData()
    shown["in_school"] = form.in_school.isChecked()
    shown["excluded"] = form.excluded.isChecked()
    shown["consent"] = form.consent.isChecked()
    shown["interest"] = form.interest.text()
    shown["notes"] = form.notes.toPlainText()
    return shown


def expected_widgets() -> dict[str, Any]:
    def levels(code: str) -> list[str]:
        parts = code.split(".")
        return [".".join(parts[: n + 1]) for n in range(4)]

    shown: dict[str, Any] = dict(TYPED)
    shown["birth_date"] = "05-07-1995"
    shown["sex"] = "female"
    for prefix, values, desa in (("ktp", KTP, OFFICE), ("domicile", DOMICILE, domicile_desa())):
        for key, text in values.items():
            shown[f"{prefix}.{key}"] = text
        shown[f"{prefix}.levels"] = levels(desa)
    shown.update(same_address=False, domicile_visible=True, education=EDUCATION, employment=EMPLOYMENT)
    shown.update(in_school=False, excluded=True, consent=False, interest="", notes="")
    return shown


def markers() -> list[str]:
    """The typed personal values a scan of the data folder must not find in clear."""
    return [*TYPED.values(), KTP["street"], DOMICILE["street"], "Draftmarker", "draftmarker"]
