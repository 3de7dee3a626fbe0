"""Printed genres: afrobeats (bold woven and stamped patterns) and boom bap (halftone and paper collage)."""

from __future__ import annotations

import math

import numpy as np
from PIL import ImageDraw

from liab.art._palette import RGB, Palette, mix
from liab.art._surface import Canvas

_CREAM: RGB = (0.96, 0.92, 0.84)
_INK: RGB = (0.07, 0.06, 0.06)
_KINDS = 6  # stripes, zigzag, diamonds, checks, dots, saw


def afrobeats(c: Canvas, p: Palette) -> None:
    rng = c.rng
    inks = np.array([p.colours[0], p.colours[1], p.accent, p.colours[2], _INK, _CREAM], np.float32)
    variant = int(rng.integers(3))
    if variant == 0:  # woven strips: each strip a run of patterned blocks, like kente cloth
        edges = np.sort(rng.uniform(0, 1, int(rng.integers(3, 7))))
        strip = np.searchsorted(edges, c.x[0])[None, :]
        heights = rng.uniform(0.06, 0.2, len(edges) + 1)
        offsets = rng.uniform(0, 1, len(edges) + 1)
        block = np.floor((c.y + offsets[strip]) / heights[strip]).astype(np.int64)
        cells = strip * 64 + block % 64
        _patchwork(c, cells, c.x, c.y, inks=inks, count=64 * (len(edges) + 1))
        for edge in edges:
            c.paint(c.edge(np.abs(c.x - edge) - 0.004), _INK)
    elif variant == 1:  # a stamped sun: rings of pattern around a plain centre
        cx, cy = float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.3, 0.55))
        distance, theta = c.polar(cx, cy)
        width = float(rng.uniform(0.05, 0.09))
        ring = np.floor(distance / width).astype(np.int64)
        stripes = c.edge((np.abs((c.y * float(rng.integers(10, 24))) % 1.0 - 0.5) - 0.25) / 16)
        c.paint(stripes, inks[int(rng.integers(6))], 0.25)
        _patchwork(c, ring, theta / (2 * np.pi) * 2, distance, inks=inks, count=64, limit=c.edge(distance - width * 5))
        c.paint(c.edge(np.abs(distance - width * 5) - 0.005), _INK)
    else:  # diagonal bands of different patterns
        angle = math.radians(float(rng.uniform(15, 75)) * (1 if rng.random() < 0.5 else -1))
        u = c.x * math.cos(angle) + c.y * math.sin(angle)
        v = -c.x * math.sin(angle) + c.y * math.cos(angle)
        width = float(rng.uniform(0.09, 0.18))
        band = np.floor(v / width).astype(np.int64) + 64
        _patchwork(c, band, u, v, inks=inks, count=160)
        line = np.abs((v / width) % 1.0 - 0.5)
        c.paint(c.edge((0.5 - line) * width - 0.004), _INK)


