"""Every choice a beat makes before any sound: form, pattern, progression, sounds and motifs, all drawn from
generators seeded by the spec, so one spec always gives one beat and neighbouring seeds give different ones."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import arrangement
from .arrangement import Bar, Score
from .patterns import PATTERNS, DrumPattern
from .spec import BeatSpec, Section
from .styles import STYLES, Style
from .theory import PROGRESSIONS, Chord, make_motif, progression

# Streams of random numbers, one per purpose, so that adding a draw to one never changes another.
PLAN, HUMANISE, NOISE, MASTER = 1, 2, 3, 4


@dataclass(frozen=True)
class Plan:
    spec: BeatSpec
    style: Style
    pattern: DrumPattern
    chords: tuple[Chord, ...]
    sections: tuple[Section, ...]
    bars: tuple[Bar, ...]
    score: Score
    bar_s: float
    swing: float
    chord_sound: str
    chord_rhythm: str
    lead_sound: str
    motifs: tuple[tuple[tuple[int, int, int], ...], ...]  # call (bars 1-3 of each four) and answer (bar 4)
    kit: dict[str, dict[str, float]]

    def chord_at(self, bar: Bar) -> Chord:
        """Each section starts the loop from its first chord; the final hit lands on it too."""
        return self.chords[0 if bar.ending else bar.position % len(self.chords)]

    def step_times(self) -> np.ndarray:
        """Start time of every 16th step (and of the step after the last), with the off 16ths swung."""
        steps = np.arange(len(self.bars) * 16 + 1)
        eighth = self.bar_s / 8
        within = steps % 16
        return steps // 16 * self.bar_s + within // 2 * eighth + within % 2 * self.swing * eighth


def rng_for(spec: BeatSpec, stream: int) -> np.random.Generator:
    return np.random.default_rng([spec.seed % 2**64, stream])


def plan_beat(spec: BeatSpec) -> Plan:
    rng = rng_for(spec, PLAN)
    style = STYLES[spec.genre]
    pattern = PATTERNS[spec.genre][int(rng.integers(len(PATTERNS[spec.genre])))]
    options = PROGRESSIONS['minor' if spec.minor else 'major'][spec.mood]
    chords = progression(spec.tonic, spec.minor, options[int(rng.integers(len(options)))], sevenths=style.sevenths)
    bar_s = 240.0 / spec.bpm
    n_bars = max(1, math.floor(spec.length_s / bar_s + 1e-9))
    form = arrangement.form(n_bars)
    bars = tuple(arrangement.bars_of(form))
    rhythm = style.lead_rhythms[int(rng.integers(len(style.lead_rhythms)))]
    answer = style.lead_rhythms[int(rng.integers(len(style.lead_rhythms)))]
    return Plan(
        spec=spec, style=style, pattern=pattern, chords=chords,
        sections=arrangement.timeline(form, bar_s, spec.length_s), bars=bars,
        score=arrangement.score(list(bars), pattern, style, spec.genre), bar_s=bar_s,
        swing=float(rng.uniform(*style.swing)),
        chord_sound=style.chords[int(rng.integers(len(style.chords)))],
        chord_rhythm=style.chord_rhythms[int(rng.integers(len(style.chord_rhythms)))],
        lead_sound=style.leads[int(rng.integers(len(style.leads)))],
        motifs=(make_motif(rng, rhythm), make_motif(rng, answer)),
        kit=_kit(style, rng))


def _kit(style: Style, rng: np.random.Generator) -> dict[str, dict[str, float]]:
    """The genre's drum settings, each nudged a little per seed: tuning and decay differ from beat to beat."""
    kick = {'end_hz': 52.0, 'decay_s': 0.3, **style.kit.get('kick', {})}
    kick['end_hz'] *= float(rng.uniform(0.92, 1.08))
    kick['decay_s'] *= float(rng.uniform(0.85, 1.15))
    snare = {'tone_hz': 190.0, **style.kit.get('snare', {})}
    snare['tone_hz'] *= float(rng.uniform(0.88, 1.12))
    hat = {'decay_s': float(rng.uniform(0.03, 0.05)), **style.kit.get('hat', {})}
    return {'kick': kick, 'snare': snare, 'hat': hat}
