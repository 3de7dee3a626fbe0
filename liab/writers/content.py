"""The local content writer: short-video ideas and a text pack (captions, hashtags, hooks, a posting strategy).

Like the release-copy writer, nothing is a fixed text: each idea is a format (lyric reveal, POV, making of, ...)
whose idea, hook, script beats and visual have several patterns, and their slots take the song's own facts (title,
artist, genre, tempo, lines quoted from its lyrics, a salient lyric word) and words from mood banks (adjectives,
scenes, light, places, colours) and craft banks (camera moves, edits, caption styles). A pattern is used only when
its facts are known. User text is reduced to plain text first. The same seed gives the same writing.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from . import _content_words as W
from . import _theme, _words
from ._parse import kind_of, parse_lyrics
from .copy import MOODS, genre_name, indefinite_article, plain_text
from .lyrics import seeded_random

MAX_IDEAS = 10
MAX_LYRICS = 20000  # characters of lyrics read; the rest of a pasted novel is ignored
MAX_LINE = 80  # a quoted line is at most this long
HASHTAGS = (5, 10)
_SLOT = re.compile(r'\{([^}]+)\}')
_ATTEMPTS = 30


@dataclass(frozen=True)
class VideoIdea:
    idea: str
    hook: str
    script: str
    visual: str

    def to_json(self) -> dict[str, str]:
        return {'idea': self.idea, 'hook': self.hook, 'script': self.script, 'visual': self.visual}


@dataclass(frozen=True)
class TextPack:
    captions: tuple[str, str, str]
    hashtags: tuple[str, ...]  # 5 to 10, each '#word', unique
    hooks: tuple[str, str, str]
    posting_strategy: str
    ideas: tuple[VideoIdea, VideoIdea, VideoIdea]

    def to_json(self) -> dict[str, Any]:
        return {'captions': list(self.captions), 'hashtags': list(self.hashtags), 'hooks': list(self.hooks),
                'posting_strategy': self.posting_strategy, 'ideas': [idea.to_json() for idea in self.ideas]}


def write_video_ideas(song: dict, *, count: int = 1, seed: int | None = None) -> list[VideoIdea]:
    """`count` different ideas for a short video of the song ('title', 'artist', 'lyrics', 'mood', 'genre', 'bpm';
    'transcript' is read as lyrics when there are none)."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_IDEAS:
        raise ValueError(f'Ask for 1 to {MAX_IDEAS} ideas, not {count!r}.')
    return _Writer(_facts(song or {}), seeded_random(seed)).ideas(count)


def write_text_pack(song: dict, *, seed: int | None = None) -> TextPack:
    """Three captions, 5 to 10 hashtags, three hooks, a one-sentence posting strategy and three ideas."""
    facts = _facts(song or {})
    writer = _Writer(facts, seeded_random(seed))
    ideas = writer.ideas(3)
    captions = writer.distinct(W.CAPTIONS, 3, (61, 260))
    hooks = writer.distinct(W.HOOKS, 3, (21, 100))
    strategy = writer.strategy(writer.formats_used[0])
    return TextPack((captions[0], captions[1], captions[2]), hashtags_for(facts, writer.rng),
                    (hooks[0], hooks[1], hooks[2]), strategy, (ideas[0], ideas[1], ideas[2]))


def hashtag(text: Any) -> str | None:
    """'#Paper Planes!' -> '#PaperPlanes': words joined, only letters, digits, marks and '_' kept; None when
    nothing is left."""
    words = [''.join(ch for ch in word if ch.isalnum() or ch == '_' or unicodedata.category(ch)[0] == 'M')
             for word in unicodedata.normalize('NFKC', str(text or '')).replace('#', ' ').split()]
    words = [w for w in words if w.strip('_')]
    if not words:
        return None
    joined = words[0] if len(words) == 1 else ''.join(w[:1].upper() + w[1:] for w in words)
    return '#' + joined[:60]


def normalise_hashtags(value: Any, limit: int = 30) -> tuple[str, ...]:
    """Hashtags from a list or a '#a #b, c' string: cleaned by `hashtag`, unique (case-insensitive), at most `limit`."""
    items = re.split(r'[\s,;]+', value) if isinstance(value, str) else list(value or ())
    seen: dict[str, str] = {}
    for item in items:
        tag = hashtag(item)
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return tuple(seen.values())[:limit]


