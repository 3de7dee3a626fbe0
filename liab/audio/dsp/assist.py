"""The 'AI mix': chain settings from an analysis of the track, each with the measurement and the reason behind it.

Measured: the long-term spectrum in octave bands against a target curve, the crest factor (peak over RMS) and the
vocal presence band (1 to 4 kHz). No model: rules an engineer would state, scaled by a strength control.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.fft

from .dynamics import crest_db
from .settings import Chain

OCTAVES = (63.0, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0)
# Our target curve: octave-band power of a balanced modern mix (pop, hip hop, R&B) in dB, compared after both it
# and the measured bands are taken relative to their body (BODY: the 250 Hz to 1 kHz octaves). Long-term spectra
# of commercial mixes run about level through the bass and fall 3 to 4 dB per octave above a few hundred Hz (pink
# noise is level in octave bands); this is a house curve for steering gentle moves, not a standard.
TARGET_DB = (8.0, 7.0, 5.0, 2.5, 0.0, -3.0, -5.5, -8.5, -13.0)
BODY = slice(2, 5)
FRAME = 8192
MAX_FRAMES = 300  # frames spread over the track: about a minute of audio is plenty for a long-term spectrum


def suggest(x: np.ndarray, rate: int, strength: float) -> tuple[Chain, dict[str, Any]]:
    """Chain values for x (channels, frames) and what was measured and why; strength 0 gives a neutral chain."""
    bands = band_db(*spectrum(x, rate), OCTAVES)
    relative = bands - bands[BODY].mean()  # both curves relative to the body of the sound: 250 Hz to 1 kHz
    target = np.array(TARGET_DB) - np.mean(np.array(TARGET_DB)[BODY])
    deviation = relative - target
    lows = float(deviation[:2].mean())
    highs = float(0.7 * deviation[7] + 0.3 * deviation[8])
    presence = float(deviation[5:7].mean())  # the 2 and 4 kHz octaves span 1.4 to 5.7 kHz
    crest = crest_db(x)
    compression = min(0.8, max(0.0, (crest - 10) / 10))
    limiter = min(0.6, max(0.0, (crest - 14) / 8))
    chain = Chain(eq_low=_db_move(-0.75 * lows, strength), eq_mid=_db_move(-0.6 * presence, strength, 4.0),
                  eq_high=_db_move(-0.75 * highs, strength), compression=round(compression * strength, 2),
                  reverb=0.0, limiter=round(limiter * strength, 2))
    why = {
        'eq_low': _tilt_reason('low end (below 180 Hz)', lows, chain.eq_low),
        'eq_mid': _tilt_reason('vocal presence (1 to 4 kHz)', presence, chain.eq_mid),
        'eq_high': _tilt_reason('air (above 6 kHz)', highs, chain.eq_high),
        'compression': (f'Crest factor {crest:.1f} dB: '
                        + ('already dense, no compression needed.' if compression == 0 else
                           'dynamic, so compression evens it out.' if crest < 16 else
                           'very peaky, so firmer compression.')),
        'reverb': 'Reverb is a creative choice: the analysis adds none.',
        'limiter': (f'Crest factor {crest:.1f} dB: '
                    + ('the peaks are in proportion, no limiter.' if limiter == 0 else
                       'some peaks stand far above the body of the track, so the limiter shaves them.')),
    }
    measured = {'band_db': dict(zip(_names(), _round(relative), strict=True)),
                'target_db': dict(zip(_names(), _round(target), strict=True)),
                'deviation_db': dict(zip(_names(), _round(deviation), strict=True)),
                'low_deviation_db': round(lows, 1), 'presence_deviation_db': round(presence, 1),
                'high_deviation_db': round(highs, 1), 'crest_db': round(crest, 1)}
    return chain, {'strength': strength, 'measured': measured, 'why': why}


def spectrum(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Long-term average power spectrum of the mid signal: Hann-windowed frames spread evenly over the track,
    frames more than 50 dB under the loudest left out. (frequencies, power)."""
    mid = x.mean(axis=0) if x.ndim > 1 else x
    count = mid.size // FRAME
    if count == 0:
        mid = np.pad(mid, (0, FRAME - mid.size))
        count = 1
    starts = np.linspace(0, mid.size - FRAME, min(count, MAX_FRAMES)).astype(np.int64)
    frames = mid[starts[:, None] + np.arange(FRAME)] * np.hanning(FRAME).astype(np.float32)
    power = np.abs(scipy.fft.rfft(frames, axis=-1)) ** 2
    energy = power.sum(axis=1)
    keep = energy > energy.max() * 1e-5
    return scipy.fft.rfftfreq(FRAME, 1 / rate), power[keep].mean(axis=0)


def band_db(freqs: np.ndarray, power: np.ndarray, centres: tuple[float, ...]) -> np.ndarray:
    """Power in each octave band around `centres`, in dB (bands above the signal's Nyquist get the floor)."""
    out = []
    for centre in centres:
        inside = (freqs >= centre / math.sqrt(2)) & (freqs < centre * math.sqrt(2))
        out.append(10 * math.log10(float(power[inside].sum()) + 1e-20))
    return np.maximum(np.array(out), max(out) - 80)


def _db_move(value: float, strength: float, limit: float = 6.0) -> float:
    return round(min(limit, max(-limit, value)) * strength * 2) / 2 + 0.0  # half-dB steps; + 0.0 turns -0.0 to 0


def _tilt_reason(band: str, deviation: float, move: float) -> str:
    side = 'above' if deviation > 0 else 'below'
    if move == 0:
        return f'The {band} is {abs(deviation):.1f} dB {side} the target curve: left as it is.'
    verb = 'lifts' if move > 0 else 'cuts'
    return f'The {band} is {abs(deviation):.1f} dB {side} the target curve: the EQ {verb} it by {abs(move):.1f} dB.'


def _names() -> list[str]:
    return [f'{c / 1000:g}k' if c >= 1000 else f'{c:g}' for c in OCTAVES]


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 1) for v in values]
