"""Backup and restore from the app (supervisors): the same files as `fieldapp backup` / `restore`.

Both run on the database lane. A restore checks the whole backup (checksum, the supervisor's
passphrase against the backup's own wraps, AES-GCM, the store inside) while the app keeps
working; only then does it close the app's store, put the backup in place (the current store
kept aside) and lock the app, so everyone logs in again to the restored store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import backup
from fieldapp.errors import FieldappError
from ui.errors import message_for, show_error
from ui.ops import Context
from ui.session import Session
from ui.widgets import add_row, message_label, password_edit, say

SUFFIX = ".fabackup"


class RestoreDialog(QDialog):
    """Says what a restore does (the current store is kept aside, the app locks) and asks the passphrase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pulihkan dari cadangan"))
        warning = QLabel(
            self.tr(
                "Data di laptop ini akan diganti dengan isi cadangan. Penyimpanan saat ini tidak dihapus: "
                "disimpan di samping sebagai berkas terpisah. Setelah itu aplikasi terkunci dan semua "
                "pengguna masuk lagi."
            )
        )
        warning.setWordWrap(True)
        self.secret = password_edit()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Pulihkan"))  # type: ignore[union-attr]
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Batal"))  # type: ignore[union-attr]
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        add_row(form, self.tr("&Kata sandi Anda di cadangan itu"), self.secret)
        column = QVBoxLayout(self)
        column.addWidget(warning)
        column.addLayout(form)
        column.addWidget(buttons)
        self.setMinimumWidth(480)

    def passphrase(self) -> str | None:
        return self.secret.text() or None


class BackupBox(QGroupBox):
    """ "Cadangkan…" and "Pulihkan dari cadangan…", for a supervisor's session only."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store_closed = False  # set on the database lane once the restore closed the app's store
        self.setTitle(self.tr("Cadangan"))
        note = QLabel(
            self.tr(
                "Simpan cadangan terenkripsi di luar laptop ini (flashdisk atau disk lain). "
                "Cadangan hanya bisa dibuka dengan kata sandi supervisor."
            )
        )
        note.setWordWrap(True)
        self.backup_button = QPushButton(self.tr("Cadan&gkan…"))
        self.backup_button.clicked.connect(self.make_backup)
        self.restore_button = QPushButton(self.tr("&Pulihkan dari cadangan…"))
        self.restore_button.clicked.connect(self.restore)
        self.message = message_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(note)
        column.addLayout(buttons)
        column.addWidget(self.message)

    # -- backup ----------------------------------------------------------------------------

    def choose_backup_path(self) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        default = Path(folder) / f"fieldapp-{dt.date.today():%Y%m%d}{SUFFIX}"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Simpan cadangan"), str(default), self.tr("Cadangan fieldapp (*.fabackup)")
        )
        if not path:
            return None
        chosen = Path(path)
        return chosen if chosen.suffix.lower() == SUFFIX else chosen.with_name(chosen.name + SUFFIX)

    def make_backup(self) -> None:
        path = self.choose_backup_path()
        if path is None:
            return
        self._busy(True)
        say(self.message, "", ok=True)
        self.session.op(self, lambda ctx: backup.write_backup(ctx.store, path)).with_progress(
            self.tr("Membuat cadangan…")
        ).success(lambda _header: self._backed_up(path)).failure(self._refused).run()

    def _backed_up(self, path: Path) -> None:
        self._busy(False)
        say(self.message, self.tr("Cadangan disimpan ke {0}.").format(str(path)), ok=True)

    # -- restore ---------------------------------------------------------------------------

    def choose_restore_path(self) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Pilih cadangan"),
            str(Path.home()),
            self.tr("Cadangan fieldapp (*.fabackup);;Semua (*)"),
        )
        return Path(path) if path else None

    def ask_passphrase(self) -> str | None:
        """The one question before a restore: what happens, and the supervisor's passphrase."""
        dialog = RestoreDialog(self)
        return dialog.passphrase() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def restore(self) -> None:
        path = self.choose_restore_path()
        if path is None:
            return
        secret = self.ask_passphrase()
        if secret is None:
            return
        name = self.session.user.name if self.session.user is not None else ""
        self._busy(True)
        say(self.message, self.tr("Memeriksa cadangan…"), ok=True)
        self.store_closed = False
        self.session.stop_sync(wait_s=15.0)  # the sync thread's connection goes before the file does
        self._run_restore(path, name, secret, replace_anyway=False)

    def _run_restore(self, path: Path, name: str, secret: str, replace_anyway: bool) -> None:
        self.session.op(self, lambda ctx: self._restore_on_lane(ctx, path, name, secret, replace_anyway)).with_progress(
            self.tr("Memulihkan dari cadangan…")
        ).success(self._restored).failure(lambda exc: self._restore_failed(exc, path, name, secret)).run()

    def confirm_replace(self, reason: str) -> bool:
        """Asked when the backup is another store's, or lacks unsent work: the reason, then yes or no."""
        answer = QMessageBox.question(
            self,
            self.tr("Pulihkan dari cadangan"),
            reason + "\n\n" + self.tr("Tetap pulihkan? Penyimpanan sekarang disimpan di samping, tidak dihapus."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _restore_on_lane(
        self, ctx: Context, path: Path, name: str, secret: str, replace_anyway: bool = False
    ) -> backup.Restored:
        def close_store() -> None:
            if ctx.store is not None:
                ctx.store.close()
            self.session.lanes.store = None
            self.store_closed = True

        return backup.restore(
            self.session.data_dir, path, name, secret, before_replace=close_store, replace_anyway=replace_anyway
        )

    def _restored(self, restored: backup.Restored) -> None:
        self._busy(False)
        text = self.tr("Data dipulihkan dari cadangan {0}.").format(str(restored.header.get("created_at", "")))
        if restored.kept_aside is not None:
            text += " " + self.tr("Penyimpanan sebelumnya disimpan sebagai {0}.").format(restored.kept_aside.name)
        text += " " + self.tr("Silakan masuk lagi.")
        title, window = self.tr("Pulihkan dari cadangan"), self.window()
        self.session.lock()  # first: nothing may reach the closed store while the message is up
        QMessageBox.information(window, title, text)

    def _restore_failed(self, exc: BaseException, path: Path, name: str, secret: str) -> None:
        """Refused by a check: the app goes on (or, for another store or unsent work, asks whether to
        replace anyway). Failed after its store closed: say why, then log in again."""
        asked = isinstance(exc, backup.RestoreWouldLoseWork) and not self.store_closed
        if asked and self.confirm_replace(message_for(exc)):
            self._run_restore(path, name, secret, replace_anyway=True)
            return
        if not self.store_closed:
            self._refused(exc)
            self.session.start_sync()
            return
        window = self.window()
        self.session.lock()
        show_error(window, exc)

    # -- shared ----------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    def _refused(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, FieldappError):
            say(self.message, message_for(exc), ok=False)
        else:
            say(self.message, "", ok=False)
            show_error(self, exc)
