"""Shared signal plumbing: resampling to a working rate, FIR filters as matrix products, band-reduced STFT power."""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import scipy.fft
from scipy import signal

_CHUNK_FRAMES = 2048  # STFT frames per pass: keeps memory flat for long tracks
_BLOCK = 16  # outputs of each phase per row of polyphase_fir's matrix product
_CHUNK_ROWS = 4096  # rows per matrix product: the copied windows stay small


def resample(mono: np.ndarray, rate: int, target: int) -> np.ndarray:
    """The signal at `target` Hz with scipy's resample_poly filter (Kaiser, beta 5), as float32.

    Integer decimation, the usual case (44.1 to 22.05 kHz), runs as a matrix product with the same filter and
    alignment: the same samples to float32 rounding, several times faster than resample_poly."""
    x = np.asarray(mono, dtype=np.float32).reshape(-1)
    if rate == target:
        return x
    if rate % target == 0:
        factor = rate // target
        return polyphase_fir(x, _decimation_taps(factor), factor, 10 * factor, -(-x.size // factor))[:, 0]
    common = math.gcd(int(rate), int(target))
    return signal.resample_poly(x, target // common, rate // common).astype(np.float32, copy=False)


def polyphase_fir(x: np.ndarray, taps: np.ndarray, step: int, delay: int, count: int) -> np.ndarray:
    """out[m, p] = sum_k taps[k, p] * x[step * m + k - delay], x zero outside, for m < count: (count, phases)."""
    parts = [block.transpose(0, 2, 1).reshape(-1, taps.shape[1]) for block in _fir_blocks(x, taps, step, delay, count)]
    return np.concatenate(parts)[:count] if parts else np.zeros((0, taps.shape[1]), dtype=np.float32)


def polyphase_peak(x: np.ndarray, taps: np.ndarray, step: int, delay: int, count: int) -> float:
    """The largest absolute value of polyphase_fir(x, taps, step, delay, count), without putting it in order."""
    best = 0.0
    for block in _fir_blocks(x, taps, step, delay, count):
        best = max(best, float(block.max()), -float(block.min()))
    return best


def _fir_blocks(x: np.ndarray, taps: np.ndarray, step: int, delay: int, count: int) -> Iterator[np.ndarray]:
    """polyphase_fir's outputs in blocks shaped (rows, phases, _BLOCK), outputs past `count` set to zero.

    Each row of a matrix product holds _BLOCK consecutive outputs of every phase: a window of the input times a
    banded matrix. BLAS runs this several times faster than a strided window view or upfirdn, although most of
    the matrix is zeros."""
    length, phases = taps.shape
    span = step * (_BLOCK - 1) + length  # input samples behind one row
    rows = -(-count // _BLOCK)
    if rows <= 0:
        return
    padded = np.zeros(step * _BLOCK * (rows - 1) + span, dtype=np.float32)
    inside = x[:max(0, padded.size - delay)]
    padded[delay:delay + inside.size] = inside
    matrix = _banded(taps.astype(np.float32).tobytes(), length, phases, step)
    stride = padded.strides[0]
    for first in range(0, rows, _CHUNK_ROWS):
        n = min(_CHUNK_ROWS, rows - first)
        windows = np.lib.stride_tricks.as_strided(padded[first * step * _BLOCK:], (n, span),
                                                  (stride * step * _BLOCK, stride), writeable=False)
        block = (np.ascontiguousarray(windows) @ matrix).reshape(n, phases, _BLOCK)
        if first + n == rows:
            block[-1, :, count - (rows - 1) * _BLOCK:] = 0
        yield block


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


@lru_cache(maxsize=8)
def _decimation_taps(factor: int) -> np.ndarray:
    """resample_poly's anti-alias filter for down-sampling by `factor`, as one phase: (taps, 1)."""
    return signal.firwin(20 * factor + 1, 1 / factor, window=('kaiser', 5.0))[::-1, None].copy()


@lru_cache(maxsize=8)
def _banded(taps: bytes, length: int, phases: int, step: int) -> np.ndarray:
    """The (step * (_BLOCK - 1) + length, phases * _BLOCK) matrix behind polyphase_fir."""
    values = np.frombuffer(taps, dtype=np.float32).reshape(length, phases)
    matrix = np.zeros((step * (_BLOCK - 1) + length, phases * _BLOCK), dtype=np.float32)
    for p in range(phases):
        for j in range(_BLOCK):
            matrix[step * j:step * j + length, p * _BLOCK + j] = values[:, p]
    return matrix
