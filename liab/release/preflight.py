"""The audio rows of the pre-flight check (issue 9 item 7): is the 24-bit WAV master fit to deliver?

Each check says pass, warn or fail with the reason in plain words; the numbers are REFERENCE.md's delivery specs.
Severity: a distributor's hard rule (length, silence, true and sample peak, format, clipping, tags) fails; loudness
only warns, since platforms normalise it (a louder master is turned down, a quieter one plays quieter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from liab.audio.dsp import files, meter

MIN_LENGTH_S = 30.0  # REFERENCE.md: at least 30 s
MAX_SILENCE_S = 5.0  # ... leading and trailing silence at most 5 s
SILENCE_DBFS = -60.0  # a block whose peak stays under this is silent
SILENCE_BLOCK_S = 0.01
LOUDNESS_TOLERANCE_LU = 1.0  # the mastering engine lands within 0.5 LU; off by more than 1 LU is worth a warning
SAMPLE_PEAK_DBFS = -0.3  # REFERENCE.md: one distributor's hard rule, on top of the true-peak target
RATE, BITS, CHANNELS = 44100, 24, 2
FULL_SCALE = 1 - 2 ** -15  # within one 16-bit step of digital full scale
CLIP_RUN = 3  # this many full-scale samples in a row are clipping (one alone is caught by the sample peak)
FLAT_RUN, FLAT_RUNS = 4, 10  # flat tops at the file's own peak, this long and this many: clipped, then turned down
PASS, WARN, FAIL = 'pass', 'warn', 'fail'
_SUBTYPE_BITS = {'PCM_U8': 8, 'PCM_S8': 8, 'PCM_16': 16, 'PCM_24': 24, 'PCM_32': 32, 'FLOAT': 32, 'DOUBLE': 64}


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # 'pass' | 'warn' | 'fail'
    reason: str


def audio_checks(path: Path, *, target_lufs: float, ceiling_dbtp: float) -> list[Check]:
    """Length, leading and trailing silence, loudness against the platform's `target_lufs`, true peak against
    `ceiling_dbtp`, sample peak, sample rate, bit depth, channels, clipping and embedded tags, in that order.
    Raises io.AudioError when the file cannot be read at all."""
    import soundfile

    path = Path(path)
    try:
        info = soundfile.info(str(path))
        rate, subtype, container = info.samplerate, info.subtype, info.format
    except (RuntimeError, soundfile.LibsndfileError):
        rate, subtype, container = None, None, None
    x, read_rate = files.read(path)
    measured = meter.measure(x, read_rate)
    seconds = x.shape[1] / read_rate
    lead, trail = _silences(x, read_rate)
    return [
        _length(seconds),
        _silence('Leading silence', lead, 'start'),
        _silence('Trailing silence', trail, 'end'),
        _loudness(measured.integrated, target_lufs),
        _true_peak(meter.db(measured.peak), ceiling_dbtp),
        _sample_peak(meter.db(float(measured.sample_peak.max()))),
        _rate(rate or read_rate),
        _bits(container, subtype),
        _channels(x.shape[0]),
        _clipping(x, _SUBTYPE_BITS.get(subtype or '', 16)),
        _tags(path, container),
    ]


def summary(checks: list[Check]) -> str:
    """'not ready' when any check fails, 'ready with warnings' when any warns, else 'ready'."""
    statuses = {check.status for check in checks}
    if FAIL in statuses:
        return 'not ready'
    return 'ready with warnings' if WARN in statuses else 'ready'


def _length(seconds: float) -> Check:
    if seconds < MIN_LENGTH_S:
        return Check('Length', FAIL, f'{_clock(seconds)} long: stores need at least {_clock(MIN_LENGTH_S)}.')
    return Check('Length', PASS, f'{_clock(seconds)} long.')


def _silence(name: str, seconds: float, where: str) -> Check:
    if seconds > MAX_SILENCE_S:
        return Check(name, FAIL, f'{seconds:.1f} s of silence at the {where}: at most {MAX_SILENCE_S:g} s is allowed. '
                                 f'Trim it.')
    return Check(name, PASS, f'{seconds:.1f} s of silence at the {where} (at most {MAX_SILENCE_S:g} s).')


def _loudness(lufs: float, target: float) -> Check:
    if not math.isfinite(lufs):
        return Check('Loudness', FAIL, 'The master is silent: there is no loudness to measure.')
    off = lufs - target
    level = f'{lufs:.1f} LUFS against a target of {target:g} LUFS'
    if off > LOUDNESS_TOLERANCE_LU:
        return Check('Loudness', WARN, f'{level}: {off:.1f} LU louder, so platforms will turn it down and its '
                                       f'extra loudness buys nothing but less dynamics.')
    if off < -LOUDNESS_TOLERANCE_LU:
        return Check('Loudness', WARN, f'{level}: {-off:.1f} LU quieter, so it will play quieter than other '
                                       f'tracks (platforms rarely turn a track up).')
    return Check('Loudness', PASS, f'{level}.')


def _true_peak(dbtp: float, ceiling: float) -> Check:
    if round(dbtp, 2) > ceiling:
        return Check('True peak', FAIL, f'{dbtp:.2f} dBTP, over the {ceiling:g} dBTP ceiling: it may distort when '
                                        f'the platform encodes it. Master it again with that ceiling.')
    return Check('True peak', PASS, f'{_db_text(dbtp)} dBTP, at or under the {ceiling:g} dBTP ceiling.')


def _sample_peak(dbfs: float) -> Check:
    if round(dbfs, 2) > SAMPLE_PEAK_DBFS:
        return Check('Sample peak', FAIL, f'{dbfs:.2f} dBFS, over the {SAMPLE_PEAK_DBFS:g} dBFS some distributors '
                                          f'allow.')
    return Check('Sample peak', PASS, f'{_db_text(dbfs)} dBFS, at or under {SAMPLE_PEAK_DBFS:g} dBFS.')


def _rate(rate: int) -> Check:
    if rate != RATE:
        return Check('Sample rate', FAIL, f'{rate / 1000:g} kHz: the master must be 44.1 kHz.')
    return Check('Sample rate', PASS, '44.1 kHz.')


def _bits(container: str | None, subtype: str | None) -> Check:
    if container != 'WAV':
        return Check('Bit depth', FAIL, 'Not a WAV file: the master must be a 24-bit PCM WAV.')
    bits = _SUBTYPE_BITS.get(subtype or '')
    if subtype != 'PCM_24':
        kind = f'{bits}-bit' if bits else (subtype or 'unknown')
        if subtype in ('FLOAT', 'DOUBLE'):
            kind += ' floating point'
        return Check('Bit depth', FAIL, f'{kind}: the master must be 24-bit PCM.')
    return Check('Bit depth', PASS, '24-bit PCM.')


def _channels(count: int) -> Check:
    if count != CHANNELS:
        return Check('Channels', FAIL, f'{count} channel{"s" if count != 1 else ""}: the master must be stereo.')
    return Check('Channels', PASS, 'Stereo.')


def _clipping(x: np.ndarray, bits: int) -> Check:
    """Runs of samples at full scale fail; many flat tops at the file's own peak (a clipped mix turned down
    afterwards) warn, since a limiter's smooth gain never leaves several equal samples at the peak."""
    runs = sum(_runs(np.abs(row) >= FULL_SCALE, CLIP_RUN) for row in x)
    if runs:
        return Check('Clipping', FAIL, f'{runs} run{"s" if runs != 1 else ""} of {CLIP_RUN} or more samples at full '
                                       f'scale: the master is clipped.')
    step = 2.0 ** (1 - bits)
    flat = 0
    for row in x:
        peak = float(np.abs(row).max())
        if peak > 0:
            flat += _runs(np.abs(row) >= peak - step / 2, FLAT_RUN)
    if flat >= FLAT_RUNS:
        return Check('Clipping', WARN, f'{flat} flat tops at the peak level: it looks clipped before it was turned '
                                       f'down.')
    return Check('Clipping', PASS, 'No clipped samples.')


