import math
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy import signal

from liab.audio import analysis, io
from liab.audio.analysis import loudness, spectral
from tests.sounds import click_track

WORK = 22050  # tempo and key tests synthesise at the analysis rate: half the cost of 44.1 kHz
NOTES = ('C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B')


def sine(db: float, seconds: float, rate: int = 48000, freq: float = 1000.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    mono = 10 ** (db / 20) * np.sin(2 * np.pi * freq * t)
    return np.stack([mono, mono], axis=1)


def drums(bpm: float, seconds: float, kick: list[float], snare: list[float], hats: list[float], *,
          swing: float = 0.0, rolls: bool = False, rate: int = WORK) -> np.ndarray:
    """A loop of synthetic kick (pitch-swept sine), snare (tone and noise) and hats (high-passed noise).

    Positions are in beats within a 4/4 bar; swing delays every second 16th by that fraction of a 16th.
    """
    rng = np.random.default_rng(7)
    t = np.arange(int(0.25 * rate)) / rate
    kick_sound = np.sin(2 * np.pi * np.cumsum(50 + 90 * np.exp(-t / 0.03)) / rate) * np.exp(-t / 0.12)
    band = signal.butter(2, [1000, min(8000, 0.45 * rate)], 'bandpass', fs=rate, output='sos')
    snare_sound = (0.5 * np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.05)
                   + 0.6 * signal.sosfilt(band, rng.standard_normal(t.size)) * np.exp(-t / 0.06))
    hiss = signal.sosfilt(signal.butter(4, min(7000, 0.4 * rate), 'highpass', fs=rate, output='sos'),
                          rng.standard_normal(t.size))
    hat_sound = 0.35 * hiss * np.exp(-t / 0.01)
    out = np.zeros(int(seconds * rate))
    beat = 60 / bpm
    bars = np.arange(0, seconds, 4 * beat)
    swung = [p + swing / 4 * (round(p * 4) % 2) for p in hats]
    roll = [3 + k / 8 for k in range(8)] if rolls else []
    for sound, positions, gain in ((kick_sound, kick, 0.9), (snare_sound, snare, 0.7), (hat_sound, swung, 0.8),
                                   (hat_sound, roll, 0.4)):
        for start in (bar + p * beat for bar in bars for p in positions):
            i = round(start * rate)
            n = min(sound.size, out.size - i)
            if n > 0:
                out[i:i + n] += gain * sound[:n]
    return out


def clicks(bpm: float, seconds: float, rate: int = WORK) -> np.ndarray:
    t = np.arange(int(0.03 * rate)) / rate
    click = np.sin(2 * np.pi * 1500 * t) * np.exp(-t / 0.005)
    out = np.zeros(int(seconds * rate))
    for k, start in enumerate(np.arange(0, seconds - 0.05, 60 / bpm)):
        out[round(start * rate):round(start * rate) + click.size] += click * (0.8 if k % 4 == 0 else 0.5)
    return out


def chords(progression: list[str], seconds_per_chord: float = 2.0, repeats: int = 2, rate: int = WORK) -> np.ndarray:
    """Triads of harmonic tones around middle C over the root in the bass, e.g. ['Am', 'F', 'C', 'G']."""
    n = round(seconds_per_chord * rate)
    t = np.arange(n) / rate
    envelope = np.minimum(1, t / 0.02) * np.exp(-t / 3) * np.minimum(1, (n - np.arange(n)) / (0.02 * rate))

    def tone(midi: int, harmonics: int = 6) -> np.ndarray:
        freq = 440 * 2 ** ((midi - 69) / 12)
        return sum(0.6 ** h * np.sin(2 * np.pi * freq * (h + 1) * t) for h in range(harmonics))

    parts = []
    for name in progression * repeats:
        root = NOTES.index(name.rstrip('m'))
        intervals = (0, 3, 7) if name.endswith('m') else (0, 4, 7)
        triad = sum(tone(60 + (root + i) % 12) for i in intervals) / 3
        parts.append((triad + 0.8 * tone(36 + root, 4)) * envelope)
    return np.concatenate(parts)


