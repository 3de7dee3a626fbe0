import re
from pathlib import Path

import numpy as np
import pytest

from liab.audio import io
from liab.errors import ProviderUnavailable
from liab.providers import beats as beatoven
from tests.fakes.beatoven_server import FakeBeatoven

pytest_plugins = ['tests.fakes.beatoven_server']


def _mp3(tmp_path: Path) -> bytes:
    t = np.arange(44100 * 3) / 44100
    tone = np.stack([0.3 * np.sin(2 * np.pi * 220 * t)] * 2, axis=1)
    io.write_wav(tone, 44100, tmp_path / 'tone.wav')
    return io.encode_mp3(tmp_path / 'tone.wav', tmp_path / 'tone.mp3').read_bytes()


def _compose(fake: FakeBeatoven, dest: Path, **kwargs) -> beatoven.Composed:
    seen: list[tuple[float, str]] = []
    composed = beatoven.compose(api_key='bv_test_key', base_url=fake.url, prompt='dark trap beat', dest=dest,
                                progress=lambda f, m: seen.append((f, m)), poll_every_s=0.01, **kwargs)
    assert seen and all(0 <= f <= 1 for f, _ in seen)
    return composed


def test_a_composed_track_is_polled_for_and_downloaded(fake_beatoven: FakeBeatoven, tmp_path: Path) -> None:
    fake_beatoven.track = _mp3(tmp_path)
    composed = _compose(fake_beatoven, tmp_path / 'out.mp3')
    assert composed.path.read_bytes() == fake_beatoven.track
    assert composed.credits == 41
    paths = [path for _, path, _ in fake_beatoven.calls]
    assert paths == ['/api/v1/tracks/compose', *['/api/v1/tasks/task_1'] * 3, '/files/track_1.mp3']
    assert {auth for _, path, auth in fake_beatoven.calls if path.startswith('/api')} == {'Bearer bv_test_key'}


@pytest.mark.parametrize(('setup', 'message'), [
    (lambda fake: setattr(fake, 'fail_compose', True), 'Beatoven answered HTTP 500'),
    (lambda fake: setattr(fake, 'final_status', 'failed'), 'Beatoven stopped the composition (failed)'),
    (lambda fake: setattr(fake, 'polls_before_done', 10_000), 'did not finish within'),
])
def test_every_beatoven_failure_is_provider_unavailable(fake_beatoven: FakeBeatoven, tmp_path: Path, setup,
                                                        message: str) -> None:
    setup(fake_beatoven)
    with pytest.raises(ProviderUnavailable, match=re.escape(message)):
        _compose(fake_beatoven, tmp_path / 'out.mp3', poll_for_s=0.3)


def test_an_unreachable_beatoven_is_provider_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ProviderUnavailable, match='could not be reached'):
        beatoven.compose(api_key='k', base_url='http://127.0.0.1:9', prompt='x', dest=tmp_path / 'o.mp3',
                         progress=lambda f, m: None, poll_every_s=0.01)
