"""Tempo from onset-strength envelopes: an autocorrelation proposes periods, meter.py picks one.

Spectral-flux envelopes (hop 256 at 22050 Hz) of log band power, for all bands and for the kick, snare and hat
ranges, plus a chord-change envelope. Their autocorrelation proposes periods between 50 and 220 BPM; the one whose
multiples line up best (a comb) brings its metrical relatives (T/4 to 4T, and T/3 to 3T where they have support of
their own), and meter.best picks the beat among them all.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
from scipy import ndimage

from liab.audio.analysis import meter, spectral
from liab.audio.analysis.meter import FPS, HOP, RATE, lag_bpm, near, parabolic

N_FFT = 1024
MIN_BPM, MAX_BPM = 50.0, 220.0
MIN_SECONDS = 4.0
MIN_FLUX_DB = 0.5  # 99th percentile of the onset envelope below this: no onsets (silence, sustained tones)
MIN_PEAK = meter.MIN_PEAK  # autocorrelation at a proposed period; below it there is no steady beat
MIN_RELATIVE = 0.03  # a triple relative needs some support of its own
MAX_LAG_SECONDS = 8.0
COMB_SECONDS = 4.0
_BAND_EDGES = np.geomspace(30.0, RATE / 2, 37)
# Octave relatives join even without support: a syncopated beat (drill) can have a weak lag of its own.
_OCTAVES = (0.25, 0.5, 2.0, 4.0)
_TRIPLES = (1 / 3, 2 / 3, 1.5, 3.0)
_KICK, _SNARE, _HATS = (0.0, 150.0), (200.0, 4000.0), (4000.0, RATE / 2)  # Hz


def estimate_tempo(mono: np.ndarray, sample_rate: int) -> float | None:
    """Beats per minute (50 to 220), or None when the signal has no steady beat (silence, sustained tones, noise)."""
    x = spectral.resample(mono, sample_rate, RATE)
    if x.size < MIN_SECONDS * RATE or not np.any(x):
        return None
    envelopes = _onset_envelopes(x)
    if envelopes is None:
        return None
    correlations = {name: _autocorrelation(envelope) for name, envelope in envelopes.items()}
    combined = (correlations['full'] + correlations['strong']) / 2
    lags = _candidates(combined)
    if not lags:
        return None
    lag = meter.best(lags, meter.Evidence.of(envelopes, correlations))
    return round(lag_bpm(_refine(lag, combined)), 1)


def _candidates(acf: np.ndarray) -> list[float]:
    """Periods (frames) that could be the beat: the autocorrelation's peaks, and the metrical relatives of the one
    whose multiples line up best; empty when no peak reaches MIN_PEAK (no steady beat)."""
    lags = [_refine(lag, acf) for lag in _candidate_lags(acf)]
    lags = [lag for lag in lags if near(acf, lag) >= MIN_PEAK]
    if not lags:
        return []
    root = max(lags, key=lambda lag: _comb(acf, lag))
    for ratio in _OCTAVES + _TRIPLES:
        lag = root * ratio
        supported = near(acf, lag) >= MIN_RELATIVE
        if MIN_BPM <= lag_bpm(lag) <= MAX_BPM and (supported or ratio in _OCTAVES):
            lags.append(_refine(lag, acf) if supported else lag)
    distinct: list[float] = []
    for lag in lags:
        if all(abs(lag / other - 1) > 0.02 for other in distinct):
            distinct.append(lag)
    return distinct


def _onset_envelopes(x: np.ndarray) -> dict[str, np.ndarray] | None:
    """Spectral flux of log band power (frames at FPS): all bands, the kick and snare range (hats left out), the
    kick, the snare and the hat ranges; and how fast the pitch-class content changes. None without onsets."""
    freqs = spectral.bin_frequencies(N_FFT, RATE)
    index = np.searchsorted(_BAND_EDGES, freqs, side='right') - 1
    valid = (index >= 0) & (index < len(_BAND_EDGES) - 1)
    bands = np.zeros((freqs.size, len(_BAND_EDGES) - 1), dtype=np.float32)
    bands[np.flatnonzero(valid), index[valid]] = 1
    bands = bands[:, bands.any(axis=0)]
    reduced = spectral.band_power(x, N_FFT, HOP, np.concatenate([bands, _pitch_classes(freqs)], axis=1))
    power, chroma = reduced[:, :bands.shape[1]], reduced[:, bands.shape[1]:]
    level = 10 * np.log10(power + 1e-12)
    level = np.maximum(level, level.max() - 80)
    flux = np.maximum(0.0, np.diff(level, axis=0, prepend=level[:1]))
    full = flux.mean(axis=1)
    if np.percentile(full, 99) < MIN_FLUX_DB:
        return None
    centres = (bands.T @ freqs) / bands.sum(axis=0)
    weights = [np.clip((5000 - centres) / 2500, 0, 1)]  # full weight below 2.5 kHz, none above 5 kHz
    weights += [((centres >= low) & (centres < high)).astype(float) for low, high in (_KICK, _SNARE, _HATS)]
    ranges = [_detrend(flux @ (w / max(w.sum(), 1e-9))) for w in weights]
    return dict(zip(('full', 'strong', 'kick', 'snare', 'hats', 'chords'),
                    (_detrend(full), *ranges, _harmonic_change(chroma)), strict=True))


def _pitch_classes(freqs: np.ndarray) -> np.ndarray:
    """(bins, 12): the FFT bins between 250 Hz and 2.5 kHz in each pitch class; coarse, but chord changes show."""
    with np.errstate(divide='ignore'):
        midi = np.round(69 + 12 * np.log2(freqs / 440.0))
    inside = np.flatnonzero((freqs > 250) & (freqs < 2500))
    matrix = np.zeros((freqs.size, 12), dtype=np.float32)
    matrix[inside, (midi[inside] % 12).astype(int)] = 1
    return matrix


def _harmonic_change(chroma: np.ndarray) -> np.ndarray:
    """How much the pitch-class content differs from a fifth of a second earlier: peaks where chords change."""
    gap = int(0.2 * FPS)
    level = ndimage.uniform_filter1d(np.log1p(1e3 * chroma / max(float(chroma.max()), 1e-12)), gap, axis=0)
    now, before = level[gap:], level[:-gap]
    norms = np.linalg.norm(now, axis=1) * np.linalg.norm(before, axis=1)
    change = 1 - (now * before).sum(axis=1) / np.maximum(norms, 1e-9)
    return np.r_[np.zeros(gap), np.where(norms > 0, change, 0.0)]


def _detrend(envelope: np.ndarray) -> np.ndarray:
    local = ndimage.uniform_filter1d(envelope, size=int(FPS), mode='nearest')
    return np.maximum(0.0, envelope - local)


def _autocorrelation(envelope: np.ndarray) -> np.ndarray:
    """Unbiased autocorrelation for lags up to MAX_LAG_SECONDS, 1 at lag 0 (all 0 for a flat envelope)."""
    acf = _correlate(envelope, envelope)[:min(envelope.size, int(MAX_LAG_SECONDS * FPS))]
    return acf / acf[0] if acf[0] > 0 else np.zeros_like(acf)


def _correlate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Circular correlation sum(a[t] * b[t + lag]) over a zero-padded FFT, mean removed, divided by the overlap."""
    x, y = a - a.mean(), b - b.mean()
    size = scipy.fft.next_fast_len(2 * x.size)
    full = scipy.fft.irfft(np.conj(scipy.fft.rfft(x, size)) * scipy.fft.rfft(y, size), size)
    lags = np.arange(size)
    overlap = x.size - np.minimum(lags, size - lags)
    return full / np.maximum(overlap, 1)


