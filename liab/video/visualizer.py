"""The audio visualizer: a vertical video of one part of the master for TikTok, Reels and Shorts.

REFERENCE.md: 1080x1920 MP4, H.264 + AAC. Here: H.264 High (yuv420p, `+faststart` so it plays while downloading),
30 fps, CRF 21 at `-preset veryfast` (about half real time on two cores), AAC 192 kb/s at 44.1 kHz stereo. The
still parts (backdrop, cover, title, artist) are drawn once with Pillow; ffmpeg repeats that frame with `loop`,
draws the waveform of the part's own sound with `showwaves` and sets the caption lines with `drawtext`. Caption
text reaches drawtext only through files (`textfile`, `expansion=none`), never through the filter graph.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from liab.audio import io
from liab.audio.ingest import sniff_format
from liab.errors import BadInput
from liab.media import atomic_path
from liab.video import _ffmpeg, _layout

MIN_CLIP_S, MAX_CLIP_S = 10.0, 60.0
FPS = 30
CRF = 21
FADE_IN_S, FADE_OUT_S = 0.15, 0.6
MAX_CAPTIONS = 200
_BLOCK_S = 0.1  # loudness is measured in blocks this long
_FLOOR_DB = -70.0  # silence counts as this loud, so one silent block does not sink a whole window


def suggest_part(master_path: Path, length_s: float = 15) -> tuple[float, float]:
    """(start_s, end_s) of the loudest sustained `length_s` of the master (clamped to 10..60 s and the file's length).

    Sustained: the window with the highest mean of 100 ms block levels in dB, so a steady chorus beats a single
    loud hit. The start is on a 100 ms step; the earliest of equally loud windows wins. BadInput when the master is
    shorter than 10 s.
    """
    samples, rate = io.decode(master_path, sample_rate=8000, channels=1, input_format=_audio_format(master_path))
    duration_s = len(samples) / rate
    if duration_s < MIN_CLIP_S:
        raise BadInput(f'The song is {duration_s:.1f} s long: a video needs at least {MIN_CLIP_S:g} s of it.')
    length_s = min(max(float(length_s), MIN_CLIP_S), MAX_CLIP_S, duration_s)
    block = int(_BLOCK_S * rate)
    count = len(samples) // block
    power = np.square(samples[:count * block, 0], dtype=np.float64).reshape(count, block).mean(axis=1)
    levels = np.maximum(10 * np.log10(power + 1e-12), _FLOOR_DB)
    window = max(1, min(count, math.floor(length_s / _BLOCK_S + 1e-9)))
    sums = np.concatenate([[0.0], np.cumsum(levels)])
    means = (sums[window:] - sums[:-window]) / window
    start_s = round(min(int(np.argmax(means)) * _BLOCK_S, duration_s - length_s), 3)
    return max(0.0, start_s), round(max(0.0, start_s) + length_s, 3)


def render_visualizer(*, master: Path, cover: Path, out_path: Path, start_s: float, length_s: float, title: str,
                      artist: str, lyric_lines: list[tuple[float, float, str]] | None = None,
                      progress: Callable[[float], None] | None = None, timeout_s: float | None = None) -> Path:
    """Render the visualizer MP4 of master[start_s : start_s + length_s] to `out_path` (written atomically).

    `length_s` must be 10 to 60 s; a part running past the end of the master is moved back to end with it. The
    sound is exactly that part, with a 0.15 s fade in and a 0.6 s fade out. `lyric_lines` are (start, end, text)
    with times relative to the clip's start (see captions.even_captions when nobody timed them). `progress` gets
    the fraction done, 0 to 1, on the calling thread. Raises BadInput for an unreadable master or cover,
    ValueError for a length out of range, and VideoError when ffmpeg fails or runs out of time.
    """
    if not MIN_CLIP_S <= length_s <= MAX_CLIP_S or start_s < 0:
        raise ValueError(f'A visualizer is {MIN_CLIP_S:g} to {MAX_CLIP_S:g} s from a start at or after 0, '
                         f'not {length_s:g} s from {start_s:g} s.')
    audio_format = _audio_format(master)
    try:
        song_s = io.probe(master, input_format=audio_format).duration_s
    except io.AudioError as exc:
        raise BadInput('The master cannot be read: master the song again.') from exc
    if song_s < length_s:
        raise BadInput(f'The song is {song_s:.1f} s long, shorter than the {length_s:g} s clip asked for.')
    start_s = min(start_s, song_s - length_s)
    picture = _layout.visualizer_background(_layout.open_cover(cover), title=title, artist=artist)
    with tempfile.TemporaryDirectory(prefix='liab-visualizer-') as work_name:
        work = Path(work_name)
        picture.save(work / 'background.png', compress_level=1)
        shutil.copyfile(_layout.BOLD_FONT, work / 'caption.ttf')  # run in `work`: every name in the graph is plain
        captions = _write_captions(work, lyric_lines or [], length_s)
        graph = _graph(length_s, captions)
        with atomic_path(out_path) as tmp:
            arguments = ['-f', 'image2', '-pattern_type', 'none', '-framerate', str(FPS),
                         *_ffmpeg.input_args(work / 'background.png', None),
                         '-ss', f'{start_s:.3f}', '-t', f'{length_s:.3f}',
                         *_ffmpeg.input_args(master, audio_format),
                         '-filter_complex', graph, '-map', '[video]', '-map', '[audio]',
                         '-c:v', 'libx264', '-preset', 'veryfast', '-crf', str(CRF), '-profile:v', 'high',
                         '-pix_fmt', 'yuv420p', '-r', str(FPS), '-g', str(2 * FPS),
                         '-c:a', 'aac', '-b:a', '192k', '-ar', '44100', '-ac', '2',
                         '-t', f'{length_s:.3f}', '-map_metadata', '-1', '-movflags', '+faststart',
                         '-f', 'mp4', '-y', f'file:{tmp}']
            _ffmpeg.run(arguments, timeout_s=timeout_s or max(120.0, 10 * length_s), cwd=work, duration_s=length_s,
                        progress=progress)
    return out_path


def _graph(length_s: float, captions: list[tuple[float, float, str]]) -> str:
    """The filter graph: looped still, waveform of the part over it, captions on top; the part's sound with fades."""
    left, top, right, bottom = _layout.WAVE_BOX
    frames = math.ceil(length_s * FPS) + FPS
    audio = (f'[1:a]aformat=sample_fmts=fltp:sample_rates=44100:channel_layouts=stereo,'
             f'afade=t=in:st=0:d={FADE_IN_S},afade=t=out:st={length_s - FADE_OUT_S:.3f}:d={FADE_OUT_S},'
             'asplit=2[audio][forwave]')
    wave = (f'[forwave]aformat=channel_layouts=mono,showwaves=s={right - left}x{bottom - top}:mode=cline:'
            f'rate={FPS}:draw=full:scale=sqrt:colors=white@0.85,format=rgba[wave]')
    still = f'[0:v]format=yuv420p,loop=loop={frames}:size=1,setpts=N/{FPS}/TB[still]'
    video = f'[still][wave]overlay={left}:{top}:shortest=1'
    for caption_start, caption_end, file_name in captions:
        video += (f',drawtext=fontfile=caption.ttf:textfile={file_name}:expansion=none:fontsize={_layout.CAPTION_PX}'
                  f':fontcolor=white:line_spacing=10:text_align=C:x=(w-text_w)/2'
                  f':y={_layout.CAPTION_CENTRE}-text_h/2:box=1:boxcolor=black@0.45:boxborderw=18'
                  f":enable='between(t,{caption_start:.3f},{caption_end:.3f})'")
    return ';'.join([audio, wave, still, f'{video}[video]'])


def _write_captions(work: Path, lines: list[tuple[float, float, str]],
                    length_s: float) -> list[tuple[float, float, str]]:
    """Write each caption's wrapped text to its own file in `work`; (start, end, file name) within the clip."""
    written = []
    for given_start, given_end, text in sorted(lines)[:MAX_CAPTIONS]:
        start, end = max(0.0, float(given_start)), min(length_s, float(given_end))
        wrapped = _layout.wrap(text)
        if end - start < 0.05 or not wrapped:
            continue
        name = f'caption-{len(written)}.txt'
        (work / name).write_text(wrapped, encoding='utf-8')
        written.append((start, end, name))
    return written


def _audio_format(path: Path) -> str:
    with open(path, 'rb') as handle:
        found = sniff_format(handle.read(64 * 1024))
    if found is None:
        raise BadInput('The master is not audio we can read: master the song again.')
    return found
