"""Reading project audio into (channels, frames) float32 arrays, bringing it to a delivery rate, writing the result."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from liab.audio import io

MIN_RATE = 44100  # delivery masters are 44.1 kHz or more (REFERENCE.md); lower rates are resampled up to this
_FORMATS = {'aif': 'aiff', 'aifc': 'aiff', 'mp4': 'm4a', 'aac': 'm4a', 'oga': 'ogg', 'opus': 'ogg'}


def read(path: Path) -> tuple[np.ndarray, int]:
    """Samples shaped (channels, frames), float32, at the file's own rate; more than two channels are mixed down to
    stereo by ffmpeg. The format comes from the suffix (project files are stored under their checked format's
    name); WAV is read by soundfile, about 3x faster than a pipe from ffmpeg, anything else by io.decode.
    Raises io.AudioError when the file cannot be read, ValueError for an unknown suffix."""
    path = Path(path)
    kind = path.suffix.lower().lstrip('.')
    kind = _FORMATS.get(kind, kind)
    if kind not in io.DEMUXERS:
        raise ValueError(f'Cannot mix a .{kind} file: use WAV, MP3, AIFF, FLAC, M4A or OGG.')
    data = rate = None
    if kind == 'wav':
        import soundfile

        try:
            data, rate = soundfile.read(str(path), dtype='float32', always_2d=True)
        except (RuntimeError, soundfile.LibsndfileError):
            data = None  # WAV flavours libsndfile does not know (rare): let ffmpeg try
    if data is None or data.shape[1] > 2:
        channels = None if data is None else 2
        data, rate = io.decode(path, sample_rate=None, channels=channels, input_format=kind)
        if data.shape[1] > 2:
            data, rate = io.decode(path, sample_rate=rate, channels=2, input_format=kind)
    if data.shape[0] == 0:
        raise io.AudioError('The file holds no audio samples.')
    if not np.isfinite(data).all():  # only float WAVs can hold these
        raise io.AudioError('The file holds damaged samples (not numbers).')
    return np.ascontiguousarray(data.T), int(rate)


def deliverable(x: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """Stereo (a mono signal on both sides) at `rate`, or at 44.1 kHz when `rate` is lower."""
    if rate < MIN_RATE:
        from scipy import signal

        common = math.gcd(rate, MIN_RATE)
        x = signal.resample_poly(x, MIN_RATE // common, rate // common, axis=-1).astype(np.float32)
        rate = MIN_RATE
    if x.shape[0] == 1:
        x = np.concatenate([x, x])
    return np.ascontiguousarray(x, dtype=np.float32), rate


def resample(x: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return x
    from scipy import signal

    common = math.gcd(rate, target)
    return signal.resample_poly(x, target // common, rate // common, axis=-1).astype(np.float32)


def write(x: np.ndarray, rate: int, path: Path) -> Path:
    """24-bit PCM WAV without tags (REFERENCE.md's master format). Removes a partly written file on failure."""
    try:
        return io.write_wav(np.ascontiguousarray(x.T), rate, Path(path), bits=24)  # clip is 4x faster on rows
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
