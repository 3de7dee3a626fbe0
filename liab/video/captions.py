"""Caption lines for a part of a song when nobody has timed the lyrics.

Method (an estimate, for the artist to adjust): the sung lines of the lyrics (section headers dropped, repeated
choruses kept where they are written) are laid end to end across the song between `SUNG_FROM` and `SUNG_TO` of its
length (most songs open and close on a few bars without vocals), each line taking time in proportion to its
syllables, counted as vowel groups (a rough count that needs no dictionary). The lines whose estimated span falls
inside the chosen part are kept, clipped to it, and given times relative to the part's start. A line that would
show for less than `MIN_SHOWN_S` is dropped.
"""

from __future__ import annotations

import re

SUNG_FROM, SUNG_TO = 0.06, 0.94  # of the song's length
MIN_SHOWN_S = 0.8
_VOWEL_GROUPS = re.compile(r'[aeiouy]+|[^\W\d_a-z]', re.IGNORECASE)  # non-Latin letters count one each


def even_captions(lyrics_text: str, *, start_s: float, end_s: float,
                  song_duration_s: float) -> list[tuple[float, float, str]]:
    """(start, end, line) captions for the part start_s..end_s of a song of `song_duration_s`, times relative to
    start_s; see the module's docstring for the method. [] when the lyrics have no sung lines."""
    from liab.writers.lyrics import parse_lyrics

    if not 0 <= start_s < end_s or song_duration_s <= 0:
        raise ValueError(f'Not a part of the song: {start_s}..{end_s} of {song_duration_s} s.')
    lines = [line for section in parse_lyrics(lyrics_text or '').sections for line in section.lines if line.strip()]
    weights = [max(1, len(_VOWEL_GROUPS.findall(line))) for line in lines]
    total = sum(weights)
    if not total:
        return []
    sung_from, sung_span = SUNG_FROM * song_duration_s, (SUNG_TO - SUNG_FROM) * song_duration_s
    captions = []
    elapsed = 0
    for line, weight in zip(lines, weights, strict=True):
        line_start = sung_from + sung_span * elapsed / total
        elapsed += weight
        line_end = sung_from + sung_span * elapsed / total
        shown_from, shown_to = max(line_start, start_s), min(line_end, end_s)
        if shown_to - shown_from >= MIN_SHOWN_S:
            captions.append((round(shown_from - start_s, 3), round(shown_to - start_s, 3), line.strip()))
    return captions
