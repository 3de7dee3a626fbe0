"""Taking in audio from outside: store it under a generated name, prove its format from the bytes, decode it whole.

Security facts (REFERENCE.md): ffmpeg detects input formats by content and follows HLS playlists and ffconcat scripts
whatever they are named, so the format comes from the magic bytes here and is forced on ffmpeg with `-f` (io.py adds
`-protocol_whitelist file`, `-nostdin` and a timeout). Uploaded names can be `..`: the user's name is only shown.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import tempfile
import unicodedata
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from liab.audio import io
from liab.errors import BadInput

AUDIO_FORMATS = ('wav', 'mp3', 'aiff', 'flac', 'm4a')
SILENCE_DBFS = -80.0
MIN_DECODED_S = 0.1
MAX_DISPLAY_NAME = 120
HEAD_BYTES = 64 * 1024  # enough for two MPEG frames and an ftyp box's brand list
DAMAGED = 'That audio file is damaged or cut short.'
SILENT = 'That audio is silent.'
TOO_SLOW = 'That audio took too long to read.'

_CHUNK = 1024 * 1024
_LABELS = {'wav': 'WAV', 'mp3': 'MP3', 'aiff': 'AIFF', 'flac': 'FLAC', 'm4a': 'M4A'}
# ISO-BMFF brands that can hold sound; the decoder then decides whether there is an audio stream.
_MP4_BRANDS = {b'M4A ', b'M4B ', b'M4P ', b'mp41', b'mp42', b'isom', b'iso2', b'iso3', b'iso4', b'iso5', b'iso6',
               b'dash', b'qt  ', b'f4a ', b'f4b '}
# MPEG audio bit rates in kbit/s by (MPEG-1, layer bits: 1 = layer III, 2 = layer II) and index.
_BITRATES = {(True, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
             (False, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
             (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # MPEG-1, 2, 2.5


@dataclass(frozen=True)
class IngestedAudio:
    path: Path  # the stored file, under a generated name in dest_dir
    display_name: str  # the user's file name cleaned for display only; never a path, escape it when rendering
    format: str  # one of AUDIO_FORMATS, detected from the bytes
    duration_s: float
    sample_rate: int
    channels: int
    bit_depth: int | None
    peak_db: float  # sample peak in dBFS
    size_bytes: int


def ingest_audio(source: Path | BinaryIO, *, original_name: str, dest_dir: Path, max_bytes: int,
                 allowed: tuple[str, ...] = AUDIO_FORMATS, stem: str = 'audio', timeout_s: float = 60) -> IngestedAudio:
    """Store `source` (a path or a readable binary file) in dest_dir under a generated name, or raise BadInput.

    The format comes from the bytes, never the name; the whole file is decoded with that format forced on ffmpeg.
    On any refusal nothing is left in dest_dir.
    """
    unknown = set(allowed) - set(AUDIO_FORMATS)
    if unknown:
        raise ValueError(f'Unknown audio formats: {sorted(unknown)}')
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix='.ingest-', suffix='.part')  # hidden: never served
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, 'wb') as out:
            size = copy_capped(source, out, max_bytes)
            out.flush()
            os.fsync(out.fileno())
        audio_format, info, duration_s, peak_db = _checked(tmp, allowed, timeout_s)
        path = dest_dir / f'{_clean_stem(stem)}-{uuid.uuid4().hex[:12]}.{audio_format}'
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return IngestedAudio(path=path, display_name=_display_name(original_name), format=audio_format,
                         duration_s=duration_s, sample_rate=info.sample_rate, channels=info.channels,
                         bit_depth=info.bit_depth, peak_db=peak_db, size_bytes=size)


def sniff_format(head: bytes) -> str | None:
    """The audio format the first bytes (at least 64; HEAD_BYTES to be sure) prove, or None.

    MPEG audio without an ID3v2 tag counts only when a layer II/III frame header at the start is followed by a
    second one right after that frame, so `head` must hold two frames (up to 3 kB); whatever follows an ID3v2 tag
    is left to the forced mp3 demuxer.
    """
    tag = _id3_size(head)
    if len(head) < 12:
        found = None
    elif head[:4] in (b'RIFF', b'RF64', b'BW64') and head[8:12] == b'WAVE':
        found = 'wav'
    elif head[:4] == b'FORM' and head[8:12] in (b'AIFF', b'AIFC'):
        found = 'aiff'
    elif head[:4] == b'fLaC' or (tag and head[tag:tag + 4] == b'fLaC'):
        found = 'flac'
    elif head[4:8] == b'ftyp' and _mp4_brands(head) & _MP4_BRANDS:
        found = 'm4a'
    else:
        found = 'mp3' if tag or _mpeg_frames(head) else None
    return found


def _display_name(name: str) -> str:
    """The user's file name for display: NFC, control and format characters removed, whitespace collapsed, short."""
    kept = []
    for char in unicodedata.normalize('NFC', name):
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(' ')
        # Cf holds the bidi overrides that make 'song\u202ewav.exe' look like something else; ZWNJ/ZWJ are spelling.
        elif category in ('Cc', 'Cs') or (category == 'Cf' and char not in '\u200c\u200d'):
            continue
        else:
            kept.append(char)
    text = ' '.join(''.join(kept).split()) or 'Untitled'
    if len(text) <= MAX_DISPLAY_NAME:
        return text
    _, dot, suffix = text.rpartition('.')
    suffix = f'.{suffix}' if dot and len(suffix) <= 8 else ''
    return f'{text[:MAX_DISPLAY_NAME - len(suffix) - 1].rstrip()}…{suffix}'


