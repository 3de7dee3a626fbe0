"""A whole song: the section plan for the genre, then each section written with the composer."""

from __future__ import annotations

import random
import string

from . import _rhyme
from ._grammar import Composer
from ._model import Lyrics, Section
from ._theme import theme_words

SUNG_FORM_GENRES = frozenset({'pop', 'r&b', 'afrobeats'})
_SMALL_WORDS = frozenset({'a', 'an', 'the', 'and', 'or', 'but', 'of', 'in', 'on', 'at', 'to', 'for', 'by', 'with'})


def write_song(*, genre: str, mood: str, theme: str, bpm: float | None, rng: random.Random) -> Lyrics:
    low, high = _rhyme.syllable_range(genre, bpm)
    composer = Composer(rng, genre=genre, mood=mood, theme=theme_words(theme), low=low, high=high)
    hook = composer.hook_phrase()
    plan = song_plan(genre, rng)
    verses = [n for _, kind, n in plan if kind == 'verse']
    spare = max(len(composer.theme) - 1, 0)  # the hook carries the main theme word; verses carry the rest
    written: dict[str, list[str]] = {}
    sections = []
    for name, kind, size in plan:
        if kind in ('chorus', 'pre-chorus') and kind in written:
            lines = written[kind]
        elif kind == 'chorus':
            lines = chorus(composer, hook, size)
        elif kind == 'intro':
            lines = composer.section('AA', hook=hook, hook_at=(0,))
        elif kind == 'outro':  # a line that rhymes with the hook line, then the hook line to close on
            first = written['chorus'][0]
            key = _rhyme.rhyming_part(_rhyme.last_word(first))
            so_far = ' '.join(line for section in sections for line in section.lines).lower()
            missing = [w for w in composer.theme[1:] if w.surface().lower() not in so_far]
            composer.owe(missing)
            lines = [*composer.section('A', keys={'A': key}, themed=1 if missing else 0), first]
        else:
            share = -(-spare // len(verses)) if kind == 'verse' else 0
            themed = max(1, size // 4, share) if kind == 'verse' else 1
            lines = composer.section(scheme(size, rap=composer.rap, rng=rng), themed=min(themed, size // 2))
        written.setdefault(kind, lines)
        sections.append(Section(name, tuple(lines)))
    return Lyrics(title_case(hook), tuple(sections))


def song_plan(genre: str, rng: random.Random) -> list[tuple[str, str, int]]:
    """(name, kind, lines) for each section, by the genre's usual form, varied a little by the seed."""
    if genre in _rhyme.RAP_GENRES:
        verse = 12 if genre == 'boom bap' and rng.random() < 0.3 else 8
        plan = [('Intro', 'intro', 2), ('Verse 1', 'verse', verse), ('Chorus', 'chorus', 4),
                ('Verse 2', 'verse', verse), ('Chorus', 'chorus', 4)]
        if rng.random() < 0.35:
            plan += [('Bridge', 'bridge', 4), ('Chorus', 'chorus', 4)]
        return [*plan, ('Outro', 'outro', 2)]
    if genre in SUNG_FORM_GENRES:
        verse, hook = rng.choice((4, 6)), rng.choice((4, 4, 6))
        plan = [('Intro', 'intro', 2), ('Verse 1', 'verse', verse), ('Pre-chorus', 'pre-chorus', 2),
                ('Chorus', 'chorus', hook), ('Verse 2', 'verse', verse)]
        if rng.random() < 0.7:
            plan.append(('Pre-chorus', 'pre-chorus', 2))
        return [*plan, ('Chorus', 'chorus', hook), ('Bridge', 'bridge', 4), ('Chorus', 'chorus', hook),
                ('Outro', 'outro', 2)]
    if genre == 'house':  # short verses, the chorus over and over, a breakdown as the bridge
        return [('Intro', 'intro', 2), ('Verse 1', 'verse', 4), ('Chorus', 'chorus', 4), ('Verse 2', 'verse', 4),
                ('Chorus', 'chorus', 4), ('Bridge', 'bridge', rng.choice((2, 4))), ('Chorus', 'chorus', 4),
                ('Outro', 'outro', 2)]
    verse = rng.choice((4, 6, 8))  # lo-fi
    return [('Verse 1', 'verse', verse), ('Chorus', 'chorus', 4), ('Verse 2', 'verse', verse),
            ('Chorus', 'chorus', 4), ('Outro', 'outro', 2)]


def chorus(composer: Composer, hook: str, size: int) -> list[str]:
    """The hook phrase opens the first two lines of a rhyming pair (AABB) or the A lines (ABAB), and a sixth line."""
    couplets = composer.rng.random() < 0.5
    letters = 'AABB' if couplets else 'ABAB'
    hook_at = (0, 1) if couplets else (0, 2)
    if size == 6:
        letters, hook_at = letters + 'CC', (*hook_at, 4)
    return composer.section(letters[:size], hook=hook, hook_at=tuple(i for i in hook_at if i < size))


def scheme(size: int, *, rap: bool, rng: random.Random) -> str:
    """Rhyme letters: rap leans on couplets (AABB), sung parts on alternate lines (ABAB); an odd line joins the
    last pair."""
    letters, pool = [], iter(string.ascii_uppercase)
    for _ in range(size // 4):
        a, b = next(pool), next(pool)
        letters += [a, a, b, b] if rng.random() < (0.75 if rap else 0.4) else [a, b, a, b]
    if size % 4 >= 2:
        letters += [next(pool)] * 2
    if size % 2:
        letters.append(letters[-1] if letters else 'A')
    return ''.join(letters)


def title_case(phrase: str) -> str:
    words = phrase.split()
    return ' '.join(w if i and w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))
