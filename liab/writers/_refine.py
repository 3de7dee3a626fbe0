"""Refine: carry out one instruction on lyrics (ours or the artist's), keeping every section it does not name."""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import _rhyme
from ._grammar import Composer, partners
from ._intent import CAN_DO, Intent, Target, parse_instruction
from ._model import Lyrics, Refined, Section
from ._parse import kind_of
from ._sections import (
    apply_to,
    capitalise,
    find_sections,
    guess_genre,
    guess_mood,
    hook_of,
    repeat_note,
    rhyme_letters,
    same_case,
    section_names,
    shorten,
)
from ._song import scheme, title_case
from ._theme import theme_words

_MOOD_WORDS = {'dark': 'darker', 'happy': 'happier', 'sad': 'sadder', 'chill': 'calmer', 'energetic':
               'more energetic', 'romantic': 'more romantic', 'aggressive': 'harder', 'dreamy': 'dreamier'}


@dataclass
class _Job:
    lyrics: Lyrics
    intent: Intent
    genre: str
    mood: str
    theme: str
    bpm: float | None
    rng: random.Random
    genre_given: bool

    def composer(self, *, mood: str | None = None) -> Composer:
        """Lines as long as the genre and tempo ask for when they were given, else as long as the artist's own."""
        if self.genre_given or self.bpm is not None:
            low, high = _rhyme.syllable_range(self.genre, self.bpm)
        else:
            low, high = self._typed_range()
        used = {line for s in self.lyrics.sections for line in s.lines}
        return Composer(self.rng, genre=self.genre, mood=mood or self.mood, theme=self._theme(), low=low, high=high,
                        used=used)

    def _typed_range(self) -> tuple[int, int]:
        counts = [_rhyme.syllables(line) for s in self.lyrics.sections for line in s.lines]
        if not counts:
            return _rhyme.syllable_range(self.genre, None)
        middle = round(statistics.median(counts))
        return max(3, middle - 2), max(5, middle + 2)

    def _theme(self) -> tuple:
        if self.theme.strip():
            return theme_words(self.theme)
        choruses = [line for s in self.lyrics.sections if kind_of(s.name) == 'chorus' for line in s.lines]
        rest = [line for s in self.lyrics.sections for line in s.lines]
        found = theme_words(' '.join([*choruses, *rest]), limit=6)
        return tuple(w for w in found if w.kind in ('noun', 'proper'))[:3]


def refine(lyrics: Lyrics, instruction: str, *, genre: str | None, mood: str | None, theme: str,
           bpm: float | None, rng: random.Random) -> Refined:
    intent = parse_instruction(instruction)
    if intent is None:
        shown = ' '.join(instruction.split())[:80]
        said = f'I could not follow "{shown}". ' if shown else 'There was no instruction. '
        return Refined(None, False, f'{said}I can {CAN_DO}.')
    job = _Job(lyrics, intent, genre or guess_genre(lyrics), mood or guess_mood(lyrics), theme, bpm, rng,
               genre_given=genre is not None)
    if not lyrics.sections and intent.action != 'add':
        return Refined(lyrics, True, 'There are no lyrics to change yet: write some or paste your own first.')
    return _ACTIONS[intent.action](job)


def _shorter(job: _Job) -> Refined:
    return _resize(job, shorter=True)


def _longer(job: _Job) -> Refined:
    return _resize(job, shorter=False)


def _resize(job: _Job, *, shorter: bool) -> Refined:
    target = job.intent.target or Target('chorus')
    found, problem = find_sections(job.lyrics, target)
    if problem:
        return Refined(job.lyrics, True, problem)
    first = job.lyrics.sections[found[0]].lines
    if shorter and len(first) <= 1:
        return Refined(job.lyrics, True, f'{capitalise(target.label())} is already a single line, so I left it.')
    composer = job.composer()

    def change(lines: tuple[str, ...]) -> tuple[str, ...]:
        if shorter:
            return shorten(lines)
        hook = hook_of(lines)
        return (*lines, *composer.section('AA', hook=hook, hook_at=(0,) if hook else (), themed=0 if hook else 1))

    lyrics = apply_to(job.lyrics, found, change)
    after = len(lyrics.sections[found[0]].lines)
    word, note = 'shorter' if shorter else 'longer', repeat_note(job.lyrics, found)
    return Refined(lyrics, True, f'Made {target.label()} {word}: {len(first)} lines to {after}{note}.')


