"""Song form: sections scaled to the length, and per-bar decisions (who plays, fills, drops) written out as step
grids, one character per 16th step across the whole beat, in the notation of patterns.py."""

from __future__ import annotations

from dataclasses import dataclass

from .patterns import DRUMS, FILLS, DrumPattern
from .spec import Section
from .styles import Style

# (fewer than this many bars, sections with relative sizes); the last template also gets extra verse/hook pairs
# on long beats so that no section drags on for more than about 16 bars.
_TEMPLATES: tuple[tuple[int, tuple[tuple[str, int], ...]], ...] = (
    (8, (('intro', 1), ('hook', 2), ('outro', 1))),
    (16, (('intro', 1), ('verse', 2), ('hook', 2), ('outro', 1))),
    (40, (('intro', 1), ('verse', 2), ('hook', 2), ('verse', 2), ('hook', 2), ('outro', 1))),
    (10**9, (('intro', 1), ('verse', 2), ('hook', 2), ('verse', 2), ('hook', 2), ('bridge', 1), ('hook', 2),
             ('outro', 1))),
)
CHORD_LEVEL = {'intro': 0.7, 'verse': 0.75, 'hook': 1.0, 'bridge': 0.9, 'outro': 0.8}


@dataclass(frozen=True)
class Bar:
    index: int
    section: str
    position: int  # bar number within its section
    length: int  # bars in the section
    next_section: str | None

    @property
    def last(self) -> bool:
        return self.position == self.length - 1

    @property
    def ending(self) -> bool:
        """The final bar: one last hit that rings out."""
        return self.section == 'outro' and self.last and self.next_section is None


@dataclass
class Score:
    rows: dict[str, list[str]]  # DRUMS and 'bass'
    chord_level: list[float]  # per bar, 0 for silence
    lead: list[bool]  # per bar
    crashes: list[int]  # steps
    risers: list[int]  # steps a riser swells up to


def form(n_bars: int) -> list[tuple[str, int]]:
    """Section names and bar counts adding up to n_bars: intro, verse, hook, verse, hook, (bridge, hook), outro."""
    template = list(next(t for limit, t in _TEMPLATES if n_bars < limit))
    extra = 0
    while n_bars / sum(w for _, w in template) > 8 and extra < 4:
        at = next(i for i, (name, _) in enumerate(template) if name == 'bridge')
        template[at:at] = [('verse', 2), ('hook', 2)]
        extra += 1
    weight = sum(w for _, w in template)
    unit = n_bars / weight
    quantum = 4 if unit >= 4 else 2 if unit >= 2 else 1
    sizes = [max(1, round(n_bars * w / weight / quantum) * quantum) for _, w in template]
    order = [i for name in ('verse', 'hook', 'bridge', 'intro', 'outro') for i, (n, _) in enumerate(template)
             if n == name]
    diff, turn = n_bars - sum(sizes), 0
    while diff:
        i = order[turn % len(order)]
        turn += 1
        step = (1 if diff > 0 else -1) * min(quantum, abs(diff))
        if sizes[i] + step >= 1:
            sizes[i] += step
            diff -= step
    return [(name, size) for (name, _), size in zip(template, sizes, strict=True)]


def bars_of(sections: list[tuple[str, int]]) -> list[Bar]:
    bars = []
    for number, (name, size) in enumerate(sections):
        following = sections[number + 1][0] if number + 1 < len(sections) else None
        bars.extend(Bar(len(bars), name, position, size, following) for position in range(size))
    return bars


def timeline(sections: list[tuple[str, int]], bar_s: float, length_s: float) -> tuple[Section, ...]:
    """Bar-aligned spans; the outro also takes the part-bar left at the end."""
    spans, start = [], 0
    for number, (name, size) in enumerate(sections):
        end = length_s if number == len(sections) - 1 else (start + size) * bar_s
        spans.append(Section(name, round(start * bar_s, 3), round(end, 3)))
        start += size
    return tuple(spans)


def score(bars: list[Bar], pattern: DrumPattern, style: Style, genre: str) -> Score:
    total = len(bars) * 16
    rows = {row: ['.'] * total for row in (*DRUMS, 'bass')}
    result = Score(rows, [], [], [], [])
    for bar in bars:
        at = bar.index * 16
        result.chord_level.append(CHORD_LEVEL[bar.section])
        result.lead.append(bar.section == 'hook')
        if bar.ending:
            rows['kick'][at] = 'X'
            rows['bass'][at:at + 16] = list('x' + '-' * 15)
            result.crashes.append(at)
            continue
        playing = _drums_for(bar, style)
        for row in (*DRUMS, 'bass'):
            steps = pattern.bar(row, bar.position)
            if steps is None or (row != 'bass' and row not in playing) or (row == 'bass' and bar.section == 'intro'):
                continue
            if row in {'hat', 'shaker'} and bar.section in {'intro', 'verse', 'outro'}:
                steps = _thin(steps)
            elif row == 'hat' and bar.section == 'hook' and style.hook_sixteenths:
                steps = ''.join('o' if i % 2 and char == '.' else char for i, char in enumerate(steps))
            if row == 'kick' and bar.section == 'bridge':
                steps = steps[0] + '.' * 15
            rows[row][at:at + 16] = list(steps)
        if bar.section == 'hook' and bar.position == 0:
            result.crashes.append(at)
        if bar.last and bar.next_section is not None:
            _fill(rows, at, genre, before_hook=bar.next_section == 'hook')
            if bar.next_section == 'hook':
                result.risers.append(at + 16)
    return result


def _drums_for(bar: Bar, style: Style) -> set[str]:
    everything = set(DRUMS)
    if bar.section == 'hook':
        return everything
    if bar.section == 'verse':
        return everything - style.hook_only
    if bar.section == 'intro':
        return {'hat'} if bar.length >= 2 and bar.position >= bar.length // 2 else set()
    if bar.section == 'bridge':
        return {'kick', 'perc', 'shaker', 'rim'}
    return {'kick', 'snare', 'clap', 'hat'}  # outro, before its ending bar


def _thin(steps: str) -> str:
    """Hats and shakers outside the hook: 8ths only, no rolls, so that hooks are audibly busier."""
    return ''.join('.' if i % 2 else ('x' if char in 'rtR' else char) for i, char in enumerate(steps))


def _fill(rows: dict[str, list[str]], at: int, genre: str, *, before_hook: bool) -> None:
    """A one-beat fill closes each section; before a hook it comes a beat early and the last beat drops out."""
    start = at + (8 if before_hook else 12)
    for row, steps in FILLS[genre].items():
        rows[row][start:start + 4] = list(steps)
    if before_hook:
        for row in (*DRUMS, 'bass'):
            rows[row][at + 12:at + 16] = ['.'] * 4
