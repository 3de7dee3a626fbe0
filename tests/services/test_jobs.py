import asyncio
import time
from pathlib import Path

import pytest

from liab import jobs
from liab.audio.io import AudioError
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
