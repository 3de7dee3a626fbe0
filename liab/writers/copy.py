"""The local release-copy writer: a release description, a press pitch and a tagline for one single.

Like the lyric writer, sentences are composed, not filled in: each kind of sentence has several patterns whose slots
take words from mood banks (how the record feels, moves and where it fits) and the facts given: title, artist,
genre, release date, tempo, key and loudness from the analysis, producers from the credits, theme words and the
chorus's first line from the lyrics. A pattern is used only when its facts are known, so nothing is invented: no
streaming numbers, press quotes, earlier releases or influences. User text is reduced to plain text first (markup,
control characters and direction marks removed). The same seed gives the same copy; no seed, fresh copy.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import _theme, _words
from ._parse import kind_of, parse_lyrics
from .lyrics import seeded_random

MAX_TAGLINE = 79  # characters: taglines stay under 80
DESCRIPTION_WORDS, PITCH_WORDS = (60, 120), (80, 150)
_ATTEMPTS = 40
_SLOT = re.compile(r'\{([^}]+)\}')
_KEY = re.compile(r'^[A-G][#b\u266f\u266d]? (major|minor)$')
_MONTHS = ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
           'November', 'December')
_STAND_INS = ('this single', 'the artist')
_DAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')


@dataclass(frozen=True)
class ReleaseCopy:
    description: str  # 2 to 4 sentences, about 60 to 120 words
    pitch: str  # a paragraph for editors and blogs, about 80 to 150 words
    tagline: str  # under 80 characters

    def to_json(self) -> dict[str, str]:
        return {'description': self.description, 'pitch': self.pitch, 'tagline': self.tagline}


@dataclass(frozen=True)
class _Mood:
    adjectives: tuple[str, ...]  # how the record feels
    qualities: tuple[str, ...]  # what it has: 'a restless pulse'
    motions: tuple[str, ...]  # how it moves: 'it drifts'
    scenes: tuple[str, ...]  # when to play it: 'made for night drives'


def _m(adjectives: str, qualities: str, motions: str, scenes: str) -> _Mood:
    return _Mood(tuple(adjectives.split()), tuple(qualities.split()), tuple(motions.split('|')),
                 tuple(scenes.split('|')))


MOODS: dict[str, _Mood] = {
    'energetic': _m('driving high-energy electric restless urgent kinetic', 'pulse drive charge momentum rush',
                    'pushes forward|charges ahead|surges|races|keeps climbing',
                    'workouts|road trips|warm-up sets|the drive to the show|summer festivals'),
    'chill': _m('laid-back mellow unhurried easy warm smooth', 'groove sway glow warmth calm',
                'rolls along|drifts|glides|sways|takes its time',
                'slow Sunday mornings|study sessions|late-afternoon walks|winding down after work|rainy windows'),
    'dark': _m('brooding shadowy nocturnal tense smoky cold', 'tension edge menace gloom undertow',
               'creeps forward|prowls|smoulders|builds slowly|simmers',
               'late-night headphones|empty streets after midnight|night drives|the hours after the party'),
    'happy': _m('sunny upbeat bright buoyant joyful carefree', 'bounce glow lift sparkle swing',
                'bounces|skips along|lifts off|shines|struts',
                'summer afternoons|road trips with friends|sunny mornings|kitchen dance parties'),
    'sad': _m('wistful tender aching bittersweet quiet fragile', 'longing weight hush melancholy pull',
              'unfolds slowly|aches|lingers|sinks in|leans back',
              'rainy walks home|the last train|quiet nights in|long drives alone'),
    'romantic': _m('tender intimate warm sultry devoted candlelit', 'warmth glow sway intimacy closeness',
                   'sways|melts|leans in|unfolds gently|glides',
                   'slow dances|late dinners|long drives together|candlelit evenings'),
    'aggressive': _m('fierce relentless hard-hitting raw fearless heavy', 'force punch edge fury weight',
                     'hits hard|charges|stomps forward|pushes|attacks',
                     'workouts|the gym|pre-game warm-ups|the walk to the stage'),
    'dreamy': _m('dreamy hazy weightless shimmering floating starry', 'haze glow shimmer drift float',
                 'floats|drifts|hovers|shimmers|unfolds slowly',
                 'night drives|stargazing|the last hour before sleep|slow mornings'),
}
_ANY_MOOD = _m('vivid focused bold fresh striking', 'pulse groove glow edge drive',
               'moves|rolls|builds|glides|pushes on', 'headphones|long drives|late nights|quiet evenings')
KINDS = ('single', 'track', 'song', 'record', 'cut')

# The grammar. Slots: {T} title, {A} artist, {G} genre, {K} kind, {adj} {adj2} two different adjectives, {q} a
# quality, {move} a motion, {scene} {scene2} two different scenes, {bpm}, {key}, {tempo}, {lufs}, {date} (long),
# {day} (short), {themes}, {hook}, {producers}; 'a:' puts 'a' or 'an' before a slot; a capital first letter in a slot
# name capitalises the word. {adj3} and {q2} are a third adjective and a second quality.
INTROS = (
    '{T} is {a:adj}, {adj2} {G} {K} from {A}, built on {a:adj3} {q}.',
    '{A} presents {T}, {a:adj} {G} {K} with {a:adj2} {q} running through it from start to finish.',
    'With {T}, {A} delivers {a:adj} take on {G}: {adj2} in feel and carried by {a:adj3} {q}.',
    'Meet {T}, the new {G} {K} from {A}: {adj} and {adj2}, with {a:q} that never lets go.',
    '{T} finds {A} in {a:adj} {G} mood, a {K} that is {adj2} and sure of itself.',
    '{A} shares {T}, {a:adj} {K} with {a:adj2} {q} at its core and nothing wasted.',
)
SOUNDS = (
    'Set at {bpm} BPM in {key}, it {move} with {a:adj2} {q} that rewards a second listen.',
    'At {a:tempo} {bpm} BPM, the {K} {move}, and its {key} harmony gives it {a:adj2} colour.',
    'The {K} sits in {key} and {move} at {bpm} BPM, {adj2} from the first bar to the last.',
    'It {move} at {bpm} BPM, {adj2} all the way through, and lets each part breathe.',
    'Written in {key}, it {move} with {a:adj2} {q} and room for every part to land.',
    'It {move} with {a:adj2} {q}, and its {G} roots lead the way from start to finish.',
)
THEMES = (
    'The lyrics keep returning to {themes}, and the chorus opens on the line \u201c{hook}\u201d.',
    'Lyrically it turns on {themes}, with a chorus that begins \u201c{hook}\u201d.',
    'Its words circle {themes}, and the hook starts with \u201c{hook}\u201d.',
    'The chorus opens with \u201c{hook}\u201d, the centre of a lyric about {themes}.',
    'The lyrics keep coming back to {themes}.',
    'At its heart is a lyric about {themes}.',
)
RELEASES = (
    'Out on {date}, it is made for {scene} and {scene2}.',
    '{T} is out on {date}: one for {scene} and {scene2}.',
    'It arrives on {date}, ready for {scene} and {scene2}.',
    'Release day is {date}; play it for {scene} or {scene2}.',
    'Made for {scene} and {scene2}, it is out on {date}.',
)
SCENES = (
    'It is made for {scene} and {scene2}.',
    'Play it for {scene} or {scene2}.',
    'It is {a:K} for {scene} and {scene2}.',
)
FEELS = (
    'The mood is {adj3} from the first bar, with {a:q2} that keeps the {K} moving.',
    'It leans into {a:adj3} {q2}, the heart of its {G} sound.',
    'Everything about it is {adj3}, from its {q2} to its {q}.',
    'Its {q2} is {adj3}, and it stays that way to the end.',
)
PITCH_OPENERS = (
    '{T} is {a:adj} {G} single from {A}, out on {date}.',
    '{A} releases {T} on {date}: {a:adj} {G} {K} with {a:adj2} {q}.',
    'On {date}, {A} puts out {T}, {a:adj} {G} {K}.',
    'We would like to introduce {T}, {a:adj} {G} single by {A}, released on {date}.',
)
PITCH_SOUNDS = (
    'The track runs at {bpm} BPM in {key} and {move} with {a:adj2} {q}; the master sits at {lufs} LUFS.',
    'Musically it {move} at {bpm} BPM in {key}, {adj2} throughout, mastered to {lufs} LUFS for streaming.',
    'At {bpm} BPM in {key}, it {move} with {a:adj2} {q}.',
    'It {move} at {bpm} BPM with {a:adj2} {q}.',
    'In {key}, it {move} with {a:adj2} {q} from the first bar.',
    'It {move} with {a:adj2} {q} that suits the {G} it comes from.',
)
PITCH_CREDITS = ('Production is by {producers}.', 'It was produced by {producers}.',
                 'The production credit goes to {producers}.')
PITCH_HOOKS = (
    'The chorus opens with \u201c{hook}\u201d, and the lyric circles {themes}.',
    'Its hook, \u201c{hook}\u201d, sets up a lyric about {themes}.',
    'The lyric turns on {themes}; the chorus begins \u201c{hook}\u201d.',
    'The lyric turns on {themes}.',
)
PITCH_FITS = (
    'It would sit well on {adj} {G} playlists and in mixes for {scene}.',
    'For editors, it fits {G} playlists built around {scene} and {scene2}.',
    'It suits playlists for {scene} and {scene2}, and listeners who want {a:adj2} {q}.',
    'A natural fit for {adj} {G} playlists, {scene} and {scene2}.',
)
PITCH_CLOSERS = (
    'Artwork, lyrics and full credits are ready to share.',
    'Cover art, a lyric sheet and credits are available on request.',
    'We can send artwork, lyrics and credits on request.',
)
TAGLINES = (
    '{Adj} {G} for {scene}.',
    '{T}: {adj} {G}, out {day}.',
    '{bpm} BPM of {adj} {q}.',
    '\u201c{hook}\u201d: {adj} {G}, out {day}.',
    '{Adj}, {adj2} and made for {scene}.',
    '{A} in {a:adj} {G} mood.',
    '{Adj} {q} for {scene}.',
    '{Adj} {G} in {key}, made for {scene}.',
    'For {scene}: {adj} {G} from {A}.',
    '{T}, {a:adj} {K} for {scene}.',
    'One for {scene}, out {day}.',
    '{Adj} {G} with {a:adj2} {q}.',
    '{Adj} {q}, {adj2} {G}: {T}.',
)


def write_release_copy(*, details: dict, lyrics_text: str = '', analysis: dict | None = None,
                       seed: int | None = None) -> ReleaseCopy:
    """Copy for one release from its details ('title', 'artist', 'genre', 'mood', 'release_date', 'credits'), its
    lyrics and its analysis ('bpm', 'key', 'lufs')."""
    facts = _facts(details or {}, lyrics_text or '', analysis or {})
    rng = seeded_random(seed)
    mood = MOODS.get(facts['mood_name'], _ANY_MOOD)
    writer = _Writer(rng, mood, facts)
    lyric = 'themes' in facts  # without lyrics, a sentence on the feel takes the lyric's place
    closing = RELEASES if 'date' in facts else SCENES
    description = writer.paragraph((INTROS, SOUNDS, THEMES if lyric else FEELS, closing), DESCRIPTION_WORDS)
    # editors want the numbers and a line of the song: a pitch uses them whenever they are known
    sounds = tuple(p for p in PITCH_SOUNDS if '{bpm}' in p) if 'bpm' in facts else PITCH_SOUNDS
    hooks = tuple(p for p in PITCH_HOOKS if '{hook}' in p) if 'hook' in facts else PITCH_HOOKS
    pitch = writer.paragraph((PITCH_OPENERS if 'date' in facts else INTROS, sounds,
                              PITCH_CREDITS if 'producers' in facts else (), hooks if lyric else FEELS,
                              PITCH_FITS, PITCH_CLOSERS), PITCH_WORDS)
    return ReleaseCopy(description, pitch, writer.tagline())


def plain_text(text: Any, limit: int = 200) -> str:
    """User text as one plain line: entities decoded; tags, script bodies, angle brackets, markdown emphasis,
    control and format characters (direction marks included) removed; cut at a word boundary to `limit`."""
    text = _theme.clean_text(str(text or ''))
    kept = ''.join(' ' if char.isspace() else char for char in unicodedata.normalize('NFC', text)
                   if char.isspace() or (unicodedata.category(char)[0] != 'C' and char not in '*`{}|\\'))
    kept = re.sub(r'\s+([!?,.;:])', r'\1', ' '.join(kept.split()))  # 'Heart <b>!</b>' -> 'Heart !' -> 'Heart!'
    if len(kept) > limit:
        kept = kept[:limit].rsplit(' ', 1)[0].rstrip(',;:-') + '\u2026'
    return kept


class _Writer:
    def __init__(self, rng: random.Random, mood: _Mood, facts: dict[str, str]) -> None:
        self.rng, self.mood, self.facts = rng, mood, facts
        self.words: dict[str, str] = {}
        self.used: set[str] = set()

    def paragraph(self, kinds: tuple[tuple[str, ...], ...], words: tuple[int, int]) -> str:
        """One sentence of each kind that has patterns; tried again until the length falls in `words`."""
        best: tuple[int, str] | None = None
        for _ in range(_ATTEMPTS):
            self.used = set()
            sentences = []
            for patterns in kinds:
                usable = self._usable(patterns)
                if usable:
                    self._fresh()
                    sentences.append(self.render(self.rng.choice(usable)))
            text = ' '.join(sentences)
            count = len(text.split())
            miss = max(words[0] - count, count - words[1], 0)
            if miss == 0:
                return text
            if best is None or miss < best[0]:
                best = (miss, text)
        assert best is not None
        return best[1]

    def tagline(self) -> str:
        for _ in range(_ATTEMPTS):
            self.used = set()
            self._fresh()
            line = self.render(self.rng.choice(self._usable(TAGLINES)))
            if len(line) <= MAX_TAGLINE:
                return line
        return self.render('{Adj} {q}, made for {scene}.')[:MAX_TAGLINE]

    def render(self, pattern: str) -> str:
        text = _SLOT.sub(lambda match: self._slot(match.group(1)), pattern)
        # only our stand-ins for a missing title or artist are capitalised: names keep the artist's own spelling
        return text[:1].upper() + text[1:] if text.startswith(_STAND_INS) else text

    def _usable(self, patterns: tuple[str, ...]) -> list[str]:
        words = {'adj', 'adj2', 'adj3', 'q', 'q2', 'move', 'scene', 'scene2', 'k'}
        return [p for p in patterns if all(name.removeprefix('a:').lower() in words | self.facts.keys()
                                           for name in _SLOT.findall(p))]

    def _fresh(self) -> None:
        """Words for the next sentence, those not yet used in this paragraph first, so no phrase repeats."""
        mood = self.mood
        adjectives = self._pick(mood.adjectives, 3)
        mood_word = self.facts.get('mood_word')
        if mood_word and mood_word not in self.used:  # a mood we have no bank for is still said, once
            adjectives[0] = mood_word
        qualities, scenes = self._pick(mood.qualities, 2), self._pick(mood.scenes, 2)
        self.words = {'adj': adjectives[0], 'adj2': adjectives[1], 'adj3': adjectives[2], 'q': qualities[0],
                      'q2': qualities[1], 'move': self._pick(mood.motions, 1)[0], 'scene': scenes[0],
                      'scene2': scenes[1], 'k': self._pick(KINDS, 1)[0]}

    def _pick(self, bank: tuple[str, ...], count: int) -> list[str]:
        fresh = [word for word in bank if word not in self.used]
        picked = self.rng.sample(fresh, count) if len(fresh) >= count else self.rng.sample(bank, count)
        self.used.update(picked)
        return picked

    def _slot(self, name: str) -> str:
        article = name.startswith('a:')
        name = name.removeprefix('a:')
        key = name.lower()
        value = self.words.get(key) or self.facts[key]
        if name[:1].isupper() and key not in ('t', 'a', 'g', 'k'):
            value = value[:1].upper() + value[1:]
        return f'{indefinite_article(value)} {value}' if article else value


def _facts(details: dict, lyrics_text: str, analysis: dict) -> dict[str, str]:
    title = plain_text(details.get('title'), 120)
    facts = {'t': f'\u201c{title}\u201d' if title else _STAND_INS[0],
             'a': plain_text(details.get('artist'), 100) or _STAND_INS[1],
             'g': genre_name(plain_text(details.get('genre'), 40))}
    facts = {key: value for key, value in facts.items() if value}
    mood = plain_text(details.get('mood'), 30).lower()
    facts['mood_name'] = mood
    if mood and mood not in MOODS and re.fullmatch(r'[^\W\d_]+(-[^\W\d_]+)?', mood):
        facts['mood_word'] = mood
    released = _date(details.get('release_date'))
    if released:
        facts['date'] = f'{_DAYS[released.weekday()]} {released.day} {_MONTHS[released.month - 1]} {released.year}'
        facts['day'] = f'{released.day} {_MONTHS[released.month - 1]}'
    bpm = _number(analysis.get('bpm'), 40, 250)
    if bpm is not None:
        facts['bpm'] = f'{bpm:.0f}'
        half_time = facts.get('g') in ('trap', 'drill') and bpm >= 130
        tempi = ((80, 'slow'), (100, 'unhurried'), (118, 'mid-tempo'), (135, 'upbeat'), (999, 'fast'))
        facts['tempo'] = 'half-time' if half_time else next(word for limit, word in tempi if bpm < limit)
    key = ' '.join(str(analysis.get('key') or '').split())
    if _KEY.match(key):
        facts['key'] = key
    lufs = _number(analysis.get('lufs'), -40, 0)
    if lufs is not None:
        facts['lufs'] = f'{round(lufs, 1):g}'
    producers = [plain_text(c.get('name'), 60) for c in details.get('credits') or ()
                 if isinstance(c, dict) and c.get('role') == 'producer' and plain_text(c.get('name'), 60)]
    if producers:
        facts['producers'] = ' and '.join([', '.join(producers[:-1]), producers[-1]] if len(producers) > 1 else
                                          producers)
    facts.update(_lyric_facts(lyrics_text))
    return facts


def _lyric_facts(text: str) -> dict[str, str]:
    """The chorus's first line (the hook) and up to three theme words, in quotes."""
    lyrics = parse_lyrics(text[:20000])
    facts: dict[str, str] = {}
    chorus = next((s for s in lyrics.sections if kind_of(s.name) == 'chorus' and s.lines), None)
    first = plain_text(chorus.lines[0], 90).strip(' ,;:.!?') if chorus else ''
    # NOTE: the lyric writer's BLOCKED list: a pitch does not lead with a line editors would have to bleep
    if len(first.split()) >= 2 and not {w.lower() for w in _theme._rhyme.words_of(first)} & _words.BLOCKED:
        facts['hook'] = first
    lines = [line for s in ([chorus] if chorus else []) + list(lyrics.sections) for line in s.lines]
    words = [w.text.lower() if w.kind != 'proper' else w.text for w in _theme.theme_words('\n'.join(lines), 6)
             if w.kind in ('noun', 'proper', 'gerund')]
    words = [plain_text(w, 24) for w in dict.fromkeys(words)][:3]
    if words:
        quoted = [f'\u201c{w}\u201d' for w in words]
        facts['themes'] = quoted[0] if len(quoted) == 1 else f'{", ".join(quoted[:-1])} and {quoted[-1]}'
    return facts


def genre_name(name: str) -> str:
    """'Hip Hop' -> 'hip hop', 'rnb' -> 'R&B'; words in capitals ('UK', 'EDM') stay as typed."""
    if name.lower() in ('r&b', 'rnb', 'r and b', 'r & b'):
        return 'R&B'
    return ' '.join(w if w.isupper() and len(w) > 1 else w.lower() for w in name.split())


def indefinite_article(word: str) -> str:
    first = word[:1]
    acronym = len(word) > 1 and word[:2].isupper()
    vowel = first.lower() in 'aeiou' and not word.lower().startswith(('uni', 'use', 'usu', 'ut', 'eu'))
    return 'an' if (acronym and first in 'AEFHILMNORSX') or (not acronym and vowel) else 'a'


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None


def _number(value: Any, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if low <= value <= high else None
