"""Hard-edged genres: house (concentric rings in a four-on-the-floor rhythm) and trap (shards)."""

from __future__ import annotations

import math

import numpy as np
from PIL import ImageDraw

from liab.art._palette import Palette, mix
from liab.art._surface import Canvas, smoothstep

_GOLDEN = 0.618034


def house(c: Canvas, p: Palette) -> None:
    """Rings in groups of four, the fourth one heavy (four on the floor), broken into rotating arcs or rays."""
    rng = c.rng
    cx, cy = _focus(rng)
    distance, theta = c.polar(cx, cy)
    spacing = float(rng.uniform(0.016, 0.04))
    reach = float(rng.uniform(0.55, 1.1))
    rings = distance / spacing
    index = np.floor(rings)
    heavy = (index % 4) == 0
    width = np.where(heavy, rng.uniform(0.45, 0.7), rng.uniform(0.12, 0.3))
    band = c.edge((np.abs(rings - index - 0.5) - width / 2) * spacing)
    variant = int(rng.integers(3))
    if variant < 2:  # arcs: each ring is cut into segments that turn a little further than the one inside it
        segments = float(rng.integers(1, 5))
        duty = float(rng.uniform(0.45, 0.8))
        phase = (theta / (2 * np.pi) * segments + index * _GOLDEN * rng.uniform(0.2, 1.0)) % 1.0
        inside = phase < duty
        angular = np.where(inside, -np.minimum(phase, duty - phase), np.minimum(phase - duty, 1 - phase))
        band = band * c.edge(angular * (2 * np.pi / segments) * distance)
    else:  # rays: a sunburst under the rings
        rays = int(rng.integers(12, 40))
        ray_phase = np.abs((theta / (2 * np.pi) * rays) % 1.0 - 0.5)
        ray = c.edge((ray_phase - 0.18) * (2 * np.pi / rays) * distance)
        c.paint(ray * smoothstep(reach * 1.4, 0.0, distance), p.colours[1], 0.35)
    band = band * c.edge(distance - reach, 3.0)
    fill = c.radial(cx, cy, reach, [(0.0, p.accent), (0.45, p.colours[0]), (1.0, p.colours[1])])
    c.paint(band, fill)
    c.glow(band * heavy, p.light, 0.012, 0.9 * (0.4 + p.haze))
    core = float(rng.uniform(0.03, 0.08))
    disc = c.edge(distance - core)
    c.paint(disc, p.ground[0])
    c.paint(c.edge(np.abs(distance - core * 0.55) - 0.002), p.accent)


def trap(c: Canvas, p: Palette) -> None:
    """Glass shattered from one point: wedges cut into shards, some fallen out, with hard light on their edges."""
    rng = c.rng
    fx, fy = float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.75))
    if rng.random() < 0.5:
        _shattered(c, p, fx, fy)
    else:
        _spikes(c, p)


def _shattered(c: Canvas, p: Palette, fx: float, fy: float) -> None:
    rng = c.rng
    rays = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(9, 17))))
    layers: list[list[list[tuple[float, float]]]] = [[] for _ in range(4)]
    for start, following in zip(rays, np.roll(rays, -1), strict=True):
        end = following + (2 * np.pi if following <= start else 0)
        radius = float(rng.uniform(0.03, 0.1))
        while radius < 1.4:
            outer = radius + float(rng.uniform(0.08, 0.32))
            if rng.random() > 0.22:  # the rest fell out
                quad = [(fx + r * math.cos(a), fy + r * math.sin(a))
                        for r, a in ((radius, start), (radius, end), (outer, end), (outer, start))]
                layers[int(rng.integers(4))].append(_shrink(quad, 0.9))
            radius = outer
    colours = [p.colours[0], p.colours[1], p.colours[2], p.accent]
    for layer, colour in zip(layers, colours, strict=True):
        mask = c.draw(lambda draw, k, shapes=layer: polygons(draw, k, shapes))
        angle = float(rng.uniform(0, 360))
        c.paint(mask, c.linear(angle, [(0.0, colour), (1.0, mix(colour, p.ground[0], 0.7))]))
    outline = c.draw(lambda draw, k: polygons(draw, k, [s for layer in layers for s in layer], outline=True))
    c.paint(outline, p.light, 0.7)
    c.glow(outline, p.light, 0.01, 0.8)


def _spikes(c: Canvas, p: Palette) -> None:
    """Crystal shards rising from one edge, each lit down one side."""
    rng = c.rng
    count = int(rng.integers(9, 20))
    from_top = rng.random() < 0.3
    for index in range(count):
        base_x = float(rng.uniform(-0.1, 1.1))
        half = float(rng.uniform(0.02, 0.09))
        height = float(rng.uniform(0.25, 0.85))
        tip_x = base_x + float(rng.uniform(-0.2, 0.2))
        base_y, tip_y = (-0.02, height) if from_top else (1.02, 1 - height)
        left = [(base_x - half, base_y), (tip_x, tip_y), (base_x, base_y)]
        right = [(base_x, base_y), (tip_x, tip_y), (base_x + half, base_y)]
        colour = p.colours[index % 3] if index != count // 2 else p.accent
        c.paint(c.draw(lambda draw, k, s=left: polygons(draw, k, [s])), colour)
        c.paint(c.draw(lambda draw, k, s=right: polygons(draw, k, [s])), mix(colour, p.ground[0], 0.55))
        if index == count // 2:
            c.glow(c.draw(lambda draw, k, s=left: polygons(draw, k, [s])), p.light, 0.03, 0.9)


def _focus(rng: np.random.Generator) -> tuple[float, float]:
    spots = ((0.5, 0.42), (0.33, 0.36), (0.67, 0.36), (0.5, 0.0), (1.0, 0.35), (0.0, 0.5), (0.62, 0.62))
    x, y = spots[int(rng.integers(len(spots)))]
    return x + float(rng.uniform(-0.06, 0.06)), y + float(rng.uniform(-0.06, 0.06))


def _shrink(points: list[tuple[float, float]], factor: float) -> list[tuple[float, float]]:
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return [(mx + (x - mx) * factor, my + (y - my) * factor) for x, y in points]


def polygons(draw: ImageDraw.ImageDraw, k: float, shapes: list[list[tuple[float, float]]], *,
              outline: bool = False) -> None:
    for shape in shapes:
        points = [(x * k, y * k) for x, y in shape]
        if outline:
            draw.line([*points, points[0]], fill=255, width=max(1, int(k * 0.0016)), joint='curve')
        else:
            draw.polygon(points, fill=255)
