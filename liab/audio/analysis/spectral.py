"""Shared signal plumbing for tempo and key: resampling to a working rate and band-reduced STFT power."""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
from scipy import signal

_CHUNK_FRAMES = 2048  # STFT frames per pass: keeps memory flat for long tracks


def resample(mono: np.ndarray, rate: int, target: int) -> np.ndarray:
    """The signal at `target` Hz (polyphase, scipy's default anti-alias filter), as float32."""
    x = np.asarray(mono, dtype=np.float32).reshape(-1)
    if rate == target:
        return x
    common = math.gcd(int(rate), int(target))
    return signal.resample_poly(x, target // common, rate // common).astype(np.float32, copy=False)


def band_power(x: np.ndarray, n_fft: int, hop: int, bands: np.ndarray) -> np.ndarray:
    """STFT power (Hann window, centred frames) reduced by `bands` (n_fft // 2 + 1, n_bands): (frames, n_bands)."""
    padded = np.pad(np.asarray(x, dtype=np.float32), n_fft // 2)
    if padded.size < n_fft:
        padded = np.pad(padded, (0, n_fft - padded.size))
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    window = signal.get_window('hann', n_fft).astype(np.float32)
    matrix = bands.astype(np.float32)
    out = np.empty((frames.shape[0], matrix.shape[1]), dtype=np.float32)
    for start in range(0, frames.shape[0], _CHUNK_FRAMES):
        spectrum = scipy.fft.rfft(frames[start:start + _CHUNK_FRAMES] * window, axis=-1)
        power = spectrum.real ** 2 + spectrum.imag ** 2
        out[start:start + _CHUNK_FRAMES] = power @ matrix
    return out


def bin_frequencies(n_fft: int, rate: int) -> np.ndarray:
    return np.arange(n_fft // 2 + 1) * rate / n_fft
