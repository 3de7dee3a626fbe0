"""Video for the Content stage (issue 11), free of any UI: plain values in, files and frozen dataclasses out.

- ingest: take in an uploaded clip (MP4, MOV, WebM) safely, with its sound as a 16 kHz mono WAV for transcription.
- visualizer: suggest the loudest part of a master and render a 1080x1920 visualizer of it with timed captions.
- captions: time lyric lines evenly over a part when nobody has timed them.
- canvas: render a silent Spotify Canvas loop from the cover art.

Transcription lives with the other outside services, in liab.providers.transcribe. Every ffmpeg call goes through
_ffmpeg (no stdin, whitelisted protocols, forced demuxers for outside files, timeouts). Renders are CPU-heavy: call
them from a worker (`run.cpu_bound`), passing paths, never arrays.
"""

from liab.video._ffmpeg import VideoError, VideoTimeout, missing_features

__all__ = ['VideoError', 'VideoTimeout', 'missing_features']
