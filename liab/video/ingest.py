"""Taking in a video from outside: store it under a generated name, prove its format from the bytes, decode it whole,
and extract its sound as a 16 kHz mono WAV for transcription.

Security facts (REFERENCE.md): ffmpeg detects input formats by content and follows HLS playlists and ffconcat scripts
whatever they are named, so the format comes from the magic bytes here (ISO-BMFF `ftyp` brands, the EBML header's
DocType) and is forced on ffmpeg with `-f`, with `-protocol_whitelist file`, `-nostdin` and a timeout; movie data
references to other files stay off. Uploaded names can be `..`: the user's name is only shown.
"""

from __future__ import annotations

import os
import struct
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# NOTE: the capped copy, the display name and the stem cleaning are shared with audio intake (liab/audio/ingest.py).
from liab.audio.ingest import _clean_stem, _display_name, copy_capped
from liab.errors import BadInput
from liab.video import _ffmpeg

VIDEO_FORMATS = ('mp4', 'mov', 'webm')
HEAD_BYTES = 4096  # an ftyp box's brand list or an EBML header fits easily
MAX_DIMENSION = 4096  # px on either side (4K DCI); a larger frame is not a phone or camera clip
MAX_DURATION_S = 15 * 60.0
MIN_DURATION_S = 0.5
MAX_FPS = 240.0
TRANSCRIBE_RATE = 16000  # the sample rate PocketSphinx's en-US model and Whisper work at

NOT_VIDEO = 'That file is not a video we can use (MP4, MOV or WebM).'
NO_PICTURE = 'That file has no moving picture in it: upload a video (MP4, MOV or WebM).'
DAMAGED = 'That video file is damaged or cut short.'
TOO_SLOW = 'That video took too long to read: try a shorter or smaller clip.'
TOO_SHORT = 'That video is too short to use (under half a second).'

# ISO-BMFF brands of movies; the decoder then decides whether there is a picture in them.
_MP4_BRANDS = {b'isom', b'iso2', b'iso3', b'iso4', b'iso5', b'iso6', b'iso8', b'mp41', b'mp42', b'avc1', b'hvc1',
               b'dash', b'M4V ', b'M4VH', b'M4VP', b'MSNV', b'mmp4', b'3gp4', b'3gp5', b'3gp6', b'3g2a'}
_QUICKTIME = b'qt  '
_EBML = b'\x1a\x45\xdf\xa3'
_DOCTYPE = 0x4282


@dataclass(frozen=True)
class IngestedVideo:
    path: Path  # the stored file, under a generated name in dest_dir
    display_name: str  # the user's file name cleaned for display only; never a path, escape it when rendering
    format: str  # one of VIDEO_FORMATS, detected from the bytes
    duration_s: float  # as decoded, not as the container claims
    fps: float
    width: int  # as displayed (a phone's portrait clip stored sideways with a rotation counts as portrait)
    height: int
    has_audio: bool
    size_bytes: int
    audio_path: Path | None  # `{stem}_audio.wav` beside `path`: 16 kHz mono 16-bit PCM; None without sound


