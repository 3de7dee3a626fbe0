"""The still parts of the vertical videos, drawn with Pillow: the blurred backdrop, the cover, title and artist; and
the measuring that wraps caption lines to the frame (ffmpeg's drawtext then sets them in the same font).

The visualizer frame (1080x1920, REFERENCE.md's TikTok / Reels / Shorts size), top to bottom: the cover, the
waveform, title and artist, the captions; the bottom sixth stays plain because the apps lay their own buttons and
caption over it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, UnidentifiedImageError

from liab.errors import BadInput

# NOTE: the same fonts as the cover type (liab/art/_type.py); static/fonts holds them and their licence.
FONT_DIR = Path(__file__).resolve().parents[2] / 'static' / 'fonts'
BOLD_FONT = FONT_DIR / 'DejaVuSansCondensed-Bold.ttf'
TEXT_FONT = FONT_DIR / 'DejaVuSans.ttf'

WIDTH, HEIGHT = 1080, 1920
COVER_BOX = (160, 130, 920, 890)  # left, top, right, bottom
WAVE_BOX = (60, 925, 1020, 1105)
TITLE_TOP, TITLE_PX, TITLE_MIN_PX = 1140, 68, 44
ARTIST_TOP, ARTIST_PX = 1232, 46
CAPTION_CENTRE, CAPTION_PX, CAPTION_WIDTH, CAPTION_LINES = 1440, 54, 940, 3  # three lines end above y = 1570
TEXT_WIDTH = 960
_COVER_FORMATS = ('JPEG', 'PNG', 'WEBP')


def open_cover(path: Path, *, at_least: int = 1100) -> Image.Image:
    """The cover as an RGB picture, its format proven by Pillow (not the name); BadInput when it is not one.

    A JPEG is decoded straight at a smaller scale when that still leaves `at_least` px a side (a 3000 px cover at
    1500 px: four times less work), since no video here shows it larger.
    """
    try:
        with Image.open(path) as picture:
            if picture.format not in _COVER_FORMATS:
                raise BadInput('The cover art is not a JPEG, PNG or WebP picture.')
            picture.draft('RGB', (at_least, at_least))
            picture.load()
            return picture.convert('RGB')
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise BadInput('The cover art cannot be read: make or upload the cover again.') from exc


def backdrop(cover: Image.Image, size: tuple[int, int], *, brightness: float = 0.45) -> Image.Image:
    """The cover scaled to fill `size`, heavily blurred and darkened: a calm ground in the cover's colours."""
    width, height = size
    small = _filled(cover, (max(2, width // 8), max(2, height // 8)))  # blur a small copy: same look, far cheaper
    small = small.filter(ImageFilter.GaussianBlur(max(1, width // 80)))
    ground = small.resize(size, Image.Resampling.BICUBIC)
    return ImageEnhance.Brightness(ground).enhance(brightness)


def visualizer_background(cover: Image.Image, *, title: str, artist: str) -> Image.Image:
    """The 1080x1920 still under the visualizer: backdrop, the cover with a soft shadow, title and artist."""
    frame = backdrop(cover, (WIDTH, HEIGHT))
    left, top, right, bottom = COVER_BOX
    shadow = Image.new('L', (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(shadow).rectangle((left + 6, top + 14, right + 6, bottom + 14), fill=150)
    frame.paste((0, 0, 0), (0, 0), shadow.filter(ImageFilter.GaussianBlur(18)))
    frame.paste(cover.resize((right - left, bottom - top), Image.Resampling.LANCZOS), (left, top))
    draw = ImageDraw.Draw(frame)
    title_text, title_px = fit_line(clean(title) or 'Untitled', BOLD_FONT, TITLE_PX, TITLE_MIN_PX, TEXT_WIDTH)
    draw.text((WIDTH / 2, TITLE_TOP), title_text, font=font(BOLD_FONT, title_px), fill=(255, 255, 255),
              anchor='mt', stroke_width=2, stroke_fill=(0, 0, 0))
    artist_text, artist_px = fit_line(clean(artist), TEXT_FONT, ARTIST_PX, ARTIST_PX * 3 // 4, TEXT_WIDTH)
    draw.text((WIDTH / 2, ARTIST_TOP), artist_text, font=font(TEXT_FONT, artist_px), fill=(225, 225, 225),
              anchor='mt', stroke_width=1, stroke_fill=(0, 0, 0))
    return frame


def wrap(text: str, *, font_path: Path = BOLD_FONT, size: int = CAPTION_PX, width: int = CAPTION_WIDTH,
         max_lines: int = CAPTION_LINES) -> str:
    """`text` broken into at most `max_lines` lines of at most `width` px (greedy, by words); an ellipsis ends it
    when it does not fit."""
    face = font(font_path, size)
    lines: list[str] = []
    for word in clean(text).split(' '):
        candidate = f'{lines[-1]} {word}' if lines else word
        if lines and face.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], _ellipsized(' '.join(lines[max_lines - 1:]), face, width)]
    return '\n'.join(_ellipsized(line, face, width) for line in lines)


def fit_line(text: str, font_path: Path, size: int, min_size: int, width: int) -> tuple[str, int]:
    """(text, px): the largest size from `size` down to `min_size` at which one line fits `width`, else ellipsized."""
    for px in range(size, min_size - 1, -2):
        if font(font_path, px).getlength(text) <= width:
            return text, px
    return _ellipsized(text, font(font_path, min_size), width), min_size


def clean(text: str) -> str:
    """Text as it will be set: control and format characters (bidi overrides) dropped, whitespace made one space."""
    kept = ''.join(char for char in unicodedata.normalize('NFC', text or '')
                   if char.isspace() or unicodedata.category(char) not in ('Cc', 'Cf', 'Cs'))
    return ' '.join(kept.split())


@lru_cache(maxsize=16)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _filled(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`picture` scaled and centre-cropped to exactly `size`."""
    width, height = size
    scale = max(width / picture.width, height / picture.height)
    crop_w, crop_h = width / scale, height / scale
    left, top = (picture.width - crop_w) / 2, (picture.height - crop_h) / 2
    return picture.resize(size, Image.Resampling.BILINEAR, box=(left, top, left + crop_w, top + crop_h),
                          reducing_gap=2.0)


def _ellipsized(text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(f'{text}…') > width:
        text = text[:-1]
    return f'{text.rstrip()}…'
