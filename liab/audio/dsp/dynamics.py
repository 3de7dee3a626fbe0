"""Compressor and limiters. Levels are followed per block of BLOCK frames (0.7 ms at 44.1 kHz) with whole-array
operations (no Python loop over samples), and the resulting gain is interpolated back to every frame.

- release: the gain reduction of each block decays exponentially (a running maximum of logarithms);
- attack: a lookahead ramp over the attack time, down before the peak arrives (we have the whole file, so the
  compressor catches the transients a real-time one lets through, and the crest factor falls);
- the limiter's gain at a block is never above what that block and its neighbours need, so with the gain
  interpolated between block centres no frame passes the ceiling.
"""

from __future__ import annotations

import math

import numpy as np

from .meter import BLOCK

LIMITER_ATTACK_MS = 1.5
LIMITER_RELEASE_MS = 80.0


def chain_compressor(x: np.ndarray, rate: int, amount: float) -> tuple[np.ndarray, dict[str, float]]:
    """The chain's compression control: threshold from 3 to 15 dB under the track's loud level (the 95th
    percentile of its block peaks, so the control acts alike on quiet and loud inputs), ratio 1.5:1 to 4:1,
    attack 10 ms and release 200 ms as in the spec's compand; level made up by the average reduction."""
    return compress(x, rate, threshold_db=-3 - 12 * amount, ratio=1.5 + 2.5 * amount, attack_ms=10.0,
                    release_ms=200.0)


def compress(x: np.ndarray, rate: int, **settings: float) -> tuple[np.ndarray, dict[str, float]]:
    """compressor_gain applied in place to x (channels, frames) float32."""
    gain, info = compressor_gain(x, rate, **settings)
    x *= to_frames(gain, x.shape[1])
    return x, info


def compressor_gain(x: np.ndarray, rate: int, *, threshold_db: float, ratio: float, attack_ms: float,
                    release_ms: float, knee_db: float = 6.0) -> tuple[np.ndarray, dict[str, float]]:
    """Per-block gain of a stereo-linked peak compressor with a soft knee, `threshold_db` relative to the loud
    level (see above), level made up by the average reduction; and its largest and average reduction in dB."""
    level = _db(block_peaks(x))
    active = level > level.max() - 60
    if not active.any():
        return np.ones(level.size), {'max_reduction_db': 0.0, 'average_reduction_db': 0.0}
    over = level - (float(np.percentile(level[active], 95)) + threshold_db)
    slope = 1 - 1 / ratio
    reduction = np.where(over >= knee_db / 2, slope * over,
                         np.where(over <= -knee_db / 2, 0.0, slope * (over + knee_db / 2) ** 2 / (2 * knee_db)))
    reduction = release(reduction, _blocks(release_ms, rate))
    gain = lookahead(10 ** (-reduction / 20), max(1, round(_blocks(attack_ms, rate))))
    reduction = -20 * np.log10(gain)
    average = float(reduction[active].mean())
    return gain * 10 ** (average / 20), {'max_reduction_db': round(float(reduction.max()), 2),
                                         'average_reduction_db': round(average, 2)}


def chain_limiter(x: np.ndarray, rate: int, amount: float) -> tuple[np.ndarray, dict[str, float]]:
    """The chain's limiter control: peaks within 6 dB x amount of the loudest are held down to that level, then
    the whole is raised by the same amount, so the loudest peak stays where it was and the track gets denser
    (alimiter's level=1). Sample peaks only: the master's limiter is the one that watches true peaks."""
    peaks = block_peaks(x)
    loudest = float(peaks.max())
    if loudest <= 0 or amount <= 0:
        return x, {'max_reduction_db': 0.0}
    threshold = loudest * 10 ** (-6 * amount / 20)
    gain = limiter_gain(np.maximum(0.0, _db(peaks) - 20 * math.log10(threshold)), rate)
    x *= to_frames(gain * (loudest / threshold), x.shape[1])
    return x, {'max_reduction_db': round(-20 * math.log10(float(gain.min())), 2)}


def limiter_gain(need_db: np.ndarray, rate: int, *, attack_ms: float = LIMITER_ATTACK_MS,
                 release_ms: float = LIMITER_RELEASE_MS) -> np.ndarray:
    """Per-block gain (linear) that takes at least `need_db` (>= 0) off every block and its neighbours, ramps
    down over `attack_ms` before a peak (lookahead) and recovers exponentially (in dB) over `release_ms`."""
    held = np.maximum(need_db, np.maximum(np.r_[need_db[1:], need_db[-1]], np.r_[need_db[0], need_db[:-1]]))
    reduction = release(held, _blocks(release_ms, rate))
    return lookahead(10 ** (-reduction / 20), max(1, math.ceil(_blocks(attack_ms, rate))))


def block_peaks(x: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Largest absolute value per block of `block` frames, over all channels of x (channels, frames) or (frames,)."""
    rows = x.reshape(-1, x.shape[-1])
    frames = rows.shape[1]
    whole = frames - frames % block
    loudest = np.abs(rows[0, :whole])
    for row in rows[1:]:
        np.maximum(loudest, np.abs(row[:whole]), out=loudest)  # twice as fast as max and min over the blocks
    peaks = loudest.reshape(-1, block).max(axis=1)
    if whole < frames:
        peaks = np.append(peaks, np.abs(rows[:, whole:]).max())
    return peaks


def release(reduction: np.ndarray, tau_blocks: float) -> np.ndarray:
    """out[j] = max over k <= j of reduction[k] * exp(-(j - k) / tau): a peak hold with exponential decay, as a
    running maximum of logarithms (reduction >= 0)."""
    ramp = np.arange(reduction.size) / max(tau_blocks, 1e-3)
    with np.errstate(divide='ignore'):
        logs = np.log(np.asarray(reduction, np.float64)) + ramp
    return np.exp(np.maximum.accumulate(logs) - ramp)


def lookahead(gain: np.ndarray, blocks: int) -> np.ndarray:
    """A moving average of a forward-looking minimum, both `blocks` long: the gain is down before each dip,
    changes in straight ramps, and is never above the input at any block."""
    if blocks <= 1:
        return gain
    ahead = np.lib.stride_tricks.sliding_window_view(np.r_[gain, np.full(blocks - 1, gain[-1])], blocks)
    smallest = ahead.min(axis=1)
    sums = np.cumsum(np.r_[np.full(blocks, smallest[0]), smallest])
    return (sums[blocks:] - sums[:-blocks]) / blocks


def to_frames(gain: np.ndarray, frames: int, block: int = BLOCK) -> np.ndarray:
    """Per-frame gain (float32), linear between block centres: every frame of a block gets a mix of that block's
    gain and a neighbour's."""
    g = np.asarray(gain, np.float32)
    step = (np.arange(block, dtype=np.float32) - (block - 1) / 2) / block
    half = block // 2
    out = np.empty((g.size, block), np.float32)
    np.multiply((np.r_[g[1:], g[-1]] - g)[:, None], step[half:], out=out[:, half:])
    np.multiply((g - np.r_[g[0], g[:-1]])[:, None], step[:half], out=out[:, :half])
    out += g[:, None]
    return out.reshape(-1)[:frames]


def crest_db(x: np.ndarray) -> float:
    """Peak over RMS in dB of the whole signal (all channels)."""
    rms = math.sqrt(float(np.mean(np.square(x, dtype=np.float64))))
    peak = float(np.abs(x).max())
    return 20 * math.log10(peak / rms) if rms > 0 else 0.0


def _blocks(ms: float, rate: int) -> float:
    return ms * rate / 1000 / BLOCK


def _db(values: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.maximum(values, 1e-9))
