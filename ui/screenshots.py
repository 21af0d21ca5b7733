"""`python -m ui.screenshots OUTDIR`: every screen as a PNG, with realistic demo data.

It runs the real app offscreen against the demo environment (a reference server on loopback,
a second office that registered one applicant first, synced and queued records), logs in as
the demo supervisor, and photographs each screen at 1366x768, the laptop screen the app is
made for, and again at 1920x1080 under OUTDIR/1920x1080/.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from fieldapp.sample import applicant
from fieldapp.store import Store
from sync.demo_environment import OFFICE, OPERATOR, OPERATOR_PASS, SUPERVISOR, SUPERVISOR_PASS, DemoEnvironment
from ui.app import application, build_window
from ui.window import MainWindow

SIZES = ((1366, 768), (1920, 1080))


def settle(seconds: float = 0.4, until: Callable[[], bool] | None = None, timeout: float = 20.0) -> None:
    """Let queued work and painting finish: at least `seconds`, and until `until()` holds."""
    app = QApplication.instance()
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        app.processEvents()  # type: ignore[union-attr]
        time.sleep(0.02)
        if time.monotonic() - start >= seconds and (until is None or until()):
            return
    raise TimeoutError("the screen did not settle")


class Photographer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[Path] = []

    def take(self, name: str, widget: QWidget) -> None:
        for width, height in SIZES:
            folder = self.folder if width == 1366 else self.folder / f"{width}x{height}"
            folder.mkdir(parents=True, exist_ok=True)
            window = widget.window()
            window.resize(width, height)
            settle(0.3)
            path = folder / f"{name}.png"
            window.grab().save(str(path))
            self.taken.append(path)


def first_run(shots: Photographer) -> None:
    with tempfile.TemporaryDirectory(prefix="fieldapp-shots-") as temp:
        session, window = build_window(Path(temp) / "laptop")
        window.show()
        wizard = window.pages.currentWidget()
        wizard._language_chosen()
        wizard.name.setText("kepala.desa")
        wizard.office.set_code(OFFICE)
        shots.take("01-first-run-supervisor", window)
        wizard.passphrase.setText("sawah hijau pagi hari")
        wizard.passphrase_again.setText("sawah hijau pagi hari")
        wizard._create()
        settle(until=lambda: wizard.flow.step == "recovery")
        shots.take("02-first-run-recovery-code", window)
        session.shutdown()
        window.close()


def login(window: MainWindow) -> None:
    screen = window.pages.currentWidget()
    settle(until=lambda: screen.user.count() > 0)
    screen.user.setCurrentText(SUPERVISOR)
    screen.passphrase.setText(SUPERVISOR_PASS)
    screen.submit()
    settle(until=lambda: window.workspace is not None)


def registration(shots: Photographer, window: MainWindow) -> None:
    screen = window.workspace.open("register")  # type: ignore[union-attr]
    form = screen.form
    person = applicant(4321, OFFICE, seed=3)
    form.load({**person, "phone": "021-889-776", "email": "dewi.lestari@", "consent": False})
    form.nik.setFocus()
    settle(0.5)
    shots.take("04-registration-checked-as-typed", window)
    form.load(person)
    form.save()
    settle(until=lambda: screen.panel.receipt is not None)
    shots.take("05-registration-saved-with-receipt", window)


def records(shots: Photographer, window: MainWindow) -> None:
    screen = window.workspace.open("records")  # type: ignore[union-attr]
    settle(1.0, until=lambda: screen.model.rowCount() > 0)
    shots.take("06-registrations-list", window)
    opened: list[QWidget] = []
    from ui.record_dialog import open_record

    open_record(window.session, screen, screen.model.summary(0).id, opened=opened.append)
    settle(until=lambda: bool(opened))
    dialog = opened[0]
    for width, height in SIZES:
        folder = shots.folder if width == 1366 else shots.folder / f"{width}x{height}"
        dialog.resize(min(1000, width - 100), height - 100)
        settle(0.3)
        dialog.grab().save(str(folder / "07-record-detail.png"))
    dialog.close()


def sync(shots: Photographer, window: MainWindow) -> None:
    session = window.session
    screen = window.workspace.open("sync")  # type: ignore[union-attr]
    settle(until=lambda: session.sync_state.state == "online")
    screen.sync_now()
    settle(1.0, until=lambda: screen.result.text().startswith(("Selesai", "Done")), timeout=60)
    settle(1.0, until=lambda: screen.problem_table.rowCount() > 0)
    shots.take("08-sync", window)


def admin_screens(shots: Photographer, window: MainWindow) -> None:
    for number, key in ((9, "users"), (10, "reports"), (11, "settings")):
        window.workspace.open(key)  # type: ignore[union-attr]
        settle(1.5)
        shots.take(f"{number:02d}-{key}", window)


def drafts(shots: Photographer, window: MainWindow, data_dir: Path) -> None:
    """The "Draf" list (an operator's draft and the supervisor's own), then the offer at the next login."""
    from ui.draft_offer import DraftOfferDialog

    person = applicant(4400, OFFICE, seed=5)
    with Store.open(data_dir) as store:  # the operator's lunch break: half a form, kept as a draft
        store.login(OPERATOR, OPERATOR_PASS)
        store.save_draft({key: person[key] for key in ("nik", "kk_number", "full_name", "phone", "ktp_address")})
    form = window.workspace.open("register").form  # type: ignore[union-attr]
    form.load({**applicant(4401, OFFICE, seed=5), "consent": False, "training_interest": "", "notes": ""})
    form.drafts.save_now()  # type: ignore[union-attr]
    settle(until=form.draft_note.isVisible)
    screen = window.workspace.open("drafts")  # type: ignore[union-attr]
    settle(1.0, until=lambda: screen.table.rowCount() >= 2)
    shots.take("12-drafts", window)
    window.lock()
    settle(until=lambda: window.workspace is None)
    login(window)
    settle(1.0, until=lambda: window.findChild(DraftOfferDialog) is not None)
    offer = window.findChild(DraftOfferDialog)
    for width, height in SIZES:
        folder = shots.folder if width == 1366 else shots.folder / f"{width}x{height}"
        window.resize(width, height)
        settle(0.3)
        picture = _with_dialog(window.grab(), offer)
        picture.save(str(folder / "13-draft-offer-at-login.png"))
        shots.taken.append(folder / "13-draft-offer-at-login.png")
    offer.later_button.click()


_LEFT_MIDDLE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _with_dialog(behind: QPixmap, dialog: QWidget) -> QPixmap:
    """A window dimmed behind its dialog, drawn with a title bar (offscreen windows have no frame)."""
    body = dialog.grab()
    title_height = 28
    painter = QPainter(behind)
    painter.fillRect(behind.rect(), QColor(0, 0, 0, 90))
    left, top = (behind.width() - body.width()) // 2, (behind.height() - body.height()) // 3
    painter.fillRect(
        left - 1, top - title_height - 1, body.width() + 2, body.height() + title_height + 2, QColor("#9ca3af")
    )
    painter.fillRect(left, top - title_height, body.width(), title_height, QColor("#e5e7eb"))
    painter.setPen(QColor("#111827"))
    painter.drawText(left + 10, top - title_height, body.width() - 20, title_height, _LEFT_MIDDLE, dialog.windowTitle())
    painter.drawPixmap(left, top, body)
    painter.end()
    return behind


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m ui.screenshots OUTDIR", file=sys.stderr)
        return 2
    shots = Photographer(Path(argv[0]))
    application()
    first_run(shots)
    environment = DemoEnvironment.start()
    try:
        session, window = build_window(environment.data_dir, environment.login_note())
        session.probe_every_s = 1.0
        window.show()
        settle(0.5)
        shots.take("03-login", window)
        login(window)
        registration(shots, window)
        records(shots, window)
        sync(shots, window)
        admin_screens(shots, window)
        drafts(shots, window, environment.data_dir)
        session.shutdown()
        window.close()
    finally:
        environment.stop()
    for path in shots.taken:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