def copy_capped(source: Path | BinaryIO, out: BinaryIO, max_bytes: int) -> int:
    """Copy an upload to `out`, refusing it (BadInput) beyond `max_bytes` or when empty; shared by every intake."""
    opened = open(source, 'rb') if isinstance(source, str | os.PathLike) else nullcontext(source)
    total = 0
    with opened as reader:
        # Never ask for more than one byte past the limit, so an endless stream is cut off at once.
        while chunk := reader.read(min(_CHUNK, max_bytes + 1 - total)):
            total += len(chunk)
            if total > max_bytes:
                raise BadInput(f'That file is larger than {_megabytes(max_bytes)} MB.')
            out.write(chunk)
    if total == 0:
        raise BadInput('That file is empty.')
    return total


def _checked(path: Path, allowed: tuple[str, ...], timeout_s: float) -> tuple[str, io.AudioInfo, float, float]:
    """(format, info, decoded duration, peak dBFS) of a stored upload, or BadInput saying what is wrong with it."""
    with open(path, 'rb') as handle:
        audio_format = sniff_format(handle.read(HEAD_BYTES))
    if audio_format not in allowed:
        raise BadInput(_not_audio(allowed))
    try:
        info = io.probe(path, input_format=audio_format)
    except io.AudioError as exc:
        if _timed_out(exc):
            raise BadInput(TOO_SLOW) from exc
        # A complete MP4 movie box without an audio stream is a video or an image, not a damaged file.
        complete = audio_format == 'm4a' and _mp4_has_complete_box(path, b'moov')
        raise BadInput(_not_audio(allowed) if complete else DAMAGED) from exc
    try:
        samples, rate = io.decode(path, sample_rate=info.sample_rate, channels=info.channels,
                                  input_format=audio_format, timeout_s=timeout_s)
    except io.AudioError as exc:
        raise BadInput(TOO_SLOW if _timed_out(exc) else DAMAGED) from exc
    duration_s = len(samples) / rate
    peak = max(float(samples.max()), -float(samples.min()))  # no np.abs: that would copy the whole array
    if not np.isfinite(peak) or _cut_short(path, audio_format, info, duration_s):
        raise BadInput(DAMAGED)
    peak_db = 20 * float(np.log10(peak)) if peak > 0 else float('-inf')
    if peak_db < SILENCE_DBFS:
        raise BadInput(SILENT)
    return audio_format, info, duration_s, peak_db


def _timed_out(exc: io.AudioError) -> bool:
    # NOTE: io._run raises AudioError from subprocess.TimeoutExpired when ffmpeg runs out of time.
    return isinstance(exc.__cause__, subprocess.TimeoutExpired)


def _cut_short(path: Path, audio_format: str, info: io.AudioInfo, decoded_s: float) -> bool:
    """Whether fewer seconds decoded than the header promised (a 0.1 s + 1 % margin covers codec delay)."""
    if audio_format == 'mp3' and decoded_s >= MIN_DECODED_S and not _mp3_has_length_tag(path):
        return False  # without a Xing/Info/VBRI tag ffmpeg only estimates an MP3's length from its bit rate
    # ffmpeg clamps a WAV's duration to the bytes present, so read what the header itself promised.
    promised = (_wav_promised_s(path) if audio_format == 'wav' else None) or info.duration_s
    return decoded_s < promised - (0.1 + 0.01 * promised)


