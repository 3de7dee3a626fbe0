"""The local cover generator: mood picks the palette and the light, genre the shapes and texture, the seed the rest.

The art is painted at WORK_FRACTION of the side (a fifth of the pixels) and upscaled with Lanczos: it is soft by
nature (gradients, glows, grain) and its hard edges are anti-aliased, so little is lost, while the type is set at
full size so its edges stay crisp.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from liab.art import _geometric, _print, _soft, _street
from liab.art._palette import Palette, mix, palette_for
from liab.art._surface import Canvas
from liab.art._type import Layout, TextBlock, set_text

GENRE_MOTIFS: dict[str, Callable[[Canvas, Palette], None]] = {
    'hip hop': _street.hip_hop, 'trap': _geometric.trap, 'boom bap': _print.boom_bap, 'lo-fi': _soft.lo_fi,
    'pop': _soft.pop, 'r&b': _soft.rnb, 'house': _geometric.house, 'drill': _street.drill,
    'afrobeats': _print.afrobeats,
}
MOODS = ('energetic', 'chill', 'dark', 'happy', 'sad', 'romantic', 'aggressive', 'dreamy')
_ALIASES = {'hiphop': 'hip hop', 'hip-hop': 'hip hop', 'rap': 'hip hop', 'lofi': 'lo-fi', 'lo fi': 'lo-fi',
            'rnb': 'r&b', 'r & b': 'r&b', 'r and b': 'r&b', 'boombap': 'boom bap', 'boom-bap': 'boom bap',
            'afrobeat': 'afrobeats', 'afro': 'afrobeats', 'uk drill': 'drill'}
WORK_FRACTION = 0.45  # the art is painted at this fraction of the cover's side and upscaled (see above)
_GRAIN = {'lo-fi': 0.07, 'boom bap': 0.055, 'hip hop': 0.03, 'drill': 0.035}
_SERIF_GENRES = {'r&b', 'lo-fi'}
_SERIF_MOODS = {'romantic', 'dreamy', 'sad'}


@dataclass(frozen=True)
class Rendered:
    image: Image.Image
    block: TextBlock


def render(*, title: str, artist: str, genre: str, mood: str, seed: int, size: int) -> Rendered:
    image, palette = paint(genre=genre, mood=mood, seed=seed, size=size)
    return letter(image, title=title, artist=artist, genre=genre, mood=mood, seed=seed, tint=palette.ground[0],
                  in_place=True)


def paint(*, genre: str, mood: str, seed: int, size: int) -> tuple[Image.Image, Palette]:
    """The artwork alone, without type (the same picture `render` then letters), and its palette."""
    genre, mood = canonical_genre(genre), canonical_mood(mood)
    rng = _rng(seed, genre, mood, 'art')
    work = max(256, round(size * WORK_FRACTION))
    canvas = Canvas(work, rng)
    palette = palette_for(mood, rng)
    _ground(canvas, palette)
    GENRE_MOTIFS.get(genre, _fallback_motif(genre))(canvas, palette)
    _light(canvas, palette, mood, genre)
    image = canvas.image()
    if work != size:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    return image, palette


def letter(image: Image.Image, *, title: str, artist: str, genre: str, mood: str, seed: int,
           tint: tuple[float, float, float] = (0.05, 0.05, 0.06), in_place: bool = False) -> Rendered:
    """Set the type on square art (ours or a service's); the layout follows from genre, mood and seed."""
    genre, mood = canonical_genre(genre), canonical_mood(mood)
    rng = _rng(seed, genre, mood, 'type')
    serif = genre in _SERIF_GENRES or (mood in _SERIF_MOODS and rng.random() < 0.5)
    layout = Layout(style='serif' if serif else 'sans', top=bool(rng.random() < 0.4),
                    centred=bool(rng.random() < (0.6 if serif else 0.3)), artist_first=bool(rng.random() < 0.5))
    if image.mode != 'RGB':
        image = image.convert('RGB')
    elif not in_place:
        image = image.copy()
    block = set_text(image, title=title, artist=artist, layout=layout, tint=tint)
    return Rendered(image, block)


def canonical_genre(genre: str) -> str:
    key = ' '.join(genre.lower().split())
    return _ALIASES.get(key, key)


def canonical_mood(mood: str) -> str:
    return ' '.join(mood.lower().split())


def _ground(c: Canvas, p: Palette) -> None:
    rng = c.rng
    deep, lit = p.ground
    if rng.random() < 0.5:
        c.fill(c.linear(float(rng.uniform(0, 360)), [(0.0, deep), (0.55, mix(deep, lit, 0.6)), (1.0, lit)]))
    else:
        cx, cy = float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.1, 0.6))
        c.fill(c.radial(cx, cy, float(rng.uniform(0.7, 1.2)), [(0.0, lit), (1.0, deep)]))


def _light(c: Canvas, p: Palette, mood: str, genre: str) -> None:
    rng = c.rng
    if p.haze > 0.3:
        c.bloom(0.62, 0.035, p.haze * 0.7)
    if mood in ('happy', 'energetic', 'dreamy', 'romantic', 'chill') and rng.random() < 0.75:
        c.light_leak(p.light, float(rng.uniform(0.2, 0.45)))
    c.vignette(0.2 + 0.45 * p.contrast, float(rng.uniform(0.4, 0.6)), float(rng.uniform(0.4, 0.6)))
    c.grain(_GRAIN.get(genre, 0.022) + (0.012 if mood in ('dark', 'aggressive') else 0.0))


def _fallback_motif(genre: str) -> Callable[[Canvas, Palette], None]:
    """A genre we have no look for still gets a stable one: the same name always borrows the same motif."""
    motifs = list(GENRE_MOTIFS.values())
    return motifs[zlib.crc32(genre.encode()) % len(motifs)]


def _rng(seed: int, genre: str, mood: str, purpose: str) -> np.random.Generator:
    words = [zlib.crc32(f'{purpose}:{genre}:{mood}'.encode()), int(seed) % 2**64]
    return np.random.default_rng(words)
