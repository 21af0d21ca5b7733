"""The app's log file: events and errors, never personal data and never secrets.

Crashes are logged by type and stack frames only: an exception's message can quote the value
that caused it (a birth date that failed to parse, say), so it is left out.

The log must never get in the user's way: it is opened on the first message, only inside a
data folder where a store was opened or made (a read command on a missing or wrong folder must
not write there, and a failed `init` must leave nothing behind), and a log that cannot be written (full disk,
read-only folder) is skipped in silence rather than printing "--- Logging error ---".
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import traceback
from pathlib import Path

LOG_FILE = "fieldapp.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_STORE_FOLDERS: set[Path] = set()  # data folders where a real store was opened or made


def store_folder_opened(data_dir: Path) -> None:
    """Let the log live in `data_dir`: it holds a fieldapp store (not a typo, not someone's folder)."""
    _STORE_FOLDERS.add(Path(data_dir).resolve())


def log_path(data_dir: Path) -> Path | None:
    """The log file, if one was written."""
    path = Path(data_dir) / "logs" / LOG_FILE
    return path if path.is_file() else None


class QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log in DATA_DIR/logs that never raises and never creates DATA_DIR itself."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        super().__init__(
            self.data_dir / "logs" / LOG_FILE, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
        )

    def _open(self):  # type: ignore[no-untyped-def]
        if self.data_dir.resolve() not in _STORE_FOLDERS:
            raise FileNotFoundError(self.baseFilename)  # caught by emit(): nothing is created
        (self.data_dir / "logs").mkdir(mode=0o700, exist_ok=True)
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)
        return stream

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written is dropped: the user's work matters more than its log."""
        if self.stream is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
            self.stream = None  # type: ignore[assignment]


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to DATA_DIR/logs/fieldapp.log (rotated at 1 MB, 5 kept), once the folder exists."""
    logging.raiseExceptions = False  # no handler may print a logging traceback to the user
    handler = QuietFileHandler(data_dir)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return Path(handler.baseFilename)


def log_crash(exc: BaseException) -> None:
    """Log where a bug happened: exception type and frames, without the message."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    logging.getLogger("fieldapp.crash").error("unexpected %s\n%s", type(exc).__name__, frames)