def hashtags_for(facts: dict[str, Any], rng: random.Random) -> tuple[str, ...]:
    """From the song (title, artist, genre, mood, lyric themes) first, topped up with general music tags."""
    genre = 'rnb' if facts.get('g') == 'R&B' else facts.get('g')
    own = normalise_hashtags([facts.get('title_plain'), facts.get('a_plain'), genre,
                              W.MOOD_TAGS.get(facts.get('mood', '')), *facts.get('themes', '').split('|')[:2]], 7)
    generic = list(W.GENERIC_TAGS)
    rng.shuffle(generic)
    target = rng.randint(max(HASHTAGS[0], len(own) + 1), HASHTAGS[1])
    return normalise_hashtags([*own, *generic], target)


def lyric_lines(text: str) -> list[str]:
    """Quotable lines of the lyrics, chorus lines first: plain text, two words or more, at most MAX_LINE
    characters, no word from the lyric writer's BLOCKED list."""
    lyrics = parse_lyrics(str(text or '')[:MAX_LYRICS])
    ordered = [s for s in lyrics.sections if kind_of(s.name) == 'chorus'] + \
              [s for s in lyrics.sections if kind_of(s.name) != 'chorus']
    lines: dict[str, str] = {}
    for section in ordered:
        for raw in section.lines:
            line = plain_text(raw, 300).strip(' ,;:.-')
            words = {w.lower() for w in _theme._rhyme.words_of(line)}
            if len(line.split()) >= 2 and len(line) <= MAX_LINE and not words & _words.BLOCKED:
                lines.setdefault(line.lower(), line)
    return list(lines.values())


