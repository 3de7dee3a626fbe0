"""Tonal instruments: every function takes (sample rate, MIDI notes, gate seconds) and returns a mono float32 note
or chord that rings on for its release after the gate. Oscillators read band-limited wavetables, so a saw at any
pitch has no aliasing and costs one table lookup per sample."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from .theory import hz

Instrument = Callable[[int, tuple[int, ...], float], np.ndarray]
TABLE = 2048


def pad(sr: int, notes: tuple[int, ...], gate_s: float, *, cutoff_hz: float = 1800.0, detune: float = 0.12,
        attack_s: float = 0.08, release_s: float = 0.6, odd_only: bool = False) -> np.ndarray:
    """Three detuned saws (or squares) per note through a fixed low-pass: the warm synth pad and string bed."""
    n, t = _frames(sr, gate_s, release_s)
    out = np.zeros(n)
    for note in notes:
        for cents, phase in ((-detune, 0.13), (0.0, 0.61), (detune, 0.37)):
            freq = float(hz(note + cents))
            out += _osc(_table(_harmonics(freq, sr, cutoff_hz, odd_only)), freq, n, sr, phase)
    env = _envelope(t, gate_s, (attack_s, 0.4, 0.8, release_s))
    return (out * env / (3 * max(len(notes), 1)) ** 0.5).astype(np.float32)


def epiano(sr: int, notes: tuple[int, ...], gate_s: float, *, strum_s: float = 0.012, bright: float = 1.0,
           tremolo: float = 0.0, release_s: float = 0.4) -> np.ndarray:
    """Two-operator FM at ratio 1 with a decaying index plus a short high tine: an electric-piano feel."""
    n, t = _frames(sr, gate_s + strum_s * len(notes), release_s)
    out = np.zeros(n)
    for i, note in enumerate(notes):
        freq = float(hz(note))
        index = bright * (1.4 * np.exp(-t / 0.3) + 0.25)
        tone = np.sin(2 * np.pi * freq * t + index * np.sin(2 * np.pi * freq * t))
        if freq * 14 < 0.4 * sr:
            tone += 0.12 * np.sin(2 * np.pi * freq * 14 * t) * np.exp(-t / 0.015)
        tone *= np.exp(-t / max(0.6, 2.4 - (note - 48) / 25))
        start = int(i * strum_s * sr)
        out[start:] += tone[:n - start]
    if tremolo:
        out *= 1 + tremolo * np.sin(2 * np.pi * 4.8 * t)
    env = _envelope(t, gate_s + strum_s * len(notes), (0.002, 1.0, 1.0, release_s))
    return (out * env / max(len(notes), 1) ** 0.5).astype(np.float32)


def pluck(sr: int, notes: tuple[int, ...], gate_s: float, *, decay_s: float = 0.45, bright: float = 0.75,
          strum_s: float = 0.008, release_s: float = 0.12) -> np.ndarray:
    """Additive pluck: higher harmonics die faster, like a plucked string or a kalimba tine."""
    n, t = _frames(sr, gate_s + strum_s * len(notes), release_s)
    out = np.zeros(n)
    for i, note in enumerate(notes):
        freq = float(hz(note))
        k = np.arange(1, min(14, int(0.45 * sr / freq)) + 1)[:, None]
        partials = bright ** (k - 1) / k * np.sin(2 * np.pi * k * freq * t) * np.exp(-t * (1 + 0.7 * (k - 1)) / decay_s)
        start = int(i * strum_s * sr)
        out[start:] += partials.sum(axis=0)[:n - start]
    env = _envelope(t, gate_s + strum_s * len(notes), (0.001, 1.0, 1.0, release_s))
    return (out * env / max(len(notes), 1) ** 0.5).astype(np.float32)


def bell(sr: int, notes: tuple[int, ...], gate_s: float) -> np.ndarray:
    """Glockenspiel-like bar modes (inharmonic ratios): the classic dark trap bell melody."""
    return _modal(sr, notes, gate_s, ((1.0, 1.0, 1.3), (2.76, 0.45, 0.45), (5.4, 0.25, 0.2), (8.93, 0.12, 0.08)))


def marimba(sr: int, notes: tuple[int, ...], gate_s: float) -> np.ndarray:
    return _modal(sr, notes, gate_s, ((1.0, 1.0, 0.45), (3.99, 0.35, 0.07), (10.0, 0.1, 0.02)))


def flute(sr: int, notes: tuple[int, ...], gate_s: float, *, release_s: float = 0.15) -> np.ndarray:
    """Soft breathy lead: a few harmonics, delayed vibrato and a little filtered breath noise."""
    n, t = _frames(sr, gate_s, release_s)
    out = np.zeros(n)
    for note in notes:
        freq = float(hz(note)) * (1 + 0.005 * np.minimum(t / 0.3, 1) * np.sin(2 * np.pi * 5.2 * t))
        phase = 2 * np.pi * np.cumsum(freq) / sr
        out += np.sin(phase) + 0.25 * np.sin(2 * phase) + 0.08 * np.sin(3 * phase)
    breath = np.convolve(np.random.default_rng(notes[0]).standard_normal(n), np.ones(6) / 6, mode='same')
    out += 0.06 * breath
    return (out * _envelope(t, gate_s, (0.06, 0.3, 0.85, release_s))).astype(np.float32)


def lead(sr: int, notes: tuple[int, ...], gate_s: float, *, cutoff_hz: float = 3200.0) -> np.ndarray:
    """Two detuned saws with vibrato: a bright synth lead."""
    n, t = _frames(sr, gate_s, 0.15)
    out = np.zeros(n)
    for note in notes:
        for cents, phase in ((-0.08, 0.2), (0.08, 0.7)):
            freq = float(hz(note + cents))
            wobble = freq * (1 + 0.004 * np.minimum(t / 0.25, 1) * np.sin(2 * np.pi * 5.5 * t))
            out += _osc(_table(_harmonics(freq, sr, cutoff_hz)), wobble, n, sr, phase)
    return (out * _envelope(t, gate_s, (0.008, 0.25, 0.6, 0.15)) / 2).astype(np.float32)


def sub_bass(sr: int, notes: tuple[int, ...], gate_s: float) -> np.ndarray:
    """Rounded sine bass with a touch of second harmonic so it carries on small speakers."""
    _, t = _frames(sr, gate_s, 0.06)
    phase = 2 * np.pi * float(hz(notes[0])) * t
    out = np.tanh(1.4 * (np.sin(phase) + 0.2 * np.sin(2 * phase)))
    return (out * _envelope(t, gate_s, (0.005, 0.4, 0.75, 0.06))).astype(np.float32)


def synth_bass(sr: int, notes: tuple[int, ...], gate_s: float) -> np.ndarray:
    """Saw through a plucked low-pass (bright table fading to a dark one) over a sine: house and pop bass."""
    n, t = _frames(sr, gate_s, 0.05)
    freq = float(hz(notes[0]))
    bright = _osc(_table(_harmonics(freq, sr, 1600.0)), freq, n, sr)
    dark = _osc(_table(_harmonics(freq, sr, 350.0)), freq, n, sr)
    sweep = np.exp(-t / 0.07)
    out = 0.6 * (bright * sweep + dark * (1 - sweep)) + 0.7 * np.sin(2 * np.pi * freq * t)
    return (out * _envelope(t, gate_s, (0.003, 0.3, 0.8, 0.05))).astype(np.float32)


def round_bass(sr: int, notes: tuple[int, ...], gate_s: float) -> np.ndarray:
    """Upright-ish: a few harmonics that die away fast after the pluck, over a sustaining fundamental."""
    _, t = _frames(sr, gate_s, 0.08)
    freq = float(hz(notes[0]))
    k = np.arange(1, 7)[:, None]
    out = (np.sin(2 * np.pi * k * freq * t) / k ** 1.5 * np.exp(-t * (0.8 + 6 * (k - 1)))).sum(axis=0)
    return (out * _envelope(t, gate_s, (0.004, 1.0, 1.0, 0.08))).astype(np.float32)


def eight08(sr: int, note: int, gate_s: float, *, from_note: int | None = None, decay_s: float = 0.9,
            drive: float = 2.2, glide_s: float = 0.09) -> np.ndarray:
    """The 808: a long tuned sine with a pitch punch (or a glide from the previous note), saturated so its
    harmonics carry the pitch on phones."""
    _, t = _frames(sr, gate_s, 0.03)
    target = float(hz(note))
    if from_note is None:
        freq = target * (1 + 1.3 * np.exp(-t / 0.012))
    else:
        ramp = np.clip(t / glide_s, 0, 1)
        freq = float(hz(from_note)) * (target / float(hz(from_note))) ** (ramp * ramp * (3 - 2 * ramp))
    tone = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / decay_s) * (0.85 if from_note else 1.0)
    out = np.tanh(drive * tone) / np.tanh(drive)
    return (out * _envelope(t, gate_s, (0.001, 1.0, 1.0, 0.03))).astype(np.float32)


CHORD_SOUNDS: dict[str, Instrument] = {
    'pad': pad, 'dark pad': partial(pad, cutoff_hz=1100.0, attack_s=0.25), 'strings': partial(pad, attack_s=0.35,
                                                                                              cutoff_hz=2600.0),
    'stab': partial(pad, cutoff_hz=2400.0, attack_s=0.004, release_s=0.12, odd_only=True, detune=0.06),
    'epiano': epiano, 'soft epiano': partial(epiano, bright=0.6, tremolo=0.12, strum_s=0.02),
    'pluck': pluck, 'kalimba': partial(pluck, decay_s=0.3, bright=0.5),
}
LEAD_SOUNDS: dict[str, Instrument] = {'bell': bell, 'marimba': marimba, 'flute': flute, 'lead': lead,
                                'pluck': partial(pluck, decay_s=0.3, strum_s=0.0), 'epiano': epiano}
BASS_SOUNDS: dict[str, Instrument] = {'sub': sub_bass, 'synth': synth_bass, 'round': round_bass}


def _modal(sr: int, notes: tuple[int, ...], gate_s: float, modes: tuple[tuple[float, float, float], ...]
           ) -> np.ndarray:
    n, t = _frames(sr, gate_s, 0.3)
    out = np.zeros(n)
    for note in notes:
        freq = float(hz(note))
        for ratio, amp, decay in modes:
            if freq * ratio < 0.45 * sr:
                out += amp * np.sin(2 * np.pi * freq * ratio * t) * np.exp(-t / decay)
    return (out * _envelope(t, gate_s, (0.001, 1.0, 1.0, 0.3))).astype(np.float32)


def _frames(sr: int, gate_s: float, release_s: float) -> tuple[int, np.ndarray]:
    n = int((gate_s + release_s) * sr)
    return n, np.arange(n) / sr


def _envelope(t: np.ndarray, gate_s: float, adsr: tuple[float, float, float, float]) -> np.ndarray:
    """Attack, decay to sustain, and an exponential release after the gate that reaches -60 dB at its end."""
    attack_s, decay_s, sustain, release_s = adsr
    env = np.minimum(t / attack_s, 1.0) * (sustain + (1 - sustain) * np.exp(-np.maximum(t - attack_s, 0) / decay_s))
    return env * np.exp(-np.maximum(t - gate_s, 0) * 6.9 / release_s)


def _harmonics(freq: float, sr: int, cutoff_hz: float, odd_only: bool = False) -> np.ndarray:
    count = max(1, min(int(0.45 * sr / freq), TABLE // 2 - 1))
    k = np.arange(1, count + 1)
    amps = 1 / k / np.sqrt(1 + (k * freq / cutoff_hz) ** 4)
    if odd_only:
        amps[1::2] = 0
    return amps


def _table(amps: np.ndarray) -> np.ndarray:
    spectrum = np.zeros(TABLE // 2 + 1, dtype=complex)
    spectrum[1:amps.size + 1] = -0.5j * TABLE * amps
    table = np.fft.irfft(spectrum, TABLE)
    return np.append(table, table[0])


def _osc(table: np.ndarray, freq: float | np.ndarray, n: int, sr: int, phase: float = 0.0) -> np.ndarray:
    if np.ndim(freq) == 0:
        cycles = phase + np.arange(n) * (float(freq) / sr)
    else:
        cycles = phase + np.cumsum(freq) / sr
    pos = (cycles % 1.0) * TABLE
    index = pos.astype(np.intp)
    frac = pos - index
    return table[index] + (table[index + 1] - table[index]) * frac
