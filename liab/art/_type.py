"""Type on the cover: title and artist set in the fonts shipped in static/fonts, always inside the margins and
always readable (the block gets a soft scrim until its contrast reaches WCAG's 4.5:1, even at thumbnail size).

REFERENCE.md: the only text on the art is the artist and the title, exactly as given (they must match the metadata),
so nothing here changes case, shortens or rewrites them; long ones wrap and shrink instead.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from liab.art._palette import RGB, contrast_ratio, luminance

FONT_DIR = Path(__file__).resolve().parents[2] / 'static' / 'fonts'
# NOTE: static/fonts holds these files and their licence (LICENSE-DejaVu.txt); all three cover Latin with accents,
# Greek and Cyrillic.
FONTS = {'sans': 'DejaVuSansCondensed-Bold.ttf', 'serif': 'DejaVuSerifCondensed-Italic.ttf', 'text': 'DejaVuSans.ttf'}
MIN_CONTRAST = 4.5  # WCAG AA for body text
MARGIN = 0.07  # of the side: inside the safe area of every store's crop and rounded corners
_LIGHT_INK: RGB = (0.97, 0.96, 0.93)
_DARK_INK: RGB = (0.07, 0.07, 0.08)
_TITLE_MAX, _TITLE_MIN, _TITLE_FLOOR = 0.1, 0.042, 0.022  # title size as a fraction of the side
_MAX_BLOCK = 0.42  # the text block never takes more of the height than this
_BUSY = 0.1  # fine detail (luminance spread left after a blur) behind the type above which it gets a calm band


@dataclass(frozen=True)
class Layout:
    style: str  # a key of FONTS for the title
    top: bool  # block at the top (else the bottom)
    centred: bool
    artist_first: bool


@dataclass(frozen=True)
class TextBlock:
    box: tuple[int, int, int, int]  # left, top, right, bottom in cover pixels
    colour: RGB
    title_lines: tuple[str, ...]
    artist_lines: tuple[str, ...]
    title_px: int
    plate: Image.Image  # the cover under `box` just before the type went on (scrim included)


def clean(text: str) -> str:
    """The text as it will be set: control characters dropped, runs of whitespace made one space."""
    return ' '.join(''.join(ch for ch in text if unicodedata.category(ch) != 'Cc').split())


def missing_glyphs(text: str, style: str = 'sans') -> str:
    """The characters of `text` that the font has no glyph for (they would print as boxes)."""
    font = _font(style, 48)
    notdef = _notdef(style)
    seen: list[str] = []
    for char in clean(text):
        if char.isspace() or unicodedata.category(char) in ('Mn', 'Cf') or char in seen:
            continue
        mask = font.getmask(char)
        if (mask.size, bytes(mask)) == notdef:
            seen.append(char)
    return ''.join(seen)


def set_text(image: Image.Image, *, title: str, artist: str, layout: Layout, tint: RGB,
             title_max: float = _TITLE_MAX) -> TextBlock:
    """Set title and artist on `image` (RGB, square) in place; `tint` colours the scrim when one is needed, and
    `title_max` caps the title's size (a fraction of the side)."""
    size = image.width
    title, artist = clean(title), clean(artist)
    margin = round(size * MARGIN)
    width = size - 2 * margin
    title_px, title_lines, artist_px, artist_lines = _fit(title, artist, style=layout.style, width=width, size=size,
                                                          title_max=title_max)
    title_font, artist_font = _font(layout.style, title_px), _font('text', artist_px)
    # (text, font, line advance), top to bottom
    title_rows = [(line, title_font, round(title_px * 1.08)) for line in title_lines]
    artist_rows = [(line, artist_font, round(artist_px * 1.3)) for line in artist_lines]
    gap = round(title_px * 0.28) if artist_lines and title_lines else 0
    rows = [*artist_rows, *title_rows] if layout.artist_first else [*title_rows, *artist_rows]
    if not rows:
        return TextBlock((margin, margin, margin + 1, margin + 1), _LIGHT_INK, (), (), title_px,
                         image.crop((margin, margin, margin + 1, margin + 1)))
    height = sum(advance for _, _, advance in rows) + gap
    top = margin if layout.top else size - margin - height
    ascent = {id(font): font.getmetrics()[0] for _, font, _ in rows}
    placed: list[tuple[str, ImageFont.FreeTypeFont, int]] = []
    y = top
    first_group = len(artist_rows) if layout.artist_first else len(title_rows)
    for index, (line, font, advance) in enumerate(rows):
        if index == first_group:
            y += gap
        placed.append((line, font, y + min(ascent[id(font)], advance)))
        y += advance
    anchor = 'ms' if layout.centred else 'ls'
    x = size // 2 if layout.centred else margin
    mask = _draw(image.size, placed, x, anchor, 0)
    box = mask.getbbox() or (margin, top, margin + 1, top + 1)
    # Line metrics only estimate the ink: align the ink itself to the margin (descenders, tall accents included).
    shift = (margin - box[1]) if layout.top else (size - margin - box[3])
    if shift:
        mask = _draw(image.size, placed, x, anchor, shift)
        box = mask.getbbox() or box
    colour = _ink_and_scrim(image, box, layout.top, tint)
    pad = round(size * 0.01)
    region = (max(0, box[0] - pad), max(0, box[1] - pad), min(size, box[2] + pad), min(size, box[3] + pad))
    glyphs = mask.crop(region)
    plate = image.crop(box)
    if colour == _LIGHT_INK:  # a soft shadow keeps the edges of light type crisp on busy art
        shadow = glyphs.filter(ImageFilter.GaussianBlur(size / 1000)).point(lambda v: round(v * 0.5))
        image.paste((0, 0, 0), region, shadow)
    image.paste(_rgb8(colour), region, glyphs)
    return TextBlock(box, colour, tuple(title_lines), tuple(artist_lines), title_px, plate)