def ebur128(path: Path) -> tuple[float, float]:
    done = subprocess.run([io.ffmpeg_exe(), '-nostdin', '-i', str(path), '-af', 'ebur128=peak=true', '-f', 'null', '-'],
                          capture_output=True, text=True, timeout=60, check=True)
    summary = done.stderr[done.stderr.rindex('Summary:'):]
    return (float(re.search(r'I:\s+(-?[\d.]+) LUFS', summary).group(1)),
            float(re.search(r'Peak:\s+(-?[\d.]+) dBFS', summary).group(1)))


def song(seconds: float = 12.0, rate: int = WORK) -> np.ndarray:
    """120 BPM, A minor: Am-F-C-G, a bar each, over kick, snare and 8th hats."""
    beat = drums(120, seconds, [0, 2], [1, 3], [i / 2 for i in range(8)], rate=rate)
    harmony = np.resize(chords(['Am', 'F', 'C', 'G'], 2.0, 1, rate=rate), beat.size)
    mono = 0.5 * beat / np.abs(beat).max() + 0.3 * harmony / np.abs(harmony).max()
    return np.stack([mono, np.roll(mono, 50)], axis=1) * 0.8


def test_k_weighting_matches_the_published_48_khz_coefficients() -> None:
    shelf, high_pass = loudness.k_weighting(48000)
    assert np.allclose(shelf, [1.53512485958697, -2.69169618940638, 1.19839281085285, 1, -1.69065929318241,
                               0.73248077421585], atol=1e-8)
    assert np.allclose(high_pass, [1, -2, 1, 1, -1.99004745483398, 0.99007225036621], atol=1e-8)


@pytest.mark.parametrize('db', [-23.0, -33.0])
def test_a_1khz_stereo_sine_reads_its_level_in_lufs(db: float) -> None:
    assert analysis.integrated_loudness(sine(db, 20), 48000) == pytest.approx(db, abs=0.1)


@pytest.mark.parametrize(('segments', 'expected'), [
    ([(-36, 10), (-23, 60), (-36, 10)], -23.0),  # EBU Tech 3341 case 3: relative gate
    ([(-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)], -23.0),  # case 4: both gates
    ([(-26, 20), (-20, 20.1), (-26, 20)], -23.0),  # case 5
])
def test_gating_follows_ebu_tech_3341(segments: list[tuple[float, float]], expected: float) -> None:
    samples = np.concatenate([sine(db, seconds) for db, seconds in segments])
    assert analysis.integrated_loudness(samples, 48000) == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize('rate', [8000, 22050, 44100, 96000])
def test_loudness_does_not_depend_on_the_sample_rate(rate: int) -> None:
    assert analysis.integrated_loudness(sine(-23, 10, rate), rate) == pytest.approx(-23.0, abs=0.1)


def test_silence_and_audio_shorter_than_a_block_have_no_loudness() -> None:
    assert analysis.integrated_loudness(np.zeros((48000, 2)), 48000) == -math.inf
    assert analysis.integrated_loudness(sine(-20, 0.3), 48000) == -math.inf
    assert analysis.true_peak_db(np.zeros((100, 2)), 48000) == -math.inf


def test_true_peak_finds_the_peak_between_samples() -> None:
    rate = 44100
    t = np.arange(rate) / rate
    fade = np.minimum(1, np.minimum(t, t[::-1]) / 0.05)
    samples = (0.5 * fade * np.sin(2 * np.pi * rate / 4 * t + np.pi / 4))[:, None]  # samples land at 45 degrees
    assert analysis.sample_peak_db(samples) == pytest.approx(20 * math.log10(0.5) - 3.01, abs=0.05)
    assert analysis.true_peak_db(samples, rate) == pytest.approx(20 * math.log10(0.5), abs=0.1)


