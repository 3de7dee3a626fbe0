"""The local beat engine: synthesised drums, bass, chords and melody arranged into a mastered beat.

Pure numpy/scipy: no database, no UI. `render_beat(spec, wav_path)` is the entry point; `parse_prompt` turns free
text into the spec's fields.
"""

from .prompt import parse_prompt
from .render import render_beat
from .spec import (
    DEFAULT_BPM,
    GENRES,
    KEYS,
    MAX_BPM,
    MAX_LENGTH_S,
    MIN_BPM,
    MIN_LENGTH_S,
    MOODS,
    BeatResult,
    BeatSpec,
    Section,
)

__all__ = ['DEFAULT_BPM', 'GENRES', 'KEYS', 'MAX_BPM', 'MAX_LENGTH_S', 'MIN_BPM', 'MIN_LENGTH_S', 'MOODS',
           'BeatResult', 'BeatSpec', 'Section', 'parse_prompt', 'render_beat']
