import inspect
import itertools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from liab.audio import io
from liab.errors import BadInput
from liab.video.canvas import render_canvas

SECONDS, HEIGHT = 3.0, 720


@pytest.fixture(scope='module')
def cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    picture = Image.new('RGB', (800, 800), (20, 30, 60))
    draw = ImageDraw.Draw(picture)
    for step in range(0, 800, 50):  # sharp detail, so any motion shows in the frames
        draw.rectangle((step, 0, step + 20, 800), fill=(240, 200 - step // 8, 60 + step // 8))
        draw.line((0, step, 800, 800 - step), fill=(255, 255, 255), width=3)
    path = tmp_path_factory.mktemp('canvas') / 'cover.png'
    picture.save(path)
    return path


@pytest.fixture(scope='module')
def canvas(cover: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_canvas(cover=cover, out_path=tmp_path_factory.mktemp('out') / 'canvas.mp4', seconds=SECONDS,
                         height=HEIGHT, seed=5)


def _frames(path: Path, width: int, height: int) -> np.ndarray:
    done = subprocess.run([io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-i', str(path), '-f', 'rawvideo',
                           '-pix_fmt', 'rgb24', '-'], capture_output=True, timeout=60, check=True)
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(-1, height, width, 3)


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b).mean())


def test_the_canvas_is_a_silent_vertical_h264_loop_of_the_asked_size_and_length(canvas: Path) -> None:
    described = subprocess.run([io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-i', str(canvas)], capture_output=True,
                               text=True, timeout=30, check=False).stderr

    assert 'Audio:' not in described
    video = re.search(r'Video: (\w+) .*?, (\w+)\(.*?, (\d+)x(\d+).*?, (\d+) fps', described)
    assert video and video.group(1, 2, 5) == ('h264', 'yuv420p', '30')
    width, height = int(video.group(3)), int(video.group(4))
    assert height == HEIGHT and width % 2 == 0 and width / height == pytest.approx(9 / 16, abs=0.01)
    assert len(_frames(canvas, width, height)) == SECONDS * 30


def test_the_last_frame_leads_straight_back_to_the_first(canvas: Path) -> None:
    frames = _frames(canvas, 404, HEIGHT)

    seam = _difference(frames[-1], frames[0])
    steps = [_difference(after, before) for before, after in itertools.pairwise(frames)]
    halfway = _difference(frames[len(frames) // 2], frames[0])
    assert seam <= 1.5 * np.median(steps)  # the seam is a jump like any frame to the next
    assert halfway > 4 * seam  # while the picture does move in between


def test_the_default_is_1080_px_and_sizes_and_lengths_out_of_range_are_refused(cover: Path, tmp_path: Path) -> None:
    assert inspect.signature(render_canvas).parameters['height'].default == 1080
    out = tmp_path / 'canvas.mp4'
    for seconds, height in ((2.9, 720), (8.5, 720), (6.0, 700), (6.0, 1280)):
        with pytest.raises(ValueError, match='Canvas'):
            render_canvas(cover=cover, out_path=out, seconds=seconds, height=height)
    (tmp_path / 'cover.png').write_bytes(b'RIFF....WAVEfmt ')
    with pytest.raises(BadInput):
        render_canvas(cover=tmp_path / 'cover.png', out_path=out, seconds=3, height=720)
    assert list(tmp_path.iterdir()) == [tmp_path / 'cover.png']
