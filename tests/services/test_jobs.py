import asyncio
import os
import time
from pathlib import Path

import pytest

from liab import jobs
from liab.audio.io import AudioError
from liab.errors import BadInput
from liab.services import beats


def slow_square(value: int, *, progress: jobs.Progress) -> int:
    for step in range(5):
        progress(step / 5, f'step {step}')
        time.sleep(0.05)
    return value * value


def broken(*, progress: jobs.Progress) -> None:
    progress(0.5, 'about to fail')
    raise RuntimeError('the worker fell over')


async def test_a_job_runs_in_a_worker_reports_progress_and_frees_its_slot(tmp_path: Path) -> None:
    runner = jobs.JobRunner(workers=1)
    try:
        job = runner.start('project-1', 'Squaring', tmp_path)
        task = asyncio.create_task(runner.run(job, slow_square, 7))
        seen: set[str] = set()
        while not task.done():
            seen.add(job.progress()[1])
            await asyncio.sleep(0.01)
        assert await task == 49
        assert any(message.startswith('step') for message in seen)
        assert runner.active('project-1') is None
        assert not job.progress_file.exists()
    finally:
        runner.shutdown()


async def test_a_second_heavy_job_for_the_same_project_is_refused_politely(tmp_path: Path) -> None:
    runner = jobs.JobRunner(workers=1)
    try:
        first = runner.start('project-1', 'Making your beat', tmp_path)
        with pytest.raises(jobs.JobBusy, match='Making your beat is still running for this project'):
            runner.start('project-1', 'Mixing', tmp_path)
        other = runner.start('project-2', 'Mixing', tmp_path)  # another project may run meanwhile
        await asyncio.gather(runner.run(first, slow_square, 2), runner.run(other, slow_square, 3))
        assert runner.start('project-1', 'Again', tmp_path).label == 'Again'
    finally:
        runner.shutdown()


async def test_a_failed_job_frees_the_slot_and_leaves_the_previous_beat_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('IMAGEIO_FFMPEG_EXE', str(tmp_path / 'no-ffmpeg'))  # the worker's MP3 step will fail
    runner = jobs.JobRunner(workers=1)
    folder = tmp_path / 'beats'
    folder.mkdir()
    previous = folder / 'old.wav'
    previous.write_bytes(b'RIFF-previous-beat')
    try:
        job = runner.start('p', 'Failing', tmp_path)
        with pytest.raises(RuntimeError, match='the worker fell over'):
            await runner.run(job, broken)
        assert runner.active('p') is None
        fields = {'genre': 'trap', 'mood': 'dark', 'bpm': 140, 'key': 'F minor', 'length_s': 15, 'seed': 1}
        job = runner.start('p', 'Making your beat', tmp_path)
        with pytest.raises(AudioError, match='ffmpeg cannot run'):
            await runner.run(job, beats.make_local_beat, fields, str(folder))
    finally:
        runner.shutdown()
    assert sorted(p.name for p in folder.iterdir()) == ['old.wav']
    assert previous.read_bytes() == b'RIFF-previous-beat'


def _owners(mapping: dict[str, str]) -> jobs.JobRunner:
    runner = jobs.JobRunner(workers=2, nice=0)
    runner.owner_of = mapping.__getitem__
    return runner


async def _messages_until_done(job: jobs.Job, task: asyncio.Task) -> list[str]:
    seen: list[str] = []
    while not task.done():
        message = job.progress()[1]
        if not seen or seen[-1] != message:
            seen.append(message)
        await asyncio.sleep(0.01)
    return seen


