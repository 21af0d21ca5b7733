"""One address on the registration form: street, RT, RW and the desa (with its picker)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QGroupBox, QWidget

from ui.form_fields import Field, digits_edit, text_edit
from ui.region_picker import RegionPicker


class AddressSection(QGroupBox):
    """Street, RT, RW and the desa of one address."""

    def __init__(self, title: str, prefix: str, office: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.prefix = prefix
        self.street = text_edit(200)
        self.rt = digits_edit(3)
        self.rw = digits_edit(3)
        self.region = RegionPicker(office, title, self)
        self.fields = {
            f"{prefix}.street": Field(self.tr("Jalan, nomor rumah, kampung"), self.street),
            f"{prefix}.rt": Field(self.tr("RT"), self.rt),
            f"{prefix}.rw": Field(self.tr("RW"), self.rw),
            f"{prefix}.desa_code": Field(self.tr("Desa/Kelurahan"), self.region),
        }
        grid = QGridLayout(self)
        grid.addWidget(self.fields[f"{prefix}.street"], 0, 0, 1, 2)
        grid.addWidget(self.fields[f"{prefix}.rt"], 0, 2)
        grid.addWidget(self.fields[f"{prefix}.rw"], 0, 3)
        grid.addWidget(self.fields[f"{prefix}.desa_code"], 1, 0, 1, 4)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)

    def value(self) -> dict[str, Any]:
        return {  # an empty answer as None: the core says "wajib diisi" (required) for it
            "street": self.street.text() or None,
            "rt": self.rt.text() or None,
            "rw": self.rw.text() or None,
            "desa_code": self.region.code() or None,
        }

    def load(self, address: dict[str, Any]) -> None:
        """Show a saved address; a draft's may lack parts (None), and without a desa the picker
        starts at the office's kecamatan as on a new form."""
        self.street.setText(str(address.get("street") or ""))
        self.rt.setText(str(address.get("rt") or ""))
        self.rw.setText(str(address.get("rw") or ""))
        code = str(address.get("desa_code") or "")
        if code:
            self.region.set_code(code)
        else:
            self.region.reset()

    def clear(self) -> None:
        for edit in (self.street, self.rt, self.rw):
            edit.clear()
        self.region.reset()
