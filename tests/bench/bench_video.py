"""Video benchmark (issue 11). Prints a markdown table; run: .venv/bin/python tests/bench/bench_video.py

Renders a 60 s stereo beat with the local engine and a 3000x3000 placeholder cover JPEG (gradient plus noise, as
heavy as a real cover), then in the same process:
- baseline: the floor every 1080x1920 render here pays: a still of that size (made beforehand, not timed) repeated
  by ffmpeg's loop filter and encoded with the clip's sound at the visualizer's settings (libx264 veryfast CRF 21,
  30 fps, AAC 192 kb/s): no waveform, no text;
- visualizer: liab.video.visualizer.render_visualizer of the suggested part, 15 s and 30 s, with captions timed by
  captions.even_captions (the part suggestion is timed on its own row);
- Canvas: liab.video.canvas.render_canvas, 6 s at 1080 px and 3 s at 720 px, against the same floor: a still of that
  size looped and encoded at the Canvas's settings for as many frames;
- for reference, the obvious one-line command (`-loop 1 -i cover.jpg`, scaled in the graph), which decodes and
  scales the 3000 px JPEG for every frame, for the 15 s clip.

Each step runs `--repeat` times (2 by default) and the fastest wall time counts; CPU time is user + system from
resource.getrusage (self and children, so ffmpeg is included). `--keep` leaves the files and prints the folder.
"""

from __future__ import annotations

import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from liab.audio import io, synth  # noqa: E402
from liab.video import canvas, visualizer  # noqa: E402
from liab.video.captions import even_captions  # noqa: E402

SECONDS = 60
LYRICS = '\n'.join(['[Verse 1]', 'I folded every letter into wings', 'and sent them over all the little things',
                    'the city sleeps beneath a paper sky', 'I keep on writing till the ink runs dry',
                    '', '[Chorus]', 'Paper planes across the sky', 'paper planes, we learn to fly',
                    'every word I never said', 'circles round above my head'] * 2)


def main() -> None:
    repeat = int(sys.argv[sys.argv.index('--repeat') + 1]) if '--repeat' in sys.argv else 2
    work = Path(tempfile.mkdtemp(prefix='liab-bench-video-'))
    master = work / 'beat.wav'
    synth.render_beat(synth.BeatSpec('pop', 'happy', 100, 'C major', SECONDS, 5), master)
    cover = _cover(work / 'cover.jpg')
    still = _still(cover, (1080, 1920), work / 'still-1920.png')

    rows = []
    suggest_cpu, suggest_wall = _best(repeat, lambda: visualizer.suggest_part(master, 15))
    rows.append(('suggest_part (60 s song)', suggest_cpu, suggest_wall, '', ''))
    for length in (15.0, 30.0):
        start, _ = visualizer.suggest_part(master, length)
        lines = even_captions(LYRICS, start_s=start, end_s=start + length, song_duration_s=SECONDS)
        base_cpu, base_wall = _best(repeat, lambda s=start, n=length: _bare(still, master, s, n, work / 'bare.mp4'))
        cpu, wall = _best(repeat, lambda s=start, n=length, c=lines: visualizer.render_visualizer(
            master=master, cover=cover, out_path=work / f'visualizer-{n:g}.mp4', start_s=s, length_s=n,
            title='Paper Planes', artist='Bench Artist', lyric_lines=c))
        rows.append((f'baseline: looped 1080x1920 still + sound, {length:g} s', base_cpu, base_wall,
                     f'{base_wall / length:.2f}x', '1.00'))
        rows.append((f'visualizer, {length:g} s, {len(lines)} captions', cpu, wall, f'{wall / length:.2f}x',
                     f'{wall / base_wall:.2f}'))
        if length == 15.0:
            naive_cpu, naive_wall = _best(1, lambda s=start, n=length: _naive(cover, master, s, n, work / 'naive.mp4'))
            naive = ('reference: one-line command, cover decoded per frame, 15 s', naive_cpu, naive_wall,
                     f'{naive_wall / length:.2f}x', f'{naive_wall / base_wall:.2f}')
    rows.append(naive)
    for seconds, height in ((6.0, 1080), (3.0, 720)):
        width = 2 * round(height * 9 / 32)
        small = _still(cover, (width, height), work / f'still-{height}.png')
        base_cpu, base_wall = _best(repeat, lambda s=seconds, p=small: _bare_still(p, s, work / 'still.mp4'))
        cpu, wall = _best(repeat, lambda s=seconds, h=height: canvas.render_canvas(
            cover=cover, out_path=work / f'canvas-{h}.mp4', seconds=s, height=h))
        rows.append((f'baseline: looped {width}x{height} still, {seconds:g} s', base_cpu, base_wall,
                     f'{base_wall / seconds:.2f}x', '1.00'))
        rows.append((f'Canvas {width}x{height}, {seconds:g} s', cpu, wall, f'{wall / seconds:.2f}x',
                     f'{wall / base_wall:.2f}'))

    machine = platform.processor() or platform.machine()
    print(f'\nVideo renders from a {SECONDS} s beat and a 3000x3000 cover; {machine}, ffmpeg {io.ffmpeg_version()}, '
          f'fastest of {repeat}\n')
    print('| step | CPU s | wall s | wall / clip length | wall vs baseline |')
    print('|---|---|---|---|---|')
    for label, cpu, wall, per_second, versus in rows:
        print(f'| {label} | {cpu:.2f} | {wall:.2f} | {per_second} | {versus} |')
    if '--keep' in sys.argv:
        print(f'Files kept in {work}')
    else:
        shutil.rmtree(work)


