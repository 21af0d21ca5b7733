"""The main window: first run or login, then the workspace with its screens and status bar.

The workspace is built at login for the user's role and destroyed at lock, so no decrypted
value outlives a lock in any model or widget. Screens are made the first time they are opened
(their modules are imported then too), which keeps the start to the login screen short.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from ui.session import Session

MINUTE_MS = 60_000


@dataclass(frozen=True)
class ScreenEntry:
    key: str
    module: str  # ui.<module> with a class named `Screen`
    supervisor_only: bool = False


SCREENS = (
    ScreenEntry("register", "ui.registration_screen"),
    ScreenEntry("records", "ui.records_screen"),
    ScreenEntry("drafts", "ui.drafts_screen"),
    ScreenEntry("sync", "ui.sync_screen"),
    ScreenEntry("users", "ui.users_screen", supervisor_only=True),
    ScreenEntry("reports", "ui.reports_screen", supervisor_only=True),
    ScreenEntry("settings", "ui.settings_screen"),
)


def screen_title(key: str) -> str:
    titles = {
        "register": QApplication.translate("window", "Pendaftaran Baru"),
        "records": QApplication.translate("window", "Daftar Pendaftar"),
        "drafts": QApplication.translate("window", "Draf"),
        "sync": QApplication.translate("window", "Sinkronisasi"),
        "users": QApplication.translate("window", "Pengguna"),
        "reports": QApplication.translate("window", "Laporan"),
        "settings": QApplication.translate("window", "Pengaturan"),
    }
    return titles[key]


class Workspace(QWidget):
    """Navigation on the left, the open screen on the right."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.entries = [e for e in SCREENS if session.is_supervisor or not e.supervisor_only]
        self.screens: dict[str, QWidget] = {}
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.nav.setAccessibleName(self.tr("Menu"))
        for entry in self.entries:
            item = QListWidgetItem(screen_title(entry.key))
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self._current = ""
        self.nav.currentRowChanged.connect(self._open_row)
        for number in range(1, min(len(self.entries), 9) + 1):  # Ctrl+1 .. Ctrl+7 switch screens
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda row=number - 1: self.nav.setCurrentRow(row))
        self.nav.setCurrentRow(0)

    def open(self, key: str) -> QWidget:
        """Show a screen by its key (making it on first use) and return it."""
        row = next(i for i, e in enumerate(self.entries) if e.key == key)
        self.nav.setCurrentRow(row)
        return self.screens[key]

    def screen(self, key: str) -> QWidget:
        """The screen by its key, made now if it was not yet, without showing it."""
        if key not in self.screens:
            entry = next(e for e in self.entries if e.key == key)
            screen = importlib.import_module(entry.module).Screen(self.session, self)
            self.screens[key] = screen
            self.stack.addWidget(screen)
            if key == "drafts":
                screen.continue_requested.connect(self.continue_draft)
                screen.discarded.connect(self._draft_discarded)
        return self.screens[key]

    def carry_over(self, old: Workspace) -> None:
        """Rebuilt in another language: the half-typed registration continues here, in the same draft."""
        previous = old.screens.get("register")
        handed = previous.hand_over() if previous is not None else None  # type: ignore[attr-defined]
        if handed is not None:
            self.screen("register").take_over(handed)  # type: ignore[attr-defined]

    def _open_row(self, row: int) -> None:
        if row < 0:
            return
        entry = self.entries[row]
        leave = getattr(self.screens.get(self._current), "leave", None)
        if callable(leave) and self._current != entry.key:
            leave()  # e.g. the registration form saves its draft at once
        self._current = entry.key
        self.stack.setCurrentWidget(self.screen(entry.key))
        focus = getattr(self.screens[entry.key], "focus_first", None)
        if callable(focus):
            focus()

    def continue_draft(self, draft_id: str) -> None:
        """Open a draft in the registration form (from the login offer or the "Draf" list)."""
        self.open("register").continue_draft(draft_id)  # type: ignore[attr-defined]

    def _draft_discarded(self, draft_id: str) -> None:
        form_screen = self.screens.get("register")
        if form_screen is not None:
            form_screen.draft_discarded(draft_id)  # type: ignore[attr-defined]


