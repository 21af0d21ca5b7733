"""This laptop's preferences that are needed before anyone logs in: the app's language.

Kept in a small JSON file beside the store, written atomically. It holds no personal data and
decides nothing about where data goes or who may do what (policy lives sealed in the store:
`fieldapp.settings`).
"""

from __future__ import annotations

import json
from pathlib import Path

from fieldapp.errors import UsageError, describe_os_error
from fieldapp.files import make_private_folder, written_whole

FILE = "preferences.json"
DEFAULTS: dict[str, str] = {"language": "id"}


def load(data_dir: Path) -> dict[str, str]:
    try:
        found = json.loads((Path(data_dir) / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return dict(DEFAULTS)
    if not isinstance(found, dict):
        return dict(DEFAULTS)
    return {key: str(found.get(key, default)) for key, default in DEFAULTS.items()}


def save(data_dir: Path, **changes: str) -> None:
    """Merge `changes` in and replace the file whole (temp file, fsync, rename)."""
    folder = Path(data_dir)
    merged = {**load(folder), **{key: value for key, value in changes.items() if key in DEFAULTS}}
    try:
        make_private_folder(folder)
        with written_whole(folder / FILE, "w", encoding="utf-8") as handle:
            json.dump(merged, handle)
    except OSError as exc:
        english, indonesian = describe_os_error(exc)
        raise UsageError(
            f"the language could not be kept for the next start ({english})",
            f"pilihan bahasa tidak dapat disimpan untuk pembukaan berikutnya ({indonesian})",
        ) from None
