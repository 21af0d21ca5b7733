"""The app's log file: events and errors, never personal data and never secrets.

Crashes are logged by type and stack frames only: an exception's message can quote the value
that caused it (a birth date that failed to parse, say), so it is left out.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

LOG_FILE = "fieldapp.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path | None:
    """Log to DATA_DIR/logs/fieldapp.log (rotated at 1 MB, 5 kept); None if not writable."""
    folder = Path(data_dir) / "logs"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return folder / LOG_FILE


def log_crash(exc: BaseException) -> None:
    """Log where a bug happened: exception type and frames, without the message."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    logging.getLogger("fieldapp.crash").error("unexpected %s\n%s", type(exc).__name__, frames)
