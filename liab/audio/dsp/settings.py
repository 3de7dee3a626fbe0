"""What the artist sets at each step of the Mix stage (spec 2.4), the ranges the controls allow, presets and check().

Pure: no numpy, so the web process can import it for sliders and validation without loading scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from numbers import Real
from typing import ClassVar

# Integrated loudness targets (ITU-R BS.1770), REFERENCE.md: Spotify and YouTube -14, Apple Music -16; the spec's
# loudnorm default -13; 'loud' for artists who want it (YouTube Music turns down only above -7).
TARGETS: dict[str, float] = {'spotify': -14.0, 'youtube': -14.0, 'apple': -16.0, 'spec': -13.0, 'loud': -9.0}
CEILING_DBTP = -1.0  # Spotify's true-peak ceiling (REFERENCE.md) ...
LOUD_CEILING_DBTP = -2.0  # ... and the one for masters louder than -14 LUFS
LOUD_ABOVE_LUFS = -14.0
SAMPLE_PEAK_DBFS = -0.3  # one distributor's hard rule on sample peaks, on top of the true-peak ceiling


@dataclass(frozen=True)
class VocalMix:
    """Step 1 (spec /api/mix/run): the lead vocal over the beat."""

    vocal_gain_db: float = 0.0
    beat_gain_db: float = 0.0
    highpass_hz: float = 80.0  # vocal high-pass, 24 dB/octave
    deess: float = 0.3  # 0 off .. 1 up to 12 dB less sibilance
    offset_ms: float = 0.0  # positive delays the vocal; pass minus the browser's recording latency to undo it

    RANGES: ClassVar[dict[str, tuple[float, float]]] = {
        'vocal_gain_db': (-24.0, 12.0), 'beat_gain_db': (-24.0, 12.0), 'highpass_hz': (20.0, 400.0),
        'deess': (0.0, 1.0), 'offset_ms': (-2000.0, 2000.0)}


@dataclass(frozen=True)
class Chain:
    """Step 2 (spec /api/mix/process): 3-band EQ, compression, reverb, limiter."""

    eq_low: float = 0.0  # dB, low shelf at 100 Hz
    eq_mid: float = 0.0  # dB, bell at 1.5 kHz, two octaves wide
    eq_high: float = 0.0  # dB, high shelf at 10 kHz
    compression: float = 0.3  # 0 off .. 1 heavy (threshold and ratio follow; see dynamics.chain_compressor)
    reverb: float = 0.0  # 0 dry .. 1 a long, clearly audible room
    limiter: float = 0.0  # 0 off .. 1 takes up to 6 dB off the loudest peaks

    RANGES: ClassVar[dict[str, tuple[float, float]]] = {
        'eq_low': (-6.0, 6.0), 'eq_mid': (-6.0, 6.0), 'eq_high': (-6.0, 6.0), 'compression': (0.0, 1.0),
        'reverb': (0.0, 1.0), 'limiter': (0.0, 1.0)}

    @property
    def neutral(self) -> bool:
        return all(getattr(self, name) == 0 for name in self.RANGES)


@dataclass(frozen=True)
class Master:
    """Step 3. The output lands within 0.5 LU of the target, at or under the true-peak ceiling and at or under
    -0.3 dBFS sample peak, whatever `amount` is.

    `amount` scales the mastering moves (the glue compressor, blended in parallel, and, with a reference, the
    tone-matching EQ and the width change) from none (0) to all (1); the loudness target and the ceilings are
    not blended, because a blend with the unlimited signal would break the ceiling.

    With a `reference`, the master matches its tonal balance and stereo width, and its integrated loudness too
    (clamped to the target range) unless `match_loudness` is False, in which case `target_lufs` stands.
    `ceiling_dbtp` None means -1 dBTP, or -2 dBTP when the (effective) target is louder than -14 LUFS.
    """

    target_lufs: float = -14.0
    ceiling_dbtp: float | None = None
    amount: float = 1.0
    reference: str | None = None
    match_loudness: bool = True

    RANGES: ClassVar[dict[str, tuple[float, float]]] = {
        'target_lufs': (-24.0, -6.0), 'ceiling_dbtp': (-3.0, -0.1), 'amount': (0.0, 1.0)}


# 'clean' is the spec's own example (project.json metadata in section 2.4); 'warm' adds low end and a little
# room and rounds off the top; 'bright' adds air and presence and trims the lows.
PRESETS: dict[str, Chain] = {
    'warm': Chain(eq_low=2.5, eq_mid=-1.0, eq_high=-1.5, compression=0.4, reverb=0.15, limiter=0.2),
    'clean': Chain(eq_low=0.0, eq_mid=-2.0, eq_high=0.0, compression=0.3, reverb=0.0, limiter=0.0),
    'bright': Chain(eq_low=-1.0, eq_mid=1.0, eq_high=3.0, compression=0.35, reverb=0.1, limiter=0.2),
}

_UNITS = {'vocal_gain_db': ' dB', 'beat_gain_db': ' dB', 'highpass_hz': ' Hz', 'offset_ms': ' ms', 'eq_low': ' dB',
          'eq_mid': ' dB', 'eq_high': ' dB', 'target_lufs': ' LUFS', 'ceiling_dbtp': ' dBTP'}


def check(settings: VocalMix | Chain | Master) -> None:
    """Raise ValueError naming the first field that is not a finite number within its range."""
    kind = type(settings)
    if kind not in (VocalMix, Chain, Master):
        raise ValueError(f'Expected VocalMix, Chain or Master settings, not {kind.__name__}.')
    for name, (low, high) in kind.RANGES.items():
        value = getattr(settings, name)
        if name == 'ceiling_dbtp' and value is None:
            continue
        check_number(name, value, low, high, _UNITS.get(name, ''))
    if isinstance(settings, Master):
        if settings.reference is not None and (not isinstance(settings.reference, str) or not settings.reference):
            raise ValueError(f'reference must be the path of an audio file or None, not {settings.reference!r}.')
        if not isinstance(settings.match_loudness, bool):
            raise ValueError(f'match_loudness must be true or false, not {settings.match_loudness!r}.')
    unknown = {f.name for f in fields(settings)} - set(kind.RANGES) - {'reference', 'match_loudness'}
    assert not unknown, f'fields without a range: {unknown}'


def check_number(name: str, value: object, low: float, high: float, unit: str = '') -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f'{name} must be a number from {low:g} to {high:g}{unit}, not {value!r}.')
    return float(value)


def ceiling_for(target_lufs: float, ceiling_dbtp: float | None) -> float:
    """The true-peak ceiling: the one asked for, else -1 dBTP, or -2 dBTP when louder than -14 LUFS (REFERENCE.md)."""
    if ceiling_dbtp is not None:
        return float(ceiling_dbtp)
    return LOUD_CEILING_DBTP if target_lufs > LOUD_ABOVE_LUFS else CEILING_DBTP
