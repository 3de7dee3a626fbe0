"""Decoding, encoding and probing audio with the bundled ffmpeg (imageio-ffmpeg ships the binary; no ffprobe).

Every ffmpeg call here runs with `-nostdin`, `-protocol_whitelist file` and a timeout, and callers that read
untrusted files pass the input format explicitly (see ingest.py): ffmpeg otherwise detects formats by content and
follows playlists and scripts disguised as audio.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

FFMPEG_TIMEOUT_S = 10
DECODE_TIMEOUT_S = 120
SAMPLE_RATE = 44100

# Our name for an audio format -> ffmpeg's demuxer name (what `-f` forces on input).
DEMUXERS: dict[str, str] = {'wav': 'wav', 'mp3': 'mp3', 'aiff': 'aiff', 'flac': 'flac', 'm4a': 'mov', 'ogg': 'ogg'}


class AudioError(Exception):
    """ffmpeg could not read or write the audio; the message says why in plain words."""


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    sample_rate: int
    channels: int
    codec: str
    bit_depth: int | None  # None for lossy or unknown


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()  # honours IMAGEIO_FFMPEG_EXE


def ffmpeg_version() -> str:
    """The ffmpeg version string, or raise RuntimeError saying why ffmpeg cannot be used."""
    return _version_of(ffmpeg_exe())


def decode(path: Path, *, sample_rate: int | None = SAMPLE_RATE, channels: int | None = 2,
           input_format: str | None = None, timeout_s: float = DECODE_TIMEOUT_S) -> tuple[np.ndarray, int]:
    """Decode to float32 samples shaped (frames, channels). `sample_rate`/`channels` None keep the file's own.

    `input_format` is one of DEMUXERS' keys; give it for any file that came from outside.
    """
    info = probe(path, input_format=input_format) if sample_rate is None or channels is None else None
    rate = sample_rate or (info.sample_rate if info else SAMPLE_RATE)
    count = channels or (info.channels if info else 2)
    command = [*_input_args(path, input_format), '-map', '0:a:0', '-vn', '-sn', '-dn',
               '-f', 'f32le', '-acodec', 'pcm_f32le', '-ac', str(count), '-ar', str(rate), 'pipe:1']
    done = _run(command, timeout_s)
    samples = np.frombuffer(done.stdout, dtype='<f4')
    if samples.size == 0:
        raise AudioError('The file holds no audio samples.')
    usable = samples.size - samples.size % count
    return samples[:usable].reshape(-1, count).copy(), rate


def probe(path: Path, *, input_format: str | None = None) -> AudioInfo:
    """Read duration, sample rate, channels and codec from ffmpeg's description of the first audio stream."""
    command = [*_input_args(path, input_format), '-map', '0:a:0', '-f', 'null', '-t', '0', '-']
    done = _run(command, FFMPEG_TIMEOUT_S, check=False)
    text = done.stderr
    stream = re.search(r'Stream #\d+:\d+.*?: Audio: (\w+)[^,\n]*, (\d+) Hz, ([^,\n]+)(?:, (\w+))?', text)
    if stream is None:
        raise AudioError('No audio stream found in the file.')
    duration = re.search(r'Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)', text)
    seconds = (int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3))
               if duration else 0.0)
    return AudioInfo(seconds, int(stream.group(2)), _channels(stream.group(3)), stream.group(1),
                     _bit_depth(stream.group(1), stream.group(4)))


def write_wav(samples: np.ndarray, sample_rate: int, path: Path, *, bits: int = 16) -> Path:
    """Write PCM WAV (16 or 24 bit) without tags; values are clipped to [-1, 1]. Not atomic: see media.atomic_path."""
    import soundfile

    subtype = {16: 'PCM_16', 24: 'PCM_24'}[bits]
    data = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    soundfile.write(str(path), data, sample_rate, subtype=subtype, format='WAV')
    return path


def encode_mp3(wav_path: Path, mp3_path: Path, *, bitrate: str = '320k') -> Path:
    """MP3 (libmp3lame, constant bitrate) from a WAV we wrote ourselves. Not atomic: see media.atomic_path."""
    command = [*_input_args(wav_path, 'wav'), '-codec:a', 'libmp3lame', '-b:a', bitrate, '-map_metadata', '-1',
               '-f', 'mp3', '-y', str(mp3_path)]
    _run(command, DECODE_TIMEOUT_S)
    return mp3_path


def _input_args(path: Path, input_format: str | None) -> list[str]:
    args = [ffmpeg_exe(), '-hide_banner', '-nostdin', '-loglevel', 'info', '-protocol_whitelist', 'file']
    if input_format is not None:
        args += ['-f', DEMUXERS[input_format]]
    return [*args, '-i', f'file:{Path(path).resolve()}']


def _run(command: list[str], timeout_s: float, *, check: bool = True) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f'Reading the audio took longer than {timeout_s:g} s.') from exc
    except OSError as exc:
        raise AudioError(f'ffmpeg cannot run ({exc}).') from exc
    stderr = done.stderr.decode('utf-8', 'replace') if isinstance(done.stderr, bytes) else done.stderr
    done = subprocess.CompletedProcess(done.args, done.returncode, done.stdout, stderr)
    if check and done.returncode != 0:
        last = [line for line in stderr.splitlines() if line.strip()][-1:] or ['unknown error']
        raise AudioError(f'ffmpeg could not read the audio ({last[0].strip()[:200]}).')
    return done


def _channels(layout: str) -> int:
    layout = layout.strip()
    named = {'mono': 1, 'stereo': 2, '2.1': 3, 'quad': 4, '5.0': 5, '5.1': 6, '7.1': 8}
    if layout in named:
        return named[layout]
    match = re.match(r'(\d+) channels', layout)
    return int(match.group(1)) if match else 2


def _bit_depth(codec: str, sample_format: str | None) -> int | None:
    pcm = re.match(r'pcm_[fsu](\d+)', codec)
    if pcm:
        return int(pcm.group(1))
    if codec == 'flac' and sample_format:
        return 24 if sample_format.startswith('s32') else 16
    return None


@lru_cache(maxsize=4)
def _version_of(exe: str) -> str:
    try:
        done = subprocess.run([exe, '-hide_banner', '-version'], capture_output=True, text=True,
                              timeout=FFMPEG_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RuntimeError(f'ffmpeg at {exe} cannot run ({exc})') from exc
    match = re.match(r'ffmpeg version (\S+)', done.stdout)
    if done.returncode != 0 or not match:
        raise RuntimeError(f'ffmpeg at {exe} did not report a version (exit {done.returncode})')
    return match.group(1)
