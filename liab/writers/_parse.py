"""Read lyrics the artist typed or pasted: '[Chorus]', 'Chorus:', '## Verse 2', '**Hook**' or '(Bridge)' headers;
blank lines separate blocks and an unlabelled block becomes the next 'Verse N'."""

from __future__ import annotations

import re

from ._model import Lyrics, Section

_NUMBER_WORDS = {'one': 1, 'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6, 'first': 1, 'second': 2,
                 'third': 3, 'fourth': 4, 'fifth': 5, 'sixth': 6}
_KINDS = (
    ('pre-chorus', r'pre[\s-]*(chorus|hook)'),
    ('post-chorus', r'post[\s-]*(chorus|hook)'),
    ('chorus', r'chorus|hook|refrain'),
    ('verse', r'verse'),
    ('bridge', r'bridge|breakdown|middle\s*(8|eight)'),
    ('intro', r'intro(duction)?'),
    ('outro', r'outro'),
    ('interlude', r'interlude|skit|instrumental'),
)
_KNOWN = re.compile(r'^(' + '|'.join(p for _, p in _KINDS) + r')\b(\s*(\d+|' + '|'.join(_NUMBER_WORDS) + r'))?'
                    r'\s*(\(?\s*[x\u00d7]\s*\d+\s*\)?)?$', re.IGNORECASE)
_BRACKETS = re.compile(r'^\s*\[([^\]\n]{1,60})\]\s*$')
_PARENS = re.compile(r'^\s*\(([^)\n]{1,40})\)\s*$')
_MARKDOWN = re.compile(r'^\s*#{1,6}\s*(.{1,60}?)\s*#*\s*$')
_BOLD = re.compile(r'^\s*(?:\*\*|__)(.{1,60}?)(?:\*\*|__)\s*:?\s*$')
_COLON = re.compile(r'^\s*([A-Za-z][\w\s-]{0,30}?)\s*:\s*(.*)$')


def parse_lyrics(text: str) -> Lyrics:
    sections: list[Section] = []
    name: str | None = None
    lines: list[str] = []
    verses = 0

    def close() -> None:
        nonlocal name, lines, verses
        if name is None and not lines:
            return
        label = name
        if label is None or label == 'Verse':
            verses += 1
            label = f'Verse {verses}'
        elif kind_of(label) == 'verse':
            verses = max(verses, verse_number(label) or verses + 1)
        body = lines
        if not body:  # '[Chorus]' alone: the artist means the chorus again
            body = next((list(s.lines) for s in reversed(sections) if s.name == label), [])
        if body:
            sections.append(Section(label, tuple(body)))
        name, lines = None, []

    for raw in (text or '').replace('\r\n', '\n').replace('\r', '\n').split('\n'):
        line = raw.strip()
        header, rest = _header(line)
        if header is not None:
            close()
            name = header
            if rest:
                lines.append(rest)
        elif not line:
            if lines:
                close()
        else:
            lines.append(' '.join(line.split()))
    close()
    return Lyrics('', tuple(sections))


def kind_of(name: str) -> str:
    """'chorus', 'pre-chorus', 'verse', 'bridge', 'intro', 'outro', ... or 'other' for a section name."""
    label = name.strip().lower()
    for kind, pattern in _KINDS:
        if re.match(rf'^({pattern})\b', label):
            return kind
    return 'other'


def verse_number(name: str) -> int | None:
    found = re.search(r'(\d+|' + '|'.join(_NUMBER_WORDS) + r')\s*$', name.strip().lower())
    if not found:
        return None
    value = found.group(1)
    return int(value) if value.isdigit() else _NUMBER_WORDS[value]


def _header(line: str) -> tuple[str | None, str]:
    """A section header on this line, as (name, text after it on the same line), or (None, '')."""
    for pattern, known_only in ((_BRACKETS, False), (_MARKDOWN, False), (_BOLD, False), (_PARENS, True)):
        match = pattern.match(line)
        if match:
            label = match.group(1).split(':')[0].strip()
            if label and (not known_only or _KNOWN.match(label)):
                return _canonical(label), ''
    match = _COLON.match(line)
    if match and _KNOWN.match(match.group(1).strip()):
        return _canonical(match.group(1).strip()), match.group(2).strip()
    spelled = re.search(r'[a-z]\s+(' + '|'.join(_NUMBER_WORDS) + r')\b', line)
    if _KNOWN.match(line) and not spelled:  # a bare 'hook one' is more likely a lyric than 'Hook One'
        return _canonical(line), ''
    return None, ''


def _canonical(label: str) -> str:
    label = re.sub(r'\s*\(?\s*[x\u00d7]\s*\d+\s*\)?\s*$', '', ' '.join(label.split()))
    kind = kind_of(label)
    if kind == 'verse':
        number = verse_number(label)
        return f'Verse {number}' if number else 'Verse'
    if kind == 'pre-chorus':
        return 'Pre-chorus'
    if kind in ('chorus', 'intro', 'outro', 'bridge'):
        return label[:1].upper() + label[1:].lower()
    return label[:40]