def ingest_video(source: Path | BinaryIO, *, original_name: str, dest_dir: Path, max_bytes: int,
                 timeout_s: float = 120, max_duration_s: float = MAX_DURATION_S, stem: str = 'video') -> IngestedVideo:
    """Store `source` (a path or a readable binary file) in dest_dir under a generated name, or raise BadInput.

    The format comes from the bytes, never the name; the whole file is decoded with that format forced on ffmpeg,
    within `timeout_s`, and its first audio stream is written beside it as a 16 kHz mono WAV in the same pass.
    Refused: anything over `max_bytes`, empty, not MP4/MOV/WebM, without a moving picture, damaged or cut short,
    frames over MAX_DIMENSION px, shorter than MIN_DURATION_S or longer than `max_duration_s`.
    On any refusal nothing is left in dest_dir.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix='.ingest-', suffix='.part')  # hidden: never served
    tmp = Path(tmp_name)
    tmp_audio = tmp.with_name(f'{tmp.stem}-audio.part')
    path = audio_path = None
    try:
        with os.fdopen(fd, 'wb') as out:
            size = copy_capped(source, out, max_bytes)
            out.flush()
            os.fsync(out.fileno())
        video_format, picture, has_audio, claimed_s = _checked_header(tmp, timeout_s, max_duration_s)
        duration_s, fps = _decoded(tmp, video_format, picture, claimed_s, audio_out=tmp_audio if has_audio else None,
                                   timeout_s=timeout_s)
        name = f'{_clean_stem(stem)}-{uuid.uuid4().hex[:12]}'
        path = dest_dir / f'{name}.{video_format}'
        if has_audio:
            audio_path = dest_dir / f'{name}_audio.wav'
            os.replace(tmp_audio, audio_path)
        os.replace(tmp, path)
    except BaseException:
        if audio_path is not None and path is not None and not path.exists():
            audio_path.unlink(missing_ok=True)  # the video never arrived: its sound must not stay alone
        raise
    finally:
        tmp.unlink(missing_ok=True)
        tmp_audio.unlink(missing_ok=True)
    return IngestedVideo(path=path, display_name=_display_name(original_name), format=video_format,
                         duration_s=duration_s, fps=fps, width=picture.width, height=picture.height,
                         has_audio=has_audio, size_bytes=size, audio_path=audio_path)


def sniff_video(head: bytes) -> str | None:
    """The video format the first bytes (HEAD_BYTES to be sure) prove, or None.

    ISO-BMFF files start with an `ftyp` box: a QuickTime major brand means MOV, a movie brand among the major or
    compatible brands means MP4. Matroska files start with an EBML header whose DocType must be 'webm'.
    """
    if len(head) >= 12 and head[4:8] == b'ftyp':
        brands = _mp4_brands(head)
        if head[8:12] == _QUICKTIME:
            return 'mov'
        if brands & _MP4_BRANDS:
            return 'mp4'
        return 'mov' if _QUICKTIME in brands else None
    if head[:4] == _EBML and _ebml_doctype(head) == b'webm':
        return 'webm'
    return None


def _checked_header(path: Path, timeout_s: float,
                    max_duration_s: float) -> tuple[str, _ffmpeg.Stream, bool, float | None]:
    """(format, the picture's stream, whether there is sound, the claimed duration) from the bytes and the container,
    or BadInput."""
    with open(path, 'rb') as handle:
        video_format = sniff_video(handle.read(HEAD_BYTES))
    if video_format is None:
        raise BadInput(NOT_VIDEO)
    try:
        described = _ffmpeg.probe(path, input_format=video_format, timeout_s=min(timeout_s, _ffmpeg.PROBE_TIMEOUT_S))
    except _ffmpeg.VideoTimeout as exc:
        raise BadInput(TOO_SLOW) from exc
    except _ffmpeg.VideoError as exc:
        raise BadInput(DAMAGED) from exc
    picture = described.first('Video')
    if picture is None:
        raise BadInput(NO_PICTURE)
    if picture.width <= 0 or picture.height <= 0:
        raise BadInput(DAMAGED)
    if max(picture.width, picture.height) > MAX_DIMENSION:
        raise BadInput(f'That video is {picture.width}x{picture.height} px: the most we take is {MAX_DIMENSION} px '
                       'on a side. Export it at 1080p or 4K and try again.')
    if described.duration_s is not None and described.duration_s > max_duration_s:
        raise BadInput(f'That video is longer than {max_duration_s / 60:g} minutes: trim it and try again.')
    return video_format, picture, described.first('Audio') is not None, described.duration_s


def _decoded(path: Path, video_format: str, picture: _ffmpeg.Stream, claimed_s: float | None, *,
             audio_out: Path | None, timeout_s: float) -> tuple[float, float]:
    """(decoded seconds, frame rate): decode every frame, writing the sound as 16 kHz mono WAV to `audio_out`."""
    arguments = [*_ffmpeg.input_args(path, video_format), '-map', f'0:{picture.index}', '-f', 'null', '-']
    if audio_out is not None:
        arguments += ['-map', '0:a:0', '-ac', '1', '-ar', str(TRANSCRIBE_RATE), '-c:a', 'pcm_s16le',
                      '-map_metadata', '-1', '-fflags', '+bitexact', '-f', 'wav', '-y', f'file:{audio_out}']
    try:
        finished = _ffmpeg.run(arguments, timeout_s=timeout_s)
    except _ffmpeg.VideoTimeout as exc:
        raise BadInput(TOO_SLOW) from exc
    except _ffmpeg.VideoError as exc:
        raise BadInput(DAMAGED) from exc
    # out_time is how far the outputs got (picture and sound alike, like the container's duration); frame counts
    # the picture's frames only.
    seconds = _ffmpeg.progress_seconds(finished.progress) or 0.0
    frames = int(finished.progress.get('frame', '0') or 0)
    if frames < 2 or seconds < MIN_DURATION_S:
        raise BadInput(TOO_SHORT if frames > 0 else DAMAGED)
    # Fewer seconds of picture than the container promised means the file was cut short (0.25 s + 2 % margin for
    # the last frame's length and audio priming). Sound may legitimately end early, so it only has to be there.
    if claimed_s is not None and seconds < claimed_s - (0.25 + 0.02 * claimed_s):
        raise BadInput(DAMAGED)
    if audio_out is not None and _wav_seconds(audio_out) < 0.1:
        raise BadInput(DAMAGED)
    fps = picture.fps if picture.fps and 1 <= picture.fps <= MAX_FPS else frames / seconds
    return seconds, round(fps, 3)


def _wav_seconds(path: Path) -> float:
    import soundfile

    try:
        return soundfile.info(str(path)).duration
    except (RuntimeError, OSError):  # soundfile.LibsndfileError is a RuntimeError
        return 0.0


def _mp4_brands(head: bytes) -> set[bytes]:
    box_size = struct.unpack('>I', head[:4])[0]
    compatible = range(16, min(box_size, len(head)) - 3, 4)
    return {head[8:12]} | {head[start:start + 4] for start in compatible}


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType string of an EBML header at the start of `head` ('webm', 'matroska'), or None."""
    size, position = _vint(head, len(_EBML), keep_marker=False)
    if size is None:
        return None
    end = min(len(head), position + size)
    while position < end:
        element, position = _vint(head, position, keep_marker=True)
        length, position = _vint(head, position, keep_marker=False)
        if element is None or length is None:
            return None
        if element == _DOCTYPE:
            return head[position:position + length].rstrip(b'\0')
        position += length
    return None


def _vint(data: bytes, position: int, *, keep_marker: bool) -> tuple[int | None, int]:
    """An EBML variable-length integer at `position`: (value, position after it), or (None, position) if broken."""
    if position >= len(data) or data[position] == 0:
        return None, position
    first = data[position]
    length = 9 - first.bit_length()  # the leading zero bits say how many bytes follow
    if position + length > len(data):
        return None, position
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[position + 1:position + length]:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return None, position  # "unknown size": not in a header we can trust
    return value, position + length
