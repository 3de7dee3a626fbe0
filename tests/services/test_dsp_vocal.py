import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from liab.audio import dsp
from liab.audio.dsp import assist, files
from liab.audio.dsp.settings import VocalMix
from tests.services.test_dsp import at_loudness, music, write

RATE = 44100


def voice(seconds: float = 4.0, rate: int = RATE, *, sibilance: float = 0.0, rumble: float = 0.0) -> np.ndarray:
    """A sung vowel at 220 Hz (harmonics through a band-pass) with optional 's' bursts and 50 Hz rumble, mono."""
    t = np.arange(round(seconds * rate)) / rate
    tone = sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 12))
    tone = signal.sosfilt(signal.butter(2, (300, 3000), btype='bandpass', fs=rate, output='sos'), tone)
    hiss = signal.sosfilt(signal.butter(4, 6000, btype='highpass', fs=rate, output='sos'),
                          np.random.default_rng(5).standard_normal(t.size))
    bursts = ((t % 1.0) > 0.8).astype(float)
    out = 0.2 * tone + sibilance * hiss * bursts + rumble * np.sin(2 * np.pi * 50 * t)
    return out[None, :].astype(np.float32)


@pytest.fixture
def beat(tmp_path: Path) -> Path:
    return write(tmp_path, 'beat.wav', at_loudness(music(RATE, 4.0), RATE, -24.0), RATE)


def _parts(tmp_path: Path, beat: Path, vocal: np.ndarray, settings_: VocalMix, name: str = 'mix.wav'
           ) -> tuple[np.ndarray, np.ndarray]:
    """The mix, and the vocal part of it (the mix minus the gained beat); asserts no headroom scaling happened."""
    path = write(tmp_path, 'vocal.wav', vocal, RATE)
    out = dsp.mix_vocal(beat, path, tmp_path / name, settings_)
    mix, rate = files.read(out)
    music_part, _ = files.read(beat)
    assert rate == RATE and mix.shape[0] == 2 and np.abs(mix).max() < 10 ** (-1.1 / 20)
    vocal_part = mix.copy()
    vocal_part[:, :music_part.shape[1]] -= music_part * np.float32(10 ** (settings_.beat_gain_db / 20))
    return mix, vocal_part


def _rms_db(x: np.ndarray) -> float:
    return 10 * math.log10(float(np.mean(np.square(x, dtype=np.float64))) + 1e-30)


def test_vocal_and_beat_gains_set_the_balance(tmp_path: Path, beat: Path) -> None:
    sung = voice() * 0.25
    _, plain = _parts(tmp_path, beat, sung, VocalMix(deess=0.0))
    _, louder = _parts(tmp_path, beat, sung, VocalMix(vocal_gain_db=6.0, deess=0.0))
    assert _rms_db(louder) - _rms_db(plain) == pytest.approx(6.0, abs=0.05)
    _, quieter_beat = _parts(tmp_path, beat, sung, VocalMix(beat_gain_db=-6.0, deess=0.0))
    assert _rms_db(quieter_beat) == pytest.approx(_rms_db(plain), abs=0.05)  # the vocal stays where it was
    assert np.allclose(quieter_beat[0], quieter_beat[1], atol=1e-6)  # in the centre


def test_the_high_pass_removes_rumble_and_keeps_the_voice(tmp_path: Path, beat: Path) -> None:
    rumbly = voice(rumble=0.2)
    _, low = _parts(tmp_path, beat, rumbly, VocalMix(highpass_hz=20.0, deess=0.0))
    _, high = _parts(tmp_path, beat, rumbly, VocalMix(highpass_hz=200.0, deess=0.0))

    def band(x: np.ndarray, lo: float, hi: float) -> float:
        spectrum = np.abs(np.fft.rfft(x[0])) ** 2
        freqs = np.fft.rfftfreq(x.shape[1], 1 / RATE)
        return 10 * math.log10(float(spectrum[(freqs >= lo) & (freqs < hi)].sum()))

    assert band(low, 45, 55) - band(high, 45, 55) > 30
    assert abs(band(low, 600, 2000) - band(high, 600, 2000)) < 0.5


def test_the_deesser_tames_sibilance_and_leaves_the_vowel(tmp_path: Path, beat: Path) -> None:
    hissy = voice(sibilance=0.15)
    _, dry = _parts(tmp_path, beat, hissy, VocalMix(deess=0.0))
    _, tamed = _parts(tmp_path, beat, hissy, VocalMix(deess=1.0))
    bursts = (np.arange(dry.shape[1]) / RATE % 1.0) > 0.8
    highs = signal.butter(4, 5000, btype='highpass', fs=RATE, output='sos')
    assert _rms_db(signal.sosfilt(highs, tamed[0])[bursts]) < _rms_db(signal.sosfilt(highs, dry[0])[bursts]) - 4
    vowel = ~bursts & ((np.arange(dry.shape[1]) / RATE % 1.0) < 0.7)
    assert _rms_db(tamed[0][vowel]) == pytest.approx(_rms_db(dry[0][vowel]), abs=0.3)


@pytest.mark.parametrize('offset_ms', [250.0, -125.0])
def test_offset_shifts_the_vocal_by_that_many_samples(tmp_path: Path, beat: Path, offset_ms: float) -> None:
    click = np.zeros((1, RATE * 2), np.float32)
    click[0, RATE] = 0.5
    _, at_zero = _parts(tmp_path, beat, click, VocalMix(deess=0.0, highpass_hz=20.0))
    _, shifted = _parts(tmp_path, beat, click, VocalMix(deess=0.0, highpass_hz=20.0, offset_ms=offset_ms))
    moved = int(np.argmax(np.abs(shifted[0]))) - int(np.argmax(np.abs(at_zero[0])))
    assert moved == round(offset_ms * RATE / 1000)


