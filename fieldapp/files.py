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
