"""The one place that turns an exception into what the user sees.

Expected failures (`fieldapp.errors.FieldappError`, which the sync errors extend) carry their
own message in both languages and are shown as a plain message box. Anything else is a bug:
it is written to the local log by type and stack frames only (an exception's message could
quote personal data) and shown once in a crash dialog that says where the log is. The hook
also catches exceptions raised in Qt slots, which would otherwise kill the app or vanish.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldapp.errors import FieldappError, describe_os_error
from fieldapp.logs import log_crash
from sync.errors import Cancelled
from ui import i18n


def message_for(exc: BaseException) -> str:
    """The user-facing text of an expected error, in the app's language."""
    if isinstance(exc, FieldappError):
        return i18n.pick(exc.message_en, exc.message_id)
    if isinstance(exc, OSError):  # a disk full or read-only folder outside the core's own checks
        english, indonesian = describe_os_error(exc)
        reason = i18n.pick(english, indonesian)
        return QCoreApplication.translate(
            "errors", "Berkas tidak dapat ditulis atau dibaca ({0}). Periksa ruang disk dan izin folder."
        ).format(reason)
    return QCoreApplication.translate("errors", "Terjadi kesalahan internal. Rinciannya sudah dicatat di log aplikasi.")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show an expected error as a message; report anything else as a bug."""
    if isinstance(exc, Cancelled):
        return  # the user asked for it
    if isinstance(exc, FieldappError | OSError):
        QMessageBox.warning(parent, QCoreApplication.translate("errors", "Tidak dapat dilanjutkan"), message_for(exc))
        return
    report_bug(exc, parent)


class _CrashReporter(QObject):
    """Hands a bug from any thread to the GUI thread, and shows each kind of bug only once."""

    crashed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.shown: set[tuple[str, str]] = set()
        self.crashed.connect(self._show)

    def _show(self, exc: BaseException) -> None:
        frames = exc.__traceback__
        while frames is not None and frames.tb_next is not None:
            frames = frames.tb_next
        where = f"{frames.tb_frame.f_code.co_filename}:{frames.tb_lineno}" if frames else ""
        key = (type(exc).__name__, where)
        if key in self.shown:
            return
        self.shown.add(key)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("errors", "Terjadi kesalahan"),
            "",
            QMessageBox.StandardButton.Ok,
        )
        box.setText(
            QCoreApplication.translate(
                "errors",
                "Aplikasi menemui kesalahan yang tidak terduga ({0}). Data yang sudah disimpan aman. "
                "Rinciannya (tanpa data pribadi) dicatat di log; laporkan ke petugas TI.",
            ).format(type(exc).__name__)
        )
        box.setObjectName("crashDialog")
        box.show()


_reporter: _CrashReporter | None = None


def report_bug(exc: BaseException, parent: QWidget | None = None) -> None:
    log_crash(exc)
    if _reporter is not None:
        _reporter.crashed.emit(exc)


def install_crash_hook() -> None:
    """Route uncaught exceptions (GUI thread, Qt slots, worker threads) to `report_bug`."""
    global _reporter
    _reporter = _CrashReporter()

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return
        exc.__traceback__ = tb
        report_bug(exc)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)  # type: ignore[arg-type]
