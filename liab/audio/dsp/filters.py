"""Biquad filters (RBJ Audio EQ Cookbook) as second-order sections, the mix chain's 3-band EQ, the vocal high-pass
and the de-esser.

NOTES.md: the spec's ffmpeg chain asked `equalizer` for shelves, which it does not have; these are real shelves
(low at 100 Hz, high at 10 kHz, slope 1) around a two-octave bell at 1.5 kHz.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import signal

from .dynamics import block_peaks, lookahead, release, to_frames
from .meter import BLOCK

LOW_SHELF_HZ = 100.0
MID_HZ = 1500.0
MID_OCTAVES = 2.0  # the spec's `width=2`, read as octaves
HIGH_SHELF_HZ = 10000.0
DEESS_HZ = 5000.0  # sibilance lives above about 5 kHz
DEESS_MAX_DB = 12.0


def eq3(low_db: float, mid_db: float, high_db: float, rate: int) -> np.ndarray | None:
    """Sections for the chain's EQ; bands at 0 dB are left out (None when all are)."""
    sections = []
    if low_db:
        sections.append(low_shelf(LOW_SHELF_HZ, low_db, rate))
    if mid_db:
        sections.append(peak(MID_HZ, mid_db, octaves_to_q(MID_OCTAVES), rate))
    if high_db:
        sections.append(high_shelf(HIGH_SHELF_HZ, high_db, rate))
    return np.array(sections) if sections else None


def apply(x: np.ndarray, sos: np.ndarray | None) -> np.ndarray:
    """x (channels, frames) or (frames,) through the sections, in float32 (rows are contiguous: twice as fast)."""
    if sos is None:
        return x
    return signal.sosfilt(sos.astype(np.float32), x, axis=-1).astype(np.float32, copy=False)


def low_shelf(f0: float, gain_db: float, rate: int, slope: float = 1.0) -> list[float]:
    a, cos_w, alpha = _shelf_terms(f0, gain_db, rate, slope)
    root = 2 * math.sqrt(a) * alpha
    return _normalise([a * ((a + 1) - (a - 1) * cos_w + root), 2 * a * ((a - 1) - (a + 1) * cos_w),
                       a * ((a + 1) - (a - 1) * cos_w - root)],
                      [(a + 1) + (a - 1) * cos_w + root, -2 * ((a - 1) + (a + 1) * cos_w),
                       (a + 1) + (a - 1) * cos_w - root])


def high_shelf(f0: float, gain_db: float, rate: int, slope: float = 1.0) -> list[float]:
    a, cos_w, alpha = _shelf_terms(f0, gain_db, rate, slope)
    root = 2 * math.sqrt(a) * alpha
    return _normalise([a * ((a + 1) + (a - 1) * cos_w + root), -2 * a * ((a - 1) + (a + 1) * cos_w),
                       a * ((a + 1) + (a - 1) * cos_w - root)],
                      [(a + 1) - (a - 1) * cos_w + root, 2 * ((a - 1) - (a + 1) * cos_w),
                       (a + 1) - (a - 1) * cos_w - root])


def peak(f0: float, gain_db: float, q: float, rate: int) -> list[float]:
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * f0 / rate
    alpha = math.sin(w0) / (2 * q)
    cos_w = math.cos(w0)
    return _normalise([1 + alpha * a, -2 * cos_w, 1 - alpha * a], [1 + alpha / a, -2 * cos_w, 1 - alpha / a])


def octaves_to_q(octaves: float) -> float:
    return math.sqrt(2 ** octaves) / (2 ** octaves - 1)


def highpass(x: np.ndarray, cutoff_hz: float, rate: int) -> np.ndarray:
    """24 dB/octave Butterworth high-pass."""
    return apply(x, signal.butter(4, cutoff_hz, btype='highpass', fs=rate, output='sos'))


def deess(mono: np.ndarray, rate: int, amount: float) -> tuple[np.ndarray, float]:
    """Split-band de-esser: the band above DEESS_HZ is turned down where it rises more than a few dB over its own
    typical level (the median of the vocal's active blocks), by up to 12 dB at amount 1; the rest of the voice is
    untouched. Returns the vocal and the largest reduction in dB."""
    if amount <= 0:
        return mono, 0.0
    band = apply(mono, signal.butter(2, DEESS_HZ, btype='highpass', fs=rate, output='sos'))
    level = _db(block_peaks(band[None, :]))
    active = level > level.max() - 50
    if not active.any():
        return mono, 0.0
    threshold = float(np.median(level[active])) + 12 - 9 * amount
    over = np.maximum(level - threshold, 0.0) * 0.75  # 4:1 above the threshold
    reduction = np.minimum(over, DEESS_MAX_DB * amount)
    reduction = release(reduction, 0.06 * rate / BLOCK)  # 60 ms release
    gain = to_frames(lookahead(10 ** (-reduction / 20), max(1, round(0.002 * rate / BLOCK))), mono.size)
    mono = mono + band * (gain - 1)  # at gain 1 this is the input exactly
    return mono.astype(np.float32, copy=False), float(reduction.max())


def _shelf_terms(f0: float, gain_db: float, rate: int, slope: float) -> tuple[float, float, float]:
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * f0 / rate
    alpha = math.sin(w0) / 2 * math.sqrt((a + 1 / a) * (1 / slope - 1) + 2)
    return a, math.cos(w0), alpha


def _normalise(b: list[float], a: list[float]) -> list[float]:
    return [b[0] / a[0], b[1] / a[0], b[2] / a[0], 1.0, a[1] / a[0], a[2] / a[0]]


def _db(values: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.maximum(values, 1e-9))
