"""Waveform peaks: min/max per bucket of a decoded track, cached beside it as a compact binary the browser draws.

Format (little-endian): a 16-byte header -- magic b'LPK1', uint32 bucket count, float32 duration in seconds,
uint16 buckets per second, uint16 reserved (0) -- then one int8 (min, max) pair per bucket, scaled to +-127.
A 5-minute track is 6,000 buckets: 12 kB.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

from liab import media
from liab.audio.io import DEMUXERS, AudioError, decode

PEAKS_PER_SECOND = 20
MAGIC = b'LPK1'
HEADER = struct.Struct('<4sIfHH')
# Suffixes our folders use for formats ffmpeg knows by another of our names.
_SUFFIX_FORMATS = {'aif': 'aiff', 'oga': 'ogg', 'opus': 'ogg', 'mp4': 'm4a'}


def peaks_path(audio: Path) -> Path:
    """The cache beside `audio`; hidden, so the media route never serves it as a file of its own."""
    return audio.with_name(f'.{audio.name}.peaks')


def ensure_peaks(audio: Path) -> Path:
    """The cached peaks of `audio`, computed again when missing or when the audio changed since.

    The cache takes the audio's mtime as it was before decoding: audio replaced while we decode leaves a cache that
    no longer matches, so the next call computes it again.
    """
    cache = peaks_path(audio)
    audio_mtime = audio.stat().st_mtime_ns
    try:
        if cache.stat().st_mtime_ns == audio_mtime:
            return cache
    except FileNotFoundError:
        pass
    data = compute_peaks(audio)
    with media.atomic_path(cache) as tmp:
        tmp.write_bytes(data)
        os.utime(tmp, ns=(audio_mtime, audio_mtime))
    return cache


def compute_peaks(audio: Path) -> bytes:
    """Decode `audio` once at its own rate and reduce it to PEAKS_PER_SECOND (min, max) pairs, mixed to mono."""
    samples, rate = decode(audio, sample_rate=None, channels=None, input_format=_input_format(audio))
    return peaks_bytes(samples, rate)


def peaks_bytes(samples: np.ndarray, rate: int) -> bytes:
    """The peaks file for float samples shaped (frames,) or (frames, channels)."""
    frames = samples.reshape(len(samples), -1)
    count = -(-len(frames) * PEAKS_PER_SECOND // rate)
    lows, highs = _bucket_extremes(frames, rate, count)
    pairs = np.empty((count, 2), dtype=np.int8)
    pairs[:, 0] = _to_int8(lows)
    pairs[:, 1] = _to_int8(highs)
    header = HEADER.pack(MAGIC, count, len(frames) / rate, PEAKS_PER_SECOND, 0)
    return header + pairs.tobytes()


def read_peaks(data: bytes) -> tuple[float, int, np.ndarray]:
    """(duration seconds, buckets per second, int8 array shaped (buckets, 2)) of a peaks file; ValueError if bad."""
    if len(data) < HEADER.size:
        raise ValueError('Too short for a peaks file.')
    magic, count, duration, per_second, _ = HEADER.unpack_from(data)
    if magic != MAGIC or len(data) != HEADER.size + 2 * count:
        raise ValueError('Not a peaks file.')
    return duration, per_second, np.frombuffer(data, dtype=np.int8, offset=HEADER.size).reshape(count, 2)


def _bucket_extremes(frames: np.ndarray, rate: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-bucket min and max across all channels; a bucket is rate / PEAKS_PER_SECOND frames (maybe fractional)."""
    size, remainder = divmod(rate, PEAKS_PER_SECOND)
    if remainder == 0:  # the usual rates (44.1k, 48k): whole buckets are a reshape, the last one is padded
        full = len(frames) // size
        body = frames[: full * size].reshape(full, size * frames.shape[1])
        lows, highs = body.min(axis=1), body.max(axis=1)
        if full < count:
            tail = frames[full * size:]
            lows, highs = np.append(lows, tail.min()), np.append(highs, tail.max())
        return lows, highs
    starts = (np.arange(count, dtype=np.int64) * rate) // PEAKS_PER_SECOND
    lows = np.minimum.reduceat(frames, starts, axis=0).min(axis=1)
    highs = np.maximum.reduceat(frames, starts, axis=0).max(axis=1)
    return lows, highs


def _to_int8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values * 127.0), -127, 127).astype(np.int8)


def _input_format(audio: Path) -> str:
    # Project files may be uploads: ffmpeg is told the format instead of guessing it from the content.
    suffix = audio.suffix.lower().lstrip('.')
    name = _SUFFIX_FORMATS.get(suffix, suffix)
    if name not in DEMUXERS:
        raise AudioError(f'Waveforms are drawn for {", ".join(sorted(DEMUXERS))} files, not .{suffix}.')
    return name
