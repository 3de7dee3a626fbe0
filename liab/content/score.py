"""The viral score of spec 2.6, with the fix in NOTES.md: the same terms, at most 80.

50 to start; +10 for a caption longer than 60 characters, +5 for hashtags, +10 for a hook longer than 20 characters,
+5 for a title with the word "you". Every term is reported, earned or missed, with the reason, and each missed term
becomes a concrete improvement. Texts are measured after reduction to plain text (markup and control characters
removed), so padding a caption with tags earns nothing.

The spec's `analyze` takes only a transcript (and title, lyrics, mood, genre); our route also takes the chosen caption,
hashtags and hook. A caption is never made up for the score. A hook that is not given is the opening line of the
transcript, since a video's hook is what it says first; the placeholder of a missing transcript does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liab.writers.content import lyric_lines, normalise_hashtags
from liab.writers.copy import plain_text

BASE, MAX_SCORE = 50, 80
CAPTION_CHARS, HOOK_CHARS = 60, 20  # strictly longer than these earns the points
CAPTION_POINTS, HASHTAG_POINTS, HOOK_POINTS, YOU_POINTS = 10, 5, 10, 5
_YOU = re.compile(r'\byou\b', re.IGNORECASE)
_SENTENCE = re.compile(r'(?<=[.!?])\s+|\n+')


@dataclass(frozen=True)
class Term:
    name: str  # 'caption', 'hashtags', 'hook', 'title'
    points: int
    earned: bool
    why: str

    def to_json(self) -> dict:
        return {'name': self.name, 'points': self.points, 'earned': self.earned, 'why': self.why}


@dataclass(frozen=True)
class Score:
    score: int  # 50 to 80
    terms: tuple[Term, ...]
    summary: str
    improvements: tuple[str, ...]
    suggested_hook: str

    def to_json(self) -> dict:
        return {'score': self.score, 'max_score': MAX_SCORE, 'terms': [t.to_json() for t in self.terms],
                'summary': self.summary, 'improvements': list(self.improvements),
                'suggested_hook': self.suggested_hook}


def viral_score(*, transcript: str = '', title: str = '', lyrics: str = '', mood: str = '', genre: str = '',
                caption: str = '', hashtags: list[str] | str = '', hook: str = '') -> Score:
    transcript = _transcript(transcript)
    title, caption = plain_text(title, 200), plain_text(caption, 2200)
    tags = normalise_hashtags(hashtags)
    hook_text, hook_source = plain_text(hook, 300), 'your hook'
    if not hook_text and transcript:
        hook_text, hook_source = _sentences(transcript)[0][:300], 'the opening line of the transcript'
    suggested = suggest_hook(transcript=transcript, lyrics=lyrics, title=title, mood=mood, genre=genre)

    terms = (
        _term('caption', CAPTION_POINTS, len(caption) > CAPTION_CHARS,
              f'The caption has {len(caption)} characters.' if caption else 'No caption was chosen.'),
        _term('hashtags', HASHTAG_POINTS, bool(tags),
              f'{len(tags)} hashtag{"s" if len(tags) != 1 else ""}: {" ".join(tags[:10])}.' if tags else
              'No hashtags were chosen.'),
        _term('hook', HOOK_POINTS, len(hook_text) > HOOK_CHARS,
              f'The hook ({hook_source}) has {len(hook_text)} characters.' if hook_text else
              'No hook was chosen and there is no transcript to take one from.'),
        _term('title', YOU_POINTS, bool(_YOU.search(title)),
              f'The title \u201c{title}\u201d {"has" if _YOU.search(title) else "does not have"} the word "you".'
              if title else 'There is no title.'),
    )
    score = min(MAX_SCORE, BASE + sum(t.points for t in terms if t.earned))
    improvements = tuple(_improvement(t, caption, hook_text, suggested) for t in terms if not t.earned)
    return Score(score, terms, _summary(score, terms), improvements, suggested)


def suggest_hook(*, transcript: str = '', lyrics: str = '', title: str = '', mood: str = '', genre: str = '') -> str:
    """A short, punchy line of more than 20 characters: the first chorus line (or another lyric line, or a transcript
    sentence) of 21 to 70 characters; a short line is framed ('Wait for "..."'); with nothing to quote, the title."""
    candidates = [*lyric_lines(lyrics), *(plain_text(s, 200) for s in _sentences(_transcript(transcript)))]
    candidates = [c.strip(' ,;:-') for c in candidates if c.strip(' ,;:-')]
    for line in candidates:
        if HOOK_CHARS < len(line) <= 70:
            return line
    short = next((c for c in candidates if len(c) <= 70), '')
    if short:
        return f'Wait for the line \u201c{short}\u201d'
    if candidates:
        return candidates[0][:67].rsplit(' ', 1)[0] + '\u2026'
    title = plain_text(title, 60)
    feel = ' '.join(w for w in (plain_text(mood, 20).lower(), plain_text(genre, 30)) if w)
    if title:
        return f'Sound on: this is \u201c{title}\u201d'
    return f'Sound on for {feel or "this one"}, starting now'


def _term(name: str, points: int, earned: bool, why: str) -> Term:
    return Term(name, points, earned, why)


def _improvement(term: Term, caption: str, hook: str, suggested: str) -> str:
    if term.name == 'caption':
        more = CAPTION_CHARS + 1 - len(caption)
        return (f'Write a caption longer than {CAPTION_CHARS} characters ({more} more): say what the song is and ask '
                f'a question (+{CAPTION_POINTS}).' if caption else
                f'Add a caption longer than {CAPTION_CHARS} characters (+{CAPTION_POINTS}).')
    if term.name == 'hashtags':
        return f'Add a few hashtags, such as the song title, the genre and #newmusic (+{HASHTAG_POINTS}).'
    if term.name == 'hook':
        lead = f'Make the hook longer than {HOOK_CHARS} characters' if hook else 'Open with a hook'
        return f'{lead}, for example \u201c{suggested}\u201d (+{HOOK_POINTS}).'
    return f'Put the word "you" in the video\'s title, so it speaks to the viewer (+{YOU_POINTS}).'


def _summary(score: int, terms: tuple[Term, ...]) -> str:
    earned = [t.name for t in terms if t.earned]
    missed = [t.name for t in terms if not t.earned]
    parts = [f'{score} out of {MAX_SCORE}.']
    if earned:
        parts.append(f'Earned: {_listed(earned)}.')
    parts.append(f'Missed: {_listed(missed)}.' if missed else 'Every term is earned.')
    return ' '.join(parts)


def _listed(names: list[str]) -> str:
    labels = {'caption': 'caption', 'hashtags': 'hashtags', 'hook': 'hook', 'title': '"you" in the title'}
    words = [labels[n] for n in names]
    return words[0] if len(words) == 1 else f'{", ".join(words[:-1])} and {words[-1]}'


def _transcript(text: str) -> str:
    text = str(text or '').strip()
    return '' if text.startswith('[Transcript not available') else text[:20000]


def _sentences(text: str) -> list[str]:
    return [s for s in (plain_text(part, 300) for part in _SENTENCE.split(text)) if s] or ['']
