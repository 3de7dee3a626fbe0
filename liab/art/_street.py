"""Street genres: drill (knife blades over a cold grid, the frame cut and slid) and hip hop (poster or spray paint)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from PIL import ImageDraw

from liab.art._geometric import polygons
from liab.art._palette import RGB, Palette, mix
from liab.art._surface import Canvas, extent, smoothstep

_PAPER: RGB = (0.95, 0.93, 0.88)


def drill(c: Canvas, p: Palette) -> None:
    rng = c.rng
    grid = float(rng.uniform(0.035, 0.07))
    lines = np.minimum(np.abs((c.x / grid) % 1 - 0.5), np.abs((c.y / grid) % 1 - 0.5))
    fade = c.soft(lambda x, y: smoothstep(0.9, 0.1, np.sqrt((x - 0.5) ** 2 + (y - 0.5) ** 2)))
    c.paint(c.edge((0.5 - lines) * grid - 0.0008) * fade, p.colours[1], 0.45)
    angle = math.radians(float(rng.uniform(58, 78)) * (1 if rng.random() < 0.5 else -1))
    direction = (math.cos(angle), abs(math.sin(angle)))
    along = np.clip(((c.x - 0.5) * direction[0] + (c.y - 0.5) * direction[1]) / 0.71 * 0.5 + 0.5, 0, 1)
    count = int(rng.integers(5, 10))
    lit = int(rng.integers(count))
    for blade in range(count):
        from_top = rng.random() < 0.5
        # The lit blade always crosses the frame where it shows; the others may just clip a corner.
        base = (float(rng.uniform(0.15, 0.85) if blade == lit else rng.uniform(-0.1, 1.1)), -0.05 if from_top else 1.05)
        length = float(rng.uniform(0.8, 1.3) if blade == lit else rng.uniform(0.5, 1.3))
        shape = _blade(base, direction if from_top else (direction[0], -direction[1]), length,
                       float(rng.uniform(0.012, 0.05)))
        body = c.draw(lambda draw, k, s=shape: polygons(draw, k, [s]))
        colour = p.accent if blade == lit else mix(p.colours[blade % 3], p.ground[0], float(rng.uniform(0, 0.5)))
        rows, cols = extent(body)
        if rows is not None:  # lit at one end, sinking into the ground colour towards the other
            start, end = np.asarray(colour, np.float32), np.asarray(mix(colour, p.ground[0], 0.75), np.float32)
            c.paint_within(rows, cols, body[rows, cols], start + (end - start) * along[rows, cols, None])
        spine = c.draw(lambda draw, k, s=shape: draw.line([(x * k, y * k) for x, y in s[:2]], fill=255,
                                                          width=max(1, int(k * 0.0015))))
        c.paint(spine, p.light if blade == lit else mix(colour, (1.0, 1.0, 1.0), 0.5), 0.8)
        if blade == lit:
            c.glow(body, p.light, 0.025, 1.1)
    _cut(c, direction)


def hip_hop(c: Canvas, p: Palette) -> None:
    if c.rng.random() < 0.5:
        _poster(c, p)
    else:
        _spray(c, p)


def _cut(c: Canvas, direction: tuple[float, float]) -> None:
    """Everything on one side of a line through the frame slides a little along it, leaving a hairline seam."""
    rng = c.rng
    nx, ny = -direction[1], direction[0]
    offset = (c.x - float(rng.uniform(0.3, 0.7))) * nx + (c.y - 0.5) * ny
    shift = c.size * float(rng.uniform(0.02, 0.05))
    dy, dx = round(shift * direction[1]), round(shift * direction[0])
    padded = np.pad(c.rgb, ((abs(dy), abs(dy)), (abs(dx), abs(dx)), (0, 0)), mode='edge')  # no wrap-around
    moved = padded[abs(dy) - dy:abs(dy) - dy + c.size, abs(dx) - dx:abs(dx) - dx + c.size]
    c.rgb = np.where((offset > 0)[..., None], moved, c.rgb)
    c.paint(c.edge(np.abs(offset) - 0.001), (1.0, 1.0, 1.0), 0.5)


def _blade(base: tuple[float, float], direction: tuple[float, float], length: float,
           half: float) -> list[tuple[float, float]]:
    """A knife: a straight spine from base to tip, the other edge swelling and then tapering to the point."""
    bx, by = base
    dx, dy = direction
    nx, ny = -dy, dx
    tip = (bx + dx * length, by + dy * length)
    belly = (bx + dx * length * 0.6 + nx * half * 2, by + dy * length * 0.6 + ny * half * 2)
    return [(bx, by), tip, belly, (bx + nx * half * 2, by + ny * half * 2)]


def _poster(c: Canvas, p: Palette) -> None:
    """A two-ink poster on a grid: halves and quarters of circles that join across cells into bigger arcs."""
    rng = c.rng
    cells = int(rng.choice([2, 3, 3, 4]))
    step = 1 / cells
    dark = p.contrast >= 0.8
    paper = p.ground[0] if dark else mix(p.ground[1], _PAPER, 0.6)
    grounds = [paper, mix(p.ground[0], p.colours[2], 0.5) if dark else p.ground[0]]
    inks = [p.colours[0], p.accent]
    for row in range(cells):
        for col in range(cells):
            x0, y0 = col * step, row * step
            c.paint(c.edge(_box(c, x0, y0, step)), grounds[(row + col + int(rng.integers(2))) % 2])
            c.paint(_cell_shape(c, rng, x0, y0, step), inks[int(rng.random() < 0.3)])
    big = float(rng.uniform(0.16, 0.26))
    bx = float(rng.choice([1, 2]) * step) if cells > 2 else 0.5
    by = float(rng.choice([1, cells - 1]) * step)
    c.paint(c.edge(c.dist(bx, by) - big), inks[1] if rng.random() < 0.5 else grounds[1])


def _cell_shape(c: Canvas, rng: np.random.Generator, x0: float, y0: float, step: float) -> np.ndarray:
    kind = int(rng.integers(5))
    inside = c.edge(_box(c, x0, y0, step))
    if kind == 0:
        return c.edge(c.dist(x0 + step / 2, y0 + step / 2) - step * 0.42)
    if kind in (1, 2):  # a half or a quarter circle on a cell edge or corner
        corner = int(rng.integers(4))
        cx, cy = x0 + step * (corner % 2), y0 + step * (corner // 2)
        if kind == 1:
            cx, cy = (x0 + step / 2, cy) if corner < 2 else (cx, y0 + step / 2)
        return c.edge(c.dist(cx, cy) - step * (0.5 if kind == 1 else 1.0)) * inside
    if kind == 3:
        count = int(rng.integers(3, 7))
        along_x = rng.random() < 0.5
        phase = (((c.x - x0) if along_x else (c.y - y0)) / step * count) % 1
        return c.edge((phase - 0.5) * step / count) * inside
    return c.edge(_box(c, x0 + step * 0.2, y0 + step * 0.2, step * 0.6))


def _box(c: Canvas, x0: float, y0: float, side: float) -> np.ndarray:
    return np.maximum(np.maximum(x0 - c.x, c.x - x0 - side), np.maximum(y0 - c.y, c.y - y0 - side))


def _spray(c: Canvas, p: Palette) -> None:
    """Spray paint on a rough wall: soft-edged strokes with overspray speckle and drips."""
    rng = c.rng
    wall = c.blur(c.noise(), 0.003)
    c.rgb *= (0.8 + 0.4 * wall)[..., None]
    colours = [p.colours[0], p.accent, p.colours[1], _PAPER]
    for index in range(int(rng.integers(2, 5))):
        stroke = _gesture(rng)
        width = float(rng.uniform(0.025, 0.06))
        core = c.draw(lambda draw, k, path=stroke, w=width: _brush(draw, k, path, w), blur=0.002)
        mist = c.blur(core, width * 0.5)
        speckle = (c.noise() < mist * 0.2).astype(np.float32)
        colour = colours[index % len(colours)]
        c.paint(mist, colour, 0.3)
        c.paint(np.maximum(core, speckle), colour)
        c.paint(c.draw(lambda draw, k, path=stroke, w=width: _drips(draw, k, path[::12], w, rng)), colour)


def _gesture(rng: np.random.Generator) -> list[tuple[float, float, float]]:
    """One sweep of the arm: a smooth path across the wall, maybe with a loop, as (x, y, pressure) samples."""
    t = np.linspace(0, 1, 240)
    x0, y0 = rng.uniform(-0.1, 0.3), rng.uniform(0.15, 0.85)
    x1, y1 = rng.uniform(0.7, 1.1), rng.uniform(0.15, 0.85)
    loop, turns, phase = rng.uniform(0.0, 0.12), rng.uniform(1.0, 3.0), rng.uniform(0, 2 * np.pi)
    x = x0 + (x1 - x0) * t + loop * np.cos(2 * np.pi * turns * t + phase)
    y = y0 + (y1 - y0) * t + rng.uniform(0.05, 0.2) * np.sin(np.pi * t * rng.uniform(1, 2.5)) \
        + loop * np.sin(2 * np.pi * turns * t + phase)
    pressure = np.sin(np.pi * t) ** 0.4 * (0.75 + 0.25 * np.sin(2 * np.pi * t * 3 + phase))
    return list(zip(x.tolist(), y.tolist(), pressure.tolist(), strict=True))


def _brush(draw: ImageDraw.ImageDraw, k: float, path: list[tuple[float, float, float]], width: float) -> None:
    for x, y, pressure in path:
        radius = max(1.0, width * k * 0.5 * pressure)
        draw.ellipse([(x * k - radius, y * k - radius), (x * k + radius, y * k + radius)], fill=255)


def _drips(draw: ImageDraw.ImageDraw, k: float, points: list[tuple[float, float, float]], width: float,
           rng: np.random.Generator) -> None:
    for (x0, y0, _), (x1, y1, _) in itertools.pairwise(points):
        if rng.random() < 0.6:
            continue
        for _ in range(int(rng.integers(1, 3))):
            t = float(rng.uniform(0, 1))
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + width * 0.35
            length, thick = float(rng.uniform(0.03, 0.16)), max(2, int(k * float(rng.uniform(0.003, 0.007))))
            draw.line([(x * k, y * k), (x * k, (y + length) * k)], fill=255, width=thick)
            draw.ellipse([(x * k - thick * 0.9, (y + length) * k - thick * 0.9),
                          (x * k + thick * 0.9, (y + length) * k + thick * 0.9)], fill=255)
