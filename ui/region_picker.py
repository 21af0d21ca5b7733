"""Pick a desa/kelurahan: four cascading lists, or type any part of its name.

The lists start at the office's own kecamatan, where nearly every applicant lives; the search
box looks through every desa in the country (that kecamatan's first). The region data is the
core's (`fieldapp.regions`), in memory, so lookups here take a millisecond or two.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QGridLayout, QLabel, QLineEdit, QWidget

from fieldapp.regions import Region, regions

LEVELS = ("province", "kabupaten", "kecamatan", "desa")


class RegionPicker(QWidget):
    changed = Signal(str)  # the chosen desa code, or "" when none is chosen

    def __init__(self, office: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = office
        self._matches: list[Region] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Ketik nama desa/kelurahan…"))
        self.search.setAccessibleName(self.tr("Cari desa/kelurahan untuk {0}").format(name))
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._picked_text)
        self.search.setCompleter(completer)
        self.search.textEdited.connect(self._search)
        self.combos = [QComboBox() for _ in LEVELS]
        labels = [self.tr("Provinsi"), self.tr("Kabupaten/Kota"), self.tr("Kecamatan"), self.tr("Desa/Kelurahan")]
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        search_label = QLabel(self.tr("Cari"))
        search_label.setBuddy(self.search)
        layout.addWidget(search_label, 0, 0)
        layout.addWidget(self.search, 0, 1, 1, 3)
        for column, (combo, text) in enumerate(zip(self.combos, labels, strict=True)):
            label = QLabel(text)
            label.setBuddy(combo)
            combo.setAccessibleName(f"{text} ({name})")
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            layout.addWidget(label, 1 + column // 2 * 2, column % 2 * 2)
            layout.addWidget(combo, 1 + column // 2 * 2, column % 2 * 2 + 1)
        for level, combo in enumerate(self.combos):
            combo.currentIndexChanged.connect(lambda _i, level=level: self._level_changed(level))
        self._fill(0, None)
        self.reset()

    # -- value -------------------------------------------------------------------------------

    def code(self) -> str:
        return self.combos[3].currentData() or ""

    def set_code(self, code: str) -> None:
        """Show a desa (and its parents); an unknown code leaves the desa empty."""
        lineage = regions().lineage(code)
        for level, region in enumerate(lineage):
            combo = self.combos[level]
            combo.setCurrentIndex(max(combo.findData(region.code), 0))
        if len(lineage) < 4:
            self.combos[len(lineage)].setCurrentIndex(0)

    def reset(self) -> None:
        """Back to the office's kecamatan with no desa chosen."""
        self.search.clear()
        parents = ".".join(self.office.split(".")[:3]) if self.office else ""
        self.set_code(parents)

    # -- cascading lists ---------------------------------------------------------------------

    def _fill(self, level: int, parent: str | None) -> None:
        combo = self.combos[level]
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("— pilih —"), "")
        if level == 0 or parent:
            for region in regions().children(parent):
                combo.addItem(region.name, region.code)
        combo.blockSignals(False)
        combo.setEnabled(combo.count() > 1)
        if level < 3:
            self._fill(level + 1, None)

    def _level_changed(self, level: int) -> None:
        if level < 3:
            self._fill(level + 1, self.combos[level].currentData() or None)
        self.changed.emit(self.code())

    # -- type to search ------------------------------------------------------------------------

    def _search(self, text: str) -> None:
        self._matches = regions().search_desa(text, near=self.office, limit=25)
        self._completions.setStringList([regions().describe(r.code) for r in self._matches])

    def _picked_text(self, text: str) -> None:
        for region in self._matches:
            if regions().describe(region.code) == text:
                self.set_code(region.code)
                QTimer.singleShot(0, self.search.clear)  # after the completer has put its text in
                self.combos[3].setFocus()
                return
