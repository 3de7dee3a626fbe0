import json
from dataclasses import asdict
from pathlib import Path

import pytest

from liab import db, media
from liab.audio import dsp, io
from liab.errors import BadInput
from liab.services import beats, mixing, projects, recordings
from tests.sounds import vocal_line


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def _quiet(_fraction: float, _message: str) -> None:
    return


@pytest.fixture
def project(database: Path, tmp_path: Path) -> str:
    project_id = _call(projects.ensure_working_project, browser_id='browser-1').id
    folder = media.project_dir(project_id, create=True) / beats.FOLDER
    folder.mkdir()
    made = beats.make_local_beat({'genre': 'hip hop', 'mood': 'chill', 'bpm': 90, 'key': 'A minor', 'length_s': 15,
                                  'seed': 3}, str(folder), progress=_quiet)
    _call(beats.store_beat, project_id=project_id, made=made)
    taken = recordings.intake(project_id=project_id, source=vocal_line(tmp_path), original_name='verse.wav',
                              max_bytes=50 * 1024 * 1024)
    _call(recordings.store_take, project_id=project_id, taken=taken, origin='recorded', latency_ms=42.0)
    return project_id


def _data(project_id: str) -> dict:
    return _call(projects.get_project, project_id=project_id).data


def test_step_one_mixes_the_lead_vocal_over_the_beat(project: str) -> None:
    data = _data(project)
    beat, take = mixing.step_one_inputs(data)
    assert mixing.default_offset_ms(take) == -42.0
    root = media.project_dir(project)
    settings = asdict(mixing.vocal_settings({'vocal_gain_db': 2.0, 'offset_ms': -42.0}))
    made = mixing.vocal_mix_job(str(root / beat), str(root / take['path']), str(root / 'mix'), settings,
                                progress=_quiet)
    stored = _call(mixing.store_vocal_mix, project_id=project, made=made, beat=beat, take_id=take['id'])
    samples, rate = io.decode(root / mixing.VOCAL_MIX)
    assert rate >= 44100 and samples.shape[1] == 2 and 14.5 < samples.shape[0] / rate < 15.5
    assert stored.data['mix']['vocal_mix']['settings']['offset_ms'] == -42.0
    assert [s.key for s in mixing.sources(stored.data)][:2] == ['vocal_mix', 'beat']
    assert not list((root / 'mix').glob('.*part*'))


def test_master_lands_on_target_writes_the_report_and_ticks_mix(project: str) -> None:
    data = _data(project)
    source = mixing.find_source(data, 'beat')
    root = media.project_dir(project)
    master = {'target_lufs': -16.0}
    made = mixing.master_job(str(root / source.path), str(root / 'mix'), asdict(dsp.PRESETS['warm']), master,
                             progress=_quiet)
    meta = mixing.spec_metadata(chain=asdict(dsp.PRESETS['warm']), preset='warm', ai_mix=False, ai_master=True,
                                master=master)
    stored = _call(mixing.store_master, project_id=project, made=made, source=source, meta=meta)
    report = json.loads((root / mixing.REPORT).read_text())
    assert abs(report['after']['integrated_lufs'] - -16.0) <= 0.5
    assert report['after']['true_peak_dbtp'] <= -1.0 and report['after']['sample_peak_dbfs'] <= -0.3
    asset = stored.data['assets']['mix']
    assert asset['url'] == f'/media/{project}/mix/mixed_mastered.wav'
    assert asset['metadata']['preset'] == 'warm' and asset['metadata']['eq_low'] == 2.5
    assert asset['source'] == {'kind': 'local', 'name': 'mix engine'}
    assert 'mix' in stored.data['workflow']['completed_stages']
    info = io.probe(root / mixing.MASTER)
    assert info.sample_rate >= 44100


def test_a_failed_master_leaves_the_previous_one_as_it_was(project: str) -> None:
    root = media.project_dir(project)
    source = mixing.find_source(_data(project), 'beat')
    made = mixing.master_job(str(root / source.path), str(root / 'mix'), None, {'target_lufs': -14.0},
                             progress=_quiet)
    _call(mixing.store_master, project_id=project, made=made, source=source, meta={})
    before = (root / mixing.MASTER).read_bytes()
    broken = root / 'mix' / 'broken.wav'
    broken.write_bytes(b'RIFF\x00\x00\x00\x00WAVEjunk')
    with pytest.raises(Exception):  # noqa: B017 - whatever the decoder raises, nothing may change
        mixing.master_job(str(broken), str(root / 'mix'), None, {'target_lufs': -14.0}, progress=_quiet)
    assert (root / mixing.MASTER).read_bytes() == before
    assert not list((root / 'mix').glob('.*part*'))


def test_missing_inputs_and_bad_settings_are_named() -> None:
    with pytest.raises(BadInput, match='beat'):
        mixing.step_one_inputs({'assets': {}})
    with pytest.raises(BadInput, match='vocal take'):
        mixing.step_one_inputs({'assets': {'beat': {'path': 'beats/x.mp3'}}})
    with pytest.raises(BadInput, match='vocal_gain_db'):
        mixing.vocal_settings({'vocal_gain_db': 40})
    with pytest.raises(BadInput, match='target_lufs'):
        mixing.master_settings({'target_lufs': float('nan')})
    with pytest.raises(BadInput, match='Unknown setting'):
        mixing.chain_settings({'warmth': 1})


def test_loudness_match_turns_the_louder_file_down() -> None:
    assert mixing.loudness_match({'before': {'integrated_lufs': -20.0}, 'after': {'integrated_lufs': -14.0}}) == \
        (1.0, round(10 ** (-6 / 20), 4))
    assert mixing.loudness_match({'before': {'integrated_lufs': -8.0}, 'after': {'integrated_lufs': -14.0}}) == \
        (round(10 ** (-6 / 20), 4), 1.0)
    assert mixing.loudness_match({}) == (1.0, 1.0)
