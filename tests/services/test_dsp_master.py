import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liab.audio import dsp
from liab.audio.dsp import files, master, meter, space
from liab.audio.dsp.settings import Chain, Master
from tests.services.test_dsp import at_loudness, band_db, ffmpeg_meter, music, write

SECONDS = 12.0


def _check_delivered(path: Path, target: float, ceiling: float) -> dict[str, float]:
    measured = ffmpeg_meter(path)
    assert abs(measured['I'] - target) <= 0.5 and abs(measured['I_summary'] - target) <= 0.5, measured
    assert measured['TP'] <= ceiling and measured['TP_summary'] <= ceiling, measured
    assert measured['SP'] <= -0.3, measured
    return measured


@pytest.mark.parametrize('rate', [44100, 48000, 96000])
@pytest.mark.parametrize('channels', [1, 2])
@pytest.mark.parametrize('level', [-30.0, -18.0, -8.0])
def test_master_lands_on_target_under_the_ceiling_for_every_rate_width_and_level(
        tmp_path: Path, rate: int, channels: int, level: float) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(rate, SECONDS, channels, seed=channels), rate, level), rate)
    report = dsp.process(source, tmp_path / 'out.wav', Chain(), Master())
    independent = _check_delivered(tmp_path / 'out.wav', -14.0, -1.0)
    info = files.io.probe(tmp_path / 'out.wav')
    assert (info.sample_rate, info.channels, info.bit_depth) == (rate, 2, 24)  # mono in, stereo out
    assert report['before']['integrated_lufs'] == pytest.approx(level, abs=0.1)
    assert report['after']['integrated_lufs'] == pytest.approx(independent['I'], abs=0.1)
    assert (report['target_lufs'], report['ceiling_dbtp']) == (-14.0, -1.0)


@pytest.mark.parametrize(('target', 'ceiling'), [(-13.0, -2.0), (-9.0, -2.0), (-16.0, -1.0), (-14.0, -1.0)])
def test_ceiling_is_minus_two_when_louder_than_minus_fourteen(tmp_path: Path, target: float, ceiling: float) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(44100, SECONDS), 44100, -20.0), 44100)
    report = dsp.process(source, tmp_path / 'out.wav', None, Master(target_lufs=target))
    assert report['ceiling_dbtp'] == ceiling
    _check_delivered(tmp_path / 'out.wav', target, ceiling)


def test_explicit_ceiling_and_the_sample_peak_rule(tmp_path: Path) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(48000, SECONDS), 48000, -16.0), 48000)
    report = dsp.process(source, tmp_path / 'out.wav', None, Master(target_lufs=-10.0, ceiling_dbtp=-0.1))
    measured = _check_delivered(tmp_path / 'out.wav', -10.0, -0.1)
    assert measured['SP'] <= -0.3  # the sample peak rule binds where the ceiling is above it
    assert report['ceiling_dbtp'] == -0.1


def test_low_rates_are_brought_to_44100(tmp_path: Path) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(22050, SECONDS), 22050, -20.0), 22050, bits=16)
    report = dsp.process(source, tmp_path / 'out.wav', None, Master())
    assert report['sample_rate'] == 44100 and files.io.probe(tmp_path / 'out.wav').sample_rate == 44100
    _check_delivered(tmp_path / 'out.wav', -14.0, -1.0)