@pytest.mark.parametrize(('frames', 'rate', 'factor'), [(20000, 44100, 4), (300001, 48000, 4), (7, 44100, 4),
                                                      (70000, 96000, 2)])
def test_true_peak_equals_the_peak_of_resample_poly(frames: int, rate: int, factor: int) -> None:
    samples = np.random.default_rng(frames).standard_normal((frames, 2)) * 0.2
    expected = 20 * math.log10(np.abs(signal.resample_poly(samples, factor, 1, axis=0)).max())
    assert analysis.true_peak_db(samples, rate) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(('frames', 'factor'), [(44100 * 5 + 3, 2), (1001, 4), (5, 2)])
def test_integer_decimation_gives_the_samples_of_resample_poly(frames: int, factor: int) -> None:
    x = (np.random.default_rng(frames).standard_normal(frames) * 0.3).astype(np.float32)
    expected = signal.resample_poly(x, 1, factor)
    assert np.allclose(spectral.resample(x, 44100, 44100 // factor), expected, atol=1e-6)


def test_loudness_and_true_peak_agree_with_ffmpeg_ebur128(tmp_path: Path) -> None:
    samples = song(12.0, 44100)
    samples[:, 1] *= 0.7
    path = io.write_wav(samples / np.abs(samples).max() * 0.98, 44100, tmp_path / 'mix.wav', bits=24)
    lufs, peak = ebur128(path)
    result = analysis.analyze(path, input_format='wav')
    assert result.lufs == pytest.approx(lufs, abs=0.2)
    assert result.true_peak_db == pytest.approx(peak, abs=0.3)


@pytest.mark.parametrize('bpm', [60, 72, 85, 90, 100, 120, 128, 140, 160, 174])
def test_click_tracks_give_their_tempo(bpm: float) -> None:
    assert analysis.estimate_tempo(clicks(bpm, 20), WORK) == pytest.approx(bpm, rel=0.02)


METRONOME_BPM = sorted({*range(60, 181, 6), 70, 84, 90})


@pytest.mark.parametrize('seconds', [12.0, 8.0])
def test_metronome_click_tracks_are_read_at_their_tempo_not_double(tmp_path: Path, seconds: float) -> None:
    # A clicked beat with every other beat empty is double time; a listener taps every click (60 to 180 BPM).
    found = {}
    for bpm in METRONOME_BPM:
        samples, rate = soundfile.read(click_track(tmp_path, bpm, seconds=seconds), dtype='float32')
        found[bpm] = analysis.estimate_tempo(samples.mean(axis=1), rate)
    wrong = {bpm: got for bpm, got in found.items() if got is None or abs(got - bpm) > 0.02 * bpm}
    assert not wrong


@pytest.mark.parametrize('bpm', [72, 84])
def test_analyze_reads_a_slow_metronome_at_its_tempo(tmp_path: Path, bpm: float) -> None:
    assert analysis.analyze(click_track(tmp_path, bpm)).bpm == pytest.approx(bpm, rel=0.02)


@pytest.mark.parametrize('bpm', [60, 72, 85, 90, 100, 120, 128, 140, 160, 174])
def test_drum_loops_give_their_tempo(bpm: float) -> None:
    loop = drums(bpm, 24, kick=[0, 2], snare=[1, 3], hats=[i / 2 for i in range(8)])
    assert analysis.estimate_tempo(loop, WORK) == pytest.approx(bpm, rel=0.02)


def test_a_swung_hip_hop_loop_at_90_is_not_read_as_180_or_45() -> None:
    loop = drums(90, 30, kick=[0, 1.75, 2.5], snare=[1, 3], hats=[i / 4 for i in range(16)], swing=0.33)
    assert analysis.estimate_tempo(loop, WORK) == pytest.approx(90, rel=0.02)


def test_a_half_time_trap_loop_at_140_is_not_read_as_70() -> None:
    loop = drums(140, 30, kick=[0, 2.75], snare=[2], hats=[i / 4 for i in range(16)], rolls=True)
    assert analysis.estimate_tempo(loop, WORK) == pytest.approx(140, rel=0.02)


@pytest.mark.parametrize('swing', [0.0, 0.3])
@pytest.mark.parametrize(('bpm', 'kick', 'snare', 'hats'), [
    (70, [0, 1.75], [2], [i / 4 for i in range(16)]),  # half-time at 70 is not 140
    (140, [0, 2.75], [2], [i / 4 for i in range(16)]),  # ... nor at 140 read as 70, even with swung 16ths
    (124, [0, 1, 2, 3], [1, 3], [i / 2 + 0.25 for i in range(8)]),  # four on the floor is not 62
    (160, [0, 1, 2, 3], [1, 3], [i + 0.5 for i in range(4)]),  # ... nor 80, with open hats on the offbeats
    (75, [0, 2.5], [1, 3], [i / 4 for i in range(16)]),  # a slow backbeat with 16th hats is not 150
], ids=['half-time-70', 'half-time-140', 'house-124', 'house-160', 'backbeat-75'])
def test_grooves_are_read_at_their_own_metrical_level(bpm: float, kick: list[float], snare: list[float],
                                                      hats: list[float], swing: float) -> None:
    loop = drums(bpm, 24, kick=kick, snare=snare, hats=hats, swing=swing)
    assert analysis.estimate_tempo(loop, WORK) == pytest.approx(bpm, rel=0.02)


@pytest.mark.parametrize('make', [lambda: np.zeros(10 * WORK), lambda: sine(-12, 10, WORK, 440.0)[:, 0]],
                         ids=['silence', 'sustained tone'])
def test_no_steady_beat_gives_no_tempo(make: Callable[[], np.ndarray]) -> None:
    assert analysis.estimate_tempo(make(), WORK) is None


@pytest.mark.parametrize(('progression', 'key'), [
    (['C', 'G', 'Am', 'F'], 'C major'),  # I-V-vi-IV
    (['Am', 'F', 'C', 'G'], 'A minor'),  # i-VI-III-VII: the same chords as above, from the relative minor
    (['D#', 'G#', 'A#', 'D#'], 'D# major'),  # Eb: I-IV-V-I
    (['Cm', 'G#', 'D#', 'A#'], 'C minor'),  # i-VI-III-VII, relative of Eb major
    (['Cm', 'Fm', 'G', 'Cm'], 'C minor'),  # i-iv-V-i, harmonic minor
    (['G', 'Em', 'C', 'D'], 'G major'),  # I-vi-IV-V
    (['Em', 'D', 'C', 'D'], 'E minor'),  # i-VII-VI-VII
    (['A#', 'F', 'Gm', 'D#'], 'A# major'),  # Bb: I-V-vi-IV
    (['F#m', 'D', 'A', 'E'], 'F# minor'),  # i-VI-III-VII
    (['A', 'D', 'E', 'A'], 'A major'),  # I-IV-V-I
    (['Fm', 'A#m', 'Cm', 'Fm'], 'F minor'),  # i-iv-v-i
])
def test_chord_progressions_give_their_key(progression: list[str], key: str) -> None:
    found, confidence = analysis.estimate_key(chords(progression), WORK)
    assert found == key
    assert 0.3 <= confidence <= 1.0


def test_silence_and_noise_have_no_key() -> None:
    assert analysis.estimate_key(np.zeros(5 * WORK), WORK) == (None, 0.0)
    assert analysis.estimate_key(np.random.default_rng(2).standard_normal(5 * WORK) * 0.1, WORK) == (None, 0.0)


def write(samples: np.ndarray, rate: int, path: Path, subtype: str | None) -> Path:
    if path.suffix in {'.mp3', '.m4a'}:
        wav = io.write_wav(samples, rate, path.with_suffix('.wav'))
        if path.suffix == '.mp3':
            return io.encode_mp3(wav, path)
        subprocess.run([io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-i', str(wav), '-c:a', 'aac',
                        '-b:a', '192k', '-y', str(path)], check=True, timeout=60)
        return path
    soundfile.write(str(path), samples, rate, subtype=subtype, format=path.suffix[1:].upper())
    return path


@pytest.mark.parametrize(('name', 'subtype', 'rate', 'channels'), [
    ('song.wav', 'PCM_16', 44100, 2),
    ('song.wav', 'PCM_24', 48000, 1),
    ('song.wav', 'FLOAT', 96000, 2),
    ('song.wav', 'PCM_16', 8000, 1),
    ('song.flac', 'PCM_24', 44100, 2),
    ('song.aiff', 'PCM_16', 22050, 2),
    ('song.mp3', None, 44100, 2),
    ('song.m4a', None, 48000, 2),
])
def test_analyze_reads_each_format_at_its_own_rate(tmp_path: Path, name: str, subtype: str | None, rate: int,
                                                   channels: int) -> None:
    samples = song(12.0, rate)[:, :channels]
    path = write(samples, rate, tmp_path / name, subtype)
    result = analysis.analyze(path, input_format=path.suffix[1:])
    lossy = path.suffix in {'.mp3', '.m4a'}
    assert (result.sample_rate, result.channels) == (rate, channels)
    assert result.duration_s == pytest.approx(12.0, abs=0.1)
    assert result.bpm == pytest.approx(120, rel=0.02)
    assert result.key == 'A minor'
    assert result.lufs == pytest.approx(analysis.integrated_loudness(samples, rate), abs=0.5 if lossy else 0.05)
    assert result.sample_peak_db <= result.true_peak_db <= result.sample_peak_db + 3


def test_a_silent_file_has_no_tempo_key_or_loudness(tmp_path: Path) -> None:
    result = analysis.analyze(io.write_wav(np.zeros((5 * 44100, 2)), 44100, tmp_path / 'silence.wav'))
    assert (result.bpm, result.key, result.key_confidence) == (None, None, 0.0)
    assert result.lufs == result.true_peak_db == result.sample_peak_db == -math.inf


def test_a_file_without_audio_raises_audio_error(tmp_path: Path) -> None:
    video = tmp_path / 'video.mp4'
    subprocess.run([io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=black:s=16x16:d=0.2',
                    '-c:v', 'mpeg4', str(video)], check=True, timeout=60)
    text = tmp_path / 'notes.wav'
    text.write_text('not audio at all\n')
    with pytest.raises(io.AudioError):
        analysis.analyze(video)
    with pytest.raises(io.AudioError):
        analysis.analyze(text, input_format='wav')


def test_progress_runs_from_zero_to_done(tmp_path: Path) -> None:
    reports: list[tuple[float, str]] = []
    analysis.analyze(io.write_wav(song(6.0, 44100), 44100, tmp_path / 'short.wav'),
                     progress=lambda fraction, message: reports.append((fraction, message)))
    fractions = [fraction for fraction, _ in reports]
    assert fractions == sorted(fractions) and fractions[0] == 0.0
    assert reports[-1] == (1.0, 'Done')


def test_after_warm_up_a_three_minute_stereo_track_takes_seconds(tmp_path: Path) -> None:
    analysis.warm_up()
    track = np.tile(song(8.0, 44100), (23, 1))[:180 * 44100]
    path = io.write_wav(track, 44100, tmp_path / 'three-minutes.wav')
    started = time.perf_counter()
    result = analysis.analyze(path, input_format='wav')
    elapsed = time.perf_counter() - started
    assert result.duration_s == pytest.approx(180.0)
    assert result.bpm == pytest.approx(120, rel=0.02)
    assert elapsed < 6.0  # about 1.5 s on one core here; the margin absorbs a busy CI machine
