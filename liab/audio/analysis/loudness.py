"""Integrated loudness (ITU-R BS.1770-4), true peak on a 4x oversampled signal, and sample peak.

All three take samples shaped (frames, channels) as float in [-1, 1] and return dB values; silence gives -inf.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import signal

from liab.audio.analysis import spectral

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
BLOCK_S = 0.4
STEP_S = 0.1  # 75 % overlap between 400 ms blocks
OVERSAMPLE_RATE = 192000  # true peak: oversample 4x, or less where that already reaches this rate
_CHUNK = 1 << 18  # true peak: samples per chunk (about 6 s)


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Gated integrated loudness in LUFS; -inf for silence or audio shorter than one 400 ms block."""
    x = _frames(samples)
    block = round(BLOCK_S * sample_rate)
    if x.shape[0] < block:
        return float('-inf')
    # one row per channel: sosfilt runs about twice as fast along contiguous rows
    weighted = signal.sosfilt(k_weighting(sample_rate), np.ascontiguousarray(x.T), axis=-1)
    step = STEP_S * sample_rate
    count = int(x.shape[0] // step)  # whole 100 ms steps; a partial last step belongs to no whole block
    if step == int(step):
        whole = weighted[:, :count * int(step)].reshape(x.shape[1], count, int(step))
        steps = np.einsum('cij,cij->ci', whole, whole)  # one pass, no squared copy
        bounds = np.arange(count + 1) * int(step)
    else:
        bounds = np.round(np.arange(count + 1) * step).astype(np.int64)
        steps = np.add.reduceat(np.square(weighted[:, :bounds[-1]]), bounds[:-1], axis=1)
    per_block = round(BLOCK_S / STEP_S)
    sums = np.cumsum(np.pad(steps, ((0, 0), (1, 0))), axis=1)
    lengths = bounds[per_block:] - bounds[:-per_block]
    mean_square = ((sums[:, per_block:] - sums[:, :-per_block]) / lengths).T  # (blocks, channels)
    energy = mean_square @ _channel_weights(x.shape[1])
    with np.errstate(divide='ignore'):
        levels = -0.691 + 10 * np.log10(energy)
    gated = levels > ABSOLUTE_GATE_LUFS
    if not gated.any():
        return float('-inf')
    relative_gate = -0.691 + 10 * math.log10(energy[gated].mean()) + RELATIVE_GATE_LU
    gated &= levels > relative_gate
    return float(-0.691 + 10 * math.log10(energy[gated].mean()))


def true_peak_db(samples: np.ndarray, sample_rate: int) -> float:
    """Highest absolute value of the signal interpolated with resample_poly's filter, in dBTP: 4x up to 48 kHz
    (REFERENCE.md), fewer above so that the oversampled rate is still at least 192 kHz (2x at 96 kHz)."""
    x = _frames(samples)
    factor = min(4, max(1, math.ceil(OVERSAMPLE_RATE / sample_rate)))
    if factor == 1 or x.size == 0:
        return sample_peak_db(x)
    return _db(_oversampled_peak(x.astype(np.float32, copy=False), factor))


def sample_peak_db(samples: np.ndarray) -> float:
    """Highest absolute sample value in dBFS."""
    return _db(_largest(np.asarray(samples)))


@lru_cache(maxsize=16)
def k_weighting(sample_rate: int) -> np.ndarray:
    """The two BS.1770 K-weighting biquads (high shelf, then RLB high pass) as second-order sections for any rate.

    The analog prototypes' parameters (f0, gain, Q) are the ones libebur128 fitted to the 48 kHz coefficients in
    BS.1770-4; the bilinear transform with prewarping at f0 maps them to the given rate and reproduces the
    published 48 kHz values to about 1e-8.
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1 + k / q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, high_pass])


def _channel_weights(channels: int) -> np.ndarray:
    # BS.1770 weights: 1.0 for front channels, 1.41 for surrounds, LFE left out (5.1 order L R C LFE Ls Rs).
    named = {5: [1.0, 1.0, 1.0, 1.41, 1.41], 6: [1.0, 1.0, 1.0, 0.0, 1.41, 1.41]}
    return np.array(named.get(channels, [1.0] * channels))


@lru_cache(maxsize=4)
def _polyphase(factor: int) -> tuple[np.ndarray, float, float]:
    """The filter resample_poly(x, factor, 1) uses, split into its phases but the first: (taps, factor - 1) with
    row k the tap for x[n + k]; the first phase's gain (the filter has zeros on every other multiple of `factor`,
    so that phase passes the samples through); and the largest L1 norm of the others."""
    taps = signal.firwin(2 * 10 * factor + 1, 1 / factor, window=('kaiser', 5.0)) * factor
    width = -(-len(taps) // factor)
    padded = np.zeros(width * factor)
    padded[:len(taps)] = taps
    phases = padded.reshape(width, factor)[::-1]
    through = phases[:, 0]
    assert np.abs(through).sum() - np.abs(through).max() < 1e-9, 'the first phase is not a single tap'
    others = phases[:, 1:].astype(np.float32)
    return others, float(np.abs(through).max()), float(np.abs(others).sum(axis=0).max())


def _oversampled_peak(x: np.ndarray, factor: int) -> float:
    """Peak of the interpolated signal, chunk by chunk, skipping chunks that cannot beat the best so far."""
    phases, through, gain = _polyphase(factor)
    width = phases.shape[0]
    peaks = np.array([_largest(x[i:i + _CHUNK]) for i in range(0, x.shape[0], _CHUNK)])
    # an interpolated value near a chunk's edge also depends on the neighbouring chunk's samples
    chunk_peaks = np.maximum(peaks, np.maximum(np.r_[0, peaks[:-1]], np.r_[peaks[1:], 0]))
    best = float(peaks.max()) * through  # the first phase: the samples themselves
    for index in np.argsort(chunk_peaks)[::-1]:
        if chunk_peaks[index] * gain <= best:
            break  # chunks are in falling order of sample peak; no later one can hold a higher true peak
        start = index * _CHUNK
        stop = min(x.shape[0], start + _CHUNK)
        lead = min(start, width - 1)  # every output that involves a sample of this chunk
        part = x[start - lead:min(x.shape[0], stop + width)]
        for channel in range(x.shape[1]):
            best = max(best, spectral.polyphase_peak(part[:, channel], phases, 1, width - 1 - lead,
                                                     stop - start + width - 1))
    return best


def _largest(x: np.ndarray) -> float:
    """Largest absolute value, without an array of absolute values."""
    return float(max(x.max(), -x.min())) if x.size else 0.0


def _frames(samples: np.ndarray) -> np.ndarray:
    x = np.asarray(samples)
    return x[:, None] if x.ndim == 1 else x


def _db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else float('-inf')
