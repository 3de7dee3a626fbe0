"""What a beat is: the choices an artist makes (BeatSpec) and what rendering hands back (BeatResult)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

GENRES = ('hip hop', 'trap', 'boom bap', 'lo-fi', 'pop', 'r&b', 'house', 'drill', 'afrobeats')
MOODS = ('energetic', 'chill', 'dark', 'happy', 'sad', 'romantic', 'aggressive', 'dreamy')
NOTE_NAMES = ('C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B')
KEYS: tuple[str, ...] = (*(f'{name} major' for name in NOTE_NAMES), *(f'{name} minor' for name in NOTE_NAMES))
MIN_BPM, MAX_BPM = 60, 180
MIN_LENGTH_S, MAX_LENGTH_S = 15, 300
DEFAULT_BPM: dict[str, int] = {'hip hop': 92, 'trap': 140, 'boom bap': 90, 'lo-fi': 80, 'pop': 110, 'r&b': 95,
                               'house': 124, 'drill': 142, 'afrobeats': 105}
SECTION_NAMES = ('intro', 'verse', 'hook', 'bridge', 'outro')

_LETTERS = {'c': 0, 'd': 2, 'e': 4, 'f': 5, 'g': 7, 'a': 9, 'b': 11}
_ACCIDENTALS = {'': 0, '#': 1, '♯': 1, 'sharp': 1, 'b': -1, '♭': -1, 'flat': -1}
_KEY_TEXT = re.compile(r'([a-g])\s*(#|♯|b|♭|sharp|flat)?\s*(major|maj|minor|min|m)?', re.IGNORECASE)


@dataclass(frozen=True)
class BeatSpec:
    """One beat to render. Flat key names ('Bb minor') are accepted and stored in KEYS' sharp spelling."""

    genre: str
    mood: str
    bpm: int
    key: str
    length_s: float
    seed: int

    def __post_init__(self) -> None:
        if self.genre not in GENRES:
            raise ValueError(f'Unknown genre {self.genre!r}: choose one of {", ".join(GENRES)}.')
        if self.mood not in MOODS:
            raise ValueError(f'Unknown mood {self.mood!r}: choose one of {", ".join(MOODS)}.')
        bpm = self.bpm
        if isinstance(bpm, bool) or not isinstance(bpm, Real) or not math.isfinite(bpm) or bpm != int(bpm):
            raise ValueError(f'The tempo must be a whole number of BPM, not {bpm!r}.')
        if not MIN_BPM <= bpm <= MAX_BPM:
            raise ValueError(f'The tempo must be between {MIN_BPM} and {MAX_BPM} BPM, not {bpm}.')
        object.__setattr__(self, 'bpm', int(bpm))
        key = canonical_key(self.key) if isinstance(self.key, str) else None
        if key is None:
            raise ValueError(f'Unknown key {self.key!r}: use a name like "C major", "F# minor" or "Bb minor".')
        object.__setattr__(self, 'key', key)
        length = self.length_s
        if isinstance(length, bool) or not isinstance(length, Real) or not math.isfinite(length):
            raise ValueError(f'The length must be a number of seconds, not {length!r}.')
        if not MIN_LENGTH_S <= length <= MAX_LENGTH_S:
            raise ValueError(f'The length must be between {MIN_LENGTH_S} and {MAX_LENGTH_S} seconds, not {length:g}.')
        object.__setattr__(self, 'length_s', float(length))
        if isinstance(self.seed, bool) or not isinstance(self.seed, Integral):
            raise ValueError(f'The seed must be a whole number, not {self.seed!r}.')
        object.__setattr__(self, 'seed', int(self.seed))

    @property
    def tonic(self) -> int:
        """Pitch class of the key's tonic, 0 = C."""
        return NOTE_NAMES.index(self.key.split()[0])

    @property
    def minor(self) -> bool:
        return self.key.endswith('minor')


@dataclass(frozen=True)
class Section:
    name: str  # one of SECTION_NAMES; the two verses are both 'verse'
    start_s: float
    end_s: float


@dataclass(frozen=True)
class BeatResult:
    wav_path: Path
    mp3_path: Path | None
    duration_s: float
    sections: tuple[Section, ...]
    progression: tuple[str, ...]  # chord names, e.g. ('Fm', 'Db', 'Ab', 'Eb')
    pattern: str  # drum pattern variant, e.g. 'trap-2'


def canonical_key(text: str) -> str | None:
    """'Bb minor', 'bbm', 'c#', 'F# Major' -> the KEYS spelling ('A# minor', ..., 'C# major'); None if not a key."""
    match = _KEY_TEXT.fullmatch(text.strip())
    if match is None:
        return None
    letter, accidental, quality = match.group(1), (match.group(2) or '').lower(), (match.group(3) or '').lower()
    return key_name(_LETTERS[letter.lower()] + _ACCIDENTALS[accidental], quality in {'minor', 'min', 'm'})


def key_name(pitch_class: int, minor: bool) -> str:
    return f'{NOTE_NAMES[pitch_class % 12]} {"minor" if minor else "major"}'
