from pathlib import Path

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import media
from liab.audio import io
from tests.fakes.beatoven_server import FakeBeatoven
from tests.sounds import click_track
from tests.web.conftest import only_project, project_count, until

pytest_plugins = ['tests.fakes.beatoven_server']


async def _open_beat_stage(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-beat').click()
    await user.should_see('with Echo')


def _beat():
    data = only_project().data
    return data['beat'], data['assets'].get('beat'), data['metadata'], data['workflow']['completed_stages']


async def _create(user: User, prompt: str, length: int = 15) -> None:
    user.find(marker='beat-prompt').clear().type(prompt).trigger('blur')
    user.find(marker='beat-length').clear().type(str(length))
    user.find(marker='beat-create').click()


async def test_a_prompt_fills_the_fields_and_create_beat_makes_and_keeps_a_beat(user: User) -> None:
    await _open_beat_stage(user)
    await _create(user, 'dark trap beat 140 bpm in F minor')
    assert user.find(marker='beat-genre').elements.pop().value == 'trap'
    assert user.find(marker='beat-mood').elements.pop().value == 'dark'
    assert user.find(marker='beat-key').elements.pop().value == 'F minor'
    assert user.find(marker='beat-bpm').elements.pop().value == 140
    await user.should_see('Creating a dark beat for you...', marker='voice-caption')
    await until(lambda: _present(user, 'beat-current'))
    beat, asset, metadata, ticks = _beat()
    assert asset['source'] == {'kind': 'local', 'name': 'beat engine'}
    assert asset['metadata']['bpm'] == 140 and asset['metadata']['key'] == 'F minor'
    assert 14.9 < asset['metadata']['duration'] < 15.1
    assert metadata == {'tempo': 140, 'key': 'F minor', 'mood': 'dark', 'genre': 'trap'}
    assert 'beat' in ticks
    project_dir = media.project_dir(only_project().id)
    assert (project_dir / asset['path']).stat().st_size > 10_000
    assert not [p for p in (project_dir / 'beats').iterdir() if p.name.endswith('.part')]
    await user.should_see('140', marker='beat-fact-bpm')
    await user.should_see('Done ✓ (click to reopen)')
    assert len(beat['history']) == 1


async def test_the_last_beats_stay_in_a_history_to_choose_from(user: User) -> None:
    await _open_beat_stage(user)
    await _create(user, 'chill lo-fi 80 bpm in D major')
    await until(lambda: len(_history()) == 1)
    first = _history()[0]['id']
    await _create(user, 'happy house 124 bpm in A major')
    await until(lambda: len(_history()) == 2)
    await user.should_see(marker=f'beat-history-{first}')
    with user.scope(marker=f'beat-history-{first}'):
        user.find(marker='beat-choose').click()
    await until(lambda: only_project().data['beat']['current'] == first)
    assert only_project().data['metadata']['genre'] == 'lo-fi'


async def test_use_my_own_beat_takes_a_wav_and_measures_it(user: User, tmp_path: Path) -> None:
    await _open_beat_stage(user)
    wav = click_track(tmp_path, bpm=100)
    upload = user.find(marker='beat-upload').elements.pop()
    await upload.handle_uploads([SmallFileUpload('../../My Beat.wav', 'audio/wav', wav.read_bytes())])
    await until(lambda: _present(user, 'beat-current'))
    _, asset, _, ticks = _beat()
    assert asset['source'] == {'kind': 'uploaded', 'name': None}
    assert abs(asset['metadata']['bpm'] - 100) <= 2
    assert 'My Beat' not in asset['path'] and '..' not in asset['path']
    assert 'beat' in ticks


async def test_a_file_that_is_not_audio_is_refused_and_changes_nothing(user: User) -> None:
    await _open_beat_stage(user)
    upload = user.find(marker='beat-upload').elements.pop()
    await upload.handle_uploads([SmallFileUpload('song.mp3', 'audio/mpeg', b'#EXTM3U\nfile:///etc/passwd\n')])
    await user.should_see('That file is not audio we can use')
    _, asset, _, ticks = _beat()
    assert asset is None and 'beat' not in ticks
    assert not list((media.project_dir(only_project().id) / 'beats').iterdir())


async def test_beatoven_makes_the_beat_when_configured(fake_beatoven: FakeBeatoven, user: User,
                                                       tmp_path: Path) -> None:
    fake_beatoven.track = io.encode_mp3(click_track(tmp_path, bpm=120), tmp_path / 'bv.mp3').read_bytes()
    await _open_beat_stage(user)
    await user.should_see('Made by Beatoven', marker='beat-provider')
    await _create(user, 'energetic pop 120 bpm')
    await until(lambda: _present(user, 'beat-current'))
    _, asset, _, _ = _beat()
    assert asset['source'] == {'kind': 'service', 'name': 'beatoven'}


async def test_a_failing_beatoven_falls_back_to_the_local_engine_with_a_notice(fake_beatoven: FakeBeatoven,
                                                                               user: User) -> None:
    fake_beatoven.fail_compose = True
    await _open_beat_stage(user)
    await _create(user, 'sad r&b 90 bpm in C minor')
    await until(lambda: _present(user, 'beat-current'))
    await user.should_see('This beat was made by the local engine instead.', marker='beat-notice')
    _, asset, _, _ = _beat()
    assert asset['source'] == {'kind': 'local', 'name': 'beat engine'}


def _present(user: User, marker: str) -> bool:
    try:
        return bool(user.find(marker=marker).elements)
    except AssertionError:
        return False


def _history() -> list[dict]:
    if project_count() == 0:
        return []
    return (only_project().data.get('beat') or {}).get('history') or []