class IdleLock(QObject):
    """Locks the app after the supervisor's auto-lock minutes without keyboard or mouse."""

    def __init__(self, session: Session, on_idle: Callable[[], None]) -> None:
        super().__init__()
        self.session = session
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(on_idle)

    def arm(self) -> None:
        """Watch the keyboard and mouse while someone is logged in (a filter on every event costs)."""
        QApplication.instance().installEventFilter(self)
        self.timer.start(self.session.settings.auto_lock_minutes * MINUTE_MS)

    def disarm(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.timer.isActive() and event.type() in _ACTIVITY:
            self.timer.start()
        return False


_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class StatusBar:
    """Connection state, queued count, who is logged in, and the lock button."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        session = window.session
        bar = window.statusBar()
        self.link = QLabel()
        self.link.setObjectName("linkState")
        self.pending = QLabel()
        self.pending.setObjectName("pendingCount")
        self.user = QLabel()
        self.lock_button = QPushButton(QApplication.translate("window", "Kunci (Ctrl+L)"))
        self.lock_button.setObjectName("lockButton")
        self.lock_button.clicked.connect(window.lock)
        for widget in (self.link, self.pending):
            bar.addWidget(widget)
        bar.addPermanentWidget(self.user)
        bar.addPermanentWidget(self.lock_button)
        session.sync_state_changed.connect(lambda _state: self.show_link())
        session.changed.connect(self._changed)
        self.refresh_timer = QTimer(window)
        self.refresh_timer.timeout.connect(self.refresh_pending)
        self.refresh_timer.start(30_000)

    def logged_in(self) -> None:
        user = self.window.session.user
        role = (
            QApplication.translate("window", "supervisor")
            if user.is_supervisor
            else QApplication.translate("window", "operator")
        )  # type: ignore[union-attr]
        self.user.setText(QApplication.translate("window", "Masuk sebagai {0} ({1})").format(user.name, role))  # type: ignore[union-attr]
        self.show_link()
        self.refresh_pending()
        for widget in (self.link, self.pending, self.user, self.lock_button):
            widget.show()

    def logged_out(self) -> None:
        for widget in (self.link, self.pending, self.user, self.lock_button):
            widget.hide()

    def show_link(self) -> None:
        state = self.window.session.sync_state.state
        texts = {
            "not_enrolled": ("#6b7280", QApplication.translate("window", "Belum terhubung ke server pusat")),
            "offline": ("#b45309", QApplication.translate("window", "Offline: data tersimpan dan menunggu dikirim")),
            "online": ("#15803d", QApplication.translate("window", "Online")),
            "syncing": ("#1d4ed8", QApplication.translate("window", "Sedang sinkronisasi…")),
            "revoked": ("#b91c1c", QApplication.translate("window", "Perangkat ditolak server: daftarkan ulang")),
        }
        color, text = texts[state]
        self.link.setText(f"<span style='color:{color}'>●</span> {text}")
        self.link.setAccessibleName(text)

    def _changed(self, areas: set) -> None:
        if areas & {"records", "sync"}:
            self.refresh_pending()

    def refresh_pending(self) -> None:
        session = self.window.session
        if session.user is None:
            return
        session.op(self.window, lambda ctx: ctx.store.pending_outbox()).success(self._show_pending).failure(
            lambda _exc: None  # the count is a hint; a failure here is shown where the work is
        ).run()

    def _show_pending(self, count: int) -> None:
        self.pending.setText(QApplication.translate("window", "{0} data menunggu dikirim").format(count))


class MainWindow(QMainWindow):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle(self.tr("Pendaftaran Kartu Prakerja"))
        self.setMinimumSize(1024, 640)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.workspace: Workspace | None = None
        self.status = StatusBar(self)
        self.idle = IdleLock(session, self.lock)
        lock = QShortcut(QKeySequence("Ctrl+L"), self)
        lock.activated.connect(self.lock)
        session.locked.connect(self._show_login)
        session.language_changed.connect(self._retranslate)
        self.start()

    def start(self) -> None:
        if self.session.store_exists():
            self._show_login()
        else:
            self._show_wizard()

    def _replace_page(self, widget: QWidget) -> None:
        old = self.pages.currentWidget()
        self.pages.addWidget(widget)
        self.pages.setCurrentWidget(widget)
        if old is not None:
            self.pages.removeWidget(old)
            old.deleteLater()

    def _show_wizard(self) -> None:
        from ui.wizard import FirstRunWizard

        self.status.logged_out()
        wizard = FirstRunWizard(self.session, self)
        wizard.finished.connect(self._enter_workspace)
        self._replace_page(wizard)

    def _show_login(self) -> None:
        from ui.login import LoginScreen

        self.workspace = None
        self.idle.disarm()
        self.status.logged_out()
        login = LoginScreen(self.session, self)
        login.logged_in.connect(self._logged_in)
        self._replace_page(login)
        login.focus_first()

    def _logged_in(self) -> None:
        """After a login (not the first run): the workspace, then the user's unfinished draft if any."""
        from ui.draft_offer import offer_newest

        self._enter_workspace()
        workspace = self.workspace
        assert workspace is not None
        offer_newest(self.session, workspace, workspace.continue_draft)

    def _enter_workspace(self, restart_sync: bool = True) -> None:
        self.workspace = Workspace(self.session, self)
        self._replace_page(self.workspace)
        self.status.logged_in()
        self.idle.arm()
        if restart_sync:
            self.session.start_sync()

    def _retranslate(self, _code: str) -> None:
        """Build the open page again in the new language (screens read their texts when made)."""
        self.setWindowTitle(self.tr("Pendaftaran Kartu Prakerja"))
        self.status.lock_button.setText(QApplication.translate("window", "Kunci (Ctrl+L)"))
        if self.workspace is not None:
            old = self.workspace
            current = old.entries[old.nav.currentRow()].key
            self._enter_workspace(restart_sync=False)
            self.workspace.carry_over(old)
            self.workspace.open(current)

    def lock(self) -> None:
        if self.session.user is not None:
            self.session.lock()

    def closeEvent(self, event: QEvent) -> None:
        self.session.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