async def test_one_owner_runs_one_job_at_a_time_and_the_next_says_it_waits(tmp_path: Path) -> None:
    runner = _owners({'song-a': 'user:nova', 'song-b': 'user:nova'})
    try:
        first = runner.start('song-a', 'Mastering', tmp_path)
        second = runner.start('song-b', 'Making your beat', tmp_path)  # another project, same artist: queued
        assert second.progress() == (0.0, 'Waiting for your other job to finish (Mastering). It starts right after.')
        first_task = asyncio.create_task(runner.run(first, slow_square, 2))
        second_task = asyncio.create_task(runner.run(second, slow_square, 3))
        seen = await _messages_until_done(second, second_task)
        assert await first_task == 4 and await second_task == 9
        assert seen[0].startswith('Waiting for your other job to finish (Mastering)')
        assert any(message.startswith('step') for message in seen[1:])
        assert first_task.done()
    finally:
        runner.shutdown()


async def test_when_every_worker_is_busy_jobs_wait_in_line_in_order_with_their_place(tmp_path: Path) -> None:
    runner = _owners({f'p{n}': f'user:{n}' for n in range(4)})
    try:
        started = [runner.start(f'p{n}', f'Job {n}', tmp_path) for n in range(4)]
        assert [job.waiting for job in started[:2]] == [None, None]  # two workers: two start at once
        assert started[2].progress()[1] == ('In line: number 1. All 2 workers are busy; your job starts as soon '
                                            'as one is free.')
        assert started[3].progress()[1].startswith('In line: number 2.')
        tasks = [asyncio.create_task(runner.run(job, slow_square, n)) for n, job in enumerate(started)]
        await asyncio.sleep(0.05)
        assert [job.project_id for job in runner.line()] == ['p2', 'p3']
        assert await asyncio.gather(*tasks) == [0, 1, 4, 9]
        assert runner.line() == [] and all(runner.active(f'p{n}') is None for n in range(4))
    finally:
        runner.shutdown()


async def test_a_caller_that_gives_up_while_waiting_leaves_the_line(tmp_path: Path) -> None:
    runner = _owners({'a': 'user:1', 'b': 'user:1'})
    try:
        first = runner.start('a', 'Mastering', tmp_path)
        second = runner.start('b', 'Mixing', tmp_path)
        first_task = asyncio.create_task(runner.run(first, slow_square, 5))
        second_task = asyncio.create_task(runner.run(second, slow_square, 6))
        await asyncio.sleep(0.05)
        second_task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second_task
        assert runner.line() == [] and runner.active('b') is None
        assert await first_task == 25
        assert runner.start('b', 'Again', tmp_path).waiting is None  # the owner's slot is free again
    finally:
        runner.shutdown()


async def test_a_refusing_check_stops_the_job_before_it_waits_or_runs(tmp_path: Path) -> None:
    runner = _owners({'a': 'user:1'})

    def full(project_id: str) -> None:
        raise BadInput(f'Your storage is full ({project_id}).')

    runner.before_run = full
    try:
        job = runner.start('a', 'Mastering', tmp_path)
        with pytest.raises(BadInput, match=r'Your storage is full \(a\)'):
            await runner.run(job, slow_square, 2)
        assert runner.active('a') is None and runner.line() == []
    finally:
        runner.shutdown()


def _niceness() -> int:
    return os.nice(0)


async def test_workers_run_at_the_lower_priority_of_the_setting(tmp_path: Path) -> None:
    runner = jobs.JobRunner(workers=1, nice=7)
    try:
        loop = asyncio.get_running_loop()
        worker_nice = await loop.run_in_executor(runner.pool(), _niceness)
        assert worker_nice == os.nice(0) + 7
    finally:
        runner.shutdown()


async def test_stopping_ends_the_workers_even_in_the_middle_of_a_job(tmp_path: Path) -> None:
    runner = jobs.JobRunner(workers=1, nice=0)
    job = runner.start('p', 'Squaring', tmp_path)
    task = asyncio.create_task(runner.run(job, slow_square, 3))
    while job.progress()[1] == 'Starting…':
        await asyncio.sleep(0.01)
    workers = list(runner.pool()._processes.values())
    assert workers and all(worker.is_alive() for worker in workers)

    runner.stop()

    assert not any(worker.is_alive() for worker in workers)
    with pytest.raises(jobs.JobFailed, match='Squaring stopped unexpectedly'):
        await task
