"""Colour: a palette per mood, nudged by the seed, plus the small colour maths the rest of the package shares."""

from __future__ import annotations

import colorsys
import zlib
from dataclasses import dataclass

import numpy as np

RGB = tuple[float, float, float]  # 0..1 per channel, sRGB-encoded


@dataclass(frozen=True)
class Palette:
    ground: tuple[RGB, RGB]  # the background gradient, deep end first
    colours: tuple[RGB, ...]  # what the shapes are painted with
    accent: RGB  # one colour that stands out (the single accent of a dark cover)
    light: RGB  # glows and light leaks
    haze: float  # 0..1: how much soft glow and bloom the mood wants
    contrast: float  # 0..1: how hard the light falls (vignette depth, shadows)


def palette_for(mood: str, rng: np.random.Generator) -> Palette:
    """The mood's palette; a mood we do not know still gets a stable one (the same name, the same family)."""
    known = _MOODS.get(mood)
    return (known or list(_MOODS.values())[zlib.crc32(mood.encode()) % len(_MOODS)])(rng)


def hls(hue_deg: float, light: float, sat: float) -> RGB:
    red, green, blue = colorsys.hls_to_rgb((hue_deg % 360) / 360, _unit(light), _unit(sat))
    return red, green, blue


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    return tuple(a + (b - a) * amount for a, b in zip(first, second, strict=True))  # type: ignore[return-value]


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB values in 0..1 (any shape ending in 3 channels)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722], dtype=linear.dtype)


def contrast_ratio(first: float | np.ndarray, second: float | np.ndarray) -> float | np.ndarray:
    high, low = np.maximum(first, second), np.minimum(first, second)
    return (high + 0.05) / (low + 0.05)


def _jitter(rng: np.random.Generator, spread: float) -> float:
    return float(rng.uniform(-spread, spread))


def _pick(rng: np.random.Generator, options: tuple) -> object:
    return options[int(rng.integers(len(options)))]


def _energetic(rng: np.random.Generator) -> Palette:
    # Electric hues only: magenta, red-orange, amber, cyan, violet. Acid greens beside them read as garish, so any
    # hue the harmony lands in the green band moves out of it.
    base = float(_pick(rng, (325, 15, 40, 190, 270))) + _jitter(rng, 14)
    turn = float(_pick(rng, (150, 180, 120, -120)))

    def electric(hue: float) -> float:
        hue %= 360
        return hue if not 70 <= hue <= 165 else (48.0 if hue < 110 else 185.0)

    colours = (hls(electric(base), 0.55, 0.95), hls(electric(base + turn), 0.55, 0.9),
               hls(electric(base + 40 + _jitter(rng, 15)), 0.6, 1.0))
    ground = (hls(electric(base + turn), 0.1, 0.75), hls(electric(base - 15), 0.4, 0.9))
    return Palette(ground, colours, hls(electric(base + turn + 30), 0.62, 1.0), hls(electric(base + 20), 0.7, 1.0),
                   0.6, 0.5)


def _chill(rng: np.random.Generator) -> Palette:
    base = 175 + _jitter(rng, 40)
    colours = (hls(base, 0.55, 0.45), hls(base + 30, 0.7, 0.4), hls(base - 150 + _jitter(rng, 20), 0.72, 0.6))
    ground = (hls(base + 25, 0.18 + _jitter(rng, 0.05), 0.5), hls(base - 10, 0.62, 0.35))
    return Palette(ground, colours, hls(base + 190, 0.75, 0.75), hls(base - 160, 0.85, 0.7), 0.5, 0.3)


def _dark(rng: np.random.Generator) -> Palette:
    base = float(_pick(rng, (202, 222, 238, 256))) + _jitter(rng, 8)  # deep teal, navy, indigo, violet-black
    accent_hue = float(_pick(rng, (188, 350, 38, 275, 140, 12, 205)))
    accent = hls(accent_hue + _jitter(rng, 8), 0.55, 0.95)
    lift = float(rng.uniform(0.0, 0.1))
    colours = (hls(base, 0.22 + lift, 0.55), hls(base + 8, 0.34 + lift, 0.4), hls(base - 10, 0.12 + lift, 0.5))
    ground = (hls(base, 0.02, 0.5), hls(base + _jitter(rng, 10), 0.1 + lift, 0.65))
    return Palette(ground, colours, accent, accent, 0.45, 0.85)


def _happy(rng: np.random.Generator) -> Palette:
    base = 35 + _jitter(rng, 28)
    second = base - float(_pick(rng, (45, 60, 180, 200)))
    colours = (hls(base, 0.56, 0.95), hls(second, 0.6, 0.9), hls(base + 20, 0.72, 1.0))
    ground = (hls(base - 25, 0.5, 0.9), hls(base + 15, 0.72, 0.95))
    return Palette(ground, colours, hls(second + 170, 0.45, 0.85), hls(base + 10, 0.85, 1.0), 0.55, 0.25)


def _sad(rng: np.random.Generator) -> Palette:
    base = 212 + _jitter(rng, 22)
    sat = 0.12 + float(rng.uniform(0, 0.16))
    colours = (hls(base, 0.45, sat), hls(base + 15, 0.62, sat * 0.8), hls(base - 20, 0.3, sat * 1.2))
    ground = (hls(base, 0.12, sat + 0.1), hls(base + 10, 0.5 + _jitter(rng, 0.1), sat))
    accent = hls(float(_pick(rng, (base + 180, 45, base))), 0.78, 0.35)
    return Palette(ground, colours, accent, hls(base, 0.85, 0.2), 0.4, 0.55)


def _romantic(rng: np.random.Generator) -> Palette:
    base = 345 + _jitter(rng, 18)
    colours = (hls(base, 0.42, 0.7), hls(base + 12, 0.7, 0.65), hls(base - 20, 0.25, 0.65))
    ground = (hls(base - 10, 0.09, 0.6), hls(base + 5, 0.38 + _jitter(rng, 0.08), 0.55))
    return Palette(ground, colours, hls(40 + _jitter(rng, 8), 0.62, 0.75), hls(base + 20, 0.82, 0.8), 0.65, 0.5)


def _aggressive(rng: np.random.Generator) -> Palette:
    red = 357 + _jitter(rng, 8)
    colours = (hls(red, 0.47, 1.0), (0.96, 0.95, 0.93), hls(red, 0.2, 0.9))
    ground = (hls(red, 0.015, 0.3), hls(red, 0.07 + _jitter(rng, 0.03), 0.7))
    accent = (0.97, 0.96, 0.94) if rng.random() < 0.5 else hls(red + 20, 0.55, 1.0)
    return Palette(ground, colours, accent, hls(red + 8, 0.5, 1.0), 0.35, 1.0)


def _dreamy(rng: np.random.Generator) -> Palette:
    base = 280 + _jitter(rng, 40)
    second = base + float(_pick(rng, (-120, 60, -80, 100)))
    colours = (hls(base, 0.8, 0.6), hls(second, 0.82, 0.6), hls(base + 45, 0.86, 0.55))
    ground = (hls(base + 20, 0.62, 0.45), hls(second - 20, 0.88, 0.6))
    return Palette(ground, colours, hls(base - 40, 0.7, 0.7), hls(second, 0.93, 0.8), 0.9, 0.15)


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


_MOODS = {'energetic': _energetic, 'chill': _chill, 'dark': _dark, 'happy': _happy, 'sad': _sad,
          'romantic': _romantic, 'aggressive': _aggressive, 'dreamy': _dreamy}