def _bare(still: Path, master: Path, start: float, length: float, out: Path) -> None:
    _ffmpeg(['-framerate', '30', '-i', str(still), '-ss', f'{start}', '-t', f'{length}', '-i', str(master),
             '-vf', f'format=yuv420p,loop=loop={round(length * 30)}:size=1,setpts=N/30/TB',
             '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-r', '30', '-c:a', 'aac', '-b:a', '192k',
             '-t', f'{length}', '-movflags', '+faststart', str(out)])


def _bare_still(still: Path, seconds: float, out: Path) -> None:
    _ffmpeg(['-framerate', '30', '-i', str(still), '-vf', f'format=yuv420p,loop=loop={round(seconds * 30)}:size=1,'
             'setpts=N/30/TB', '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20',
             '-frames:v', str(round(seconds * 30)), '-movflags', '+faststart', str(out)])


def _naive(cover: Path, master: Path, start: float, length: float, out: Path) -> None:
    _ffmpeg(['-loop', '1', '-framerate', '30', '-t', f'{length}', '-i', str(cover), '-ss', f'{start}',
             '-t', f'{length}', '-i', str(master), '-vf', 'scale=1080:1920,format=yuv420p',
             '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-r', '30', '-c:a', 'aac', '-b:a', '192k',
             '-movflags', '+faststart', str(out)])


def _still(cover: Path, size: tuple[int, int], path: Path) -> Path:
    with Image.open(cover) as picture:
        picture.convert('RGB').resize(size, Image.Resampling.BILINEAR).save(path, compress_level=1)
    return path


def _ffmpeg(arguments: list[str]) -> None:
    subprocess.run([io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', *arguments], check=True,
                   stdin=subprocess.DEVNULL, timeout=600)


def _cover(path: Path) -> Path:
    side = 3000
    ramp = np.linspace(0, 1, side, dtype=np.float32)
    noise = np.random.default_rng(3).normal(0, 18, (side, side, 3))
    base = np.stack([np.outer(ramp, 1 - ramp) * 255, np.outer(1 - ramp, ramp) * 200 + 40,
                     np.outer(ramp, ramp) * 180 + 60], axis=2)
    Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8)).save(path, 'JPEG', quality=90)
    return path


def _best(repeat: int, step: Callable[[], object]) -> tuple[float, float]:
    """(CPU s, wall s) of the fastest of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started_cpu, started = _cpu(), time.perf_counter()
        step()
        runs.append((_cpu() - started_cpu, time.perf_counter() - started))
    return min(runs, key=lambda run: run[1])


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == '__main__':
    main()
