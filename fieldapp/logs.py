"""The app's log file: events and errors, never personal data and never secrets.

Crashes are logged by type and stack frames only: an exception's message can quote the value
that caused it (a birth date that failed to parse, say), so it is left out.

Where: the store in the platform's default data folder logs to the platform's log folder
(`platformdirs.user_log_dir`: ~/.local/state/fieldapp/log on Linux, %LOCALAPPDATA%\\fieldapp\\Logs
on Windows), where IT looks for logs; a store chosen with --data-dir or FIELDAPP_DATA_DIR logs
to DATA_DIR/logs, so several stores on one machine (and tests) each keep their own.

The log must never get in the user's way: it is opened on the first message, only for a data
folder where a store was opened or made (a read command on a missing or wrong folder must
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

from fieldapp.files import make_private_folder

LOG_FILE = "fieldapp.log"
KEPT = 5  # rotated files kept beside the current one
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_STORE_FOLDERS: set[Path] = set()  # data folders where a real store was opened or made


def store_folder_opened(data_dir: Path) -> None:
    """Let the log live in `data_dir`: it holds a fieldapp store (not a typo, not someone's folder)."""
    _STORE_FOLDERS.add(Path(data_dir).resolve())


def log_folder(data_dir: Path) -> Path:
    """The platform's log folder for the default data folder; DATA_DIR/logs for any other."""
    import platformdirs  # late: only a command that logs pays for it

    default = Path(platformdirs.user_data_dir("fieldapp", appauthor=False))
    if _same_folder(Path(data_dir), default):
        return Path(platformdirs.user_log_dir("fieldapp", appauthor=False))
    return Path(data_dir) / "logs"


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except (OSError, RuntimeError):
        return False


def log_path(data_dir: Path) -> Path | None:
    """The log file, if one was written."""
    path = log_folder(data_dir) / LOG_FILE
    return path if path.is_file() else None


def log_files(data_dir: Path) -> list[Path]:
    """The current log and the rotated ones that exist, newest first (what diagnostics collects)."""
    folder = log_folder(data_dir)
    names = [LOG_FILE, *(f"{LOG_FILE}.{n}" for n in range(1, KEPT + 1))]
    return [folder / name for name in names if (folder / name).is_file()]


class QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log that never raises and never creates DATA_DIR itself."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.folder = log_folder(self.data_dir)
        super().__init__(self.folder / LOG_FILE, maxBytes=1_000_000, backupCount=KEPT, encoding="utf-8", delay=True)

    def _open(self):  # type: ignore[no-untyped-def]
        if self.data_dir.resolve() not in _STORE_FOLDERS:
            raise FileNotFoundError(self.baseFilename)  # caught by emit(): nothing is created
        make_private_folder(self.folder)
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
    """Log to fieldapp.log in `log_folder(data_dir)` (rotated at 1 MB, 5 kept), once a store is there."""
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
