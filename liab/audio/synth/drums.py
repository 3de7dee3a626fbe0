"""Drum one-shots synthesised with numpy: each sound is made once per beat and placed many times."""

from __future__ import annotations

import numpy as np
from scipy import signal

# 808 cymbal: six square waves at these inharmonic frequencies, band-passed, make the metallic hat colour.
_METAL_HZ = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


def kick(sr: int, *, start_hz: float = 170.0, end_hz: float = 52.0, sweep_s: float = 0.04, decay_s: float = 0.3,
         click: float = 0.35, drive: float = 1.6, length_s: float = 0.6) -> np.ndarray:
    """Sine with a fast downward pitch sweep (the thump), a noise click on top, gently saturated."""
    t = _time(sr, length_s)
    freq = end_hz + (start_hz - end_hz) * np.exp(-t / sweep_s)
    body = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / decay_s) * _attack(t, 0.001)
    noise = np.random.default_rng(1).standard_normal(t.size) * np.exp(-t / 0.004)
    tick = signal.sosfilt(_band(sr, 'highpass', 1500), noise) * click
    return _finish(np.tanh(drive * (body + tick)) / np.tanh(drive), sr)


def snare(sr: int, *, tone_hz: float = 190.0, tone: float = 0.55, noise_decay_s: float = 0.16,
          bright_hz: float = 7000.0, length_s: float = 0.45, seed: int = 2) -> np.ndarray:
    """A tuned body (two decaying modes) under band-passed noise: the wires."""
    t = _time(sr, length_s)
    freq = tone_hz * (1 + 0.3 * np.exp(-t / 0.01))
    phase = 2 * np.pi * np.cumsum(freq) / sr
    body = (np.sin(phase) + 0.5 * np.sin(1.6 * phase)) * np.exp(-t / 0.06)
    noise = np.random.default_rng(seed).standard_normal(t.size)
    wires = signal.sosfilt(_band(sr, 'bandpass', (1200, bright_hz)), noise) * np.exp(-t / noise_decay_s)
    return _finish(tone * body + 1.6 * wires * _attack(t, 0.0008), sr)


def clap(sr: int, *, center_hz: float = 1300.0, tail_s: float = 0.14, seed: int = 3) -> np.ndarray:
    """Three quick noise bursts and a tail, band-passed round 1 kHz, like several hands not quite together."""
    t = _time(sr, 0.5)
    env = np.zeros_like(t)
    for start in (0.0, 0.011, 0.022):
        env += (t >= start) * np.exp(-np.maximum(t - start, 0) / 0.004)
    env += 0.7 * (t >= 0.03) * np.exp(-np.maximum(t - 0.03, 0) / tail_s)
    noise = np.random.default_rng(seed).standard_normal(t.size)
    band = signal.sosfilt(_band(sr, 'bandpass', (center_hz * 0.6, center_hz * 2.2)), noise)
    return _finish(band * env, sr)


def hat(sr: int, *, decay_s: float = 0.04, length_s: float = 0.12, tone_hz: float = 8000.0, metal: float = 0.5,
        seed: int = 4) -> np.ndarray:
    """High-passed noise plus the 808 metal cluster; a short decay closes it, a long one opens it."""
    t = _time(sr, length_s)
    squares = sum(np.sign(np.sin(2 * np.pi * f * 1.6 * t)) for f in _METAL_HZ)
    noise = np.random.default_rng(seed).standard_normal(t.size)
    raw = signal.sosfilt(_band(sr, 'highpass', tone_hz), metal * squares / 3 + noise)
    return _finish(raw * np.exp(-t / decay_s) * _attack(t, 0.0005), sr)


def rim(sr: int) -> np.ndarray:
    """Rimshot: two short high modes and a click."""
    t = _time(sr, 0.08)
    modes = np.sin(2 * np.pi * 1700 * t) * np.exp(-t / 0.012) + 0.7 * np.sin(2 * np.pi * 820 * t) * np.exp(-t / 0.02)
    click = np.random.default_rng(5).standard_normal(t.size) * np.exp(-t / 0.002)
    return _finish(modes + 0.5 * click, sr)


