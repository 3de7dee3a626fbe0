"""Long work: heavy jobs run in worker processes (paths in, paths out), one per project at a time, with progress.

A job's function must be a top-level function taking `progress` as a keyword; it reports through a small file
that the web layer polls, so no queue or pipe has to cross the process boundary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liab.errors import BadInput, LiabError

Progress = Callable[[float, str], None]
_PROGRESS_EVERY_S = 0.1


class JobBusy(BadInput):
    """A heavy job is already running for this project."""


class JobFailed(LiabError):
    status = 500


@dataclass
class Job:
    id: str
    project_id: str
    label: str
    progress_file: Path
    started: float = field(default_factory=time.monotonic)

    def progress(self) -> tuple[float, str]:
        """(fraction 0..1, message) as the worker last reported it."""
        try:
            report = json.loads(self.progress_file.read_text(encoding='utf-8'))
            return float(report['fraction']), str(report['message'])
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0, 'Starting…'

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started


class JobRunner:
    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._active: dict[str, Job] = {}

    def active(self, project_id: str) -> Job | None:
        return self._active.get(project_id)

    def start(self, project_id: str, label: str, progress_dir: Path) -> Job:
        """Claim the project's one heavy-job slot; JobBusy if a job is running there already."""
        with self._lock:
            running = self._active.get(project_id)
            if running is not None:
                raise JobBusy(f'{running.label} is still running for this project. Wait for it to finish, then try '
                              'again.')
            progress_dir.mkdir(parents=True, exist_ok=True)
            job = Job(uuid.uuid4().hex, project_id, label, progress_dir / f'.job-{uuid.uuid4().hex}.json')
            self._active[project_id] = job
            return job

    async def run(self, job: Job, fn: Callable[..., Any], /, *args: Any) -> Any:
        """Run `fn(*args, progress=...)` in a worker process and release the project's slot when it ends."""
        try:
            loop = asyncio.get_running_loop()
            try:
                return await loop.run_in_executor(self.pool(), _run_in_worker, fn, str(job.progress_file), args)
            except BrokenProcessPool as exc:
                self._reset_pool()
                raise JobFailed(f'{job.label} stopped unexpectedly. Nothing was changed; please try again.') from exc
        finally:
            with self._lock:
                self._active.pop(job.project_id, None)
            job.progress_file.unlink(missing_ok=True)

    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the web process runs threads, and forking a threaded process can deadlock the child
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context('spawn'),
                                                 initializer=_warm_worker)
            return self._pool

    def warm(self) -> None:
        """Start the workers now and let each load the heavy modules, so the first request is not the slow one."""
        pool = self.pool()
        for _ in range(self.workers):
            pool.submit(_noop)

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _reset_pool(self) -> None:
        self.shutdown()


runner = JobRunner(workers=max(1, min(2, os.cpu_count() or 1)))


def _run_in_worker(fn: Callable[..., Any], progress_file: str, args: tuple[Any, ...]) -> Any:
    reporter = _FileProgress(Path(progress_file))
    result = fn(*args, progress=reporter)
    reporter(1.0, 'Done', force=True)
    return result


class _FileProgress:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._last = 0.0

    def __call__(self, fraction: float, message: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < _PROGRESS_EVERY_S:
            return
        self._last = now
        payload = json.dumps({'fraction': max(0.0, min(1.0, float(fraction))), 'message': message})
        with contextlib.suppress(OSError):
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix='.progress-')
            with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                handle.write(payload)
            os.replace(tmp, self.path)


def _warm_worker() -> None:
    # Before numpy loads: one BLAS thread per worker. The pool already runs a job per core, and on a busy machine
    # OpenBLAS's own threads cost 3 to 50 times the CPU on the large matrix products of true peak and resampling.
    for name in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ.setdefault(name, '1')
    with contextlib.suppress(Exception):  # warming is an optimisation; a failure shows up in the real job instead
        from liab.audio import analysis, dsp

        analysis.warm_up()
        dsp.warm_up()


def _noop() -> None:
    return None
