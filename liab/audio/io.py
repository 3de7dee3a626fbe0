"""Decoding, encoding and probing audio with the bundled ffmpeg (imageio-ffmpeg ships the binary)."""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache

FFMPEG_TIMEOUT_S = 10


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()  # honours IMAGEIO_FFMPEG_EXE


def ffmpeg_version() -> str:
    """The ffmpeg version string, or raise RuntimeError saying why ffmpeg cannot be used."""
    return _version_of(ffmpeg_exe())


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
