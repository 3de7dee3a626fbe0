"""How late the event loop runs: a task sleeps 50 ms again and again and keeps how much later than asked it woke.

Anything that holds the loop (a page build, a handler hashing or reading a file) delays every connected browser by
as long; /api/health reports the lag's p50, p99 and maximum over the last minute (or `?window_s=`) so an admin can
watch it, and tests/bench/bench_load.py reads it for each phase of its run.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque

from nicegui import background_tasks

INTERVAL_S = 0.05
WINDOW_S = 60  # what /api/health reports by default
MAX_WINDOW_S = 180  # the samples kept (4096) span at least this long


class LoopProbe:
    def __init__(self, interval_s: float = INTERVAL_S, keep: int = 4096) -> None:
        self.interval_s = interval_s
        self._samples: deque[tuple[float, float]] = deque(maxlen=keep)  # (time.monotonic(), lag in ms)

    async def run(self) -> None:
        """Sample until cancelled."""
        while True:
            asked = time.monotonic()
            await asyncio.sleep(self.interval_s)
            woke = time.monotonic()
            self._samples.append((woke, max(0.0, woke - asked - self.interval_s) * 1000))

    def stats(self, window_s: float = WINDOW_S) -> dict[str, float | int | None]:
        """p50, p99 and max of the lag in ms over the last `window_s` seconds (None before the first sample)."""
        cutoff = time.monotonic() - window_s
        lags = sorted(lag for at, lag in list(self._samples) if at >= cutoff)
        if not lags:
            return {'p50': None, 'p99': None, 'max': None, 'samples': 0}
        return {'p50': _rank(lags, 0.5), 'p99': _rank(lags, 0.99), 'max': round(lags[-1], 1), 'samples': len(lags)}


probe = LoopProbe()
_task: asyncio.Task | None = None


def start() -> None:
    """Start sampling on the running loop (an app.on_startup hook); again after a restart, not twice on one loop."""
    global _task  # noqa: PLW0603 -- one probe per process, like the loop it watches
    if _task is not None and not _task.done() and _task.get_loop() is asyncio.get_running_loop():
        return
    _task = background_tasks.create(probe.run(), name='loop probe')


def _rank(ordered: list[float], quantile: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return round(ordered[max(0, math.ceil(quantile * len(ordered)) - 1)], 1)
