import json
import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import signal

from liab.audio import dsp, io
from liab.audio.analysis import loudness
from liab.audio.dsp import dynamics, meter, pipeline, space
from liab.audio.dsp.settings import Chain, Master, VocalMix

# Shared with test_dsp_master.py and test_dsp_vocal.py.


def music(rate: int = 44100, seconds: float = 20.0, channels: int = 2, seed: int = 1) -> np.ndarray:
    """A beat-like test signal (channels, frames): kick, hats, a chord pad, bass and a noise bed, panned."""
    rng = np.random.default_rng(seed)
    frames = round(seconds * rate)
    t = np.arange(frames) / rate
    beat = t % 0.5
    kick = np.sin(2 * np.pi * (50 * beat + 40 * 0.03 * (1 - np.exp(-beat / 0.03)))) * np.exp(-beat / 0.15)
    hat_t = t % 0.25
    hiss = signal.sosfilt(signal.butter(4, min(7000, 0.4 * rate), 'highpass', fs=rate, output='sos'),
                          rng.standard_normal(frames))
    hats = hiss * np.exp(-hat_t / 0.02)
    pad = sum(np.sin(2 * np.pi * f * t + i) for i, f in enumerate((220.0, 277.18, 329.63))) / 3
    pad *= 0.6 + 0.4 * np.sin(2 * np.pi * 0.25 * t)
    bass = np.sin(2 * np.pi * 55 * t) * (0.5 + 0.5 * (t % 2 < 1))
    bed = signal.sosfilt(signal.butter(1, 2000, fs=rate, output='sos'), rng.standard_normal(frames))
    left = 0.8 * kick + 0.25 * hats + 0.3 * pad + 0.4 * bass + 0.05 * bed
    right = 0.8 * kick + 0.15 * hats + 0.3 * np.roll(pad, round(0.011 * rate)) + 0.4 * bass + 0.05 * bed
    x = np.stack([left, right]) if channels == 2 else ((left + right) / 2)[None, :]
    return (0.3 * x).astype(np.float32)


def at_loudness(x: np.ndarray, rate: int, lufs: float) -> np.ndarray:
    """x scaled to `lufs`; louder than -12 LUFS, clipped at 0.99 as loud masters are (and scaled again)."""
    for _ in range(4):
        x = x * np.float32(10 ** ((lufs - meter.measure(x, rate, peaks=False).integrated) / 20))
        if lufs > -12:
            x = np.clip(x, -0.99, 0.99)
    return x


def write(folder: Path, name: str, x: np.ndarray, rate: int, bits: int = 24) -> Path:
    return io.write_wav(np.ascontiguousarray(x.T), rate, folder / name, bits=bits)


def ffmpeg_meter(path: Path) -> dict[str, float]:
    """The independent meter: ffmpeg's ebur128 with true peaks. Integrated loudness, loudness range, true and
    sample peak (dB) from the metadata of the last frame, which has three decimals; and the summary it prints on
    stderr (one decimal) as I_summary and TP_summary."""
    done = subprocess.run([io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-i', str(path), '-af',
                           'ebur128=peak=true+sample:metadata=1:framelog=quiet,ametadata=print:file=-',
                           '-f', 'null', '-'], capture_output=True, text=True, check=True, timeout=60)
    last = dict(re.findall(r'lavfi\.r128\.(I|LRA|true_peak|sample_peak)=(\S+)', done.stdout))
    summary = done.stderr[done.stderr.rindex('Summary:'):]
    return {'I': float(last['I']), 'LRA': float(last['LRA']), 'TP': 20 * math.log10(float(last['true_peak'])),
            'SP': 20 * math.log10(float(last['sample_peak'])),
            'I_summary': float(re.search(r'I:\s+(\S+) LUFS', summary).group(1)),
            'TP_summary': float(re.search(r'True peak:\s+Peak:\s+(\S+) dBFS', summary).group(1))}


def band_db(x: np.ndarray, rate: int, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(x.mean(axis=0))) ** 2
    freqs = np.fft.rfftfreq(x.shape[1], 1 / rate)
    return 10 * math.log10(float(spectrum[(freqs >= low) & (freqs < high)].sum()) + 1e-30)


def plr_db(x: np.ndarray, rate: int) -> float:
    """Peak (sample) to loudness ratio."""
    return 20 * math.log10(float(np.abs(x).max())) - meter.measure(x, rate, peaks=False).integrated


# Settings and check()


def test_defaults_and_presets_are_in_range_and_presets_differ() -> None:
    for settings_ in (VocalMix(), Chain(), Master(), *dsp.PRESETS.values()):
        dsp.check(settings_)
    assert set(dsp.PRESETS) == {'warm', 'clean', 'bright'}
    assert len(set(dsp.PRESETS.values())) == 3
    assert dsp.PRESETS['bright'].eq_high > dsp.PRESETS['clean'].eq_high > dsp.PRESETS['warm'].eq_high
    assert dsp.PRESETS['warm'].eq_low > dsp.PRESETS['clean'].eq_low > dsp.PRESETS['bright'].eq_low
    assert dsp.PRESETS['clean'] == Chain(eq_mid=-2.0, compression=0.3)  # the spec's own example


