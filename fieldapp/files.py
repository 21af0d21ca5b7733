"""Files the app writes on purpose (an export, a receipt, preferences): whole or not at all."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def written_whole(target: Path, mode: str = "wb", **open_args: Any) -> Iterator[IO[Any]]:
    """Write through a sibling `.partial` file (0600), fsync it, then rename it over `target`.

    On any failure the partial file is removed and the error goes on to the caller, so a full
    disk or a power cut never leaves a truncated file under the real name.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, mode, **open_args) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


def make_private_folder(folder: Path) -> Path | None:
    """Make `folder`, and every missing parent, 0700; returns the topmost one made (None if none).

    `mkdir(parents=True)` gives the parents the umask's default (often 0755), and `mode` itself
    is masked by the umask, so each folder is made on its own and set to 0700 explicitly: no
    moment where another account on the laptop may list or enter it. OSError goes to the caller.
    """
    missing: list[Path] = []
    for candidate in [folder, *folder.parents]:
        if candidate.exists():
            break
        missing.append(candidate)
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)
    return missing[-1] if missing else None