def _wav_promised_s(path: Path) -> float | None:
    """The data chunk size over the byte rate of a PCM WAV, or None when the header does not say (streamed)."""
    try:
        with open(path, 'rb') as handle:
            handle.seek(12)
            byte_rate, pcm, ds64_size = 0, False, None
            for _ in range(64):
                kind, size = struct.unpack('<4sI', handle.read(8))
                body = handle.tell()
                if kind == b'ds64':  # RF64/BW64: riff size, data size, sample count as 64-bit values
                    ds64_size = struct.unpack('<QQ', handle.read(16))[1]
                elif kind == b'fmt ':
                    tag, _, _, byte_rate = struct.unpack('<HHII', handle.read(12))
                    pcm = tag in (1, 3, 0xFFFE)  # PCM, float, extensible: the byte rate is exact
                elif kind == b'data':
                    size = ds64_size if size == 0xFFFFFFFF and ds64_size else size
                    return size / byte_rate if pcm and byte_rate and size not in (0, 0xFFFFFFFF) else None
                handle.seek(body + size + size % 2)
    except struct.error:
        return None
    return None


def _mp3_has_length_tag(path: Path) -> bool:
    with open(path, 'rb') as handle:
        handle.seek(_id3_size(handle.read(10)))
        first_frame = handle.read(200)
    return any(tag in first_frame for tag in (b'Xing', b'Info', b'VBRI'))


def _mp4_has_complete_box(path: Path, kind: bytes) -> bool:
    """Whether a top-level ISO-BMFF box of this kind is present in full."""
    end = path.stat().st_size
    offset = 0
    with open(path, 'rb') as handle:
        while offset + 8 <= end:
            handle.seek(offset)
            size, box = struct.unpack('>I4s', handle.read(8))
            if size == 1:
                size = struct.unpack('>Q', handle.read(8))[0] if offset + 16 <= end else 0
            elif size == 0:
                size = end - offset
            if size < 8:
                return False
            if box == kind:
                return offset + size <= end
            offset += size
    return False


def _mp4_brands(head: bytes) -> set[bytes]:
    box_size = struct.unpack('>I', head[:4])[0]
    compatible = range(16, min(box_size, len(head)) - 3, 4)
    return {head[8:12]} | {head[start:start + 4] for start in compatible}


def _id3_size(head: bytes) -> int:
    """Bytes taken by an ID3v2 tag at the start (header, body and footer), or 0 when there is none."""
    if len(head) < 10 or head[:3] != b'ID3' or head[3] == 0xFF or any(byte >= 0x80 for byte in head[6:10]):
        return 0
    body = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    return 10 + body + (10 if head[5] & 0x10 else 0)


def _mpeg_frames(head: bytes) -> bool:
    first = _mpeg_frame(head, 0)
    if first is None:
        return False
    length, kind = first
    second = _mpeg_frame(head, length)  # None too when the head ends before it: one sync is too easily chance
    return second is not None and second[1] == kind


def _mpeg_frame(head: bytes, offset: int) -> tuple[int, tuple[int, int]] | None:
    """(frame length, (version/layer bits, sample rate index)) of a layer II/III frame header at offset, or None."""
    if offset + 4 > len(head):
        return None
    b0, b1, b2, b3 = head[offset:offset + 4]
    version, layer, bitrate_index, rate_index = (b1 >> 3) & 3, (b1 >> 1) & 3, b2 >> 4, (b2 >> 2) & 3
    if (b0 != 0xFF or b1 & 0xE0 != 0xE0 or version == 1 or layer not in (1, 2) or bitrate_index in (0, 15)
            or rate_index == 3 or b3 & 3 == 2):
        return None
    mpeg1 = version == 3
    kbps = _BITRATES[mpeg1, layer][bitrate_index]
    rate = _SAMPLE_RATES[version][rate_index]
    per_frame = 72 if layer == 1 and not mpeg1 else 144  # layer III at MPEG-2/2.5 has half the samples per frame
    return per_frame * kbps * 1000 // rate + ((b2 >> 1) & 1), (b1 & 0xFE, rate_index)


def _not_audio(allowed: tuple[str, ...]) -> str:
    labels = [_LABELS[name] for name in allowed]
    listed = labels[0] if len(labels) == 1 else f'{", ".join(labels[:-1])} or {labels[-1]}'
    return f'That file is not audio we can use ({listed}).'


def _megabytes(count: int) -> str:
    megabytes = count / (1024 * 1024)  # NOTE: settings.max_upload_bytes counts MB as MiB
    return f'{megabytes:.0f}' if megabytes >= 10 else f'{megabytes:.2g}'


def _clean_stem(stem: str) -> str:
    ascii_stem = unicodedata.normalize('NFKD', stem).encode('ascii', 'ignore').decode()
    return re.sub(r'[^A-Za-z0-9_-]+', '_', ascii_stem).strip('_-')[:40] or 'audio'
