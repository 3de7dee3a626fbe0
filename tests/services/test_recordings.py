import io
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from liab import db, media
from liab.audio import io as audio_io
from liab.errors import BadInput, NotFound
from liab.services import projects, recordings

RATE = 44100
MAX_BYTES = 4 * 1024 * 1024


def _tone(seconds: float = 2.0, amplitude: float = 0.5, channels: int = 2, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    tones = [amplitude * np.sin(2 * np.pi * freq * t) for freq in (220.0, 330.0)[:channels]]
    return np.stack(tones, axis=1).astype(np.float32)


@pytest.fixture(scope='module')
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp('takes')
    made = {'wav': folder / 'Verse take.wav', 'aiff': folder / 'take.aiff', 'flac': folder / 'take.flac'}
    soundfile.write(str(made['wav']), _tone(), RATE, subtype='PCM_16', format='WAV')
    soundfile.write(str(made['aiff']), _tone(), RATE, subtype='PCM_24', format='AIFF')
    soundfile.write(str(made['flac']), _tone(channels=1), RATE, subtype='PCM_16', format='FLAC')
    made['mp3'] = audio_io.encode_mp3(made['wav'], folder / 'take.mp3')
    made['m4a'] = folder / 'take.m4a'
    subprocess.run([audio_io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-i', str(made['wav']), '-c:a', 'aac',
                    '-f', 'ipod', str(made['m4a'])], check=True, timeout=60)
    made['silence'] = folder / 'silence.wav'
    soundfile.write(str(made['silence']), np.zeros((RATE, 2), dtype=np.float32), RATE, subtype='PCM_16')
    made['clipped'] = folder / 'clipped.wav'
    soundfile.write(str(made['clipped']), np.clip(_tone(amplitude=1.6), -1, 1), RATE, subtype='PCM_16')
    made['quiet'] = folder / 'quiet.wav'
    soundfile.write(str(made['quiet']), _tone(amplitude=0.01), RATE, subtype='PCM_16')
    return made


@pytest.fixture
def project_id(database: Path) -> str:
    with db.session_scope(write=True) as session:
        return projects.ensure_working_project(session=session, browser_id='browser-1').id


def _add(project_id: str, source: Path | bytes, name: str = 'Verse take.wav', *, origin: str = 'uploaded',
         latency_ms: float | None = None, max_bytes: int = MAX_BYTES) -> recordings.TakeResult:
    reader = io.BytesIO(source) if isinstance(source, bytes) else source
    taken = recordings.intake(project_id=project_id, source=reader, original_name=name, max_bytes=max_bytes)
    preview = recordings.preview_path(taken)
    levels = recordings.measure_take(str(taken.path), taken.format, str(preview) if preview else None,
                                     progress=lambda _f, _m: None)
    with db.session_scope(write=True) as session:
        return recordings.store_take(session=session, project_id=project_id, taken=taken, origin=origin,
                                     latency_ms=latency_ms, levels=levels, preview=preview)


def _data(project_id: str) -> dict[str, Any]:
    with db.session_scope() as session:
        return projects.get_project(session=session, project_id=project_id).data


def _change(fn: Any, project_id: str, **kwargs: Any) -> Any:
    with db.session_scope(write=True) as session:
        return fn(session=session, project_id=project_id, **kwargs)


def _stems_dir(project_id: str) -> Path:
    return media.project_dir(project_id) / 'stems'


@pytest.mark.parametrize(('fmt', 'channels', 'bits'), [
    ('wav', 2, 16), ('mp3', 2, None), ('aiff', 2, 24), ('flac', 1, 16), ('m4a', 2, None)])
def test_each_accepted_format_becomes_a_take_under_stems(sources: dict[str, Path], project_id: str, fmt: str,
                                                         channels: int, bits: int | None) -> None:
    result = _add(project_id, sources[fmt], f'My {fmt} take.{fmt}')

    take = result.take
    assert take['path'].startswith('stems/take-') and take['path'].endswith(f'.{fmt}')
    assert (media.project_dir(project_id) / take['path']).is_file()
    assert take['url'] == media.url(project_id, take['path'])
    assert take['metadata'] == {'filename': f'My {fmt} take.{fmt}',
                                'size': sources[fmt].stat().st_size}
    assert take['name'] == f'My {fmt} take'
    assert take['duration_s'] == pytest.approx(2.0, abs=0.06)
    assert (take['sample_rate'], take['channels'], take['bit_depth']) == (RATE, channels, bits)
    assert take['peak_db'] == pytest.approx(-6.0, abs=1.5 if bits else 6.0)  # lossy codecs overshoot
    assert take['lufs'] is not None and -20 < take['lufs'] < -5
    assert take['warnings'] == []
    assert take['origin'] == 'uploaded' and take['latency_ms'] is None
    assert take['source'] == {'kind': 'uploaded', 'name': None}
    assert added_at_is_iso(take['added_at'])
    if fmt == 'aiff':  # browsers play no AIFF: a WAV copy is kept to listen to
        assert take['preview'].endswith('-listen.wav')
        assert soundfile.info(str(media.project_dir(project_id) / take['preview'])).samplerate == RATE
        assert recordings.playback_path(take) == take['preview']
    else:
        assert take['preview'] is None and recordings.playback_path(take) == take['path']
    assert _data(project_id)['assets']['stems'] == [take]


def added_at_is_iso(value: str) -> bool:
    from datetime import datetime

    return datetime.fromisoformat(value).tzinfo is not None


@pytest.mark.parametrize(('case', 'message'), [
    ('empty', 'That file is empty.'),
    ('truncated', 'That audio file is damaged or cut short.'),
    ('text renamed', 'That file is not audio we can use (WAV, MP3, AIFF, FLAC or M4A).'),
    ('playlist as mp3', 'That file is not audio we can use (WAV, MP3, AIFF, FLAC or M4A).'),
    ('oversize', 'That file is larger than 0.25 MB.'),
    ('silent', 'That audio is silent.'),
])
def test_each_refusal_from_the_intake_stores_nothing(sources: dict[str, Path], project_id: str, case: str,
                                                     message: str) -> None:
    wav = sources['wav'].read_bytes()
    source, name, max_bytes = {
        'empty': (b'', 'take.wav', MAX_BYTES),
        'truncated': (wav[: len(wav) // 2], 'take.wav', MAX_BYTES),
        'text renamed': (b'Verse one, a line of lyrics\n' * 40, 'take.wav', MAX_BYTES),
        'playlist as mp3': (b'#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n', 'take.mp3', MAX_BYTES),
        'oversize': (wav, 'take.wav', 256 * 1024),
        'silent': (sources['silence'].read_bytes(), 'take.wav', MAX_BYTES),
    }[case]

    with pytest.raises(BadInput) as refused:
        _add(project_id, source, name, max_bytes=max_bytes)

    assert refused.value.message == message
    assert not _stems_dir(project_id).exists() or list(_stems_dir(project_id).iterdir()) == []
    data = _data(project_id)
    assert recordings.takes(data) == [] and 'vocal' not in data['assets']
    assert 'upload' not in data['workflow']['completed_stages']


def test_the_first_take_is_the_lead_vocal_and_ticks_upload(sources: dict[str, Path], project_id: str) -> None:
    first = _add(project_id, sources['wav']).take
    second = _add(project_id, sources['flac'], 'Harmony.flac').take

    data = _data(project_id)
    assert data['vocals'] == {'lead': first['id']}
    assert recordings.lead_id(data) == first['id']
    vocal = data['assets']['vocal']
    assert vocal['take_id'] == first['id'] and vocal['path'] == first['path']
    assert vocal['url'] == media.url(project_id, first['path'])
    assert vocal['source'] == {'kind': 'uploaded', 'name': None}
    assert 'upload' in data['workflow']['completed_stages']
    assert [take['id'] for take in recordings.takes(data)] == [first['id'], second['id']]


def test_choosing_the_lead_moves_the_vocal_asset(sources: dict[str, Path], project_id: str) -> None:
    first = _add(project_id, sources['wav']).take
    second = _add(project_id, sources['mp3'], 'Double.mp3').take

    project = _change(recordings.choose_lead, project_id, take_id=second['id'])

    assert project.data['vocals'] == {'lead': second['id']}
    assert project.data['assets']['vocal']['path'] == second['path']
    _change(recordings.choose_lead, project_id, take_id=first['id'])
    assert _data(project_id)['assets']['vocal']['take_id'] == first['id']


def test_removing_the_lead_makes_the_next_take_lead_and_deletes_its_files(sources: dict[str, Path],
                                                                          project_id: str) -> None:
    first = _add(project_id, sources['aiff'], 'One.aiff').take
    second = _add(project_id, sources['wav'], 'Two.wav').take
    third = _add(project_id, sources['flac'], 'Three.flac').take
    folder = media.project_dir(project_id)
    files = [folder / first['path'], folder / first['preview']]
    assert all(path.is_file() for path in files)

    _change(recordings.remove_take, project_id, take_id=first['id'])

    assert not any(path.exists() for path in files)
    data = _data(project_id)
    assert [take['id'] for take in recordings.takes(data)] == [second['id'], third['id']]
    assert data['vocals'] == {'lead': second['id']} and data['assets']['vocal']['take_id'] == second['id']

    _change(recordings.remove_take, project_id, take_id=third['id'])  # not the lead: the lead stays
    assert _data(project_id)['vocals'] == {'lead': second['id']}
    _change(recordings.remove_take, project_id, take_id=second['id'])
    data = _data(project_id)
    assert recordings.takes(data) == [] and data['vocals'] == {'lead': None} and 'vocal' not in data['assets']
    assert [path.name for path in (folder / 'stems').iterdir() if not path.name.startswith('.')] == []
    assert 'upload' in data['workflow']['completed_stages']  # ticks are the artist's to undo


def test_removing_the_last_take_in_the_list_hands_the_lead_to_the_one_before(sources: dict[str, Path],
                                                                            project_id: str) -> None:
    first = _add(project_id, sources['wav']).take
    second = _add(project_id, sources['flac'], 'B.flac').take
    _change(recordings.choose_lead, project_id, take_id=second['id'])

    _change(recordings.remove_take, project_id, take_id=second['id'])

    assert _data(project_id)['vocals'] == {'lead': first['id']}


def test_rename_trims_removes_control_characters_and_limits_the_length(sources: dict[str, Path],
                                                                      project_id: str) -> None:
    take = _add(project_id, sources['wav']).take

    project = _change(recordings.rename_take, project_id, take_id=take['id'], name='  Hook\u202e  take\x00 2\n ')

    renamed = recordings.takes(project.data)[0]
    assert renamed['name'] == 'Hook take 2'
    assert project.data['assets']['vocal']['name'] == 'Hook take 2'
    _change(recordings.rename_take, project_id, take_id=take['id'], name='<b>Outro</b> & "ad-libs"')
    assert recordings.takes(_data(project_id))[0]['name'] == '<b>Outro</b> & "ad-libs"'  # escaped when shown
    for bad, message in (('   ', 'A take needs a name.'), ('x' * 121, 'Take names are at most 120 characters.')):
        with pytest.raises(BadInput, match=message):
            _change(recordings.rename_take, project_id, take_id=take['id'], name=bad)
    assert len(recordings.clean_take_name('x' * 120)) == 120


def test_unknown_and_malformed_take_ids_are_refused_clearly(sources: dict[str, Path], project_id: str) -> None:
    _add(project_id, sources['wav'])
    for fn, extra in ((recordings.rename_take, {'name': 'x'}), (recordings.choose_lead, {}),
                      (recordings.remove_take, {})):
        with pytest.raises(NotFound, match=r'That take is no longer in this project\.'):
            _change(fn, project_id, take_id='0123456789ab', **extra)
        with pytest.raises(BadInput, match=r'That is not a take id\.'):
            _change(fn, project_id, take_id='../../etc', **extra)


def test_a_clipping_take_and_a_very_quiet_take_carry_warnings(sources: dict[str, Path], project_id: str) -> None:
    clipped = _add(project_id, sources['clipped'], 'Loud.wav').take
    quiet = _add(project_id, sources['quiet'], 'Soft.wav').take

    assert [w['code'] for w in clipped['warnings']] == ['clipping']
    assert 'clips' in clipped['warnings'][0]['message']
    assert clipped['peak_db'] == pytest.approx(0.0, abs=0.05)
    assert [w['code'] for w in quiet['warnings']] == ['quiet']
    assert quiet['peak_db'] < -30 and 'very quiet' in quiet['warnings'][0]['message']


def test_clipped_runs_count_only_runs_at_full_scale() -> None:
    samples = np.zeros((20, 2), dtype=np.float32)
    samples[2:5, 0] = 1.0  # a run of 3: clipped
    samples[10:12, 1] = -1.0  # 2 in a row: a peak, not a run
    samples[15:20, 1] = -1.0  # a run of 5 to the end: clipped

    assert recordings._clipped_runs(samples) == 2
    assert recordings.take_warnings(-0.05, {}) and not recordings.take_warnings(-1.0, {'lufs': -18.0})
    assert [w['code'] for w in recordings.take_warnings(-10.0, {'lufs': -45.0})] == ['quiet']


def test_a_recorded_take_is_named_in_turn_and_keeps_its_latency(sources: dict[str, Path], project_id: str) -> None:
    _add(project_id, sources['wav'])
    first = _add(project_id, sources['wav'], 'recording.wav', origin='recorded', latency_ms=12.345).take
    second = _add(project_id, sources['wav'], 'recording.wav', origin='recorded', latency_ms=0).take

    assert (first['name'], first['origin'], first['latency_ms']) == ('Take 1', 'recorded', 12.3)
    assert (second['name'], second['latency_ms']) == ('Take 2', 0.0)
    assert first['source'] == {'kind': 'uploaded', 'name': None}  # the artist's own voice: nothing generated


@pytest.mark.parametrize('latency', [-1.0, 5000.0, float('nan')])
def test_an_impossible_latency_is_refused_and_the_file_removed(sources: dict[str, Path], project_id: str,
                                                               latency: float) -> None:
    with pytest.raises(BadInput, match='latency'):
        _add(project_id, sources['wav'], origin='recorded', latency_ms=latency)

    assert [p for p in _stems_dir(project_id).iterdir() if not p.name.startswith('.')] == []
    assert recordings.takes(_data(project_id)) == []


def test_a_project_keeps_at_most_max_takes(sources: dict[str, Path], project_id: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recordings, 'MAX_TAKES', 1)
    _add(project_id, sources['wav'])

    with pytest.raises(BadInput, match='at most 1 takes'):
        _add(project_id, sources['flac'], 'Another.flac')

    assert len([p for p in _stems_dir(project_id).iterdir() if not p.name.startswith('.')]) == 1