def _draw(size: tuple[int, int], placed: list[tuple[str, ImageFont.FreeTypeFont, int]], x: int, anchor: str,
          shift: int) -> Image.Image:
    mask = Image.new('L', size, 0)
    draw = ImageDraw.Draw(mask)
    for line, font, baseline in placed:
        draw.text((x, baseline + shift), line, font=font, fill=255, anchor=anchor)
    return mask


def _fit(title: str, artist: str, *, style: str, width: int, size: int,
         title_max: float) -> tuple[int, list[str], int, list[str]]:
    """The largest title size whose wrapped lines (and the artist's) fit the width and the block height."""
    px = round(size * title_max)
    floor = round(size * _TITLE_FLOOR)
    while True:
        artist_px = max(round(size * 0.03), min(round(px * 0.38), round(size * 0.042)))
        title_lines = _wrap(title, _font(style, px), width)
        artist_lines = _wrap(artist, _font('text', artist_px), width)
        height = len(title_lines) * px * 1.08 + len(artist_lines) * artist_px * 1.3 + px * 0.28
        lines_ok = len(title_lines) <= (3 if px > size * _TITLE_MIN else 8)
        if (lines_ok and height <= size * _MAX_BLOCK) or px <= floor:
            return px, title_lines, artist_px, artist_lines
        px = max(floor, round(px * 0.92))


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between characters, never dropped."""
    if not text:
        return []
    lines: list[str] = []
    current = ''
    for word in text.split(' '):
        candidate = f'{current} {word}' if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ''
        for char in word:
            if current and font.getlength(current + char) > width:
                lines.append(current)
                current = ''
            current += char
    lines.append(current)
    return lines


def _ink_and_scrim(image: Image.Image, box: tuple[int, int, int, int], top: bool, tint: RGB) -> RGB:
    """Light or dark ink, whichever reads better; then darken or lighten the band behind the block until even its
    worst background pixels reach MIN_CONTRAST."""
    size = image.width
    small = 4  # statistics on a quarter-size copy: plenty for percentiles, 16x less work
    pad = round(size * 0.03)
    region = (max(0, box[0] - pad), max(0, box[1] - pad), min(size, box[2] + pad), min(size, box[3] + pad))
    patch = np.asarray(image.crop(region).reduce(small), np.float32) / 255
    lum = luminance(patch).ravel()
    light, dark = float(luminance(np.asarray(_LIGHT_INK))), float(luminance(np.asarray(_DARK_INK)))
    median, bright, dim = float(np.median(lum)), float(np.percentile(lum, 98)), float(np.percentile(lum, 2))
    light_ok, dark_ok = contrast_ratio(light, bright) >= MIN_CONTRAST, contrast_ratio(dark, dim) >= MIN_CONTRAST
    busy = _detail(luminance(patch), size / 500) > _BUSY  # fine pattern under type reads badly at any contrast
    if (light_ok or dark_ok) and not busy:
        use_light = light_ok and (not dark_ok or contrast_ratio(light, median) >= contrast_ratio(dark, median))
        return _LIGHT_INK if use_light else _DARK_INK
    # Neither reads everywhere (or the art is busy): deepen the band behind light type or lighten it behind dark
    # type, whichever needs the lighter touch; on a tie, the ink that suits the art's overall tone.
    inner = region[3] if top else region[1]  # the edge of the padded block facing the middle of the cover
    rows = region[1] + (np.arange(patch.shape[0], dtype=np.float32) + 0.5) * small
    weight = _scrim(rows, inner, size, top)[:, None, None]
    choices = []
    for use_light, ink_lum in ((True, light), (False, dark)):
        target = np.asarray(_scrim_colour(tint, use_light), np.float32)
        for strength in (0.65, 0.75, 0.85, 1.0) if busy else (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
            after = luminance(patch + (target - patch) * (strength * weight))
            if contrast_ratio(ink_lum, float(np.percentile(after, 98 if use_light else 2))) >= MIN_CONTRAST:
                break
        choices.append((strength, -contrast_ratio(ink_lum, median), use_light, target))
    strength, _, use_light, target = min(choices, key=lambda choice: choice[:2])
    column = _scrim(np.arange(size, dtype=np.float32) + 0.5, inner, size, top) * strength
    rows = np.flatnonzero(column > 0)
    first, last = int(rows[0]), int(rows[-1]) + 1
    alpha = Image.fromarray((column[first:last, None] * 255 + 0.5).astype(np.uint8), 'L').resize((size, last - first))
    image.paste(_rgb8(tuple(target)), (0, first, size, last), alpha)
    return _LIGHT_INK if use_light else _DARK_INK


def _detail(lum: np.ndarray, radius: float) -> float:
    """How much fine pattern a luminance patch holds: the spread of what a blur of `radius` pixels takes away."""
    plane = Image.fromarray((np.clip(lum, 0, 1) * 255 + 0.5).astype(np.uint8), 'L')
    smooth = np.asarray(plane.filter(ImageFilter.GaussianBlur(radius)), np.float32)
    return float((np.asarray(plane, np.float32) - smooth).std() / 255)


def _scrim(y: np.ndarray, inner: float, size: int, top: bool) -> np.ndarray:
    """The scrim's strength down the cover: full from the cover's edge to the block's inner edge, then fading."""
    fade = size * 0.2
    ramp = np.clip((inner + fade - y) / fade, 0, 1) if top else np.clip((y - (inner - fade)) / fade, 0, 1)
    return ramp * ramp * (3 - 2 * ramp)


def _scrim_colour(tint: RGB, darken: bool) -> RGB:
    if darken:  # a deep shade of the cover's own darkest colour reads as part of the art, not a box
        return tuple(channel * 0.25 for channel in tint)  # type: ignore[return-value]
    return tuple(0.92 + channel * 0.08 for channel in tint)  # type: ignore[return-value]


def _rgb8(colour: tuple[float, ...]) -> tuple[int, int, int]:
    red, green, blue = (round(min(1.0, max(0.0, channel)) * 255) for channel in colour)
    return red, green, blue


@lru_cache(maxsize=64)
def _font(style: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONTS[style]), px)


@cache
def _notdef(style: str) -> tuple[tuple[int, int], bytes]:
    mask = _font(style, 48).getmask('\uffff')  # a noncharacter: every font draws its .notdef box for it
    return mask.size, bytes(mask)
