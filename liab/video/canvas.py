"""Spotify Canvas: a short silent vertical loop made from the cover art.

REFERENCE.md: a 3 to 8 s loop, 9:16, 720 to 1080 px tall, MP4, no audio; Spotify advises no lyrics and no artist or
song text in it, so there is none. The frames are drawn with Pillow and piped to ffmpeg (libx264, yuv420p,
`+faststart`, no audio stream). The cover floats over a blurred backdrop of itself; both move slowly along paths
made of whole periods of sin and cos over the loop's length, so the frame after the last one is the first one
again and the loop has no seam: the cover grows and shrinks once and wanders on a figure of eight, the backdrop
circles the other way (a little parallax).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from liab.media import atomic_path
from liab.video import _ffmpeg, _layout

FPS = 30
MIN_SECONDS, MAX_SECONDS = 3.0, 8.0
MIN_HEIGHT, MAX_HEIGHT = 720, 1080
CRF = 20
COVER_SHARE = 0.84  # of the frame's width
ZOOM = 0.05  # the cover grows by up to this much and back
DRIFT = 0.025  # of the frame's width: how far the cover wanders
BACKDROP_PAN = 0.02  # of the frame's width: the radius of the backdrop's circle
_SHADOW = 0.06  # of the cover's side: room for its soft shadow
_BORDER = 4  # transparent px around the cover's tile, so a resize box may start a little outside the shadow


def render_canvas(*, cover: Path, out_path: Path, seconds: float = 6.0, height: int = 1080, seed: int = 0,
                  timeout_s: float = 120) -> Path:
    """Render a silent 9:16 H.264 loop of `seconds` (3 to 8) and `height` px (720 to 1080) to `out_path`, atomically.

    The width is 9/16 of the height rounded to an even number (608 for 1080). `seed` picks the direction and phase of
    the motion. ValueError for a length or height out of range; BadInput for a cover that is not a picture;
    VideoError when ffmpeg fails or runs out of time.
    """
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ValueError(f'A Canvas loop is {MIN_SECONDS:g} to {MAX_SECONDS:g} s long, not {seconds:g} s.')
    if not MIN_HEIGHT <= height <= MAX_HEIGHT:
        raise ValueError(f'A Canvas is {MIN_HEIGHT} to {MAX_HEIGHT} px tall, not {height} px.')
    height -= height % 2  # yuv420p needs even sides
    width = 2 * round(height * 9 / 32)
    count = round(seconds * FPS)
    picture = _layout.open_cover(cover)
    frames = _frames(picture, (width, height), count, random.Random(seed))
    with atomic_path(out_path) as tmp:
        arguments = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{width}x{height}', '-framerate', str(FPS),
                     '-protocol_whitelist', 'pipe', '-i', 'pipe:0',
                     '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', str(CRF), '-pix_fmt', 'yuv420p',
                     '-g', str(count), '-frames:v', str(count), '-map_metadata', '-1', '-movflags', '+faststart',
                     '-f', 'mp4', '-y', f'file:{tmp}']
        _ffmpeg.run(arguments, timeout_s=timeout_s, frames=(frame.tobytes() for frame in frames))
    return out_path


def _frames(picture: Image.Image, size: tuple[int, int], count: int, rng: random.Random) -> Iterator[Image.Image]:
    """`count` RGB frames of one period of the motion: frame `count` would equal frame 0."""
    width, height = size
    # The backdrop is a blur, so whole-pixel steps of its pan cannot be seen and a plain crop (no resampling) will do.
    room = math.ceil(BACKDROP_PAN * width) + 1
    ground = _layout.backdrop(picture, (width + 2 * room, height + 2 * room), brightness=0.5)
    side = COVER_SHARE * width
    tile = _shadowed(picture.resize((round(side * (1 + ZOOM)),) * 2, Image.Resampling.LANCZOS))
    angle, phase = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    for index in range(count):
        turn = 2 * math.pi * index / count
        # Backdrop: a slow circle against the cover's drift (parallax).
        left = room - round(BACKDROP_PAN * width * math.cos(turn + phase + angle))
        top = room - round(BACKDROP_PAN * width * math.sin(turn + phase + angle))
        frame = ground.crop((left, top, left + width, top + height))
        # Cover: grows and shrinks once, and wanders on a figure of eight tilted by `angle`.
        scale = (1 + ZOOM * (1 - math.cos(turn)) / 2) / (1 + ZOOM)
        along, across = math.sin(turn + phase), math.sin(2 * (turn + phase)) / 2
        centre_x = width / 2 + DRIFT * width * (along * math.cos(angle) - across * math.sin(angle))
        centre_y = height / 2 + DRIFT * width * (along * math.sin(angle) + across * math.cos(angle))
        _paste_scaled(frame, tile, scale, (centre_x, centre_y))
        yield frame


def _paste_scaled(frame: Image.Image, tile: tuple[Image.Image, Image.Image], scale: float,
                  centre: tuple[float, float]) -> None:
    """Paste `tile` (colour and mask, with a clear border) scaled by `scale` with its centre at a fractional point,
    without whole-pixel jumps: the fraction goes into the source box of the resize. Colour and mask are resized
    apart, which is cheaper than RGBA (no premultiplying) and the same here, where the colour under the shadow is
    black."""
    colour, mask = tile
    inner_w, inner_h = colour.width - 2 * _BORDER, colour.height - 2 * _BORDER
    left, top = centre[0] - inner_w * scale / 2, centre[1] - inner_h * scale / 2
    origin_x, origin_y = math.floor(left), math.floor(top)
    box_w, box_h = math.ceil(inner_w * scale + left - origin_x), math.ceil(inner_h * scale + top - origin_y)
    source_x, source_y = _BORDER - (left - origin_x) / scale, _BORDER - (top - origin_y) / scale
    box = (source_x, source_y, source_x + box_w / scale, source_y + box_h / scale)
    frame.paste(colour.resize((box_w, box_h), Image.Resampling.BILINEAR, box=box), (origin_x, origin_y),
                mask.resize((box_w, box_h), Image.Resampling.BILINEAR, box=box))


def _shadowed(cover: Image.Image) -> tuple[Image.Image, Image.Image]:
    """(colour, mask): the cover on black with room around it for a soft drop shadow, and a border of nothing."""
    pad = round(_SHADOW * cover.width) + _BORDER
    side = cover.width + 2 * pad
    mask = Image.new('L', (side, side), 0)
    ImageDraw.Draw(mask).rectangle((pad, pad + pad // 3, pad + cover.width, pad + pad // 3 + cover.height), fill=170)
    mask = mask.filter(ImageFilter.GaussianBlur((pad - _BORDER) / 2.5))
    mask.paste(255, (pad, pad, pad + cover.width, pad + cover.height))
    colour = Image.new('RGB', (side, side), (0, 0, 0))
    colour.paste(cover.convert('RGB'), (pad, pad))
    return colour, mask