def test_targets_and_the_ceiling_rule() -> None:
    assert dsp.TARGETS == {'spotify': -14.0, 'youtube': -14.0, 'apple': -16.0, 'spec': -13.0, 'loud': -9.0}
    assert dsp.ceiling_for(-14.0, None) == -1.0
    assert dsp.ceiling_for(-16.0, None) == -1.0
    assert dsp.ceiling_for(-13.0, None) == -2.0
    assert dsp.ceiling_for(-9.0, None) == -2.0
    assert dsp.ceiling_for(-9.0, -0.5) == -0.5


def _out_of_range(low: float, high: float) -> st.SearchStrategy[float]:
    return st.one_of(st.floats(max_value=low, exclude_max=True, allow_infinity=True, allow_nan=False),
                     st.floats(min_value=high, exclude_min=True, allow_infinity=True, allow_nan=False),
                     st.just(float('nan')))


@pytest.mark.parametrize('kind', [VocalMix, Chain, Master])
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_check_accepts_every_value_in_range_and_names_the_field_of_any_other(kind: type, data: st.DataObject
                                                                           ) -> None:
    values = {name: data.draw(st.floats(low, high), label=name) for name, (low, high) in kind.RANGES.items()}
    dsp.check(kind(**values))
    name = data.draw(st.sampled_from(sorted(kind.RANGES)), label='field')
    bad = data.draw(_out_of_range(*kind.RANGES[name]), label='bad')
    with pytest.raises(ValueError, match=re.escape(name)):
        dsp.check(kind(**{**values, name: bad}))


