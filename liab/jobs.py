"""Long work: heavy jobs run in worker processes (paths in, paths out), with progress.

One job per project may be waiting or running, and one per owner (an account, or an anonymous browser) runs at a
time: an owner's further jobs, and everyone's once all workers are busy, wait in line in the order they came, and
their progress says where they stand. Workers run at a lower CPU priority than the web process (`LIAB_JOB_NICE`),
and there are `LIAB_JOB_WORKERS` of them.

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

from liab import media
from liab.errors import BadInput, LiabError

Progress = Callable[[float, str], None]
_PROGRESS_EVERY_S = 0.1
_QUEUE_POLL_S = 0.1


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
    owner: str = ''
    started: float = field(default_factory=time.monotonic)
    waiting: str | None = None  # why it has not started yet, while it waits in line

    def progress(self) -> tuple[float, str]:
        """(fraction 0..1, message) as the worker last reported it, or where the job stands in line."""
        if self.waiting is not None:
            return 0.0, self.waiting
        try:
            report = json.loads(self.progress_file.read_text(encoding='utf-8'))
            return float(report['fraction']), str(report['message'])
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0, 'Starting…'

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started


class JobRunner:
    def __init__(self, workers: int | None = None, nice: int | None = None) -> None:
        self._workers = workers  # None: the setting, read when the pool starts
        self._nice = nice
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._active: dict[str, Job] = {}  # project id -> its job, waiting or running
        self._line: list[Job] = []  # waiting jobs, oldest first
        self._running: list[Job] = []
        # Set by the web layer: who a project's jobs belong to (its account or browser), and a check that may refuse
        # a job before it starts (the storage quota). Both take the project id; the check runs on a thread.
        self.owner_of: Callable[[str], str] = lambda project_id: project_id
        self.before_run: Callable[[str], None] = lambda project_id: None

    @property
    def workers(self) -> int:
        if self._workers is None:
            from liab.config import get_settings

            setting = get_settings().job_workers
            self._workers = setting or max(1, min(2, os.cpu_count() or 1))
        return self._workers

    def active(self, project_id: str) -> Job | None:
        return self._active.get(project_id)

    def start(self, project_id: str, label: str, progress_dir: Path) -> Job:
        """Claim the project's one heavy-job slot; JobBusy if a job is waiting or running there already."""
        owner = self.owner_of(project_id)
        with self._lock:
            running = self._active.get(project_id)
            if running is not None:
                raise JobBusy(f'{running.label} is still running for this project. Wait for it to finish, then try '
                              'again.')
            progress_dir.mkdir(parents=True, exist_ok=True)
            # Hidden and tagged with this process, like every temp file (liab.media): a restart sweeps a dead job's.
            progress_file = progress_dir / f'{media.temp_prefix(f"job-{uuid.uuid4().hex}")}progress.part.json'
            job = Job(uuid.uuid4().hex, project_id, label, progress_file, owner)
            self._active[project_id] = job
            self._line.append(job)
            self._place(job)
            return job

    async def run(self, job: Job, fn: Callable[..., Any], /, *args: Any) -> Any:
        """Wait for the job's turn, run `fn(*args, progress=...)` in a worker process, and free its place when it
        ends (or when the caller gives up)."""
        try:
            await asyncio.to_thread(self.before_run, job.project_id)
            await self._wait_turn(job)
            loop = asyncio.get_running_loop()
            try:
                return await loop.run_in_executor(self.pool(), _run_in_worker, fn, str(job.progress_file), args)
            except BrokenProcessPool as exc:
                self._reset_pool()
                raise JobFailed(f'{job.label} stopped unexpectedly. Nothing was changed; please try again.') from exc
        finally:
            with self._lock:
                self._active.pop(job.project_id, None)
                if job in self._line:
                    self._line.remove(job)
                if job in self._running:
                    self._running.remove(job)
                for waiting in self._line:
                    self._place(waiting)
            job.progress_file.unlink(missing_ok=True)

    def line(self) -> list[Job]:
        """The jobs waiting, oldest first (a copy)."""
        with self._lock:
            return list(self._line)

    async def _wait_turn(self, job: Job) -> None:
        while True:
            with self._lock:
                if self._place(job):
                    self._line.remove(job)
                    self._running.append(job)
                    job.waiting = None
                    job.started = time.monotonic()
                    return
            await asyncio.sleep(_QUEUE_POLL_S)

    def _place(self, job: Job) -> bool:
        """True when `job` may start now; otherwise set its `waiting` message. Call with the lock held."""
        busy = {other.owner: other for other in self._running}
        ahead = self._line[:self._line.index(job)]
        mine = busy.get(job.owner) or next((other for other in ahead if other.owner == job.owner), None)
        if mine is not None:
            job.waiting = f'Waiting for your other job to finish ({mine.label}). It starts right after.'
            return False
        # Everyone else's turn comes in order; an owner counts once, as their later jobs wait for their first.
        owners_ahead = len({other.owner for other in ahead if other.owner not in busy})
        free = self.workers - len(self._running)
        if owners_ahead < free:
            return True
        place = owners_ahead - free + 1
        busy_text = 'The worker is busy' if self.workers == 1 else f'All {self.workers} workers are busy'
        job.waiting = f'In line: number {place}. {busy_text}; your job starts as soon as one is free.'
        return False

    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the web process runs threads, and forking a threaded process can deadlock the child
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context('spawn'),
                                                 initializer=_warm_worker, initargs=(self.nice,))
            return self._pool

    @property
    def nice(self) -> int:
        if self._nice is None:
            from liab.config import get_settings

            self._nice = get_settings().job_nice
        return self._nice

    def warm(self) -> None:
        """Start the workers now and let each load the heavy modules, so the first request is not the slow one."""
        pool = self.pool()
        for _ in range(self.workers):
            pool.submit(_noop)

    def shutdown(self, *, terminate: bool = False) -> None:
        """Stop the pool; with `terminate`, end its workers now, running jobs included (the app is stopping)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        # Python 3.11 has no public way to end the workers (3.14 adds terminate_workers); without it they would wait
        # for more work after the app is gone, each holding its memory.
        workers = list((getattr(pool, '_processes', None) or {}).values()) if terminate else []
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        for worker in workers:
            worker.join(5)

    def stop(self) -> None:
        """For the app's shutdown: end the workers with it."""
        self.shutdown(terminate=True)

    def _reset_pool(self) -> None:
        self.shutdown()


runner = JobRunner()


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
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=media.temp_prefix('progress'), suffix='.part')
            with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                handle.write(payload)
            os.replace(tmp, self.path)


def _warm_worker(nice: int = 0) -> None:
    if nice and hasattr(os, 'nice'):  # POSIX: the web process keeps the CPU first whenever both want it
        with contextlib.suppress(OSError):
            os.nice(nice)
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