def boom_bap(c: Canvas, p: Palette) -> None:
    """A duotone halftone print (a photo block or a record) on paper, torn coloured paper, tape, and a colour block
    printed slightly out of register."""
    rng = c.rng
    paper = mix(p.ground[1], _CREAM, 0.65)
    fibres = c.blur(c.noise(), 0.002)
    c.fill(paper)
    c.rgb *= (0.93 + 0.1 * fibres)[..., None]
    block = c.draw(lambda draw, k: _strip(draw, k, rng, long=True))
    shift = max(2, c.size // 150)
    c.paint(np.roll(block, shift, axis=1), p.accent, 0.9, 'multiply')
    c.paint(block, p.colours[1], 0.7, 'multiply')
    if rng.random() < 0.5:  # a record
        cx, cy, radius = float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.3, 0.55)), float(rng.uniform(0.25, 0.36))
        photo = c.edge(c.dist(cx, cy) - radius)
        label = c.edge(c.dist(cx, cy) - radius * 0.3)
    else:  # a photo block
        x0, y0 = float(rng.uniform(0.08, 0.3)), float(rng.uniform(0.06, 0.25))
        x1, y1 = float(rng.uniform(0.7, 0.92)), float(rng.uniform(0.6, 0.8))
        photo = c.edge(np.maximum(np.maximum(x0 - c.x, c.x - x1), np.maximum(y0 - c.y, c.y - y1)))
        label = None
    for _ in range(int(rng.integers(2, 5))):  # the tones the dots will carry: soft lights and shadows
        spot = c.dist(float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.1, 0.9)))
        c.paint(np.exp(-((spot / rng.uniform(0.1, 0.3)) ** 2)) * photo, p.ground[0] if rng.random() < 0.6 else _CREAM)
    c.halftone(int(rng.integers(60, 110)), float(rng.choice([15, 45, 75])), mix(p.ground[0], _INK, 0.5),
               mix(p.colours[0], _CREAM, 0.35), photo)
    if label is not None:
        c.paint(label, p.accent)
        c.paint(c.edge(c.dist(cx, cy) - radius * 0.03), paper)
    for index in range(int(rng.integers(1, 3))):
        piece = c.draw(lambda draw, k: _torn(draw, k, rng))
        c.paint(c.blur(np.roll(piece, (max(1, c.size // 250),) * 2, axis=(0, 1)), 0.004), _INK, 0.3)
        c.paint(piece, [_CREAM, p.accent][index % 2], 0.95)
    for _ in range(int(rng.integers(1, 3))):
        c.paint(c.draw(lambda draw, k: _strip(draw, k, rng)), _CREAM, 0.55)


def _patchwork(c: Canvas, cells: np.ndarray, u: np.ndarray, v: np.ndarray, *, inks: np.ndarray, count: int,
               limit: np.ndarray | None = None) -> None:
    """Each cell id gets a pattern kind, a scale and two inks from a seeded table; all kinds are computed once."""
    rng = c.rng
    cells = np.broadcast_to(cells, (c.size, c.size)) % count
    kinds = rng.integers(0, _KINDS, count)[cells]
    scale = rng.choice(np.array([8.0, 12.0, 16.0, 24.0], np.float32), count)[cells]
    front = rng.integers(0, len(inks), count)
    back = (front + rng.integers(1, len(inks), count)) % len(inks)
    fu, fv = (u * scale) % 1.0, (v * scale) % 1.0
    zig = (v * scale + 2 * np.abs(fu - 0.5)) % 1.0
    distances = [np.abs(fu - 0.5) - 0.25,
                 np.abs(zig - 0.5) - 0.22,
                 np.abs(fu - 0.5) + np.abs(fv - 0.5) - 0.3,
                 -np.sign((fu - 0.5) * (fv - 0.5)) * np.minimum(np.abs(fu - 0.5), np.abs(fv - 0.5)),
                 np.sqrt((fu - 0.5) ** 2 + (fv - 0.5) ** 2) - 0.3,
                 (fv - fu) * 0.5]
    distance = np.choose(kinds, distances) / scale
    pattern = c.edge(distance, 1.2)
    colour = inks[back[cells]] + (inks[front[cells]] - inks[back[cells]]) * pattern[..., None]
    c.paint(np.ones((c.size, c.size), np.float32) if limit is None else limit, colour)


def _torn(draw: ImageDraw.ImageDraw, k: float, rng: np.random.Generator) -> None:
    cx, cy = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
    half_w, half_h = rng.uniform(0.1, 0.22), rng.uniform(0.025, 0.05)
    angle = rng.uniform(-0.35, 0.35)
    corners = [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
    points = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        for t in np.linspace(0, 1, 24, endpoint=False):
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            jag = rng.uniform(-0.006, 0.006)
            points.append((x + jag, y + jag))
    turned = [(cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle))
              for x, y in points]
    draw.polygon([(x * k, y * k) for x, y in turned], fill=255)


def _strip(draw: ImageDraw.ImageDraw, k: float, rng: np.random.Generator, *, long: bool = False) -> None:
    cx, cy = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
    half_w, half_h = (rng.uniform(0.2, 0.45), rng.uniform(0.03, 0.07)) if long else (rng.uniform(0.06, 0.1), 0.025)
    angle = rng.uniform(-0.8, 0.8) if not long else rng.choice([0.0, math.pi / 2]) + rng.uniform(-0.05, 0.05)
    corners = [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
    turned = [((cx + x * math.cos(angle) - y * math.sin(angle)) * k, (cy + x * math.sin(angle) + y * math.cos(angle))
               * k) for x, y in corners]
    draw.polygon(turned, fill=255)
