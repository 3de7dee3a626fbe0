"""What lyrics are: a title and named sections of lines; and what a refine hands back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str  # 'Intro', 'Verse 1', 'Pre-chorus', 'Chorus', 'Verse 2', 'Bridge', 'Outro'
    lines: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, 'lines', tuple(self.lines))


@dataclass(frozen=True)
class Lyrics:
    title: str  # a suggested title (from the hook); '' for lyrics the artist typed
    sections: tuple[Section, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, 'sections', tuple(self.sections))

    def text(self) -> str:
        """Genius-style: '[Verse 1]' headers, a blank line between sections, no trailing spaces."""
        blocks = ['\n'.join([f'[{s.name}]', *(line.rstrip() for line in s.lines)]) for s in self.sections]
        return '\n\n'.join(blocks)

    def to_json(self) -> dict:
        return {'title': self.title, 'sections': [{'name': s.name, 'lines': list(s.lines)} for s in self.sections]}

    @classmethod
    def from_json(cls, data: dict) -> Lyrics:
        """Tolerant of a missing title, extra keys, and lines given as one string; ValueError on a wrong shape."""
        if not isinstance(data, dict):
            raise ValueError('Lyrics must be an object with "title" and "sections".')
        title = data.get('title') or ''
        sections = data.get('sections')
        if not isinstance(title, str) or not isinstance(sections, list | tuple):
            raise ValueError('Lyrics need a text "title" and a list of "sections".')
        out = []
        for index, item in enumerate(sections, 1):
            if not isinstance(item, dict):
                raise ValueError(f'Section {index} must be an object with "name" and "lines".')
            name, lines = item.get('name') or f'Verse {index}', item.get('lines', [])
            if isinstance(lines, str):
                lines = lines.splitlines()
            if not isinstance(name, str) or not isinstance(lines, list | tuple) or \
                    not all(isinstance(line, str) for line in lines):
                raise ValueError(f'Section {index} needs a text "name" and "lines" as a list of text.')
            out.append(Section(name.strip(), tuple(line.strip() for line in lines if line.strip())))
        return cls(title.strip(), tuple(out))


@dataclass(frozen=True)
class Refined:
    lyrics: Lyrics | None  # None when the instruction was not understood
    understood: bool
    message: str  # plain words for the artist: what changed, or what the writer can do instead