class _Writer:
    def __init__(self, facts: dict[str, Any], rng: random.Random) -> None:
        self.facts, self.rng = facts, rng
        self.mood = MOODS.get(facts.get('mood', ''), W.ANY_MOOD)
        self.look = W.LOOKS.get(facts.get('mood', ''), W.ANY_LOOK)
        self.lines = list(facts['lines'])
        self.words: dict[str, str] = {}
        self.formats_used: list[str] = []

    def ideas(self, count: int) -> list[VideoIdea]:
        self._fresh(self.lines, 0)
        fitting = [f for f in W.FORMATS if all(self._usable(p) for p in (f.ideas, f.hooks, *f.beats, f.visuals))]
        formats = self.rng.sample(fitting, len(fitting))  # without lyrics, a lyric reveal does not fit
        lines = self.lines[:1] + self.rng.sample(self.lines[1:], len(self.lines) - 1) if self.lines else []
        ideas: list[VideoIdea] = []
        for index in range(count):
            fmt = formats[index % len(formats)]
            for _ in range(_ATTEMPTS):
                self._fresh(lines, index)
                idea = VideoIdea(self.render(self._choice(fmt.ideas)), self.render(self._choice(fmt.hooks)),
                                 self._script(fmt), self.render(self._choice(fmt.visuals)))
                if all(idea.idea != other.idea and idea.hook != other.hook for other in ideas):
                    break
            ideas.append(idea)
            self.formats_used.append(fmt.name)
        return ideas

    def distinct(self, patterns: tuple[str, ...], count: int, length: tuple[int, int]) -> list[str]:
        """`count` texts from different patterns, each `length[0]` to `length[1]` characters where possible."""
        usable = self._usable(patterns)
        self.rng.shuffle(usable)
        chosen: list[str] = []
        for pattern in usable + usable:
            self._fresh(self.lines, len(chosen) + 1)
            text = self.render(pattern)
            if length[0] <= len(text) <= length[1] and text not in chosen:
                chosen.append(text)
            if len(chosen) == count:
                return chosen
        while len(chosen) < count:  # short facts: take the longest writing there is
            self._fresh(self.lines, len(chosen) + 1)
            text = max((self.render(p) for p in usable), key=len)
            chosen.append(text if text not in chosen else f'{text} ({len(chosen) + 1}/{count})')
        return chosen

    def strategy(self, fmt: str) -> str:
        self._fresh(self.lines, 0)
        self.words['fmt'] = fmt
        lead = self.render(self._choice(W.STRATEGY_LEADS))
        when = W.STRATEGY_TIMES.get(self.facts.get('mood', ''), 'when your listeners are most active')
        cadence, end = self._choice(W.STRATEGY_CADENCES), self._choice(W.STRATEGY_ENDS)
        return f'{lead}, {cadence} {when}, and {end}.'

    def render(self, pattern: str) -> str:
        text = _SLOT.sub(lambda match: self._slot(match.group(1)), pattern)
        return text[:1].upper() + text[1:]

    def _script(self, fmt: W.Format) -> str:
        total = self.rng.choice((15, 20, 30))
        marks = (0, self.rng.choice((2, 3)), total * 2 // 3, total)
        beats = [self.render(self._choice(options)) for options in fmt.beats]
        spans = zip(marks[:-1], marks[1:], beats, strict=True)
        return ' '.join(f'{start}-{end} s: {beat}.' for start, end, beat in spans)

    def _choice(self, patterns: tuple[str, ...]) -> str:
        return self.rng.choice(self._usable(patterns))

    def _usable(self, patterns: tuple[str, ...]) -> list[str]:
        known = self.words.keys() | {k for k, v in self.facts.items() if isinstance(v, str) and v}
        return [p for p in patterns if all(n.removeprefix('a:').lower() in known for n in _SLOT.findall(p))]

    def _fresh(self, lines: list[str], index: int) -> None:
        mood, (lights, places, colours) = self.mood, self.look
        adjectives, scenes = self.rng.sample(mood.adjectives, 2), self.rng.sample(mood.scenes, 2)
        self.words = {'adj': adjectives[0], 'adj2': adjectives[1], 'q': self.rng.choice(mood.qualities),
                      'move': self.rng.choice(mood.motions), 'scene': scenes[0], 'scene2': scenes[1],
                      'light': self.rng.choice(lights), 'place': self.rng.choice(places),
                      'colour': self.rng.choice(colours), 'shot': self.rng.choice(W.SHOTS),
                      'cut': self.rng.choice(W.CUTS), 'text': self.rng.choice(W.TEXTS)}
        if self.facts.get('mood_word'):
            self.words['adj'] = self.facts['mood_word']
        if lines:
            self.words['line'] = lines[index % len(lines)]
            if len(lines) > 1:
                self.words['line2'] = lines[(index + 1) % len(lines)]
        themes = [t for t in self.facts.get('themes', '').split('|') if t]
        if themes:
            self.words['theme'] = themes[index % len(themes)]

    def _slot(self, name: str) -> str:
        article = name.startswith('a:')
        name = name.removeprefix('a:')
        key = name.lower()
        value = self.words.get(key) or self.facts[key]
        if name[:1].isupper() and key not in ('t', 'a', 'g'):
            value = value[:1].upper() + value[1:]
        return f'{indefinite_article(value)} {value}' if article else value


def _facts(song: dict) -> dict[str, Any]:
    """The song as plain text slots: 't', 'a', 'g', 'bpm', 'mood', 'mood_word', 'themes' ('|'-joined) and lines."""
    title = plain_text(song.get('title'), 100)
    artist = plain_text(song.get('artist'), 80)
    genre = genre_name(plain_text(song.get('genre'), 40))
    mood = plain_text(song.get('mood'), 30).lower()
    facts: dict[str, Any] = {'t': f'\u201c{title}\u201d' if title else 'this song', 'a': artist or 'the artist',
                             'g': genre or 'indie', 'title_plain': title, 'a_plain': artist, 'mood': mood}
    if mood and mood not in MOODS and re.fullmatch(r'[^\W\d_]+(-[^\W\d_]+)?', mood):
        facts['mood_word'] = mood
    bpm = song.get('bpm')
    if isinstance(bpm, int | float) and not isinstance(bpm, bool) and 40 <= bpm <= 250:
        facts['bpm'] = f'{bpm:.0f}'
    text = str(song.get('lyrics') or '') or str(song.get('transcript') or '')
    if text.strip().startswith('[Transcript not available'):
        text = ''
    facts['lines'] = tuple(lyric_lines(text))
    words = [w.text.lower() if w.kind != 'proper' else w.text
             for w in _theme.theme_words('\n'.join(facts['lines'][:12]), 6) if w.kind in ('noun', 'proper', 'gerund')]
    facts['themes'] = '|'.join(plain_text(w, 24) for w in dict.fromkeys(words) if w)
    return facts
