"""Which of several related periods is the beat: the metrical checks behind tempo.estimate_tempo.

Each check returns a factor in (0, 1] for a candidate period (in envelope frames):
- grouping: the points halfway (or a third of the way) between its beats are as strong as the beats, so it
  groups a faster steady pulse that could itself be the beat (a click track at 174 is not 87). Measured on
  autocorrelations (robust to loose timing) and on each period's best-fitting grid (robust to kick and snare
  sounding different), on the kick-and-snare range, or the kick alone;
- hats: hats that pulse with the period but not twice as fast mean the period is an 8th, the beat is slower;
- snare: snares halfway between kick-anchored beats mean the period is two beats (backbeat on 2 and 4);
- chords: chords mostly change once a bar of four beats; other spacings are weighed down;
- bar: a beat divides the bar (dotted or 3-against-4 periods do not);
- prior: tempi near 105 BPM are likelier (log-normal, one octave wide).
Last, split_in_eight doubles a beat that the hats split in eight (trap's half-time feel).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RATE = 22050
HOP = 256
FPS = RATE / HOP  # onset envelope frames per second
MIN_PEAK = 0.1  # normalised autocorrelation; below it a period has no support
# The weights below were tuned on synthetic loops (tests/services/test_analysis.py has some) and on the output of
# liab.audio.synth (tests/bench/bench_audio.py), whose half-time genres are read by their producers' convention.
PRIOR_BPM, PRIOR_OCTAVES = 105.0, 1.0
GROUPING_KNEE = 0.55  # above this evenness the faster pulse is as strong as the beats
KICK_ONLY = 0.8  # weight of a period backed by kick onsets alone (four on the floor under busy snares)
MAX_BEAT_BPM = 180.0  # a faster pulse is not taken for the beat: no grouping penalty for it
HATS_MIN, HATS_SPLIT = 0.1, 0.7
SNARE_SECONDS, SNARE_OFF = 3.0, (0.7, 1.3)
CHORD_OTHER = 0.4
SPLIT_MIN = 0.3
FLOOR = 0.3  # the strongest penalty any single check gives (grouping: 0.2)
BAR_SECONDS = (1.0, 5.0)
ACCENT_SECONDS = 8.0  # grid windows short enough to follow a drifting tempo


@dataclass(frozen=True)
class Evidence:
    strong: np.ndarray  # autocorrelation of the kick-and-snare-range onset envelope
    kick: np.ndarray  # ... of the kick range
    hats: np.ndarray  # ... of the hat range
    strong_peaks: np.ndarray  # the envelopes themselves, max-filtered over three frames
    kick_peaks: np.ndarray
    kick_to_snare: np.ndarray  # cross-correlation, snare after kick; index size // 2 is lag 0
    bar: float | None  # period at which the whole pattern repeats
    chord_period: float | None  # period of chord changes


def plausibility(lag: float, evidence: Evidence) -> float:
    """0..1: how well a period fits as the beat, all checks but the comb over its multiples."""
    return (_grouping(lag, evidence) * _divides(lag, evidence.bar) * prior(lag) * _hats(lag, evidence.hats)
            * _snare_on_beat(lag, evidence.kick_to_snare) * _chords(lag, evidence.chord_period))


def split_in_eight(lag: float, evidence: Evidence, max_bpm: float) -> float:
    """A beat that the hats split in eight is two beats split in four: trap's half-time feel, whose 16th hats
    would otherwise be 32nds at half the tempo."""
    eighth, quarter = near(evidence.hats, lag / 8), near(evidence.hats, lag / 4)
    if eighth >= SPLIT_MIN and eighth >= 0.5 * quarter and lag_bpm(lag / 2) <= max_bpm:
        return lag / 2
    return lag


def bar_lag(acf: np.ndarray) -> float | None:
    """The period at which the whole pattern repeats: the strongest peak between one and five seconds."""
    low, high = int(BAR_SECONDS[0] * FPS), min(acf.size - 2, int(BAR_SECONDS[1] * FPS))
    if high - low < 3:
        return None
    peak = low + int(np.argmax(acf[low:high + 1]))
    return parabolic(acf, peak) if low < peak < high and acf[peak] > MIN_PEAK else None


def prior(lag: float) -> float:
    return math.exp(-0.5 * (math.log2(lag_bpm(lag) / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)


def lag_bpm(lag: float) -> float:
    return float(60 * FPS / lag)


def near(acf: np.ndarray, lag: float) -> float:
    """Largest value within a frame of the lag: tolerant of small period errors."""
    return max(_at(acf, lag - 1), _at(acf, lag), _at(acf, lag + 1))


def parabolic(values: np.ndarray, i: int) -> float:
    """The position of the peak at index i, interpolated through its neighbours."""
    a, b, c = values[i - 1], values[i], values[i + 1]
    denominator = a - 2 * b + c
    return float(i + (0.5 * (a - c) / denominator if denominator < 0 else 0.0))


def _grouping(lag: float, evidence: Evidence) -> float:
    score = _evenness_penalty(lag, evidence.strong, evidence.strong_peaks)
    if max(near(evidence.kick, lag), near(evidence.kick, 2 * lag)) >= MIN_PEAK:  # the kick has a pulse of its own
        score = max(score, KICK_ONLY * _evenness_penalty(lag, evidence.kick, evidence.kick_peaks))
    return score


def _evenness_penalty(lag: float, acf: np.ndarray, peaks: np.ndarray) -> float:
    faster = [n for n in (2, 3) if lag_bpm(lag / n) <= MAX_BEAT_BPM]  # only a pulse that could be the beat
    if not faster:
        return 1.0
    evenness = _ratio(max(near(acf, lag / n) for n in faster), near(acf, lag))
    on_grid = [_accent(peaks, lag / n, n) for n in faster]
    if None not in on_grid:
        evenness = (evenness + max(on_grid)) / 2
    return float(np.clip((1 - evenness) / (1 - GROUPING_KNEE), 0.2, 1.0))


def _accent(peaks: np.ndarray, period: float, groups: int) -> float | None:
    """How evenly strong the onsets on a grid of `period` frames are when its points are dealt into `groups`:
    1 when all groups are alike, 0 when only one has onsets. Measured at each window's best grid phase and
    weighted by onset strength; None when the signal is too short for a window."""
    span = groups * int(min(ACCENT_SECONDS * FPS, peaks.size - period - 2) / (groups * period))  # grid points
    if span < 2 * groups:
        return None
    width = math.ceil(span * period)
    starts = np.arange(0, peaks.size - width - math.ceil(period) - 1, max(1, width // 2))
    if starts.size == 0:
        return None
    phases = np.arange(math.ceil(period))
    points = np.round(starts[:, None, None] + phases[None, :, None] + np.arange(span) * period).astype(int)
    values = peaks[points]  # (windows, phases, points)
    chosen = values[np.arange(starts.size), values.sum(axis=2).argmax(axis=1)]  # (windows, points)
    means = chosen.reshape(starts.size, -1, groups).mean(axis=1)  # (windows, groups)
    weight = means.sum(axis=1)
    if weight.sum() <= 0:
        return None
    ratio = means.min(axis=1) / np.maximum(means.max(axis=1), 1e-12)
    return float((ratio * weight).sum() / weight.sum())


def _hats(lag: float, hats: np.ndarray) -> float:
    pulse = near(hats, lag)
    if pulse < HATS_MIN:
        return 1.0
    split = max(near(hats, lag / 2), near(hats, lag / 3))
    return float(np.clip(split / (HATS_SPLIT * pulse), FLOOR, 1.0))


def _snare_on_beat(lag: float, kick_to_snare: np.ndarray) -> float:
    centre = kick_to_snare.size // 2
    count = int(min(centre - 2, SNARE_SECONDS * FPS) / lag)
    if count < 1:
        return 1.0
    on = sum(max(near(kick_to_snare, centre + k * lag), 0.0) for k in range(-count, count + 1))
    off = sum(max(near(kick_to_snare, centre + (k + 0.5) * lag), 0.0) for k in range(-count, count))
    if on + off <= 0:
        return 1.0
    ratio = off / max(on, 1e-9)
    return float(np.clip((SNARE_OFF[1] - ratio) / (SNARE_OFF[1] - SNARE_OFF[0]), FLOOR, 1.0))


def _chords(lag: float, period: float | None) -> float:
    if period is None:
        return 1.0
    beats = period / lag
    if abs(beats / 4 - 1) < 0.04:
        return 1.0
    return CHORD_OTHER


def _divides(lag: float, bar: float | None) -> float:
    if bar is None:
        return 1.0
    count = bar / lag if bar >= lag else lag / bar
    return 1.0 if abs(count / max(1, round(count)) - 1) < 0.03 else FLOOR


def _ratio(a: float, b: float) -> float:
    if b <= 0:
        return 1.0 if a > 0 else 0.0
    return float(np.clip(a / b, 0.0, 1.0))


def _at(acf: np.ndarray, lag: float) -> float:
    if lag < 0 or lag >= acf.size - 1:
        return 0.0
    i = int(lag)
    return float(acf[i] + (lag - i) * (acf[i + 1] - acf[i]))
