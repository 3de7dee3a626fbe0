"""Keys, chords and progressions: which notes a beat may use, and how chords are voiced."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .spec import NOTE_NAMES

SCALES = {'major': (0, 2, 4, 5, 7, 9, 11), 'minor': (0, 2, 3, 5, 7, 8, 10)}
FLAT_NAMES = ('C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B')
# Keys whose signatures have flats (F, Bb, Eb, Ab, Db, Gb major and their relative minors) spell chords with flats.
_FLAT_TONICS = {'major': {5, 10, 3, 8, 1, 6}, 'minor': {2, 7, 0, 5, 10, 3}}
INTERVALS = {'': (0, 4, 7), 'm': (0, 3, 7), 'dim': (0, 3, 6), 'maj7': (0, 4, 7, 11), 'm7': (0, 3, 7, 10),
             '7': (0, 4, 7, 10), 'm7b5': (0, 3, 6, 10), 'm9': (0, 3, 7, 10, 14), 'add9': (0, 4, 7, 14)}
_ROMAN = ('i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii')
_NUMERAL = re.compile(r'(b?)([iv]+|[IV]+)(°?)')

# Idiomatic four-chord loops per mode and mood, as scale-degree numerals (upper case major, lower minor,
# ° diminished, a leading b borrows the flattened degree). The seed picks one of a mood's options.
PROGRESSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    'minor': {
        'energetic': ('i VI III VII', 'i VII VI VII', 'i iv VI VII'),
        'chill': ('i iv VII III', 'i v VI iv', 'VI iv i v'),
        'dark': ('i VI III VII', 'i bII VI V', 'i VI iv V', 'i iv i V'),
        'happy': ('VI VII i i', 'i III VII VI', 'III VII VI VII'),
        'sad': ('i VI III VII', 'i iv VI V', 'VI VII i i', 'i v VI iv'),
        'romantic': ('i iv VII III', 'VI iv i V', 'i VI iv V'),
        'aggressive': ('i bII i VII', 'i VI VII V', 'i iv bII V'),
        'dreamy': ('i VI III VII', 'VI III VII i', 'i iv VI III'),
    },
    'major': {
        'energetic': ('I V vi IV', 'vi IV I V', 'I IV vi V'),
        'chill': ('I iii vi IV', 'IV iii ii I', 'I vi ii V'),
        'dark': ('vi IV I V', 'I bVI bVII I', 'vi ii V I'),
        'happy': ('I V vi IV', 'I IV V IV', 'I vi IV V'),
        'sad': ('vi IV I V', 'IV V iii vi', 'I iii IV iv'),
        'romantic': ('I vi ii V', 'IV V iii vi', 'I vi IV V'),
        'aggressive': ('I bVII IV I', 'vi IV V V', 'I bVI bVII I'),
        'dreamy': ('I iii IV iv', 'IV V iii vi', 'I V vi iii'),
    },
}


@dataclass(frozen=True)
class Chord:
    root: int  # pitch class
    quality: str  # a key of INTERVALS
    name: str

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + step) % 12 for step in INTERVALS[self.quality])


def hz(midi: float | np.ndarray) -> float | np.ndarray:
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=np.float64) - 69) / 12)


def progression(tonic: int, minor: bool, numerals: str, *, sevenths: bool) -> tuple[Chord, ...]:
    """'i VI III VII' in F minor -> Fm Db Ab Eb; with sevenths -> Fm7 Dbmaj7 Abmaj7 Eb7."""
    mode = 'minor' if minor else 'major'
    names = FLAT_NAMES if tonic in _FLAT_TONICS[mode] else NOTE_NAMES
    chords = []
    for numeral in numerals.split():
        match = _NUMERAL.fullmatch(numeral)
        if match is None:
            raise ValueError(f'Bad numeral {numeral!r}')
        flat, roman, dim = match.groups()
        offset = SCALES[mode][_ROMAN.index(roman.lower())] - (1 if flat else 0)
        quality = 'dim' if dim else ('' if roman.isupper() else 'm')
        if sevenths:
            dominant = offset % 12 == 7 and quality == ''
            quality = {'': '7' if dominant else 'maj7', 'm': 'm7', 'dim': 'm7b5'}[quality]
        root = (tonic + offset) % 12
        chords.append(Chord(root, quality, names[root] + quality))
    return tuple(chords)


def voicing(chord: Chord, low: int) -> tuple[int, ...]:
    """Chord tones as MIDI notes within one octave from `low`: close voicings with smooth voice leading."""
    return tuple(sorted(low + (pc - low) % 12 for pc in chord.pitch_classes))


def bass_note(chord: Chord, low: int) -> int:
    return low + (chord.root - low) % 12


def scale_notes(tonic: int, minor: bool, low: int, high: int) -> np.ndarray:
    steps = SCALES['minor' if minor else 'major']
    return np.array([m for m in range(low, high + 1) if (m - tonic) % 12 in steps])


def melody(motif: tuple[tuple[int, int, int], ...], chord: Chord, tonic: int, minor: bool, *,
           low: int = 67, high: int = 86) -> list[tuple[int, int, int]]:
    """Place a motif (step, length, scale offset) over a chord: offsets count scale steps from the chord's root,
    so a motif follows the progression; notes on strong steps snap to the nearest chord tone."""
    notes = scale_notes(tonic, minor, low - 24, high + 24)
    anchor = int(np.argmin(np.abs(notes - (low + (chord.root - low) % 12))))
    tones = set(chord.pitch_classes)
    placed = []
    for step, length, offset in motif:
        midi = int(notes[int(np.clip(anchor + offset, 0, len(notes) - 1))])
        if step % 4 == 0 and midi % 12 not in tones:
            midi = min((m for m in range(midi - 2, midi + 3) if m % 12 in tones), key=lambda m: (abs(m - midi), m))
        placed.append((step, length, midi))
    shift = 0  # move the phrase as a whole by octaves, so its shape survives
    while max(m for _, _, m in placed) + shift > high:
        shift -= 12
    while min(m for _, _, m in placed) + shift < low - 5:
        shift += 12
    return [(step, length, midi + shift) for step, length, midi in placed]


def make_motif(rng: np.random.Generator, rhythm: str) -> tuple[tuple[int, int, int], ...]:
    """A melodic cell from a rhythm ('x' onset, '-' hold, '.' rest) and a seeded contour of small scale steps."""
    onsets = [i for i, char in enumerate(rhythm) if char == 'x']
    offset = int(rng.choice((0, 2, 4)))
    cell = []
    for n, step in enumerate(onsets):
        length = 1
        while step + length < len(rhythm) and rhythm[step + length] == '-':
            length += 1
        cell.append((step, length, offset))
        move = int(rng.choice((-2, -1, -1, 0, 1, 1, 2, 3), p=(0.12, 0.2, 0.1, 0.1, 0.2, 0.1, 0.12, 0.06)))
        offset = int(np.clip(offset + move, -2, 7))
        if n == len(onsets) - 2:
            offset = min((0, 2, 4, 7), key=lambda target: abs(target - offset))  # end on a chord tone
    return tuple(cell)
