"""Loudness, peaks, tempo and key of an audio file, with numpy and scipy only (no librosa).

Pure: no database, no UI. `analyze` takes a path (never pass large arrays to worker processes, REFERENCE.md) and
is meant for a worker process that ran `warm_up` once at start-up. The measuring modules (scipy.signal costs about
a second to import) load on first use, so importing `Analysis` stays cheap for the web process.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from liab.audio import io

__all__ = ['Analysis', 'analyze', 'estimate_key', 'estimate_tempo', 'integrated_loudness', 'sample_peak_db',
           'true_peak_db', 'warm_up']

WORKING_RATE = 22050  # tempo and key work on a mono mix at this rate


@dataclass(frozen=True)
class Analysis:
    duration_s: float
    sample_rate: int
    channels: int
    bpm: float | None  # None when there is no steady beat (silence, a sustained tone)
    key: str | None  # 'F minor', 'C# major' (sharps); None when unclear
    key_confidence: float  # 0..1
    lufs: float  # integrated loudness, ITU-R BS.1770-4; -inf for silence
    true_peak_db: float  # dBTP, on a 4x oversampled signal; -inf for silence
    sample_peak_db: float  # dBFS; -inf for silence


def analyze(path: Path, *, input_format: str | None = None,
            progress: Callable[[float, str], None] | None = None) -> Analysis:
    """Measure a file at its own rate and channel count. Raises io.AudioError when it holds no audio.

    `input_format` is one of io.DEMUXERS' keys; give it for any file that came from outside.
    """
    report = progress or _ignore
    report(0.0, 'Reading the audio')
    info = io.probe(path, input_format=input_format)
    samples, rate = io.decode(path, sample_rate=info.sample_rate, channels=info.channels, input_format=input_format)
    report(0.3, 'Measuring loudness')
    lufs = integrated_loudness(samples, rate)
    peak = true_peak_db(samples, rate)
    sample_peak = sample_peak_db(samples)
    report(0.55, 'Finding the tempo')
    from liab.audio.analysis import spectral

    mix = samples @ np.full(samples.shape[1], 1 / samples.shape[1], dtype=samples.dtype)  # 15x faster than mean
    mono = spectral.resample(mix, rate, WORKING_RATE)
    bpm = estimate_tempo(mono, WORKING_RATE)
    report(0.8, 'Finding the key')
    key, confidence = estimate_key(mono, WORKING_RATE)
    report(1.0, 'Done')
    return Analysis(duration_s=samples.shape[0] / rate, sample_rate=rate, channels=samples.shape[1], bpm=bpm,
                    key=key, key_confidence=confidence if key else 0.0, lufs=lufs, true_peak_db=peak,
                    sample_peak_db=sample_peak)


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4, gated) in LUFS of samples shaped (frames, channels); -inf for silence."""
    from liab.audio.analysis import loudness

    return loudness.integrated_loudness(samples, sample_rate)


def true_peak_db(samples: np.ndarray, sample_rate: int) -> float:
    """True peak in dBTP of samples shaped (frames, channels), on a 4x oversampled signal; -inf for silence."""
    from liab.audio.analysis import loudness

    return loudness.true_peak_db(samples, sample_rate)


def sample_peak_db(samples: np.ndarray) -> float:
    from liab.audio.analysis import loudness

    return loudness.sample_peak_db(samples)


def estimate_tempo(mono: np.ndarray, sample_rate: int) -> float | None:
    """Beats per minute (50 to 220) of a mono signal; None when it has no steady beat."""
    from liab.audio.analysis import tempo

    return tempo.estimate_tempo(mono, sample_rate)


def estimate_key(mono: np.ndarray, sample_rate: int) -> tuple[str | None, float]:
    """('F minor', 0.8)-style key (sharps) and a 0..1 confidence of a mono signal; (None, 0.0) when unclear."""
    from liab.audio.analysis import key

    return key.estimate_key(mono, sample_rate)


def warm_up() -> None:
    """Run every code path once on a short synthetic file (imports, ffmpeg, FFT plans, filter designs) so a
    worker's first real request is as fast as its tenth."""
    with tempfile.TemporaryDirectory(prefix='liab-warm-up-') as folder:
        path = io.write_wav(_warm_up_signal(), 44100, Path(folder) / 'warm-up.wav')
        analyze(path, input_format='wav')


def _warm_up_signal(rate: int = 44100, seconds: float = 6.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.18, 329.63)) / 6
    clicks = np.sin(2 * np.pi * 1500 * t) * np.exp(-(t % 0.5) / 0.005)
    mono = (chord + 0.5 * clicks).astype(np.float32)
    return np.stack([mono, mono], axis=1)


def _ignore(fraction: float, message: str) -> None:
    pass