def test_check_refuses_non_numbers_and_bad_references() -> None:
    with pytest.raises(ValueError, match='vocal_gain_db'):
        dsp.check(VocalMix(vocal_gain_db='3'))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='compression'):
        dsp.check(Chain(compression=True))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='reference'):
        dsp.check(Master(reference=''))
    with pytest.raises(ValueError, match='match_loudness'):
        dsp.check(Master(match_loudness=1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match='strength'):
        dsp.suggest_chain(Path('nowhere.wav'), 1.5)


# The controls, on arrays (the chain as process() runs it)

RATE = 44100


@pytest.fixture(scope='module')
def mix() -> np.ndarray:
    return at_loudness(music(RATE, 8.0), RATE, -18.0)


@pytest.mark.parametrize(('field', 'low', 'high'), [('eq_low', 40, 90), ('eq_mid', 1200, 1900),
                                                    ('eq_high', 11000, 16000)])
def test_each_eq_band_raises_its_band_and_leaves_the_others(mix: np.ndarray, field: str, low: float,
                                                            high: float) -> None:
    others = [(40, 90), (1200, 1900), (11000, 16000)]
    others.remove((low, high))
    boosted, _ = pipeline.apply_chain(mix.copy(), RATE, Chain(compression=0.0, **{field: 6.0}))
    cut, _ = pipeline.apply_chain(mix.copy(), RATE, Chain(compression=0.0, **{field: -6.0}))
    assert band_db(boosted, RATE, low, high) - band_db(mix, RATE, low, high) > 4.0
    assert band_db(cut, RATE, low, high) - band_db(mix, RATE, low, high) < -4.0
    for other in others:
        assert abs(band_db(boosted, RATE, *other) - band_db(mix, RATE, *other)) < 1.5


def test_shelves_are_shelves() -> None:
    response = signal.sosfreqz(np.array([dsp.filters.high_shelf(10000, 6.0, RATE)]), worN=[100, 1000, 10000,
                                                                                           18000], fs=RATE)[1]
    gains = 20 * np.log10(np.abs(response))
    assert abs(gains[0]) < 0.05 and abs(gains[1]) < 0.3
    assert 2.5 < gains[2] < 3.5  # half the gain at the corner
    assert gains[3] > 5.0  # and all of it above


def test_compression_lowers_the_crest_factor_more_the_more_it_is_turned_up(mix: np.ndarray) -> None:
    crests = [dynamics.crest_db(pipeline.apply_chain(mix.copy(), RATE, Chain(compression=c))[0])
              for c in (0.0, 0.5, 1.0)]
    assert crests[0] > crests[1] + 0.5 > crests[2] + 1.0


def test_reverb_lengthens_the_decay_tail() -> None:
    burst = np.zeros((2, RATE * 3), np.float32)
    burst[:, RATE // 2:RATE // 2 + 2205] = np.random.default_rng(2).standard_normal((2, 2205)) * 0.3
    after = slice(RATE // 2 + 2205 + RATE // 20, RATE + RATE // 2)  # from 50 ms after the burst, for a second
    tails = []
    for amount in (0.0, 0.3, 1.0):
        wet, _ = pipeline.apply_chain(burst.copy(), RATE, Chain(compression=0.0, reverb=amount))
        tails.append(10 * math.log10(float(np.mean(wet[:, after] ** 2)) + 1e-30))
    assert tails[0] < -200  # dry: nothing after the burst
    assert -60 < tails[1] < tails[2] - 10  # a room that rings longer and louder the more it is turned up


def test_reverb_predelay_is_in_milliseconds() -> None:
    ir = space.impulse_response(RATE, 1.0, 25.0, seed=1)
    first = int(np.argmax(np.abs(ir[0]) > 1e-6))
    assert first == pytest.approx(0.025 * RATE, abs=2)


def test_limiter_lowers_the_peak_to_loudness_ratio(mix: np.ndarray) -> None:
    dry, _ = pipeline.apply_chain(mix.copy(), RATE, Chain(compression=0.0))
    limited, effects = pipeline.apply_chain(mix.copy(), RATE, Chain(compression=0.0, limiter=1.0))
    assert plr_db(dry, RATE) - plr_db(limited, RATE) > 3.0
    assert float(np.abs(limited).max()) == pytest.approx(float(np.abs(dry).max()), rel=0.02)  # peak kept
    assert effects['limiter']['max_reduction_db'] > 3.0


def test_presets_sound_different(mix: np.ndarray) -> None:
    outs = {name: pipeline.apply_chain(mix.copy(), RATE, chain)[0] for name, chain in dsp.PRESETS.items()}
    highs = {name: band_db(x, RATE, 8000, 16000) - band_db(x, RATE, 100, 400) for name, x in outs.items()}
    lows = {name: band_db(x, RATE, 30, 100) - band_db(x, RATE, 300, 800) for name, x in outs.items()}
    assert highs['bright'] > highs['clean'] + 0.5 > highs['warm'] + 1.0
    assert lows['warm'] > lows['clean'] + 1.0 > lows['bright'] + 2.0


def _in_range(kind: type) -> st.SearchStrategy:
    return st.builds(kind, **{name: st.floats(low, high) for name, (low, high) in kind.RANGES.items()})


@settings(max_examples=25, deadline=None, database=None)
@given(chain=_in_range(Chain))
def test_every_chain_in_range_gives_finite_audio(chain: Chain) -> None:
    x = music(RATE, 2.0, seed=3)
    out, effects = pipeline.apply_chain(x, RATE, chain)
    assert out.shape == (2, RATE * 2) and out.dtype == np.float32
    assert np.isfinite(out).all() and 0 < float(np.abs(out).max()) < 4
    json.dumps(effects, allow_nan=False)


# Meter


def test_meter_agrees_with_the_analysis_module_and_ffmpeg(tmp_path: Path) -> None:
    x = at_loudness(music(48000, 10.0), 48000, -16.0)
    measured = meter.measure(x, 48000)
    assert measured.integrated == pytest.approx(loudness.integrated_loudness(x.T, 48000), abs=0.01)
    assert meter.db(measured.peak) == pytest.approx(loudness.true_peak_db(x.T, 48000), abs=0.01)
    report = dsp.loudness_report(write(tmp_path, 'x.wav', x, 48000))
    independent = ffmpeg_meter(tmp_path / 'x.wav')
    assert report['integrated_lufs'] == pytest.approx(independent['I'], abs=0.05)
    assert report['true_peak_dbtp'] == pytest.approx(independent['TP'], abs=0.1)
    assert report['lra_lu'] == pytest.approx(independent['LRA'], abs=0.5)
    assert report['duration_s'] == pytest.approx(10.0)


def test_loudness_report_of_silence_has_no_minus_infinity(tmp_path: Path) -> None:
    report = dsp.loudness_report(write(tmp_path, 'silence.wav', np.zeros((2, RATE * 2), np.float32), RATE))
    assert report['integrated_lufs'] is None and report['true_peak_dbtp'] is None
    assert report['sample_peak_dbfs'] is None and report['lra_lu'] == 0.0
    json.dumps(report, allow_nan=False)


# Refusals


@pytest.mark.parametrize('level', [0.0, 1e-5])
def test_silent_or_near_silent_input_is_refused(tmp_path: Path, level: float) -> None:
    noise = np.random.default_rng(1).standard_normal((2, RATE * 3)).astype(np.float32) * level
    source = write(tmp_path, 'quiet.wav', noise, RATE)
    with pytest.raises(ValueError, match='silent'):
        dsp.process(source, tmp_path / 'out.wav', None, Master())
    with pytest.raises(ValueError, match='silent'):
        dsp.suggest_chain(source, 0.5)
    assert not (tmp_path / 'out.wav').exists()


def test_unknown_formats_are_refused(tmp_path: Path) -> None:
    (tmp_path / 'song.txt').write_text('not audio')
    with pytest.raises(ValueError, match='txt'):
        dsp.process(tmp_path / 'song.txt', tmp_path / 'out.wav', None, Master())
