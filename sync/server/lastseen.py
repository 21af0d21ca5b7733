"""When each device was last heard from: `devices.last_seen_at`, for the console's devices page.

The gate calls `touch()` on every authenticated request; the row is written at most once a
minute per device, so a laptop pushing many batches costs one small UPDATE, not one per batch.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine

from fieldapp.timestamps import utc_now
from sync.server import storage as t

EVERY_SECONDS = 60.0


class LastSeen:
    def __init__(self, engine: Engine, every: float = EVERY_SECONDS) -> None:
        self.engine = engine
        self.every = every
        self._written: dict[str, float] = {}
        self._lock = threading.Lock()

    def touch(self, device_id: str) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._written.get(device_id)
            if last is not None and now - last < self.every:
                return
            self._written[device_id] = now
        with self.engine.begin() as conn:
            conn.execute(t.devices.update().where(t.devices.c.id == device_id).values(last_seen_at=utc_now()))
