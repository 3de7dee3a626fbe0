"""Running the bundled ffmpeg for video: probing by parsing `ffmpeg -i` (there is no ffprobe), and long runs with
a timeout and progress from `-progress pipe:1`.

Every run passes `-nostdin` and a whitelist of protocols on each input (REFERENCE.md: ffmpeg follows playlists and
scripts it detects by content), and callers that read files from outside force the demuxer with `-f`.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from liab.audio import io as audio_io
from liab.audio.io import ffmpeg_exe

PROBE_TIMEOUT_S = 15
_NEEDED_ENCODERS = ('libx264', 'aac')
_NEEDED_FILTERS = ('showwaves', 'drawtext', 'overlay', 'loop', 'afade')
# Our name for a format (video here, audio as liab.audio.io names them) -> ffmpeg's demuxer, forced with `-f`.
DEMUXERS: dict[str, str] = {**audio_io.DEMUXERS, 'mp4': 'mov', 'mov': 'mov', 'webm': 'matroska'}

# Anchored at line starts: metadata values (the uploader's text) are printed indented after ': '.
_DURATION = re.compile(r'^\s*Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)', re.MULTILINE)
_STREAM = re.compile(r'^\s*Stream #0:(\d+)\S*: (Video|Audio|Subtitle|Data|Attachment): (.*)$', re.MULTILINE)
_SIZE = re.compile(r', (\d+)x(\d+)(?=[ ,]|$)')
_RATE = re.compile(r', (\d+(?:\.\d+)?)(k?) (fps|tbr)\b')
_ROTATION = re.compile(r'(?:Display Matrix|displaymatrix): rotation of (-?\d+(?:\.\d+)?) degrees')


class VideoError(Exception):
    """ffmpeg could not read or write the video; the message says why in plain words."""


class VideoTimeout(VideoError):
    """ffmpeg ran out of time and was stopped."""


@dataclass(frozen=True)
class Stream:
    index: int  # ffmpeg's stream index in the input (`-map 0:index`)
    kind: str  # 'Video', 'Audio', 'Subtitle', 'Data' or 'Attachment'
    codec: str
    width: int = 0  # as displayed: swapped when the display matrix turns the picture by 90 degrees
    height: int = 0
    fps: float | None = None  # the frame rate ffmpeg reports, or None
    still: bool = False  # a cover picture attached to the file, not moving video


@dataclass(frozen=True)
class Probe:
    duration_s: float | None  # the container's own claim; None when it does not say (streamed WebM)
    streams: tuple[Stream, ...]

    def first(self, kind: str) -> Stream | None:
        return next((stream for stream in self.streams if stream.kind == kind and not stream.still), None)


@dataclass(frozen=True)
class Finished:
    stderr: str
    progress: dict[str, str]  # the last block ffmpeg wrote to `-progress` (frame, out_time_us, ...), or {}


def missing_features() -> list[str]:
    """What the renders need that this ffmpeg lacks ([] when all is there): for a start-up check, since
    IMAGEIO_FFMPEG_EXE can point at a system ffmpeg built without libx264 or libfreetype."""
    return [name for name in (*_NEEDED_ENCODERS, *_NEEDED_FILTERS) if name not in _capabilities()]


def input_args(path: Path, input_format: str | None, *, protocols: str = 'file') -> list[str]:
    """The options and `-i` for one input file, with the demuxer forced when the format is known."""
    args = ['-protocol_whitelist', protocols]
    if input_format is not None:
        args += ['-f', DEMUXERS[input_format]]
    if input_format in ('mp4', 'mov'):
        args += ['-enable_drefs', '0', '-use_absolute_path', '0']  # never follow a movie's references to other files
    return [*args, '-i', f'file:{Path(path).resolve()}']


def probe(path: Path, *, input_format: str | None, timeout_s: float = PROBE_TIMEOUT_S) -> Probe:
    """The container's duration and streams, from ffmpeg's description of the input; VideoError when it cannot open."""
    command = [ffmpeg_exe(), '-hide_banner', '-nostdin', '-loglevel', 'info', *input_args(path, input_format)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise VideoTimeout(f'Reading the video took longer than {timeout_s:g} s.') from exc
    except OSError as exc:
        raise VideoError(f'ffmpeg cannot run ({exc}).') from exc
    text = done.stderr.decode('utf-8', 'replace')
    if 'Input #0' not in text:
        raise VideoError(f'ffmpeg could not open the file ({_last_line(text)}).')
    text = text.split('Input #1', 1)[0]
    duration = _DURATION.search(text)
    seconds = (int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3))
               if duration else None)
    return Probe(seconds, tuple(_streams(text)))


def run(arguments: list[str], *, timeout_s: float, cwd: Path | None = None, duration_s: float | None = None,
        progress: Callable[[float], None] | None = None, frames: Iterable[bytes] | None = None) -> Finished:
    """Run ffmpeg with `arguments` (everything after the global options) under a timeout.

    `progress` gets the fraction done (0..1, from `-progress` out_time over `duration_s`) on the calling thread.
    `frames` are written to ffmpeg's standard input (for a `pipe:0` input; progress is then not read).
    Raises VideoTimeout when time runs out and VideoError when ffmpeg fails; the process never outlives the call.
    """
    feeding = frames is not None
    command = [ffmpeg_exe(), '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats',
               *([] if feeding else ['-progress', 'pipe:1']), *arguments]
    timed_out = threading.Event()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.PIPE if feeding else subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL if feeding else subprocess.PIPE, stderr=errors, cwd=cwd)

        def stop() -> None:
            timed_out.set()
            process.kill()

        timer = threading.Timer(timeout_s, stop)
        timer.start()
        last: dict[str, str] = {}
        try:
            if feeding:
                _feed(process, frames)
            else:
                last = _follow(process, duration_s, progress)
            process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
        errors.seek(0)
        stderr = errors.read().decode('utf-8', 'replace')
    if timed_out.is_set():
        raise VideoTimeout(f'ffmpeg took longer than {timeout_s:g} s and was stopped.')
    if process.returncode != 0:
        raise VideoError(f'ffmpeg failed ({_last_line(stderr)}).')
    return Finished(stderr, last)


def progress_seconds(block: dict[str, str]) -> float | None:
    """The out_time of a `-progress` block in seconds, or None when ffmpeg had none to report."""
    value = block.get('out_time_us', 'N/A')
    return int(value) / 1e6 if value.lstrip('-').isdigit() else None


def _feed(process: subprocess.Popen, frames: Iterable[bytes]) -> None:
    assert process.stdin is not None
    try:
        for frame in frames:
            process.stdin.write(frame)
        process.stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # ffmpeg stopped reading (killed, or failed): its exit code and stderr say why


def _follow(process: subprocess.Popen, duration_s: float | None,
            progress: Callable[[float], None] | None) -> dict[str, str]:
    assert process.stdout is not None
    block: dict[str, str] = {}
    last: dict[str, str] = {}
    done = 0.0
    for raw in process.stdout:
        key, _, value = raw.decode('utf-8', 'replace').strip().partition('=')
        block[key] = value
        if key != 'progress':
            continue
        last, block = block, {}
        seconds = progress_seconds(last)
        if progress is not None and duration_s and seconds is not None:
            # out_time follows whichever stream was muxed last, so it can step back a little: never show that.
            done = 1.0 if value == 'end' else max(done, min(1.0, seconds / duration_s))
            progress(done)
    return last


def _streams(text: str) -> list[Stream]:
    matches = list(_STREAM.finditer(text))
    streams = []
    for number, match in enumerate(matches):
        index, kind, description = int(match.group(1)), match.group(2), match.group(3)
        codec = description.split(' ', 1)[0].rstrip(',')
        if kind != 'Video':
            streams.append(Stream(index, kind, codec))
            continue
        # Side data (the display matrix) follows the stream's line, up to the next stream.
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        details = text[match.end():end]
        size = _SIZE.search(description)
        width, height = (int(size.group(1)), int(size.group(2))) if size else (0, 0)
        rotation = _ROTATION.search(details)
        if rotation and round(abs(float(rotation.group(1)))) % 180 == 90:
            width, height = height, width
        streams.append(Stream(index, kind, codec, width, height, _fps(description),
                              '(attached pic)' in description))
    return streams


def _fps(description: str) -> float | None:
    rates = {kind: float(number) * (1000 if thousands else 1) for number, thousands, kind in _RATE.findall(description)}
    return rates.get('fps') or rates.get('tbr')


@lru_cache(maxsize=1)
def _capabilities() -> frozenset[str]:
    names: set[str] = set()
    for listing in ('-encoders', '-filters'):
        try:
            done = subprocess.run([ffmpeg_exe(), '-hide_banner', listing], capture_output=True, text=True,
                                  timeout=PROBE_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        names.update(line.split()[1] for line in done.stdout.splitlines() if len(line.split()) > 2)
    return frozenset(names)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else 'no message'
