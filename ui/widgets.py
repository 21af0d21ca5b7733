"""Small widget helpers the screens share: messages beside a form, labels with buddies."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

ERROR_STYLE = "color: #b91c1c;"
OK_STYLE = "color: #15803d;"
HINT_STYLE = "color: #4b5563;"


def say(label: QLabel, text: str, ok: bool) -> None:
    """A message next to a form: green for done, red for refused; read out by screen readers."""
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text)
    label.setAccessibleDescription(text)
    label.setVisible(bool(text))


def message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def buddy(text: str, widget: QWidget) -> QLabel:
    """A label whose Alt+letter focuses `widget`; the widget gets the label as its accessible name."""
    label = QLabel(text)
    label.setBuddy(widget)
    if not widget.accessibleName():
        widget.setAccessibleName(text.replace("&", ""))
    return label


def add_row(form: QFormLayout, text: str, widget: QWidget) -> None:
    form.addRow(buddy(text, widget), widget)


def password_edit(name: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    if name:
        edit.setAccessibleName(name)
    return edit