def shaker(sr: int) -> np.ndarray:
    t = _time(sr, 0.12)
    noise = np.random.default_rng(6).standard_normal(t.size)
    band = signal.sosfilt(_band(sr, 'bandpass', (4500, 11000)), noise)
    env = (1 - np.exp(-t / 0.008)) * np.exp(-t / 0.035)
    return _finish(band * env, sr)


def conga(sr: int, *, pitch_hz: float) -> np.ndarray:
    """Hand drum: a sine that drops a little in pitch, with a slap of noise."""
    t = _time(sr, 0.35)
    freq = pitch_hz * (1 + 0.12 * np.exp(-t / 0.015))
    body = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / 0.11)
    slap = signal.sosfilt(_band(sr, 'bandpass', (1500, 5000)), np.random.default_rng(7).standard_normal(t.size))
    return _finish(body + 0.25 * slap * np.exp(-t / 0.006), sr)


def tom(sr: int, *, pitch_hz: float) -> np.ndarray:
    t = _time(sr, 0.5)
    freq = pitch_hz * (1 + 0.5 * np.exp(-t / 0.03))
    body = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / 0.2)
    hit = signal.sosfilt(_band(sr, 'lowpass', 3000), np.random.default_rng(8).standard_normal(t.size))
    return _finish(np.tanh(1.5 * (body + 0.2 * hit * np.exp(-t / 0.01))), sr)


def crash(sr: int, *, length_s: float = 2.2) -> np.ndarray:
    return hat(sr, decay_s=length_s / 3.5, length_s=length_s, tone_hz=4500.0, metal=0.8, seed=9)


def riser(sr: int, length_s: float) -> np.ndarray:
    """A reversed cymbal: swells up to the hook."""
    return np.ascontiguousarray(crash(sr, length_s=length_s)[::-1]) * 0.8


def crackle(sr: int, n: int, rng: np.random.Generator, chunk: int = 1 << 20) -> np.ndarray:
    """Vinyl: sparse random clicks of random size over a quiet band-limited hiss."""
    out = np.empty(n, np.float32)
    sos, state = _band(sr, 'bandpass', (500, 9000)), np.zeros((2, 2))
    for start in range(0, n, chunk):
        part = rng.standard_normal(min(chunk, n - start), np.float32)
        part *= np.float32(0.03)
        clicks = np.flatnonzero(rng.random(part.size, np.float32) < 14 / sr)
        part[clicks] += rng.random(clicks.size, np.float32) ** 3 * rng.choice(np.float32([-0.9, 0.9]), clicks.size)
        out[start:start + part.size], state = signal.sosfilt(sos, part, zi=state)
    return out


def dusty(sample: np.ndarray, sr: int, *, cutoff_hz: float = 7000.0, bits: int = 10) -> np.ndarray:
    """The sampler sound of old boom bap records: band-limited, a little crushed and saturated."""
    steps = 2 ** (bits - 1)
    crushed = np.round(signal.sosfilt(_band(sr, 'lowpass', cutoff_hz), sample) * steps) / steps
    return _finish(np.tanh(1.3 * crushed), sr)


def _time(sr: int, length_s: float) -> np.ndarray:
    return np.arange(int(length_s * sr)) / sr


def _attack(t: np.ndarray, seconds: float) -> np.ndarray:
    return np.minimum(t / seconds, 1.0)


def _band(sr: int, kind: str, cutoff: float | tuple[float, float]) -> np.ndarray:
    return signal.butter(2, cutoff, btype=kind, fs=sr, output='sos')


def _finish(sample: np.ndarray, sr: int) -> np.ndarray:
    """Normalise to a peak of 1 and fade the last 5 ms so no sample ends in a click."""
    fade = min(int(0.005 * sr), sample.size)
    sample = np.array(sample, dtype=np.float64)
    sample[-fade:] *= np.linspace(1, 0, fade)
    peak = np.max(np.abs(sample))
    return (sample / peak if peak > 0 else sample).astype(np.float32)
