"""Section-level helpers for refine: find the sections an instruction names, change them everywhere they come
round, read their rhyme scheme and hook, and say what was done in plain words."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import replace

from . import _rhyme, _words
from ._intent import Target
from ._model import Lyrics, Section
from ._parse import kind_of, verse_number


def find_sections(lyrics: Lyrics, target: Target) -> tuple[list[int], str]:
    """Indexes of the sections a target names, or a plain reason why there are none to change."""
    sections = lyrics.sections
    of_kind = [i for i, s in enumerate(sections) if kind_of(s.name) == target.kind]
    listing = ', '.join(s.name for s in sections) or 'none'
    if not of_kind:
        return [], f'There is no {target.kind} in these lyrics. The sections are: {listing}.'
    if target.kind != 'verse' or target.every:
        return of_kind, ''
    number = target.number
    if number == -1:
        chosen = of_kind[-1:]
    elif number:
        in_order = [of_kind[number - 1]] if number <= len(of_kind) and \
            not any(verse_number(sections[i].name) for i in of_kind) else []
        chosen = [i for i in of_kind if verse_number(sections[i].name) == number] or in_order
    else:
        chosen = of_kind if len(of_kind) == 1 else []
    if chosen:
        return chosen, ''
    if number:
        return [], f'There is no verse {number} in these lyrics. The sections are: {listing}.'
    return [], f'There are {len(of_kind)} verses: say which one, for example "verse 2".'


def apply_to(lyrics: Lyrics, found: list[int], change: Callable[[tuple[str, ...]], tuple[str, ...]]) -> Lyrics:
    """Change the named sections; repeats with the same lines (a chorus coming round) get the same new lines."""
    done: dict[tuple[str, ...], tuple[str, ...]] = {}
    sections = list(lyrics.sections)
    for index in found:
        lines = sections[index].lines
        if lines not in done:
            done[lines] = tuple(change(lines))
        sections[index] = Section(sections[index].name, done[lines])
    return replace(lyrics, sections=tuple(sections))


def rhyme_letters(lines: tuple[str, ...]) -> str:
    """The rhyme scheme the lines already have ('AABB', 'ABAB'), or '' when some line rhymes with no neighbour."""
    letters: list[str] = []
    for index, line in enumerate(lines):
        same = next((letters[j] for j in (index - 1, index - 2) if j >= 0 and _rhyme.rhymes(lines[j], line)), None)
        letters.append(same or chr(ord('A') + len(set(letters))))
    return ''.join(letters) if len(lines) > 1 and all(letters.count(x) >= 2 for x in letters) else ''


def shorten(lines: tuple[str, ...]) -> tuple[str, ...]:
    """Drop two lines from four or more, one from fewer: the last rhyming pair without the hook in it, else the
    last lines without the hook, so what is left still rhymes and still carries the hook."""
    count = 2 if len(lines) >= 4 else 1
    hook = (hook_of(lines) or '\0').lower()
    plain = [i for i, line in enumerate(lines) if not line.lower().startswith(hook)]
    pairs = [(i, j) for i in plain for j in (i + 1, i + 2) if j in plain and _rhyme.rhymes(lines[i], lines[j])]
    if count == 2 and pairs:
        drop = set(pairs[-1])
    elif len(plain) >= count:
        drop = set(plain[-count:])
    else:
        drop = set(range(len(lines) - count, len(lines)))
    return tuple(line for i, line in enumerate(lines) if i not in drop)


def hook_of(lines: tuple[str, ...]) -> str | None:
    """The longest opening phrase (two words or more) that two or more lines share, without its comma."""
    best = ''
    for i, first in enumerate(lines):
        for second in lines[i + 1:]:
            a, b = first.split(), second.split()
            size = next((k for k in range(min(len(a), len(b))) if a[k].lower() != b[k].lower()), min(len(a), len(b)))
            if size >= 2 and len(' '.join(a[:size])) > len(best):
                best = ' '.join(a[:size])
    return best.rstrip(',;:') or None


def guess_genre(lyrics: Lyrics) -> str:
    counts = [_rhyme.syllables(line) for s in lyrics.sections for line in s.lines]
    return 'hip hop' if counts and statistics.median(counts) >= 10 else 'pop'


def guess_mood(lyrics: Lyrics) -> str:
    words = [w.lower() for s in lyrics.sections for line in s.lines for w in _rhyme.words_of(line)]
    scores = {mood: sum(w in bank.words() for w in words) for mood, bank in _words.MOOD_BANKS.items()}
    best = max(scores, key=lambda m: scores[m])
    return best if scores[best] else 'chill'


def same_case(found: str, new: str) -> str:
    if new != new.lower():
        return new
    if found.isupper() and len(found) > 1:
        return new.upper()
    if found[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def section_names(names: list[str]) -> str:
    unique = list(dict.fromkeys(n if kind_of(n) == 'verse' else f'the {n.lower()}' for n in names))
    unique = [n[:1].lower() + n[1:] if n.startswith('Verse') else n for n in unique]
    return unique[0] if len(unique) == 1 else ', '.join(unique[:-1]) + ' and ' + unique[-1]


def repeat_note(lyrics: Lyrics, found: list[int]) -> str:
    """' (all 3 times it comes round)' for a chorus or other repeated section."""
    if len(found) < 2 or len({lyrics.sections[i].lines for i in found}) > 1:
        return ''
    return ' (both times it comes round)' if len(found) == 2 else f' (all {len(found)} times it comes round)'


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