def _tags(path: Path, container: str | None) -> Check:
    if container != 'WAV':
        return Check('Tags', FAIL, 'Not a WAV file.')
    found = sorted({chunk.strip().decode('ascii', 'replace') for chunk in wav_chunks(path)} - {'fmt', 'data', 'fact'})
    if found:
        return Check('Tags', FAIL, f'Embedded chunks {", ".join(found)}: masters are delivered without tags.')
    return Check('Tags', PASS, 'No embedded tags.')


def wav_chunks(path: Path) -> list[bytes]:
    """The ids of a RIFF/RF64 WAV's top-level chunks, in order ([] when it is not one)."""
    ids: list[bytes] = []
    with open(path, 'rb') as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] not in (b'RIFF', b'RF64') or head[8:12] != b'WAVE':
            return ids
        while len(header := handle.read(8)) == 8:
            ids.append(header[:4])
            size = int.from_bytes(header[4:], 'little')
            if header[:4] == b'data' and size == 0xFFFFFFFF:
                break  # RF64: the real size lives in ds64; nothing but data follows in practice
            handle.seek(size + (size & 1), 1)
    return ids


def _silences(x: np.ndarray, rate: int) -> tuple[float, float]:
    """Seconds of silence at the start and at the end: whole blocks whose peak over all channels stays under
    SILENCE_DBFS (all of it when nothing is louder)."""
    block = max(1, round(SILENCE_BLOCK_S * rate))
    count = -(-x.shape[1] // block)
    padded = np.zeros((x.shape[0], count * block), np.float32)
    padded[:, :x.shape[1]] = np.abs(x)
    loud = np.flatnonzero(padded.reshape(x.shape[0], count, block).max(axis=(0, 2)) >= 10 ** (SILENCE_DBFS / 20))
    total = x.shape[1] / rate
    if loud.size == 0:
        return total, total
    return loud[0] * block / rate, max(0.0, total - (loud[-1] + 1) * block / rate)


def _runs(mask: np.ndarray, length: int) -> int:
    """How many runs of True at least `length` long."""
    edges = np.diff(np.concatenate([[0], mask.view(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int(((stops - starts) >= length).sum())


def _clock(seconds: float) -> str:
    whole = math.floor(seconds + 1e-6)  # 29.6 s shows as 0:29, never as the 0:30 it falls short of
    return f'{whole // 60}:{whole % 60:02d}'


def _db_text(value: float) -> str:
    return f'{value:.2f}' if math.isfinite(value) else '-inf'
