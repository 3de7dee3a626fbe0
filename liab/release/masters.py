"""The masters in a release pack (issue 9 item 5), made from the mix stage's `mix/mixed_mastered.wav`.

REFERENCE.md's delivery specs: 44.1 kHz stereo PCM WAV, 24-bit and without tags; a 16-bit copy with TPDF dither
applied once and no tags; and an MP3 (320 kbps CBR) with ID3v2 tags and the cover. `make_masters` is a job
function (top level, paths in, paths out) and writes all three files or none.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from liab import media
from liab.audio import io
from liab.audio.dsp import files, meter
from liab.audio.dsp.report import summary
from liab.release import details

Progress = Callable[[float, str], None]

RATE = 44100  # REFERENCE.md: 24-bit / 44.1 kHz, and a 16-bit / 44.1 kHz copy
MP3_BITRATE = '320k'
MP3_CEILING_DBTP = -1.0  # REFERENCE.md (Spotify): the decoded MP3 must stay at or under -1 dBTP
MAX_COVER_BYTES = 10 * 1024 * 1024  # REFERENCE.md: covers under 10 MB
# The resampling filter: flat to 20 kHz, at least 110 dB down from the lower Nyquist frequency on (no aliasing).
PASSBAND_HZ, STOPBAND_DB = 20000.0, 110.0
_MP3_TRIES = 3
_MP3_MARGIN_DB = 0.05  # the trim for the MP3 goes this far under the ceiling: an encode is not exactly linear
_DITHER_SEED = 0x11AB  # a fixed seed: the same master gives the same 16-bit file, so pack hashes stay stable
_ISRC = re.compile(r'[A-Z]{2}[A-Z0-9]{3}[0-9]{7}')  # ASCII only: \d would take other scripts' digits
# Bidi embeddings, overrides and isolates reorder what a player shows (a title can be made to read as another);
# the marks LRM/RLM (U+200E/F) only hint direction and stay.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


@dataclass(frozen=True)
class Tags:
    """What the MP3's ID3v2 tag holds; text is cleaned in tagging (see clean_text), the ISRC normalised."""

    title: str
    artist: str
    album: str
    genre: str
    year: int | None
    isrc: str | None


def make_masters(master: Path, folder: Path, *, tags: Tags, cover_jpeg: Path | None,
                 progress: Progress | None = None, mp3_ceiling_dbtp: float = MP3_CEILING_DBTP) -> dict[str, Any]:
    """`folder`/mixed_mastered.wav (24-bit), mixed_mastered_16bit.wav (TPDF-dithered) and mixed_mastered.mp3
    (320 kbps CBR, tagged) from `master`, at 44.1 kHz stereo. All three are written to hidden temporary files
    and replace the old ones only when all three are done.

    Returns {'wav', 'wav16', 'mp3': Path, 'report': {...}}; the report holds the loudness summary of the source
    and of each file as written, the trims applied (dB, 0 when none) and plain-words notes for the artist.
    Raises ValueError for tags or a cover that cannot go into the MP3, io.AudioError for unreadable audio."""
    report_progress = progress or (lambda _f, _m: None)
    _check_tags(tags)
    cover = _cover_bytes(cover_jpeg) if cover_jpeg is not None else None
    notes: list[str] = []

    report_progress(0.0, 'Reading the master')
    x, rate = files.read(Path(master))
    if x.shape[0] == 1:
        x = np.concatenate([x, x])
    source = meter.measure(x, rate)
    y, resample_trim_db = _to_delivery_rate(x, rate, source.peak, report_progress, notes)
    q24 = _quantize_24(y)
    y = q24.astype(np.float32) / 8388608  # exactly what the 24-bit file holds: measure and encode that
    unchanged = rate == RATE and np.array_equal(x, y)  # a 24-bit 44.1 kHz master passes through bit for bit
    del x
    folder = Path(folder)
    paths = {'wav': folder / 'mixed_mastered.wav', 'wav16': folder / 'mixed_mastered_16bit.wav',
             'mp3': folder / 'mixed_mastered.mp3'}
    with ExitStack() as stack:
        temp = {key: stack.enter_context(media.atomic_path(path)) for key, path in paths.items()}
        report_progress(0.3, 'Writing the 24-bit master')
        _write_pcm(q24 << 8, temp['wav'], 'PCM_24')  # int32 samples: libsndfile keeps their top 24 bits
        # ffmpeg encodes the MP3 in its own process meanwhile: the 16-bit copy and the measuring overlap with it
        with ThreadPoolExecutor(1) as pool:
            encoding = pool.submit(io.encode_mp3, temp['wav'], temp['mp3'], bitrate=MP3_BITRATE)
            report_progress(0.35, 'Encoding the MP3; dithering the 16-bit copy')
            q16 = _dither_16(q24)
            del q24
            _write_pcm(q16, temp['wav16'], 'PCM_16')
            report_progress(0.45, 'Encoding the MP3; measuring the WAV masters')
            wav_measured = source if unchanged else meter.measure(y, RATE)
            wav16_measured = meter.measure(q16.astype(np.float32) / 32768, RATE)
            del q16
            encoding.result()
        mp3_trim_db, mp3_measured = _checked_mp3(y, temp['mp3'], ceiling_db=mp3_ceiling_dbtp, folder=folder,
                                                 progress=report_progress, notes=notes)
        report_progress(0.95, 'Tagging the MP3')
        _tag(temp['mp3'], tags, cover)
    report_progress(1.0, 'Done')
    if meter.db(wav16_measured.peak) > meter.db(wav_measured.peak) + 0.01:  # dither is about 2 LSB: 1e-4 dB
        notes.append('The 16-bit copy peaks higher than the 24-bit master after dither.')
    report = {'source': {**summary(source), 'sample_rate': rate}, 'wav': summary(wav_measured),
              'wav16': summary(wav16_measured), 'mp3': summary(mp3_measured), 'sample_rate': RATE,
              'resampled_from': rate if rate != RATE else None, 'resample_trim_db': resample_trim_db,
              'mp3_trim_db': mp3_trim_db, 'mp3_ceiling_dbtp': mp3_ceiling_dbtp, 'notes': notes}
    return {**paths, 'report': report}