def _candidate_lags(acf: np.ndarray) -> list[float]:
    """Local maxima of the autocorrelation between MIN_BPM and MAX_BPM, at least 30 % of the highest."""
    low, high = int(60 * FPS / (MAX_BPM * 1.04)), min(acf.size - 2, math.ceil(60 * FPS / (MIN_BPM / 1.04)))
    peaks = _local_maxima(acf, low, high)
    if peaks.size == 0:
        return []
    peaks = peaks[acf[peaks] >= 0.3 * acf[peaks].max()]
    return [lag for lag in (parabolic(acf, int(p)) for p in peaks) if MIN_BPM <= lag_bpm(lag) <= MAX_BPM]


def _local_maxima(values: np.ndarray, low: int, high: int) -> np.ndarray:
    if high - low < 3:
        return np.zeros(0, dtype=int)
    inner = values[low:high + 1]
    return np.flatnonzero((inner[1:-1] > inner[:-2]) & (inner[1:-1] >= inner[2:])) + low + 1


def _comb(acf: np.ndarray, lag: float) -> float:
    """Mean autocorrelation near each multiple of the lag up to COMB_SECONDS: high for metrical periods."""
    count = max(2, int(COMB_SECONDS * FPS / lag))
    return float(np.mean([near(acf, k * lag) for k in range(1, count + 1)]))


def _refine(lag: float, acf: np.ndarray) -> float:
    """Least-squares period through the peaks near each multiple of the lag, refining as it goes."""
    sum_kk = sum_kl = 0.0
    for k in range(1, 17):
        centre = k * lag
        window = max(1.5, 0.02 * centre)
        start, stop = max(1, math.floor(centre - window)), min(acf.size - 2, math.ceil(centre + window))
        if stop - start < 2:
            break
        peak = start + int(np.argmax(acf[start:stop + 1]))
        if acf[peak] <= 0 or peak in (start, stop):
            continue  # no peak near this multiple (an off-beat one): skip it
        sum_kk, sum_kl = sum_kk + k * k, sum_kl + k * parabolic(acf, peak)
        lag = sum_kl / sum_kk
    return lag