def test_a_loud_sum_is_turned_down_as_a_whole_and_the_mix_runs_as_long_as_the_longer(tmp_path: Path) -> None:
    beat = write(tmp_path, 'beat.wav', at_loudness(music(RATE, 3.0), RATE, -9.0), RATE)
    vocal = write(tmp_path, 'vocal.wav', voice(5.0, 48000) * 4, 48000)  # another rate, longer than the beat
    out = dsp.mix_vocal(beat, vocal, tmp_path / 'mix.wav', VocalMix(vocal_gain_db=12.0, offset_ms=500.0))
    mix, rate = files.read(out)
    assert rate == RATE and files.io.probe(out).bit_depth == 24
    assert 20 * math.log10(float(np.abs(mix).max())) == pytest.approx(-1.0, abs=0.01)
    assert mix.shape[1] == round(5.5 * RATE)  # the vocal's 5 s, 0.5 s late


def test_a_silent_vocal_is_refused(tmp_path: Path, beat: Path) -> None:
    silent = write(tmp_path, 'vocal.wav', np.zeros((1, RATE), np.float32), RATE)
    with pytest.raises(ValueError, match='vocal is silent'):
        dsp.mix_vocal(beat, silent, tmp_path / 'mix.wav', VocalMix())
    assert not (tmp_path / 'mix.wav').exists()


@settings(max_examples=15, deadline=None, database=None)
@given(mix=st.builds(VocalMix, **{name: st.floats(low, high) for name, (low, high) in VocalMix.RANGES.items()}))
def test_every_vocal_mix_in_range_works(tmp_path_factory: pytest.TempPathFactory, mix: VocalMix) -> None:
    folder = tmp_path_factory.mktemp('vocal')
    beat = write(folder, 'beat.wav', music(RATE, 2.0, seed=2), RATE)
    vocal = write(folder, 'vocal.wav', voice(1.5, sibilance=0.1), RATE)
    out, _ = files.read(dsp.mix_vocal(beat, vocal, folder / 'mix.wav', mix))
    assert np.isfinite(out).all() and out.shape[0] == 2 and 0 < np.abs(out).max() <= 1.0


# The 'AI mix'


def shaped_noise(tilt_db_per_octave: float, seconds: float = 8.0) -> np.ndarray:
    """Stereo noise whose octave bands follow the AI mix's target curve, tilted by so many dB per octave above
    1 kHz (negative: duller)."""
    frames = round(seconds * RATE)
    spectrum = np.fft.rfft(np.random.default_rng(8).standard_normal((2, frames)), axis=1)
    freqs = np.maximum(np.fft.rfftfreq(frames, 1 / RATE), 20.0)
    octave = np.log2(freqs / 1000)
    curve = np.interp(octave, np.log2(np.array(assist.OCTAVES) / 1000), assist.TARGET_DB)
    curve += tilt_db_per_octave * np.maximum(0.0, octave)
    x = np.fft.irfft(spectrum * 10 ** (curve / 20) / np.sqrt(freqs), frames, axis=1)  # pink, then the curve
    return at_loudness(x.astype(np.float32), RATE, -16.0)


def test_suggest_chain_brightens_a_dull_track_and_tames_a_bright_one(tmp_path: Path) -> None:
    chains = {}
    for name, tilt in (('dull', -4.0), ('balanced', 0.0), ('bright', 4.0)):
        chains[name], why = dsp.suggest_chain(write(tmp_path, f'{name}.wav', shaped_noise(tilt), RATE), 1.0)
        dsp.check(chains[name])
        if name == 'dull':
            dull_why = why
    assert chains['dull'].eq_high > 2 and chains['bright'].eq_high < -2 and abs(chains['balanced'].eq_high) <= 1
    assert chains['dull'].eq_mid > chains['balanced'].eq_mid > chains['bright'].eq_mid
    assert abs(chains['balanced'].eq_low) <= 1 and abs(chains['balanced'].eq_mid) <= 1
    why = dull_why
    assert set(why['why']) == {'eq_low', 'eq_mid', 'eq_high', 'compression', 'reverb', 'limiter'}
    assert 'lifts' in why['why']['eq_high']
    assert why['measured']['crest_db'] > 0 and len(why['measured']['band_db']) == 9
    json.dumps(why, allow_nan=False)


def test_suggest_chain_compresses_a_peaky_track_more_than_a_dense_one(tmp_path: Path) -> None:
    x = music(RATE, 8.0)
    peaky = x.copy()
    peaky[:, ::RATE // 2] = 0.95  # sharp spikes far above the body
    dense = np.tanh(at_loudness(x, RATE, -10.0) * 3) / 3
    chains = {name: dsp.suggest_chain(write(tmp_path, f'{name}.wav', y, RATE), 1.0)[0]
              for name, y in (('peaky', peaky), ('dense', dense))}
    assert chains['peaky'].compression > chains['dense'].compression
    assert chains['peaky'].limiter > chains['dense'].limiter == 0


def test_strength_scales_the_moves_and_zero_is_neutral(tmp_path: Path) -> None:
    path = write(tmp_path, 'dull.wav', dsp.filters.apply(at_loudness(music(RATE, 6.0), RATE, -16.0),
                                                         np.array([dsp.filters.high_shelf(3000, -12.0, RATE)])), RATE)
    full, _ = dsp.suggest_chain(path, 1.0)
    half, _ = dsp.suggest_chain(path, 0.5)
    none, why = dsp.suggest_chain(path, 0.0)
    assert none == dsp.Chain(compression=0.0) and none.neutral
    assert abs(half.eq_high - full.eq_high / 2) <= 0.5 and half.compression == pytest.approx(full.compression / 2,
                                                                                             abs=0.01)
    assert why['strength'] == 0.0