def clean_text(text: str) -> str:
    """A tag value: NFC, without control characters (a NUL separates values in ID3v2.4 text frames), lone
    surrogates or bidi overrides, whitespace runs made single spaces. Emoji, RTL scripts and length stay."""
    text = unicodedata.normalize('NFC', str(text)).translate(_BIDI_CONTROLS)
    kept = ''.join(' ' if unicodedata.category(c) == 'Cc' else c for c in text if unicodedata.category(c) != 'Cs')
    return ' '.join(kept.split())


def normalize_isrc(isrc: str) -> str:
    """'us-s1z-99-00001' -> 'USS1Z9900001'; ValueError unless it is CC XXX YY NNNNN (REFERENCE.md)."""
    code = details.normalise_isrc(isrc)  # the same reading as the release form's check
    if not _ISRC.fullmatch(code):
        raise ValueError(f'The ISRC must be 12 characters like CC-XXX-YY-NNNNN, not {isrc!r}.')
    return code


# audio -----------------------------------------------------------------------------------------------------------


def _to_delivery_rate(x: np.ndarray, rate: int, ceiling: float, progress: Progress,
                      notes: list[str]) -> tuple[np.ndarray, float]:
    """44.1 kHz, with the true peak trimmed back to the source's own (`ceiling`, linear) when the new rate's
    interpolation shows a higher one. Returns (samples, trim in dB, 0 or negative)."""
    if rate == RATE:
        return x, 0.0
    progress(0.1, f'Resampling from {rate / 1000:g} kHz to 44.1 kHz')
    y = resample(x, rate, RATE)
    notes.append(f'Resampled from {rate / 1000:g} kHz to 44.1 kHz.')
    peak = meter.measure(y, RATE).peak
    if peak <= ceiling or ceiling <= 0:
        return y, 0.0
    trim_db = round(meter.db(ceiling) - meter.db(peak) - 0.005, 3)  # a hair under: 24-bit rounding can add 1 LSB
    y *= np.float32(10 ** (trim_db / 20))
    notes.append(f"Turned down {-trim_db:.2f} dB after resampling to keep the true peak at the master's "
                 f'{meter.db(ceiling):.2f} dBTP.')
    return y, trim_db


def resample(x: np.ndarray, rate: int, target: int) -> np.ndarray:
    """(channels, frames) float32 at `target`: scipy's polyphase resampler with a long Kaiser-windowed filter
    (passband to 20 kHz, STOPBAND_DB down from the lower Nyquist frequency) instead of resample_poly's default
    one (about 55 dB, -6 dB at Nyquist, so it aliases)."""
    from scipy import signal

    if rate == target:
        return x
    up, down = _ratio(rate, target)
    return signal.resample_poly(x, up, down, axis=-1, window=_filter(rate, target)).astype(np.float32, copy=False)


@lru_cache(maxsize=4)
def _filter(rate: int, target: int) -> np.ndarray:
    from scipy import signal

    up, _ = _ratio(rate, target)
    nyquist = min(rate, target) / 2
    passband = min(PASSBAND_HZ, 0.9 * nyquist)
    width = (nyquist - passband) / (rate * up)  # of the upsampled rate
    taps = signal.kaiserord(STOPBAND_DB, 2 * width)[0] | 1
    beta = signal.kaiser_beta(STOPBAND_DB)
    h = signal.firwin(taps, (passband + nyquist) / 2, window=('kaiser', beta), fs=rate * up)  # resample_poly: x up
    return h.astype(np.float32)  # float32 taps keep upfirdn in float32: twice as fast, 1e-7 error (24 bits)


def _ratio(rate: int, target: int) -> tuple[int, int]:
    common = math.gcd(rate, target)
    return target // common, rate // common


def _quantize_24(y: np.ndarray) -> np.ndarray:
    """Round to 24-bit integers (no dither: the rounding error is at -144 dBFS), int32, (channels, frames)."""
    return np.clip(np.rint(y * np.float32(8388608)), -8388608, 8388607).astype(np.int32)


