"""The delivered covers: the 3000 px master, a 1500 px copy and a 1080x1920 vertical recomposition, plus the
pre-flight rows that check a cover against the stores' spec.

REFERENCE.md (cover art): 3000x3000 square JPEG, RGB, sRGB with no embedded ICC profile and no orientation
metadata, under 10 MB.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, UnidentifiedImageError

from liab import media
from liab.art._type import Layout, set_text
from liab.errors import BadInput

COVER_PX = 3000
MAX_COVER_BYTES = 10_000_000  # "under 10 MB": counted in decimal megabytes, the stricter reading
VERTICAL = (1080, 1920)
FINAL_NAMES = {'cover_3000': 'final_cover_3000.jpg', 'cover_1500': 'final_cover_1500.jpg',
               'cover_vertical': 'final_cover_vertical.jpg'}
_ORIENTATION_TAG = 0x0112
_QUALITIES = (95, 92, 88, 84, 80, 75, 70)
_ART_SIDE = 936  # the square art on the vertical: the width less a 72 px margin each side
_ART_TOP = 330


def finalize_cover(source: Path, folder: Path, *, title: str, artist: str) -> dict[str, Path]:
    """Write the three finals from the chosen square cover. All are encoded before any is written, and each is
    written atomically, so a failure leaves the previous finals as they were."""
    with Image.open(source) as opened:
        opened.load()
        cover = opened.convert('RGB')
    if abs(cover.width - cover.height) > max(cover.size) * 0.01:
        raise BadInput('The chosen cover is not square.')
    side = min(cover.size)
    cover = cover.crop(((cover.width - side) // 2, (cover.height - side) // 2,
                        (cover.width - side) // 2 + side, (cover.height - side) // 2 + side))
    if side != COVER_PX:
        cover = cover.resize((COVER_PX, COVER_PX), Image.Resampling.LANCZOS)
    encoded = {
        'cover_3000': encode_jpeg(cover),
        'cover_1500': encode_jpeg(cover.resize((1500, 1500), Image.Resampling.LANCZOS)),
        'cover_vertical': encode_jpeg(vertical(cover, title=title, artist=artist)),
    }
    return {key: media.write_bytes(folder / FINAL_NAMES[key], data) for key, data in encoded.items()}


def vertical(cover: Image.Image, *, title: str, artist: str) -> Image.Image:
    """1080x1920 for stories and shorts: the square art whole and undistorted, centred on a blurred, darkened
    enlargement of itself, with the title block set again underneath at a size phones can read."""
    width, height = VERTICAL
    # The backdrop keeps only the cover's broad colour fields: shrunk to a few pixels, softened and scaled back up,
    # so no shape of the art (least of all its type) shows through as a smudge.
    backdrop = cover.resize((12, 12), Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(1.2))
    backdrop = backdrop.resize((height, height), Image.Resampling.BICUBIC)
    left = (height - width) // 2
    canvas = Image.blend(backdrop.crop((left, 0, left + width, height)), Image.new('RGB', (width, height)), 0.5)
    noise = Image.effect_noise((width, height), 6).convert('RGB')  # a little grain, so the gradient cannot band
    canvas = ImageChops.add(canvas, noise, scale=1.0, offset=-128)
    art = cover.resize((_ART_SIDE, _ART_SIDE), Image.Resampling.LANCZOS)
    art_left = (width - _ART_SIDE) // 2
    shadow = Image.new('L', canvas.size, 0)
    shadow.paste(150, (art_left + 6, _ART_TOP + 18, art_left + _ART_SIDE + 6, _ART_TOP + _ART_SIDE + 18))
    canvas.paste((0, 0, 0), (0, 0), shadow.filter(ImageFilter.GaussianBlur(24)))
    canvas.paste(art, (art_left, _ART_TOP))
    _set_caption(canvas, title=title, artist=artist, top=_ART_TOP + _ART_SIDE + 70)
    return canvas


def encode_jpeg(image: Image.Image, *, max_bytes: int = MAX_COVER_BYTES) -> bytes:
    """Baseline RGB JPEG with no ICC profile, no EXIF and no orientation; the best quality that fits max_bytes."""
    clean = Image.frombytes('RGB', image.size, image.convert('RGB').tobytes())  # nothing of image.info survives
    for quality in _QUALITIES:
        data = _jpeg_bytes(clean, quality)
        if len(data) < max_bytes:
            return data
    raise BadInput('That cover cannot be made small enough for the stores (under 10 MB).')


def _jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    subsampling = 0 if quality >= 84 else 2  # full colour resolution keeps coloured type crisp, while it fits
    buffer = io.BytesIO()
    try:
        image.save(buffer, 'JPEG', quality=quality, subsampling=subsampling, optimize=True)
    except OSError:  # Pillow sizes the optimising encoder's buffer by the pixel count; noise can outgrow it
        buffer = io.BytesIO()
        image.save(buffer, 'JPEG', quality=quality, subsampling=subsampling)
    return buffer.getvalue()


def check_cover(path: Path) -> list[tuple[str, str, str]]:
    """Pre-flight rows (name, 'pass' | 'warn' | 'fail', reason) for a cover file."""
    if not path.is_file():
        return [('Cover', 'fail', 'There is no cover yet: choose or upload one.')]
    size = path.stat().st_size
    try:
        with Image.open(path) as image:
            fmt, mode, (width, height) = image.format, image.mode, image.size
            icc = image.info.get('icc_profile')
            orientation = _ORIENTATION_TAG in image.getexif()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return [('Cover', 'fail', 'The cover file cannot be read as an image.')]
    rows = [('Cover format', 'pass', 'JPEG') if fmt == 'JPEG'
            else ('Cover format', 'fail', f'It is {fmt or "an unknown format"}; the stores want a JPEG.')]
    if (width, height) == (COVER_PX, COVER_PX):
        rows.append(('Cover size', 'pass', f'{width}x{height} px'))
    elif width == height and width > COVER_PX:
        rows.append(('Cover size', 'warn', f'{width}x{height} px: accepted by most stores, but 3000x3000 is the '
                                           'standard.'))
    else:
        rows.append(('Cover size', 'fail', f'{width}x{height} px; the stores want a 3000x3000 square.'))
    rows.append(('Cover colour mode', 'pass', 'RGB') if mode == 'RGB'
                else ('Cover colour mode', 'fail', f'{mode}; the stores want RGB.'))
    rows.append(('Cover colour profile', 'fail', 'An ICC profile is embedded; the stores want plain sRGB without one.')
                if icc else ('Cover colour profile', 'pass', 'sRGB, no profile embedded'))
    rows.append(('Cover orientation', 'fail', 'It carries EXIF orientation metadata, which some stores reject.')
                if orientation else ('Cover orientation', 'pass', 'No orientation metadata'))
    rows.append(('Cover file size', 'pass', f'{size / 1e6:.1f} MB') if size < MAX_COVER_BYTES
                else ('Cover file size', 'fail', f'{size / 1e6:.1f} MB; the stores want under 10 MB.'))
    return rows


def _set_caption(canvas: Image.Image, *, title: str, artist: str, top: int) -> None:
    """Title and artist under the art, in the cover's own type, light on the darkened backdrop."""
    width, height = canvas.size
    block = Image.new('RGB', (width, width), (0, 0, 0))
    block.paste(canvas.crop((0, top - 50, width, min(height, top - 50 + width))), (0, 0))
    # Reuse the cover's typesetter on a square band; its margins and wrapping keep long titles inside.
    set_text(block, title=title, artist=artist, layout=Layout('sans', top=True, centred=True, artist_first=False),
             tint=(0.0, 0.0, 0.0), title_max=0.075)
    canvas.paste(block.crop((0, 0, width, min(width, height - top + 50))), (0, top - 50))
