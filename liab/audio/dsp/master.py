"""The master: mastering moves (glue compression and, with a reference, its tonal balance and width), then the
level. NOTES.md's path instead of loudnorm: measure, a static gain into a true-peak-safe limiter, measure again
and trim.

The level loop: the input's per-block true peaks and K-weighted energies are measured once. For a trial gain, the
limiter's per-block gain follows from the peaks and the output loudness from the energies (the limiter changes
the gain slowly, so the output's K-weighted energy is the input's times the gain squared, block by block); a few
secant steps find the gain that meets the target. The result is then applied and measured for real, and trimmed
(down only: trimming up would raise the peaks) or solved again with the measured error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal

from . import assist, files, filters, meter, space
from .dynamics import compressor_gain, limiter_gain, to_frames
from .settings import SAMPLE_PEAK_DBFS, Master, ceiling_for

MIN_INPUT_LUFS = -60.0  # quieter than this is near-silence: 40+ dB of gain would only raise noise
# Aim this far under the true-peak ceiling: other meters interpolate a little differently, and the limiter holds
# our reading exactly at its aim; ffmpeg's ebur128 read up to 0.065 dB above it on limited masters here.
MARGIN_DB = 0.2
SAMPLE_MARGIN_DB = 0.05  # sample peaks are exact; this covers 24-bit rounding
MAX_LIMITING_DB = 12.0  # the limiter takes at most this much off the loudest peak: past it, loudness barely grows
FADE_S = 0.002
TOLERANCE_LU = 0.05
GLUE = {'threshold_db': -6.0, 'ratio': 1.5, 'attack_ms': 30.0, 'release_ms': 250.0}  # about 2 dB on the peaks
MATCH_LIMIT_DB = 4.0  # tone matching moves each octave band by at most this much
WIDTH_LIMITS = (0.5, 2.0)
# Tone-matching EQ: a low shelf, one-octave bells and a high shelf, fitted to the octave bands of assist.OCTAVES.
TONE_SECTIONS = (('low_shelf', 90.0), ('peak', 125.0), ('peak', 250.0), ('peak', 500.0), ('peak', 1000.0),
                 ('peak', 2000.0), ('peak', 4000.0), ('high_shelf', 8000.0))
BAND_WEIGHTS = np.array([0.5, 1, 1, 1, 1, 1, 1, 1, 0.5])  # the extreme octaves are the least reliable to match
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Reference:
    lufs: float
    width: float
    bands: np.ndarray  # octave-band levels (assist.OCTAVES), dB
    rate: int


def load_reference(path: str | Path) -> Reference:
    if not Path(path).is_file():
        raise ValueError('The reference track cannot be found: upload it again.')
    x, rate = files.read(Path(path))
    lufs = meter.measure(x, rate, peaks=False).integrated
    if not lufs >= MIN_INPUT_LUFS:
        raise ValueError('The reference track is silent or nearly so: choose another one.')
    return Reference(lufs, space.width(x), assist.band_db(*assist.spectrum(x, rate), assist.OCTAVES), rate)


def master(x: np.ndarray, rate: int, settings: Master, *, measured: meter.Measurement | None = None,
           progress: Progress | None = None) -> tuple[np.ndarray, meter.Measurement, dict[str, Any]]:
    """Master x (2, frames) float32 (changed in place by the moves). `measured` may be x's measurement when
    the caller has it. Returns the output, its measurement and what was done."""
    report = progress or (lambda _f, _m: None)
    reference = load_reference(settings.reference) if settings.reference else None
    target = settings.target_lufs
    if reference is not None and settings.match_loudness:
        target = min(-6.0, max(-24.0, round(reference.lufs, 2)))
    ceiling = ceiling_for(target, settings.ceiling_dbtp)
    info: dict[str, Any] = {'target_lufs': target, 'ceiling_dbtp': ceiling, 'amount': settings.amount,
                            'glue': None, 'reference': None}
    amount = settings.amount
    if amount > 0:
        report(0.1, 'Matching the reference' if reference else 'Gluing the mix')
        if reference is not None:
            info['reference'] = _match(x, rate, reference, amount)
        gain, glue = compressor_gain(x, rate, **GLUE)
        x *= to_frames(1 - amount + amount * gain, x.shape[1])  # parallel: the compressor only changes gain
        info['glue'] = {**glue, 'blend': amount}
        measured = None
    if _fade_edges(x, rate):
        measured = None
    report(0.4, 'Measuring')
    if measured is None:
        measured = meter.measure(x, rate)
    level = measured.integrated
    if not level >= MIN_INPUT_LUFS:
        raise ValueError(f'The audio is too quiet to master ({_lufs_text(level)}): it needs at least '
                         f'{MIN_INPUT_LUFS:g} LUFS.')
    report(0.6, 'Setting the level')
    y, out, level_info = _to_target(x, rate, measured, target, ceiling)
    info.update(level_info)
    return y, out, info


def _to_target(x: np.ndarray, rate: int, measured: meter.Measurement, target: float,
               ceiling: float) -> tuple[np.ndarray, meter.Measurement, dict[str, Any]]:
    true_aim = ceiling - MARGIN_DB
    sample_aim = SAMPLE_PEAK_DBFS - SAMPLE_MARGIN_DB
    model = _LoudnessModel(measured)
    room = np.minimum(true_aim - _db(measured.true_peak), sample_aim - _db(measured.sample_peak))
    aim = target
    gain_db, block_gain, steps = _solve(model, aim, room, rate)
    # Peaks the limiter has to hold, or nearly, measured again oversampled twice as finely (meter.peak_blocks):
    # 4x alone can read a peak between its points 0.5 dB low, and other meters would find it.
    near = _db(measured.true_peak * block_gain) >= true_aim - 1.0
    finer = meter.peak_blocks(x, rate, only=near, fine=True)[2] if near.any() else measured.true_peak
    if (finer[near] > measured.true_peak[near]).any():
        room = np.minimum(room, true_aim - _db(np.maximum(finer, measured.true_peak)))
        gain_db, block_gain, more = _solve(model, aim, room, rate)
        steps += more
    for attempt in range(4):
        y = x * to_frames(block_gain, x.shape[1])
        # the output's peaks where they can matter: blocks the input's peaks and the gain put within 1 dB of the
        # loudest (the gain changes far too slowly to move a peak by that much)
        predicted = _db(measured.true_peak * block_gain)
        out = meter.measure(y, rate, only=predicted >= predicted.max() - 1.0, fine=True)
        over = max(meter.db(float(out.fine_peak.max())) - true_aim,
                   meter.db(float(out.sample_peak.max())) - sample_aim)
        if over > 0.01:  # the gain's own changes moved a peak up: trim, and aim that much lower next time
            y *= np.float32(10 ** (-over / 20))
            out = out.scaled(10 ** (-over / 20))
            room -= over
        error = target - out.integrated
        if error < -TOLERANCE_LU:
            y *= np.float32(10 ** (error / 20))
            out = out.scaled(10 ** (error / 20))
            break
        if error <= TOLERANCE_LU or attempt == 3 or gain_db >= float(room.min()) + MAX_LIMITING_DB - 0.01:
            break  # on target, or as loud as the limiter may make it
        aim += error
        gain_db, block_gain, more = _solve(model, aim, room, rate)
        steps += more
    reduction = float(np.max(gain_db - 20 * np.log10(block_gain)))
    return y, out, {'gain_db': round(gain_db, 2), 'limiter_max_reduction_db': round(max(0.0, reduction), 2),
                    'passes': attempt + 1, 'solver_steps': steps,
                    'target_reached': bool(abs(out.integrated - target) <= 0.5)}


def _solve(model: _LoudnessModel, aim: float, room: np.ndarray, rate: int) -> tuple[float, np.ndarray, int]:
    """The static gain (dB) whose limited output the model puts at `aim` (or the loudest the limiter may make it,
    MAX_LIMITING_DB), and the per-block gain it gives; `room` is how far (dB) each block may rise before the
    limiter has to act."""
    m = model.measured
    least = float(room.min())
    static = min(aim - m.integrated, least + MAX_LIMITING_DB)
    gain_db = static
    tried: list[tuple[float, float]] = []
    for _ in range(12):
        gain = 10 ** (gain_db / 20)
        if gain_db <= least:
            block_gain, level = np.full(room.size, gain), m.integrated + gain_db
        else:
            block_gain = gain * limiter_gain(np.maximum(0.0, gain_db - room), rate)
            level = model.loudness(block_gain)
        tried.append((gain_db, level))
        error = aim - level
        if abs(error) < 0.005:
            break
        slope = 1.0
        if len(tried) > 1 and tried[-1][0] != tried[-2][0]:
            slope = min(1.0, max(0.05, (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])))
        step = min(least + MAX_LIMITING_DB, gain_db + error / slope)
        if step == gain_db:
            break
        gain_db = step
    return gain_db, block_gain, len(tried)


class _LoudnessModel:
    """Integrated loudness of the input with a per-block gain applied, from its per-block K-weighted energies,
    corrected by the difference between the model and the measurement at unity gain."""

    def __init__(self, measured: meter.Measurement) -> None:
        self.measured = measured
        bounds = np.concatenate([[0.0], np.cumsum(measured.step_lengths)])
        centres = np.arange(measured.energy.size) * meter.BLOCK + meter.BLOCK / 2
        self.step = np.searchsorted(bounds, centres, side='right') - 1
        self.inside = self.step < measured.steps.size
        self.offset = 0.0
        self.offset = measured.integrated - self.loudness(np.ones(measured.energy.size))

    def loudness(self, block_gain: np.ndarray) -> float:
        weights = (self.measured.energy * np.square(block_gain))[self.inside]
        steps = np.bincount(self.step[self.inside], weights=weights, minlength=self.measured.steps.size)
        return meter.integrated_loudness(steps, self.measured.step_lengths) + self.offset


def _match(x: np.ndarray, rate: int, reference: Reference, amount: float) -> dict[str, Any]:
    """Move x's tonal balance and width toward the reference's, bounded and scaled by `amount`; in place."""
    own = assist.band_db(*assist.spectrum(x, rate), assist.OCTAVES)
    body = assist.BODY
    wanted = (reference.bands - reference.bands[body].mean()) - (own - own[body].mean())
    wanted = np.clip(wanted, -MATCH_LIMIT_DB, MATCH_LIMIT_DB) * amount
    # an octave mostly past either file's Nyquist frequency says nothing about tone
    weights = BAND_WEIGHTS * (np.array(assist.OCTAVES) * 1.2 <= min(rate, reference.rate) / 2)
    wanted *= weights > 0
    sections = [_section(kind, freq, 1.0, rate) for kind, freq in TONE_SECTIONS]
    response = np.stack([20 * np.log10(np.abs(signal.sosfreqz(np.array([s]), worN=np.array(assist.OCTAVES),
                                                              fs=rate)[1]) + 1e-12) for s in sections], axis=1)
    fitted = np.linalg.lstsq(response * weights[:, None], wanted * weights, rcond=None)[0]
    gains = np.clip(fitted, -6.0, 6.0)
    sos = np.array([_section(kind, freq, g, rate) for (kind, freq), g in zip(TONE_SECTIONS, gains, strict=True)
                    if abs(g) >= 0.05])
    before = space.width(x)
    if sos.size:
        x[:] = filters.apply(x, sos)
    factor = 1.0
    if before > 0.01 and reference.width > 0:
        factor = min(WIDTH_LIMITS[1], max(WIDTH_LIMITS[0], reference.width / before)) ** amount
        space.set_width(x, factor)
    return {'lufs': round(reference.lufs, 2), 'width_reference': round(reference.width, 3),
            'width_before': round(before, 3), 'width_after': round(space.width(x), 3),
            'tone_eq_db': {f'{freq:g}': round(float(g), 2) for (_, freq), g in zip(TONE_SECTIONS, gains, strict=True)},
            'tone_wanted_db': dict(zip([f'{c:g}' for c in assist.OCTAVES], (round(float(w), 2) for w in wanted),
                                       strict=True))}


def _section(kind: str, freq: float, gain_db: float, rate: int) -> list[float]:
    if kind == 'low_shelf':
        return filters.low_shelf(freq, gain_db, rate)
    if kind == 'high_shelf':
        return filters.high_shelf(freq, gain_db, rate)
    return filters.peak(freq, gain_db, filters.octaves_to_q(1.0), rate)


def _fade_edges(x: np.ndarray, rate: int) -> bool:
    """A 2 ms fade at each end, where the audio does not already start and end in silence: no click, and
    meters agree on the first peak (ffmpeg's resampler reads an abrupt start up to 0.5 dB higher than ours)."""
    frames = min(x.shape[1] // 2, round(FADE_S * rate))
    if frames == 0 or not (np.abs(x[:, :frames]).max() > 0 or np.abs(x[:, -frames:]).max() > 0):
        return False
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, frames))).astype(np.float32)
    x[:, :frames] *= ramp
    x[:, -frames:] *= ramp[::-1]
    return True


def _db(values: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.maximum(values, 1e-12))


def _lufs_text(level: float) -> str:
    return 'silent' if not math.isfinite(level) else f'{level:.1f} LUFS'