def test_process_report_is_json_with_before_after_and_settings(tmp_path: Path) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(44100, SECONDS), 44100, -20.0), 44100)
    seen: list[tuple[float, str]] = []
    report = dsp.process(source, tmp_path / 'out.wav', dsp.PRESETS['warm'], Master(target_lufs=-16.0),
                         progress=lambda f, m: seen.append((f, m)))
    text = json.dumps(report, allow_nan=False)
    assert set(report) >= {'before', 'after', 'target_lufs', 'ceiling_dbtp', 'chain', 'master'}
    for side in ('before', 'after'):
        assert set(report[side]) == {'integrated_lufs', 'true_peak_dbtp', 'sample_peak_dbfs', 'lra_lu',
                                     'duration_s'}
    assert report['chain'] == {'eq_low': 2.5, 'eq_mid': -1.0, 'eq_high': -1.5, 'compression': 0.4,
                               'reverb': 0.15, 'limiter': 0.2}
    assert report['master']['target_lufs'] == -16.0 and 'inf' not in text.lower()
    gains = report['ab_gain_db']  # the louder side turned down to the quieter one's loudness
    assert max(gains.values()) == 0 and min(gains.values()) < 0
    assert report['before']['integrated_lufs'] + gains['before'] == pytest.approx(
        report['after']['integrated_lufs'] + gains['after'], abs=0.02)
    assert seen[0][0] == 0.0 and seen[-1] == (1.0, 'Done')
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_amount_scales_the_mastering_moves_but_never_the_target(tmp_path: Path) -> None:
    x = music(44100, 2 * SECONDS)
    x[:, x.shape[1] // 2:] *= 2.5  # a quiet half and a loud half, 8 dB apart
    source = write(tmp_path, 'in.wav', at_loudness(x, 44100, -20.0), 44100)
    ranges = {}
    for amount in (0.0, 0.5, 1.0):
        out = tmp_path / f'out-{amount}.wav'
        report = dsp.process(source, out, None, Master(amount=amount))
        ranges[amount] = _check_delivered(out, -14.0, -1.0)['LRA']
        assert (report['master']['glue'] is None) == (amount == 0)
    assert ranges[0.0] > ranges[0.5] + 0.3 > ranges[1.0] + 0.6  # the glue compressor evens out the loud half


@pytest.fixture
def reference(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """A loud, bright, wide reference."""
    x = music(44100, SECONDS, seed=9)
    x = dsp.filters.apply(x, np.array([dsp.filters.high_shelf(3000, 8.0, 44100)]))
    space.set_width(x, 2.5)
    x = at_loudness(x, 44100, -11.0)
    return write(tmp_path, 'reference.wav', x, 44100), x


def test_reference_matching_moves_loudness_tone_and_width_toward_the_reference(
        tmp_path: Path, reference: tuple[Path, np.ndarray]) -> None:
    path, ref = reference
    x = at_loudness(dsp.filters.apply(music(44100, SECONDS), np.array([dsp.filters.high_shelf(3000, -6.0, 44100)])),
                    44100, -20.0)
    space.set_width(x, 0.6)
    source = write(tmp_path, 'in.wav', x, 44100)
    report = dsp.process(source, tmp_path / 'out.wav', None, Master(reference=str(path)))
    ref_lufs = meter.measure(ref, 44100, peaks=False).integrated
    assert report['target_lufs'] == pytest.approx(ref_lufs, abs=0.05)
    _check_delivered(tmp_path / 'out.wav', ref_lufs, -2.0)  # louder than -14: -2 dBTP
    out, _ = files.read(tmp_path / 'out.wav')

    def tilt(y: np.ndarray) -> float:
        return band_db(y, 44100, 4000, 16000) - band_db(y, 44100, 200, 1000)

    assert abs(tilt(out) - tilt(ref)) < abs(tilt(x) - tilt(ref)) - 3.0
    assert abs(space.width(out) - space.width(ref)) < abs(space.width(x) - space.width(ref)) - 0.1
    matched = report['master']['reference_match']
    assert matched['width_after'] > matched['width_before']
    assert report['master']['reference'] == 'reference.wav'  # a name, never a server path


def test_an_explicit_target_can_overrule_the_reference_loudness(tmp_path: Path,
                                                                reference: tuple[Path, np.ndarray]) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(44100, SECONDS), 44100, -20.0), 44100)
    report = dsp.process(source, tmp_path / 'out.wav', None,
                         Master(target_lufs=-16.0, reference=str(reference[0]), match_loudness=False))
    assert report['target_lufs'] == -16.0
    _check_delivered(tmp_path / 'out.wav', -16.0, -1.0)


def test_amount_zero_leaves_tone_and_width_with_a_reference(tmp_path: Path,
                                                           reference: tuple[Path, np.ndarray]) -> None:
    x = at_loudness(music(44100, SECONDS), 44100, -20.0)
    source = write(tmp_path, 'in.wav', x, 44100)
    report = dsp.process(source, tmp_path / 'out.wav', None, Master(target_lufs=-20.0, reference=str(reference[0]),
                                                                    match_loudness=False, amount=0.0))
    out, _ = files.read(tmp_path / 'out.wav')
    assert report['master']['limiter_max_reduction_db'] == 0  # a static gain only: nothing else moved
    assert space.width(out) == pytest.approx(space.width(x), rel=0.01)
    assert band_db(out, 44100, 4000, 16000) - band_db(x, 44100, 4000, 16000) == pytest.approx(
        band_db(out, 44100, 200, 1000) - band_db(x, 44100, 200, 1000), abs=0.1)


def test_a_silent_or_missing_reference_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(44100, 4.0), 44100, -20.0), 44100)
    silent = write(tmp_path, 'silent.wav', np.zeros((2, 44100), np.float32), 44100)
    for reference in (silent, tmp_path / 'gone.wav'):
        with pytest.raises(ValueError, match='reference'):
            dsp.process(source, tmp_path / 'out.wav', None, Master(reference=str(reference)))
    assert not (tmp_path / 'out.wav').exists()


@settings(max_examples=20, deadline=None, database=None)
@given(target=st.floats(-24, -6), ceiling=st.one_of(st.none(), st.floats(-3, -0.1)), amount=st.floats(0, 1),
       level=st.floats(-40, -10))
def test_every_master_setting_in_range_lands_or_says_it_could_not(target: float, ceiling: float | None,
                                                                 amount: float, level: float) -> None:
    x = at_loudness(music(44100, 3.0, seed=4), 44100, level)
    y, out, info = master.master(x, 44100, Master(target_lufs=target, ceiling_dbtp=ceiling, amount=amount))
    assert np.isfinite(y).all()
    chosen = dsp.ceiling_for(target, ceiling)
    assert meter.db(float(out.fine_peak.max())) <= chosen - 0.1
    assert meter.db(float(out.sample_peak.max())) <= -0.3
    assert info['target_reached'] == (abs(out.integrated - target) <= 0.5)
    if not info['target_reached']:  # only ever too quiet, with the limiter at its most
        assert out.integrated < target and info['limiter_max_reduction_db'] >= master.MAX_LIMITING_DB - 0.1
    json.dumps(info, allow_nan=False)
    assert math.isfinite(info['gain_db'])
