"""How each genre sounds beyond its drum patterns: swing, instruments, chord and lead rhythms, kit and mix colour.

Rhythm strings use one 16th step per character: 'x' onset, '-' hold, '.' rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Style:
    swing: tuple[float, float]  # share of an 8th at which the off 16th falls: 0.5 straight, about 0.6 swung
    jitter_ms: float  # humanising: standard deviation of timing
    bass: str  # '808' or a key of instruments.BASS_SOUNDS
    chords: tuple[str, ...]  # keys of instruments.CHORD_SOUNDS; the seed picks one
    chord_rhythms: tuple[str, ...]
    leads: tuple[str, ...]  # keys of instruments.LEAD_SOUNDS
    lead_rhythms: tuple[str, ...]
    hook_only: frozenset[str]  # drums held back until the hook
    sevenths: bool = False
    glides: bool = False  # 808 slides ('g'/'u' in bass rows); without them those steps are plain notes
    hook_sixteenths: bool = True  # hooks fill the hats' empty off-16ths with ghost notes
    kit: dict[str, dict[str, float]] = field(default_factory=dict)
    gains: dict[str, float] = field(default_factory=dict)
    sidechain: float = 0.0  # how deep the kick ducks chords and bass
    dusty: bool = False
    crackle: bool = False
    wobble: bool = False  # tape wow on the keys
    lowpass_hz: float | None = None
    reverb_s: float = 1.4
    chord_low: int = 55  # chords are voiced within the octave above this MIDI note
    bass_low: int = 29


_HELD = 'x---------------'

STYLES: dict[str, Style] = {
    'trap': Style(
        swing=(0.5, 0.52), jitter_ms=2, bass='808', chords=('dark pad', 'strings'), chord_rhythms=(_HELD,),
        leads=('bell', 'pluck'), lead_rhythms=('x--x--x-x-x-----', 'x-x---x--x--x---', 'x---x-x-x---x--x'),
        hook_only=frozenset({'ohat', 'perc', 'rim'}), glides=True, hook_sixteenths=False,
        kit={'kick': {'end_hz': 50, 'decay_s': 0.22, 'click': 0.45}},
        reverb_s=1.8),
    'drill': Style(
        swing=(0.5, 0.53), jitter_ms=2, bass='808', chords=('dark pad', 'strings'), chord_rhythms=(_HELD,),
        leads=('bell', 'pluck', 'flute'), lead_rhythms=('x--x--x--x--x---', 'x-x--x--x--x-x--', '--x--x--x--x--x-'),
        hook_only=frozenset({'ohat', 'perc', 'rim'}), glides=True, hook_sixteenths=False,
        kit={'kick': {'end_hz': 48, 'decay_s': 0.18}, 'snare': {'tone_hz': 230, 'tone': 0.35}}, reverb_s=1.8),
    'house': Style(
        swing=(0.5, 0.54), jitter_ms=1.5, bass='synth', chords=('stab', 'pluck'),
        chord_rhythms=('..x-..x-..x-..x-', '...x--x....x--x.', 'x-.x-...x-.x-...'),
        leads=('pluck', 'lead'), lead_rhythms=('x-x-x--x--x-x---', 'x--x--x-x--x--x-', '..x-x-x-..x-x-x-'),
        hook_only=frozenset({'shaker', 'perc', 'hat'}), sevenths=True, sidechain=0.55, bass_low=33,
        kit={'kick': {'start_hz': 210, 'end_hz': 48, 'decay_s': 0.32, 'click': 0.5}}, reverb_s=1.2),
    'boom bap': Style(
        swing=(0.57, 0.62), jitter_ms=5, bass='round', chords=('epiano', 'soft epiano'),
        chord_rhythms=('x-----x-x-------', 'x-------x-----..', 'x--x----x-------'),
        leads=('flute', 'epiano'), lead_rhythms=('x---x-x---------', 'x-x-x---x-------', '----x-x-x---x---'),
        hook_only=frozenset({'ohat', 'rim', 'shaker'}), sevenths=True, dusty=True, bass_low=31,
        kit={'kick': {'end_hz': 55, 'decay_s': 0.3, 'drive': 2.2}, 'snare': {'tone': 0.8, 'noise_decay_s': 0.2}},
        reverb_s=1.0),
    'lo-fi': Style(
        swing=(0.6, 0.66), jitter_ms=7, bass='sub', chords=('soft epiano',),
        chord_rhythms=(_HELD, 'x-------x--x----', 'x-----x---------'),
        leads=('flute', 'pluck'), lead_rhythms=('x---x-x-----x---', 'x-x-----x---x---', '--x-x---x-x-----'),
        hook_only=frozenset({'shaker', 'ohat', 'perc'}), sevenths=True, dusty=True, crackle=True, wobble=True,
        lowpass_hz=9000.0, bass_low=33, gains={'kick': 0.8, 'hat': 0.4, 'snare': 0.6}, reverb_s=2.0,
        kit={'kick': {'start_hz': 120, 'click': 0.1, 'decay_s': 0.25}, 'snare': {'bright_hz': 4500}}),
    'afrobeats': Style(
        swing=(0.52, 0.56), jitter_ms=3, bass='synth', chords=('kalimba', 'pluck'),
        chord_rhythms=('x-x--x-x--x-x---', 'x--x--x-x--x--x-', '..x-..x-..x-x-x-'),
        leads=('marimba', 'flute'), lead_rhythms=('x-x--x-x--x-x---', 'x--x-x--x-x--x--', 'x-x-x--x--x-----'),
        hook_only=frozenset({'perc', 'ohat', 'hat'}), sevenths=True, sidechain=0.2, bass_low=33,
        gains={'rim': 0.42, 'shaker': 0.4}, reverb_s=1.3),
    'pop': Style(
        swing=(0.5, 0.5), jitter_ms=2, bass='synth', chords=('pluck', 'pad'),
        chord_rhythms=('x-x-x-x-x-x-x-x-', _HELD, 'x--x--x-x--x--x-'),
        leads=('lead', 'pluck', 'bell'), lead_rhythms=('x-x-x---x-x-x---', 'x---x-x-x--x----', 'x-x-x-x-x---x---'),
        hook_only=frozenset({'ohat', 'perc', 'shaker'}), sidechain=0.25, bass_low=33, reverb_s=1.4),
    'r&b': Style(
        swing=(0.5, 0.54), jitter_ms=4, bass='sub', chords=('epiano', 'soft epiano', 'pad'),
        chord_rhythms=(_HELD, 'x-----x---x-----', 'x-------x-------'),
        leads=('epiano', 'flute', 'bell'), lead_rhythms=('x---x-x-----x---', 'x-x---x-x-------', 'x--x--x---x-----'),
        hook_only=frozenset({'ohat', 'shaker', 'rim'}), sevenths=True, bass_low=31, reverb_s=1.8,
        kit={'snare': {'tone': 0.3}}),
    'hip hop': Style(
        swing=(0.52, 0.56), jitter_ms=4, bass='808', chords=('pad', 'epiano', 'pluck'),
        chord_rhythms=(_HELD, 'x-----x---------', 'x--x--x-x-------'),
        leads=('bell', 'lead', 'pluck'), lead_rhythms=('x-x---x---x-x---', 'x---x---x-x-x---', 'x--x--x-----x---'),
        hook_only=frozenset({'ohat', 'rim', 'clap'}), reverb_s=1.3,
        kit={'kick': {'end_hz': 52, 'decay_s': 0.28}}),
}

GAINS = {'kick': 1.0, 'snare': 0.75, 'clap': 0.6, 'hat': 0.65, 'ohat': 0.4, 'rim': 0.35, 'shaker': 0.42,
         'perc': 0.45, 'tom': 0.6, 'crash': 0.2, 'riser': 0.18, 'bass': 0.42, '808': 0.5, 'chords': 0.5,
         'lead': 0.42, 'crackle': 0.14}
PANS = {'hat': 0.3, 'ohat': 0.35, 'shaker': -0.35, 'perc': -0.25, 'rim': -0.15, 'tom': 0.2, 'crash': 0.2,
        'lead': 0.12}
