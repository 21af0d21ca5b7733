"""The app's look: one style sheet, calm and legible on a cheap 1366x768 laptop screen."""

from __future__ import annotations

STYLE_SHEET = """
QWidget { font-size: 13px; }
QListWidget#nav { background: #1f2937; color: #e5e7eb; border: none; font-size: 14px; padding-top: 8px; }
QListWidget#nav::item { padding: 10px 14px; }
QListWidget#nav::item:selected { background: #2563eb; color: white; }
QGroupBox { font-weight: bold; border: 1px solid #d1d5db; border-radius: 6px; margin-top: 12px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QGroupBox QWidget { font-weight: normal; }
QLineEdit, QComboBox, QPlainTextEdit, QSpinBox { padding: 3px; }
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] { border: 1px solid #b91c1c; }
QPushButton { padding: 5px 14px; }
QPushButton#saveButton, QPushButton#syncNowButton { background: #2563eb; color: white; font-weight: bold;
    border-radius: 4px; padding: 6px 18px; }
QPushButton#saveButton:disabled, QPushButton#syncNowButton:disabled { background: #93c5fd; }
QStatusBar { background: #f3f4f6; }
"""
