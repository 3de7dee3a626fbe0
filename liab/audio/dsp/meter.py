"""Measuring for the mastering loop: per-block true and sample peaks, K-weighted energies, integrated loudness
(ITU-R BS.1770-4) and loudness range (EBU Tech 3342), from one pass of each kind over the signal.

The limiter and the loudness loop work on blocks of BLOCK frames (0.7 ms at 44.1 kHz): gains change smoothly at
that scale, so the per-block measures of the input, scaled by the block's gain, predict the output's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import signal

from liab.audio.analysis.loudness import k_weighting

BLOCK = 32
OVERSAMPLE_RATE = 192000  # true peak: 4x up to 48 kHz, 2x at 96 kHz (as liab.audio.analysis.loudness does)
HALF_TAPS = 10  # resample_poly's default interpolation filter: 10 input samples each side, Kaiser beta 5
# the fine interpolator: as ffmpeg's swr upsamples by default (32 taps, Kaiser beta 9, cutoff at the input's Nyquist)
FINE_HALF_TAPS, FINE_CUTOFF, FINE_BETA = 16, 1.0, 9.0
STEP_S = 0.1  # loudness is summed per 100 ms step; BS.1770 blocks are 4 steps, Tech 3342 short-term windows 30
ABSOLUTE_GATE = -70.0
# OpenBLAS spreads a matrix product over threads above about 262144 multiply-adds; on a busy machine that costs
# 3 to 50 times the CPU for the same result, so the true-peak products stay under it.
_SINGLE_THREAD_MACS = 250_000


@dataclass
class Measurement:
    """Per-block measures of a (channels, frames) signal; `energy` is the K-weighted power summed over channels."""

    rate: int
    frames: int
    channels: int
    true_peak: np.ndarray  # per block, linear, over all channels
    sample_peak: np.ndarray
    fine_peak: np.ndarray  # oversampled twice as finely (see peak_blocks), where measured; else the true peak
    energy: np.ndarray  # per block, sum of squares
    steps: np.ndarray  # per 100 ms step, sum of squares (exact step bounds)
    step_lengths: np.ndarray

    @property
    def integrated(self) -> float:
        return integrated_loudness(self.steps, self.step_lengths)

    @property
    def lra(self) -> float:
        return loudness_range(self.steps, self.step_lengths)

    @property
    def peak(self) -> float:
        return float(self.true_peak.max()) if self.true_peak.size else 0.0

    def scaled(self, gain: float) -> Measurement:
        """The measurement of the same signal times a constant `gain` (every measure here scales exactly)."""
        power = gain * gain
        return Measurement(self.rate, self.frames, self.channels, self.true_peak * np.float32(gain),
                           self.sample_peak * np.float32(gain), self.fine_peak * np.float32(gain),
                           self.energy * power, self.steps * power, self.step_lengths)


def measure(x: np.ndarray, rate: int, *, peaks: bool = True, only: np.ndarray | None = None,
            fine: bool = False) -> Measurement:
    """K-weighted energies and (unless `peaks` is False) per-block peaks; `only` and `fine` as in peak_blocks."""
    energy, steps, lengths = k_energies(x, rate)
    if peaks:
        true, sample, finest = peak_blocks(x, rate, only=only, fine=fine)
    else:
        true = sample = finest = np.zeros(0, np.float32)
    return Measurement(rate, x.shape[1], x.shape[0], true, sample, finest, energy, steps, lengths)


def k_energies(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """K-weighted squares summed over channels (BS.1770 weights 1 for mono and stereo): per BLOCK frames, and per
    100 ms step with the step bounds BS.1770 uses (whole steps only) and each step's length in frames."""
    weighted = signal.sosfilt(k_weighting(rate).astype(np.float32), x, axis=-1)
    np.square(weighted, out=weighted)
    power = weighted[0]
    for row in weighted[1:]:
        power += row
    frames = power.size
    whole = frames - frames % BLOCK
    energy = power[:whole].reshape(-1, BLOCK).sum(axis=1).astype(np.float64)  # float32 sums: 1e-7 relative
    if whole < frames:
        energy = np.append(energy, float(power[whole:].sum()))
    step = STEP_S * rate
    count = int(frames // step)
    if count == 0:
        return energy, np.zeros(0), np.zeros(0)
    if step == int(step):
        steps = power[:count * int(step)].reshape(count, int(step)).sum(axis=1).astype(np.float64)
        return energy, steps, np.full(count, step)
    bounds = np.round(np.arange(count + 1) * step).astype(np.int64)
    steps = np.add.reduceat(power[:bounds[-1]], bounds[:-1]).astype(np.float64)
    return energy, steps, np.diff(bounds).astype(np.float64)


def integrated_loudness(steps: np.ndarray, lengths: np.ndarray) -> float:
    """BS.1770-4 gated loudness from 100 ms step energies: 400 ms blocks with 75 % overlap, absolute gate at
    -70 LUFS, relative gate 10 LU below; -inf when nothing passes (silence, or under 400 ms)."""
    levels, energy = _windows(steps, lengths, 4)
    gated = levels > ABSOLUTE_GATE
    if not gated.any():
        return float('-inf')
    relative = -0.691 + 10 * math.log10(energy[gated].mean()) - 10
    gated &= levels > relative
    return float(-0.691 + 10 * math.log10(energy[gated].mean()))


def loudness_range(steps: np.ndarray, lengths: np.ndarray) -> float:
    """EBU Tech 3342 loudness range: the 10th to 95th percentile spread of 3 s short-term loudness (10 per second),
    after an absolute gate at -70 LUFS and a relative one 20 LU under their mean power; 0 when too short."""
    levels, energy = _windows(steps, lengths, 30)
    gated = levels > ABSOLUTE_GATE
    if gated.sum() < 2:
        return 0.0
    relative = -0.691 + 10 * math.log10(energy[gated].mean()) - 20
    kept = levels[gated & (levels > relative)]
    low, high = np.percentile(kept, [10, 95])
    return float(high - low)


def peak_blocks(x: np.ndarray, rate: int, block: int = BLOCK, *, only: np.ndarray | None = None,
                fine: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block of `block` frames, over all channels: the true peak, the sample peak, and when `fine` the fine
    peak (else the true peak again). With `only` (a mask of blocks), the oversampled values are computed for those
    blocks and the others get their sample peak.

    True peak: the signal oversampled with resample_poly's filter, 4x up to 48 kHz (so that the oversampled rate
    reaches 192 kHz), the same values as liab.audio.analysis.loudness.true_peak_db's; what the reports show.
    Fine peak: what the limiter holds under the ceiling. A 4x reading can be 0.5 dB under the waveform's real
    peak (a peak between two points, 1 - cos(pi f / 4 fs) low for content at f), and resample_poly's gentle filter
    dulls content near Nyquist that a sharper meter keeps: ffmpeg's ebur128 (swr to 192 kHz) read up to 0.16 dB
    above it on a master of ours. So: an interpolator like swr's, at twice the oversampling.

    Each block's interpolated values come from one row of a matrix product: a window of the input times a banded
    matrix of the filter's phases (BLAS does this several times faster than upfirdn or resample_poly)."""
    channels, frames = x.shape
    count = -(-frames // block)
    matrix, standard, lead = _interpolator(rate, block, fine)
    span = matrix.shape[0]
    true = np.zeros(count, np.float32)
    finest = np.zeros(count, np.float32) if fine else true
    sample = np.zeros(count, np.float32)
    padded = np.zeros(count * block + span, np.float32)
    chosen = np.flatnonzero(only) if only is not None else None
    for channel in range(channels):
        padded[lead:lead + frames] = x[channel]
        if matrix.shape[1]:
            windows = np.lib.stride_tricks.as_strided(padded, (count, span), (padded.strides[0] * block,
                                                                              padded.strides[0]), writeable=False)
            _interpolated_peaks(windows, matrix, standard=standard, true=true, finest=finest, chosen=chosen)
        body = padded[lead:lead + count * block]
        np.abs(body, out=body)
        np.maximum(sample, body.reshape(count, block).max(axis=1), out=sample)
        padded[lead:lead + frames] = 0
    np.maximum(true, sample, out=true)
    if fine:
        np.maximum(finest, true, out=finest)
    return true, sample, finest


def standard_factor(rate: int) -> int:
    return min(4, max(1, math.ceil(OVERSAMPLE_RATE / rate)))


def _interpolated_peaks(windows: np.ndarray, matrix: np.ndarray, *, standard: int, true: np.ndarray,
                        finest: np.ndarray, chosen: np.ndarray | None, group: int = 2048) -> None:
    """true[row] = max(true[row], largest |windows[row] @ matrix[:, :standard]|), and the same over the other
    columns into finest, for every row (or the chosen ones), a group of rows at a time; the products themselves
    stay small enough for OpenBLAS to run them on one thread."""
    rows = max(1, _SINGLE_THREAD_MACS // (windows.shape[1] * matrix.shape[1]))
    buffer = np.empty((group, matrix.shape[1]), np.float32)
    total = windows.shape[0] if chosen is None else chosen.size
    for first in range(0, total, group):
        if chosen is None:
            picked = slice(first, min(total, first + group))
            part = np.ascontiguousarray(windows[picked])
        else:
            picked = chosen[first:first + group]
            part = windows[picked]  # fancy indexing copies into a contiguous array
        n = part.shape[0]
        for start in range(0, n, rows):
            np.matmul(part[start:start + rows], matrix, out=buffer[start:min(n, start + rows)])
        product = np.abs(buffer[:n], out=buffer[:n])
        if standard:
            true[picked] = np.maximum(true[picked], product[:, :standard].max(axis=1))
        if finest is not true:
            finest[picked] = np.maximum(finest[picked], product[:, standard:].max(axis=1))


@lru_cache(maxsize=16)
def _interpolator(rate: int, block: int, fine: bool) -> tuple[np.ndarray, int, int]:
    """A banded matrix (span, columns), the number of its columns that give the true peak's phases (the rest give
    the fine peak's), and how many frames before the block its window starts.

    Column group g holds the taps that give the block's outputs at one phase (phase/factor of a sample after each
    frame): y[factor * n + phase] = sum over m of h[centre + phase - factor * m] * x[n + m]."""
    factor = standard_factor(rate)
    groups = _phases(factor, HALF_TAPS, 1.0, 5.0, range(1, factor))
    standard = len(groups) * block
    if fine:
        groups += _phases(2 * factor, FINE_HALF_TAPS, FINE_CUTOFF, FINE_BETA, range(2 * factor))
    offsets = [m for taps, _ in groups for m in taps] or [0]
    lead, trail = max(0, -min(offsets)), max(0, *offsets)
    matrix = np.zeros((block + lead + trail, len(groups) * block), np.float32)
    columns = np.arange(block)
    for group, (taps, _) in enumerate(groups):
        for m, tap in taps.items():
            matrix[columns + m + lead, group * block + columns] = tap
    return matrix, standard, lead


def _phases(factor: int, half: int, cutoff: float, beta: float,
            phases: range) -> list[tuple[dict[int, float], int]]:
    """For each phase: {input offset m: tap} of a Kaiser-windowed sinc interpolator `half` input frames each side,
    cutoff relative to the input's Nyquist (resample_poly's design at cutoff 1, beta 5)."""
    taps = signal.firwin(2 * half * factor + 1, cutoff / factor, window=('kaiser', beta)) * factor
    centre = half * factor
    out = []
    for phase in phases:
        out.append(({m: float(taps[centre + phase - factor * m]) for m in range(-half - 1, half + 2)
                     if 0 <= centre + phase - factor * m <= 2 * centre}, phase))
    return out


def _windows(steps: np.ndarray, lengths: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Loudness (LUFS) and mean-square energy of every window of `size` consecutive steps."""
    if steps.size < size:
        return np.zeros(0), np.zeros(0)
    sums = np.cumsum(np.concatenate([[0.0], steps]))
    frames = np.cumsum(np.concatenate([[0.0], lengths]))
    energy = (sums[size:] - sums[:-size]) / (frames[size:] - frames[:-size])
    with np.errstate(divide='ignore'):
        levels = -0.691 + 10 * np.log10(energy)
    return levels, energy


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else float('-inf')
