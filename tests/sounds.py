"""Test audio made on the spot (no binaries in git)."""

from pathlib import Path

import numpy as np

from liab.audio import io


def click_track(folder: Path, bpm: float, seconds: float = 12.0, rate: int = 44100) -> Path:
    """A stereo WAV of 20 ms 1 kHz clicks on every beat."""
    signal = np.zeros(int(rate * seconds), dtype=np.float32)
    click = (np.sin(2 * np.pi * 1000 * np.arange(int(0.02 * rate)) / rate) * np.hanning(int(0.02 * rate)))
    for start in np.arange(0, seconds - 0.05, 60 / bpm):
        index = int(start * rate)
        signal[index:index + click.size] += 0.8 * click.astype(np.float32)
    path = folder / f'click-{bpm:g}.wav'
    io.write_wav(np.stack([signal, signal], axis=1), rate, path)
    return path


def vocal_line(folder: Path, seconds: float = 12.0, rate: int = 48000) -> Path:
    """A sung-like mono line: a vibrato tone with harmonics and syllable-shaped gaps."""
    t = np.arange(int(seconds * rate)) / rate
    pitch = 220 * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voice = sum(np.sin(k * phase) / k for k in (1, 2, 3, 4))
    envelope = (np.sin(2 * np.pi * 1.5 * t) > -0.3).astype(float)
    path = folder / 'vocal.wav'
    io.write_wav((0.2 * voice * envelope).astype(np.float32)[:, None], rate, path)
    return path
