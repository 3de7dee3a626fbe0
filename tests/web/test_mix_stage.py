import json
from pathlib import Path

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import media
from liab.services import mixing
from tests.sounds import vocal_line
from tests.web.conftest import only_project, project_count, until


def _data() -> dict:
    return only_project().data if project_count() else {}


async def _open(user: User, stage: str, persona: str) -> None:
    try:
        user.find(marker='stage-close').click()  # only found while a stage screen is open
    except AssertionError:
        pass
    user.find(marker=f'stage-{stage}').click()
    await user.should_see(f'with {persona}')


async def _beat_and_take(user: User, tmp_path: Path) -> None:
    await user.open('/')
    await _open(user, 'beat', 'Echo')
    user.find(marker='beat-prompt').clear().type('chill lo-fi 80 bpm in D major').trigger('blur')
    user.find(marker='beat-length').clear().type('15')
    user.find(marker='beat-create').click()
    await until(lambda: bool((_data().get('assets') or {}).get('beat')))
    await _open(user, 'upload', 'Nova')
    upload = user.find(marker='upload-files').elements.pop()
    await upload.handle_uploads([SmallFileUpload('verse.wav', 'audio/wav', vocal_line(tmp_path).read_bytes())])
    await until(lambda: bool((_data().get('assets') or {}).get('vocal')))
    await user.should_see('Upload complete', marker='voice-caption', retries=100)


async def test_the_empty_mix_stage_says_what_is_missing(user: User) -> None:
    await user.open('/')
    await _open(user, 'mix', 'Tone')
    await user.should_see('Make or upload a beat', marker='mix-step-1-missing')
    await user.should_see('Nothing to master yet', marker='mix-empty')
    assert project_count() == 0


async def test_beat_and_vocal_mixed_then_mastered_to_apple_musics_target(user: User, tmp_path: Path) -> None:
    await _beat_and_take(user, tmp_path)
    await _open(user, 'mix', 'Tone')
    await user.should_see('Lead vocal: verse', marker='mix-lead')
    user.find(marker='mix-vocal-run').click()
    await until(lambda: bool((_data().get('mix') or {}).get('vocal_mix')))
    await user.should_see(marker='mix-vocal-player')
    assert user.find(marker='mix-source').elements.pop().value == 'vocal_mix'
    user.find(marker='mix-preset').elements.pop().set_value('warm')
    await user.should_see('Warm sets low +2.5 dB', marker='mix-preset-line')
    assert user.find(marker='mix-eq-low').elements.pop().value == 2.5
    user.find(marker='mix-target').elements.pop().set_value('apple')
    await user.should_see('-16 LUFS', marker='mix-target-line')
    user.find(marker='mix-run').click()
    await user.should_see('Mixing and mastering your track. One moment.', marker='voice-caption')
    await until(lambda: bool((_data().get('mix') or {}).get('master')))
    await user.should_see(marker='mix-report')
    await user.should_see(marker='mix-after')
    data = _data()
    report = json.loads((media.project_dir(only_project().id) / mixing.REPORT).read_text())
    assert abs(report['after']['integrated_lufs'] + 16) <= 0.5 and report['after']['true_peak_dbtp'] <= -1.0
    assert data['assets']['mix']['metadata']['preset'] == 'warm'
    assert 'mix' in data['workflow']['completed_stages']
    after = user.find(marker='mix-after').elements.pop()
    before = user.find(marker='mix-before').elements.pop()
    assert min(after.props['volume'], before.props['volume']) < 1.0 <= max(after.props['volume'],
                                                                         before.props['volume'])


async def test_a_finished_song_can_be_mastered_without_a_beat(user: User, tmp_path: Path) -> None:
    await user.open('/')
    await _open(user, 'mix', 'Tone')
    song = user.find(marker='mix-song-upload').elements.pop()
    await song.handle_uploads([SmallFileUpload('my song.wav', 'audio/wav', vocal_line(tmp_path).read_bytes())])
    await until(lambda: bool((_data().get('mix') or {}).get('inputs')))
    await user.should_see('Uploaded: my song.wav')
    user.find(marker='mix-ai').elements.pop().set_value(True)
    user.find(marker='mix-run').click()
    await until(lambda: bool((_data().get('mix') or {}).get('master')))
    await user.should_see('AI mix chose', marker='mix-ai-line')
    assert _data()['assets']['mix']['metadata']['ai_mix'] is True


async def test_a_non_audio_song_upload_is_refused(user: User) -> None:
    await user.open('/')
    await _open(user, 'mix', 'Tone')
    song = user.find(marker='mix-song-upload').elements.pop()
    await song.handle_uploads([SmallFileUpload('song.wav', 'audio/wav', b'<html>not audio</html>')])
    await user.should_see('audio')
    assert not (_data().get('mix') or {}).get('inputs')


async def test_a_reference_track_sets_the_masters_loudness(user: User, tmp_path: Path) -> None:
    await user.open('/')
    await _open(user, 'mix', 'Tone')
    song = user.find(marker='mix-song-upload').elements.pop()
    await song.handle_uploads([SmallFileUpload('my song.wav', 'audio/wav', vocal_line(tmp_path).read_bytes())])
    await until(lambda: bool((_data().get('mix') or {}).get('inputs')))
    loud = tmp_path / 'loud'
    loud.mkdir()
    reference = user.find(marker='mix-reference-upload').elements.pop()
    await reference.handle_uploads([SmallFileUpload('pro single.wav', 'audio/wav', _louder(vocal_line(loud)))])
    await until(lambda: len((_data().get('mix') or {}).get('inputs') or []) == 2)
    await user.should_see("match the reference track's loudness", marker='mix-target-line')
    user.find(marker='mix-run').click()
    await until(lambda: bool((_data().get('mix') or {}).get('master')))
    report = json.loads((media.project_dir(only_project().id) / mixing.REPORT).read_text())
    assert report['master'].get('reference') == 'pro single.wav' or report['master'].get('reference_match')
    assert abs(report['after']['integrated_lufs'] - report['target_lufs']) <= 0.5
    assert report['target_lufs'] > -14  # the loud reference, not the default -14 target


def _louder(path: Path) -> bytes:
    from liab.audio import io

    samples, rate = io.decode(path)
    io.write_wav(samples * 3.5, rate, path)
    return path.read_bytes()
