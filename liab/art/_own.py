"""Taking in a cover the artist made, and checking pictures from an image service with the same care.

The stance of liab/audio/ingest.py: the format comes from the magic bytes, never the name; the size is capped while
streaming; the file is stored under a generated name; a refusal is one clear message and leaves nothing behind.
REFERENCE.md (security): keep Pillow's decompression-bomb guard and verify the format, not the name.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from liab import media
from liab.art._finals import COVER_PX
from liab.audio.ingest import copy_capped
from liab.errors import BadInput

MAX_PIXELS = 40_000_000  # about 6300x6300: room for big print masters, and at most ~160 MB decoded
MIN_SIDE = 600  # below this an enlargement to 3000 px is mush: refuse rather than warn
SQUARE_TOLERANCE = 0.01
# Deliberately lower than Pillow's default (~89 Mpx) and process-wide: every image this app opens is a cover.
# Pillow warns above it (we make that warning an error) and refuses outright above twice it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

NOT_AN_IMAGE = 'That file is not a picture we can use: upload a JPEG or PNG.'
DAMAGED = 'That picture is damaged or cut short.'
_MAGIC = {b'\xff\xd8\xff': 'JPEG', b'\x89PNG\r\n\x1a\n': 'PNG'}
_MODES = {'1', 'L', 'LA', 'P', 'PA', 'RGB', 'RGBA'}
_SRGB = ImageCms.createProfile('sRGB')


@dataclass(frozen=True)
class OwnCover:
    path: Path  # a JPEG under a generated name in dest_dir, COVER_PX square, RGB, no profile
    width: int
    height: int
    warnings: list[str] = field(default_factory=list)  # what was changed to make it fit: show them to the artist


def take_own_cover(source: BinaryIO | Path, *, dest_dir: Path, max_bytes: int) -> OwnCover:
    """Store an uploaded cover as a 3000 px sRGB JPEG under a generated name, or raise BadInput (nothing stored)."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix='.cover-', suffix='.part')  # hidden: never served
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, 'wb') as out:
            copy_capped(source, out, max_bytes)
        with open(tmp, 'rb') as handle:
            image, notes = read_image(handle)
        image, more = _squared(image)
        path = dest_dir / f'own_cover_{uuid.uuid4().hex[:12]}.jpg'
        with media.atomic_path(path) as part:
            image.save(part, 'JPEG', quality=95, subsampling=0)
    finally:
        tmp.unlink(missing_ok=True)
    return OwnCover(path, image.width, image.height, [*notes, *more])


def read_image(source: BinaryIO | bytes) -> tuple[Image.Image, list[str]]:
    """A JPEG or PNG decoded whole into RGB sRGB with no metadata, and notes on what was changed; BadInput if the
    bytes are not one, are damaged, too large, or in colours we do not take."""
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    head = handle.read(8)
    kind = next((name for magic, name in _MAGIC.items() if head.startswith(magic)), None)
    handle.seek(0)
    if kind is None:
        raise BadInput(NOT_AN_IMAGE)
    # NOTE: catch_warnings is process-wide, not per thread; _check_dimensions below refuses the same pictures, so a
    # warning that slips past while another thread holds the filters changes nothing.
    with warnings.catch_warnings():
        warnings.simplefilter('error', Image.DecompressionBombWarning)
        try:
            with Image.open(handle, formats=[kind]) as probe:
                _check_dimensions(*probe.size)
                probe.verify()
            handle.seek(0)
            image = Image.open(handle, formats=[kind])
            frames = getattr(image, 'n_frames', 1)
            if image.mode not in _MODES:
                raise BadInput(_mode_message(image.mode))
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise BadInput(f'That picture is too large: at most {MAX_PIXELS // 1_000_000} million pixels.') from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError):
            raise BadInput(DAMAGED) from None
    notes = [f'That picture holds {frames} frames; only the first one is used.'] if frames > 1 else []
    return _to_srgb(image, notes), notes


def _to_srgb(image: Image.Image, notes: list[str]) -> Image.Image:
    icc = image.info.get('icc_profile')
    try:
        image = ImageOps.exif_transpose(image)  # turned the way the artist sees it, then the tag is gone
    except (OSError, ValueError, SyntaxError, struct.error, KeyError, TypeError):
        notes.append('Its orientation tag could not be read; the picture is used as stored.')
    has_alpha = image.mode in ('LA', 'PA', 'RGBA') or (image.mode == 'P' and 'transparency' in image.info)
    if has_alpha:
        rgba = image.convert('RGBA')
        flat = Image.new('RGB', rgba.size, (255, 255, 255))
        flat.paste(rgba, (0, 0), rgba)
        image = flat
        notes.append('Its transparent parts were filled with white.')
    elif image.mode != ('L' if icc else 'RGB'):
        image = image.convert('RGB')
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, profile, _SRGB, outputMode='RGB')
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            notes.append('Its colour profile could not be read; its colours are used as they are.')
    image = image.convert('RGB') if image.mode != 'RGB' else image
    return Image.frombytes('RGB', image.size, image.tobytes())  # drops every trace of info (profile, EXIF)


def _squared(image: Image.Image) -> tuple[Image.Image, list[str]]:
    width, height = image.size
    if abs(width - height) > SQUARE_TOLERANCE * max(width, height):
        raise BadInput(f'A cover must be square; that picture is {width}x{height}. Crop it to a square and upload '
                       'it again.')
    side = min(width, height)
    if side < MIN_SIDE:
        raise BadInput(f'That picture is only {width}x{height}; a cover needs {COVER_PX}x{COVER_PX} (we can enlarge '
                       f'one from {MIN_SIDE} px up).')
    notes = []
    if width != height:
        left, top = (width - side) // 2, (height - side) // 2
        image = image.crop((left, top, left + side, top + side))
        notes.append(f'It was {width}x{height}; {abs(width - height)} px were trimmed to make it square.')
    if side < COVER_PX:
        notes.append(f'It is {side}x{side}; the stores want {COVER_PX}x{COVER_PX}, so it was enlarged and may look '
                     'soft. Upload a larger original if you have one.')
    if side != COVER_PX:
        image = image.resize((COVER_PX, COVER_PX), Image.Resampling.LANCZOS)
    return image, notes


def _check_dimensions(width: int, height: int) -> None:
    if width * height > MAX_PIXELS or width <= 0 or height <= 0:
        raise BadInput(f'That picture is too large ({width}x{height}): at most {MAX_PIXELS // 1_000_000} million '
                       'pixels.')


def _mode_message(mode: str) -> str:
    if mode == 'CMYK':
        return 'That picture uses CMYK (print) colours. Export it as RGB (sRGB) and upload it again.'
    return f'That picture uses colours we cannot take ({mode}). Export it as an 8-bit RGB JPEG or PNG.'