def _dither_16(q24: np.ndarray) -> np.ndarray:
    """The 24-bit values to 16 bits with TPDF dither (the sum of two independent uniform values of one 16-bit
    step each: +-1 LSB, triangular), applied once, without noise shaping. Seeded, so repeatable."""
    rng = np.random.default_rng(_DITHER_SEED)
    noise = rng.random(q24.shape, dtype=np.float32)
    noise -= rng.random(q24.shape, dtype=np.float32)
    noise += q24.astype(np.float32) * np.float32(1 / 256)  # exact: 16 integer and 8 fraction bits fit float32
    return np.clip(np.rint(noise), -32768, 32767).astype(np.int16)


def _write_pcm(q: np.ndarray, path: Path, subtype: str) -> None:
    """Integers straight into a WAV with only 'fmt ' and 'data' chunks (libsndfile adds no LIST or PEAK chunks
    for integer PCM); writing integers rather than floats keeps libsndfile's own rounding out of it."""
    import soundfile

    soundfile.write(str(path), np.ascontiguousarray(q.T), RATE, subtype=subtype, format='WAV')


def _checked_mp3(y: np.ndarray, mp3: Path, *, ceiling_db: float, folder: Path, progress: Progress,
                 notes: list[str]) -> tuple[float, meter.Measurement]:
    """Decode the MP3 encoded from the 24-bit master and measure it; while its true peak is over `ceiling_db`
    (lossy coding moves peaks), encode again from a copy of `y` turned down by the overshoot, up to _MP3_TRIES
    encodes in all. Returns (trim in dB, 0 or negative; the measure of the MP3 as it is)."""
    trim_db = 0.0
    for attempt in range(_MP3_TRIES):
        if attempt:
            progress(0.6 + 0.1 * attempt, 'Encoding the MP3 a little quieter')
            fd, name = tempfile.mkstemp(dir=folder, prefix='.mp3-source.', suffix='.part.wav')
            os.close(fd)
            try:
                _write_pcm(_quantize_24(y * np.float32(10 ** (trim_db / 20))) << 8, Path(name), 'PCM_24')
                io.encode_mp3(Path(name), mp3, bitrate=MP3_BITRATE)
            finally:
                Path(name).unlink(missing_ok=True)
        progress(0.65 + 0.1 * attempt, "Checking the MP3's true peak")
        decoded, _ = io.decode(mp3, sample_rate=RATE, channels=2, input_format='mp3')
        measured = meter.measure(np.ascontiguousarray(decoded.T), RATE)
        over = meter.db(measured.peak) - ceiling_db
        if over <= 0:
            break
        if attempt == _MP3_TRIES - 1:
            notes.append(f"The MP3's true peak is {meter.db(measured.peak):.2f} dBTP, over the {ceiling_db:g} dBTP "
                         f'ceiling, even turned down {-trim_db:.2f} dB.')
            return trim_db, measured
        trim_db = round(trim_db - over - _MP3_MARGIN_DB, 2)
    if trim_db:
        notes.append(f'The MP3 is {-trim_db:.2f} dB quieter than the WAV masters: encoded at full level its true '
                     f'peak went over {ceiling_db:g} dBTP, as lossy coding raises peaks.')
    return trim_db, measured


# tags ------------------------------------------------------------------------------------------------------------


def _tag(mp3: Path, tags: Tags, cover: bytes | None) -> None:
    """Replace whatever tag ffmpeg wrote with ours: ID3v2.4, UTF-8 text frames."""
    from mutagen.id3 import APIC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TSRC

    tag = ID3()
    for frame, value in ((TIT2, tags.title), (TPE1, tags.artist), (TALB, tags.album), (TCON, tags.genre)):
        text = clean_text(value)
        if text:
            tag.add(frame(encoding=3, text=[text]))
    if tags.year is not None:
        tag.add(TDRC(encoding=3, text=[str(tags.year)]))
    if tags.isrc:
        tag.add(TSRC(encoding=3, text=[normalize_isrc(tags.isrc)]))
    if cover is not None:
        tag.add(APIC(encoding=3, mime='image/jpeg', type=3, desc='Cover', data=cover))
    tag.save(str(mp3), v2_version=4)  # replaces the ID3v2 tag at the file's start; the audio frames stay


def _check_tags(tags: Tags) -> None:
    """Fail before any work on tags that cannot be written."""
    for name in ('title', 'artist', 'album', 'genre'):
        if not isinstance(getattr(tags, name), str):
            raise ValueError(f'The {name} must be text.')
    if tags.year is not None and (isinstance(tags.year, bool) or not isinstance(tags.year, int)
                                  or not 1000 <= tags.year <= 9999):
        raise ValueError(f'The year must be a four-digit number, not {tags.year!r}.')
    if tags.isrc:
        normalize_isrc(tags.isrc)


def _cover_bytes(path: Path) -> bytes:
    data = Path(path).read_bytes()
    if len(data) > MAX_COVER_BYTES:
        raise ValueError('The cover is over 10 MB: embed the 1500 px one.')
    if not data.startswith(b'\xff\xd8\xff'):
        raise ValueError('The cover to embed is not a JPEG.')
    return data
