"""The local lyric writer: write lyrics for a genre, mood, theme and tempo; read typed lyrics; refine them.

Offline and pure Python. Lines are composed from word banks (`_words`) and a small grammar (`_patterns`), end words
are paired only when their CMU rhyming parts match, and every line, intro, outro and hook lines included, is held to
`syllable_range` for the genre and tempo. The first call reads the CMU dictionary (about half a second); later songs
take about ten milliseconds.
"""

from __future__ import annotations

import random
from numbers import Integral

from . import _rhyme
from ._model import Lyrics, Refined, Section
from ._parse import parse_lyrics
from ._refine import refine
from ._song import write_song

# NOTE: the same names, in the same order, as liab.audio.synth.GENRES and MOODS (copied: that package loads numpy).
GENRES = ('hip hop', 'trap', 'boom bap', 'lo-fi', 'pop', 'r&b', 'house', 'drill', 'afrobeats')
MOODS = ('energetic', 'chill', 'dark', 'happy', 'sad', 'romantic', 'aggressive', 'dreamy')

_GENRE_ALIASES = {'hiphop': 'hip hop', 'hip-hop': 'hip hop', 'rap': 'hip hop', 'rnb': 'r&b', 'r and b': 'r&b',
                  'r & b': 'r&b', 'lofi': 'lo-fi', 'lo fi': 'lo-fi', 'boombap': 'boom bap', 'boom-bap': 'boom bap',
                  'afrobeat': 'afrobeats', 'afro': 'afrobeats', 'uk drill': 'drill'}

__all__ = ['GENRES', 'MOODS', 'Lyrics', 'Refined', 'Section', 'parse_lyrics', 'refine_lyrics', 'rhyme_rate', 'rhymes',
           'syllable_range', 'syllables', 'write_lyrics']


def write_lyrics(*, genre: str, mood: str, theme: str = '', bpm: float | None = None,
                 seed: int | None = None) -> Lyrics:
    """New lyrics in the genre's usual sections. The same seed gives the same lyrics; no seed, fresh ones."""
    return write_song(genre=_genre(genre), mood=_mood(mood), theme=theme or '', bpm=_bpm(bpm), rng=seeded_random(seed))


def refine_lyrics(lyrics: Lyrics, instruction: str, *, genre: str | None = None, mood: str | None = None,
                  theme: str = '', bpm: float | None = None, seed: int | None = None) -> Refined:
    """Follow one plain-English instruction ('make the chorus shorter', 'rewrite verse 2', 'replace night with
    day'). Works on typed lyrics too; sections the instruction does not name are kept as they were."""
    if not isinstance(lyrics, Lyrics):
        raise ValueError('refine_lyrics needs Lyrics (see Lyrics.from_json and parse_lyrics).')
    return refine(lyrics, instruction or '', genre=_genre(genre) if genre else None,
                  mood=_mood(mood) if mood else None, theme=theme or '', bpm=_bpm(bpm), rng=seeded_random(seed))


def rhymes(a: str, b: str) -> bool:
    """Whether two words, or the last words of two lines, rhyme by the CMU pronouncing dictionary."""
    return _rhyme.rhymes(a, b)


def rhyme_rate(lyrics: Lyrics) -> float:
    """The share of lines (0..1) whose last word rhymes with a line one or two before or after, in its section."""
    return _rhyme.rhyme_share(section.lines for section in lyrics.sections)


def syllables(line: str) -> int:
    """Syllables by the CMU dictionary; unknown words (accented Latin, Greek, Cyrillic and more) by spelling."""
    return _rhyme.syllables(line)


def syllable_range(genre: str, bpm: float | None) -> tuple[int, int]:
    """Target syllables per line for the genre at this tempo (None: the genre's usual tempo)."""
    return _rhyme.syllable_range(_genre(genre), _bpm(bpm))


def _genre(genre: str) -> str:
    name = ' '.join(str(genre or '').lower().split())
    name = _GENRE_ALIASES.get(name, name)
    if name not in GENRES:
        raise ValueError(f'Unknown genre {genre!r}: choose one of {", ".join(GENRES)}.')
    return name


def _mood(mood: str) -> str:
    name = str(mood or '').strip().lower()
    if name not in MOODS:
        raise ValueError(f'Unknown mood {mood!r}: choose one of {", ".join(MOODS)}.')
    return name


def _bpm(bpm: float | None) -> float | None:
    if bpm is None:
        return None
    if isinstance(bpm, bool) or not isinstance(bpm, int | float) or not 20 <= bpm <= 400:
        raise ValueError(f'The tempo must be a number of BPM between 20 and 400, not {bpm!r}.')
    return float(bpm)


def seeded_random(seed: int | None) -> random.Random:
    """The local writers' randomness: fixed by `seed`, or fresh from the system when there is none."""
    if seed is None:
        seed = random.SystemRandom().randrange(2**63)
    elif isinstance(seed, bool) or not isinstance(seed, Integral):
        raise ValueError(f'The seed must be a whole number, not {seed!r}.')
    return random.Random(int(seed))