def _rhymes(job: _Job) -> Refined:
    before = _rhyme.rhyme_share(s.lines for s in job.lyrics.sections)
    if before == 1.0:
        return Refined(job.lyrics, True, 'Every line already rhymes with a neighbour (100%), so nothing needed '
                                         'changing.')
    found, problem = find_sections(job.lyrics, job.intent.target) if job.intent.target else \
        (list(range(len(job.lyrics.sections))), '')
    if problem:
        return Refined(job.lyrics, True, problem)
    composer = job.composer()
    changed = 0

    def change(lines: tuple[str, ...]) -> tuple[str, ...]:
        nonlocal changed
        out = list(lines)
        for index in range(len(out)):
            if _rhyme.line_rhymes(out)[index]:
                continue
            if _rhyme_line(out, index, composer, job):
                changed += 1
        return tuple(out)

    lyrics = apply_to(job.lyrics, found, change)
    after = _rhyme.rhyme_share(s.lines for s in lyrics.sections)
    if not changed:
        return Refined(lyrics, True, f'I could not find rhymes for the lines that do not rhyme; {before:.0%} of lines '
                                     'rhyme with a neighbour. Try "rewrite verse 1" for fresh rhyming lines.')
    lines = 'line' if changed == 1 else 'lines'
    return Refined(lyrics, True, f'Rewrote {changed} {lines} that did not rhyme with a neighbour: {before:.0%} of '
                                 f'lines rhymed, now {after:.0%}.')


def _mood(job: _Job) -> Refined:
    mood, sections = job.intent.mood, job.lyrics.sections
    if job.intent.target:
        found, problem = find_sections(job.lyrics, job.intent.target)
        if problem:
            return Refined(job.lyrics, True, problem)
    else:
        found = [i for i, s in enumerate(sections) if kind_of(s.name) in ('verse', 'pre-chorus', 'bridge')] or \
            [i for i, s in enumerate(sections) if kind_of(s.name) != 'chorus'] or list(range(len(sections)))
    composer = job.composer(mood=mood)
    lyrics = apply_to(job.lyrics, found, lambda lines: _rewrite(lines, composer, sections, found))
    names = section_names([sections[i].name for i in found])
    count = sum(len(sections[i].lines) for i in dict.fromkeys(found))
    kept = '' if len(set(found)) == len(sections) else '; the other sections are as they were'
    return Refined(lyrics, True, f'Made it {_MOOD_WORDS[mood]}: rewrote {names} ({count} lines) with '
                                 f'{_MOOD_WORDS[mood].removeprefix("more ")} words{kept}.')


def _add(job: _Job) -> Refined:
    sections = list(job.lyrics.sections)
    if any(kind_of(s.name) == 'bridge' for s in sections):
        return Refined(job.lyrics, True, 'There is already a bridge, so I did not add a second one. Say "rewrite the '
                                         'bridge" for a new one.')
    composer = job.composer()
    bridge = Section('Bridge', tuple(composer.section(scheme(4, rap=composer.rap, rng=job.rng), themed=1)))
    choruses = [i for i, s in enumerate(sections) if kind_of(s.name) == 'chorus']
    outros = [i for i, s in enumerate(sections) if kind_of(s.name) == 'outro']
    at = choruses[-1] if choruses else outros[0] if outros else len(sections)
    sections.insert(at, bridge)
    where = 'before the last chorus' if choruses else 'before the outro' if outros else 'at the end'
    return Refined(replace(job.lyrics, sections=tuple(sections)), True, f'Added a 4-line bridge {where}.')


