"""Cover art: the local generator, the delivered finals, the artist's own cover and the pre-flight checks.

Pure functions on images and paths, like liab.audio: no database, no UI. Heavy work (`candidates_job`) runs in a
worker process through liab.jobs.

- `make_cover`: generative artwork, mood -> palette and light, genre -> shapes and texture, seed -> everything else;
  title and artist set in the fonts in static/fonts (Latin with accents, Greek, Cyrillic), readable at thumbnail size.
- `candidates_job`: three distinct candidates, from OpenAI images when configured (liab.providers.images), else local.
- `finalize_cover`: final_cover_3000.jpg, final_cover_1500.jpg, final_cover_vertical.jpg.
- `take_own_cover`: a JPEG or PNG from the artist, checked like an upload.
- `check_cover`: pre-flight rows for the release checklist.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from liab.art._candidates import candidates_job
from liab.art._compose import letter as _letter
from liab.art._compose import paint, render
from liab.art._finals import COVER_PX, FINAL_NAMES, MAX_COVER_BYTES, VERTICAL, check_cover, finalize_cover
from liab.art._own import OwnCover, read_image, take_own_cover
from liab.art._type import missing_glyphs

__all__ = ['COVER_PX', 'FINAL_NAMES', 'MAX_COVER_BYTES', 'VERTICAL', 'CoverText', 'OwnCover', 'candidates_job',
           'check_cover', 'finalize_cover', 'letter', 'make_art', 'make_cover', 'missing_glyphs', 'read_image',
           'take_own_cover']


@dataclass(frozen=True)
class CoverText:
    """The only words a cover may carry (REFERENCE.md): exactly the release's title and artist."""

    title: str
    artist: str


def make_cover(*, title: str, artist: str, genre: str, mood: str, seed: int, size: int = COVER_PX) -> Image.Image:
    """A square RGB cover. The same arguments always give the same picture; unknown genres and moods still get a
    stable look of their own."""
    return render(title=title, artist=artist, genre=genre, mood=mood, seed=seed, size=size).image


def make_art(*, genre: str, mood: str, seed: int, size: int = COVER_PX) -> Image.Image:
    """The artwork of `make_cover` with the same arguments, without any type (for loops that must carry no text)."""
    return paint(genre=genre, mood=mood, seed=seed, size=size)[0]


def letter(image: Image.Image, *, title: str, artist: str, genre: str, mood: str, seed: int) -> Image.Image:
    """Set title and artist on square art made elsewhere (an image service's), the way make_cover sets them."""
    return _letter(image, title=title, artist=artist, genre=genre, mood=mood, seed=seed).image
