"""Buses, effects and mastering: place sounds, add reverb, echo, ducking and colour, then bring the sum to about
-14 LUFS integrated (the Spotify/YouTube reference in REFERENCE.md) with sample peaks held below -1 dBFS."""

from __future__ import annotations

import math

import numpy as np
from scipy import signal

from liab.audio.analysis.loudness import integrated_loudness

TARGET_LUFS = -14.0
DRIVE = 1.0  # soft clipper before the limiter: rounds the loudest peaks off gently
CEILING = 10 ** (-1.3 / 20)  # sample-peak ceiling, a little under -1 dBFS so 16-bit rounding cannot cross it


class Mixer:
    """Stereo buses the length of the beat, plus a mono send to the reverb."""

    def __init__(self, frames: int, sample_rate: int) -> None:
        self.frames, self.sr = frames, sample_rate
        self.drums = np.zeros((2, frames), np.float32)
        self.music = np.zeros((2, frames), np.float32)  # ducked by the kick where the style asks for it
        self.send = np.zeros(frames, np.float32)
        self.kicks: list[int] = []

    def add(self, bus: str, sample: np.ndarray, time_s: float, gain: float, *, pan: float = 0.0,
            send: float = 0.0, echo_s: float = 0.0) -> None:
        """Mix `sample` in at `time_s`; with `echo_s`, also three fading ping-pong repeats that far apart."""
        start = round(time_s * self.sr)
        if start < 0:
            sample, start = sample[-start:], 0
        end = min(self.frames, start + sample.size)
        if end <= start:
            return
        chunk = sample[:end - start]
        angle = (min(max(pan, -1.0), 1.0) + 1) * math.pi / 4
        target = self.drums if bus == 'drums' else self.music
        target[0, start:end] += chunk * np.float32(gain * math.cos(angle) * math.sqrt(2))
        target[1, start:end] += chunk * np.float32(gain * math.sin(angle) * math.sqrt(2))
        if send:
            self.send[start:end] += chunk * np.float32(gain * send)
        for tap in range(1, 4) if echo_s else ():
            self.add(bus, sample, time_s + tap * echo_s, gain * 0.4 ** tap, pan=0.7 if tap % 2 else -0.7,
                     send=send)

    def mixdown(self, *, reverb_s: float, sidechain: float, wobble: bool,
                lowpass_hz: float | None, seed: int) -> np.ndarray:
        """Sum the buses and effects into one stereo array; the mixer is empty afterwards."""
        music = _wow(self.music, self.sr) if wobble else self.music
        if sidechain:
            music *= _ducking(self.kicks, self.frames, self.sr, sidechain)
        out = self.drums
        out += music
        _add_reverb(out, self.send, self.sr, reverb_s, seed)
        self.drums = self.music = self.send = np.zeros((2, 0), np.float32)
        del music
        if lowpass_hz:
            _filter(out, signal.butter(2, lowpass_hz, fs=self.sr, output='sos'))
        return out


def master(x: np.ndarray, sr: int, *, fade_out_s: float, seed: int) -> np.ndarray:
    """High-pass, fades, a soft clipper for glue, then gain (and a limiter wherever peaks would pass the ceiling),
    repeated until the integrated loudness is within 0.1 LU of the target; TPDF dither for the 16-bit file last.
    Works in place on `x` (2, frames) float32."""
    _filter(x, signal.butter(2, 28, btype='highpass', fs=sr, output='sos'))
    fade_in = min(int(0.01 * sr), x.shape[1])
    x[:, :fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)
    fade = min(int(fade_out_s * sr), x.shape[1])
    x[:, x.shape[1] - fade:] *= (0.5 + 0.5 * np.cos(np.linspace(0, np.pi, fade))).astype(np.float32)
    peak = _peak(x) or 1.0
    x *= np.float32(DRIVE / peak)
    np.tanh(x, out=x)
    x *= np.float32(1 / math.tanh(DRIVE))
    peak = _peak(x)
    gain_db = TARGET_LUFS - _lufs(x, sr)
    for attempt in range(5):
        gain = 10 ** (gain_db / 20)
        out = x * np.float32(gain) if peak * gain <= CEILING else _limit(x, gain, sr)
        error = TARGET_LUFS - _lufs(out, sr)
        if abs(error) < 0.1 or attempt == 4:
            break
        gain_db += error
    rng = np.random.default_rng([seed, 99])
    for channel in range(out.shape[0]):
        noise = rng.random(out.shape[1], np.float32)
        noise -= rng.random(out.shape[1], np.float32)
        noise *= np.float32(1 / 32768)  # TPDF dither of one 16-bit step, as REFERENCE.md asks for 16-bit copies
        out[channel] += noise
        np.clip(out[channel], -CEILING, CEILING, out=out[channel])
    return out


def _peak(x: np.ndarray) -> float:
    return max(float(np.max(channel)) for channel in (x, -x)) if x.size else 0.0


