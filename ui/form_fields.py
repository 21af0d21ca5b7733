"""Building blocks of the registration form: a labelled field with its message, and dates.

Each field is a label (its buddy is the input, so Alt+letter and screen readers find it), the
input, and a message line under it where the core's rule message appears as the operator
types. The screen holds no rules of its own: it only shows the core's.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.widgets import ERROR_STYLE, HINT_STYLE

_DATE_TYPED = re.compile(r"(\d{1,2})[-/. ]?(\d{1,2})[-/. ]?(\d{4})")


class Field(QWidget):
    """Label, input and message, stacked."""

    def __init__(self, label: str, widget: QWidget, parent: QWidget | None = None, note: str = "") -> None:
        super().__init__(parent)
        self.widget = widget
        self.label = QLabel(label)
        self.label.setBuddy(widget)
        widget.setAccessibleName(label.replace("&", ""))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(widget)
        if note:  # a longer explanation wraps here; a check box's own text cannot wrap
            explanation = QLabel(note)
            explanation.setWordWrap(True)
            explanation.setStyleSheet(HINT_STYLE)
            layout.addWidget(explanation)
            if not widget.accessibleDescription():
                widget.setAccessibleDescription(note)
        layout.addWidget(self.message)

    def show_error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.widget.setAccessibleDescription(text)
        self._mark(bool(text))

    def show_hint(self, text: str) -> None:
        self.message.setStyleSheet(HINT_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.widget.setAccessibleDescription(text)
        self._mark(False)

    def _mark(self, invalid: bool) -> None:
        """A red border through the app's style sheet (`[invalid="true"]`)."""
        if self.widget.property("invalid") != invalid:
            self.widget.setProperty("invalid", invalid)
            self.widget.style().unpolish(self.widget)
            self.widget.style().polish(self.widget)


def digits_edit(max_length: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{max_length}}}"), edit))
    return edit


def text_edit(max_length: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    return edit


def date_edit() -> QLineEdit:
    """DD-MM-YYYY, the way dates are written here; also DDMMYYYY or DD/MM/YYYY."""
    edit = QLineEdit()
    edit.setMaxLength(10)
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9\-/. ]{0,10}"), edit))
    return edit


def typed_date_to_iso(text: str) -> str:
    """ "05-07-1990" -> "1990-07-05"; text that is no date goes to the core as it is (it names it)."""
    match = _DATE_TYPED.fullmatch(text.strip())
    if not match:
        return text.strip()
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return text.strip()


def iso_to_typed_date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
    except ValueError:
        return iso