def _remove(job: _Job) -> Refined:
    target = job.intent.target
    assert target is not None
    found, problem = find_sections(job.lyrics, target)
    if problem:
        return Refined(job.lyrics, True, problem)
    kept = tuple(s for i, s in enumerate(job.lyrics.sections) if i not in found)
    note = repeat_note(job.lyrics, found)
    return Refined(replace(job.lyrics, sections=kept), True, f'Removed {target.label()}{note}.')


def _replace(job: _Job) -> Refined:
    old, new = job.intent.old, job.intent.new
    pattern = re.compile(r"(?<![\w'])" + r'\s+'.join(map(re.escape, old.split())) + r"(?![\w'])", re.IGNORECASE)
    count = 0

    def swap(match: re.Match) -> str:
        nonlocal count
        count += 1
        return same_case(match.group(0), new)

    sections = tuple(Section(s.name, tuple(pattern.sub(swap, line) for line in s.lines))
                     for s in job.lyrics.sections)
    if not count:
        return Refined(job.lyrics, True, f'Nothing matched "{old}", so the lyrics are unchanged.')
    places = 'place' if count == 1 else 'places'
    title = pattern.sub(lambda m: same_case(m.group(0), new), job.lyrics.title)
    return Refined(Lyrics(title, sections), True, f'Replaced "{old}" with "{new}" in {count} {places}.')


def _rewrite_section(job: _Job) -> Refined:
    target = job.intent.target
    assert target is not None
    found, problem = find_sections(job.lyrics, target)
    if problem:
        return Refined(job.lyrics, True, problem)
    composer = job.composer()
    sections = job.lyrics.sections
    lyrics = apply_to(job.lyrics, found, lambda lines: _rewrite(lines, composer, sections, found))
    if target.kind == 'chorus' and job.lyrics.title:
        hook = hook_of(lyrics.sections[found[0]].lines)
        lyrics = replace(lyrics, title=title_case(hook) if hook else job.lyrics.title)
    size = len(lyrics.sections[found[0]].lines)
    return Refined(lyrics, True, f'Rewrote {target.label()}: {size} new lines{repeat_note(job.lyrics, found)}.')


_ACTIONS: dict[str, Callable[[_Job], Refined]] = {
    'shorter': _shorter, 'longer': _longer, 'rhymes': _rhymes, 'mood': _mood, 'add': _add, 'remove': _remove,
    'replace': _replace, 'rewrite': _rewrite_section}


def _rewrite(lines: tuple[str, ...], composer: Composer, sections: tuple[Section, ...], found: list[int]) -> list[str]:
    size = len(lines)
    letters = rhyme_letters(lines)
    if not letters:
        letters = scheme(size, rap=composer.rap, rng=composer.rng)
    kinds = {kind_of(sections[i].name) for i in found if sections[i].lines == lines}
    hook = hook_of(lines) if 'chorus' in kinds else None
    if hook:
        hook_at = tuple(i for i, line in enumerate(lines) if line.lower().startswith(hook.lower()))
        return composer.section(letters, hook=hook, hook_at=hook_at)
    return composer.section(letters, themed=max(1, size // 4) if size > 1 else 0)


def _rhyme_line(out: list[str], index: int, composer: Composer, job: _Job) -> bool:
    """Rewrite line `index` so it ends on a rhyme for a neighbour; if no neighbour's end word has a rhyme in the
    banks, rewrite it together with an unrhymed neighbour as a fresh couplet."""
    flags = _rhyme.line_rhymes(out)
    near = [j for j in (index - 1, index + 1, index - 2, index + 2) if 0 <= j < len(out)]
    near.sort(key=lambda j: flags[j])  # an unrhymed neighbour first: one rewrite then fixes two lines
    size = _rhyme.syllables(out[index])
    composer.low, composer.high = max(3, size - 2), max(5, size + 2)
    for j in near:
        choices = [w for w in partners(_rhyme.last_word(out[j]), job.mood, job.genre)
                   if w.text not in composer.used_ends]
        if choices:
            out[index] = composer.line(job.rng.choice(choices[:6]), theme=None)
            return True
    for j in near[:2]:
        if abs(j - index) == 1 and not flags[j]:
            first, second = sorted((index, j))
            out[first], out[second] = composer.section('AA')
            return True
    return False