def _filter(x: np.ndarray, sos: np.ndarray, chunk: int = 1 << 20) -> None:
    """Filter (channels, frames) float32 in place, a chunk at a time, carrying the filter state across."""
    for channel in x:
        state = np.zeros((sos.shape[0], 2))
        for start in range(0, channel.size, chunk):
            part, state = signal.sosfilt(sos, channel[start:start + chunk], zi=state)
            channel[start:start + chunk] = part


def _lufs(x: np.ndarray, sr: int) -> float:
    value = integrated_loudness(x.T, sr)
    return value if math.isfinite(value) else -70.0


def _limit(x: np.ndarray, gain: float, sr: int, *, attack_s: float = 0.002, release_s: float = 0.08
           ) -> np.ndarray:
    """x * gain through a peak limiter: the gain reduction each sample needs is spread forwards with an
    exponential release and backwards with an exponential attack, so the gain is already down when a peak
    arrives and never lets it past the ceiling."""
    loudest = np.maximum(np.abs(x[0]), np.abs(x[1])) if x.shape[0] == 2 else np.max(np.abs(x), axis=0)
    loudest *= np.float32(gain)
    np.maximum(loudest, np.float32(1e-9), out=loudest)
    need = 1 - np.minimum(1.0, CEILING / loudest)
    del loudest
    depth = _spread(need, release_s * sr)
    depth = _spread(depth[::-1], attack_s * sr)[::-1]
    scale = (1 - depth) * np.float32(gain)
    out = x * scale
    return np.clip(out, -CEILING, CEILING, out=out)


def _spread(depth: np.ndarray, tau: float, chunk: int = 1 << 20) -> np.ndarray:
    """out[j] = max over k <= j of depth[k] * exp(-(j - k) / tau), computed as a running maximum of logarithms."""
    out = np.empty(depth.size, np.float32)
    carry = 0.0
    for start in range(0, depth.size, chunk):
        part = np.array(depth[start:start + chunk], dtype=np.float64)
        part[0] = max(part[0], carry * math.exp(-1 / tau))
        k = np.arange(part.size) / tau
        with np.errstate(divide='ignore'):
            logs = np.log(part) + k
        out[start:start + part.size] = np.exp(np.maximum.accumulate(logs) - k)
        carry = out[start + part.size - 1]
    return out


def _add_reverb(out: np.ndarray, send: np.ndarray, sr: int, seconds: float, seed: int) -> None:
    """Convolution with decaying stereo noise (-60 dB at `seconds`), darkened, after a 20 ms pre-delay."""
    rng = np.random.default_rng([seed, 7])
    length = int(seconds * sr)
    t = np.arange(length) / sr
    ir = rng.standard_normal((2, length)) * np.exp(-6.9 * t / seconds)
    ir = signal.sosfilt(signal.butter(1, (300, 6000), btype='bandpass', fs=sr, output='sos'), ir, axis=1)
    ir *= 0.5 / np.sqrt(np.sum(ir ** 2, axis=1, keepdims=True))
    ir = np.concatenate([np.zeros((2, int(0.02 * sr))), ir], axis=1).astype(np.float32)
    block = 1 << 18
    for start in range(0, send.size, block):
        dry = send[start:start + block]
        if not dry.any():
            continue
        wet = signal.fftconvolve(dry[None, :], ir, axes=1)
        end = min(send.size, start + wet.shape[1])
        out[:, start:end] += wet[:, :end - start]


def _ducking(kicks: list[int], frames: int, sr: int, depth: float) -> np.ndarray:
    """Gain that dips by `depth` within 5 ms of each kick and recovers over about 150 ms: the house pump."""
    span = int(0.3 * sr)
    t = np.arange(span) / sr
    curve = (1 - depth * np.minimum(t / 0.005, 1) * np.exp(-t / 0.09)).astype(np.float32)
    gain = np.ones(frames, np.float32)
    for start in kicks:
        end = min(frames, start + span)
        if end > start:
            np.minimum(gain[start:end], curve[:end - start], out=gain[start:end])
    return gain


def _wow(x: np.ndarray, sr: int, chunk: int = 1 << 18) -> np.ndarray:
    """Tape wow, in place: read the bus through a slowly wandering 2-6 ms delay (about 10 cents of drift).
    Chunks go from the end backwards, so every read is of samples not yet overwritten."""
    frames = x.shape[1]
    for start in reversed(range(0, frames, chunk)):
        index = np.arange(start, min(frames, start + chunk))
        t = index / sr
        where = index - sr * (0.004 + 0.0015 * np.sin(2 * np.pi * 0.55 * t) + 0.0005 * np.sin(2 * np.pi * 1.7 * t))
        np.clip(where, 0, frames - 1.001, out=where)
        left = where.astype(np.intp)
        frac = (where - left).astype(np.float32)
        for channel in range(x.shape[0]):
            x[channel, index] = x[channel, left] + (x[channel, left + 1] - x[channel, left]) * frac
    return x
