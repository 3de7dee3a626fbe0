"""Soft genres: lo-fi (blobs, dusk, grain), R&B (smooth curves, silk, eclipses), pop (mesh gradients, gloss)."""

from __future__ import annotations

import numpy as np

from liab.art._palette import RGB, Palette, mix
from liab.art._surface import Canvas, extent, smoothstep

_WHITE: RGB = (1.0, 1.0, 1.0)


def lo_fi(c: Canvas, p: Palette) -> None:
    rng = c.rng
    variant = int(rng.integers(3))
    for index in range(int(rng.integers(4, 8))):
        _blob(c, p.colours[index % 3] if index % 4 else p.accent, float(rng.uniform(0.15, 0.4)), 0.55)
    if variant == 0:  # a low sun sliced by the horizon, hills in front
        _dusk(c, p)
    elif variant == 1:  # an arched window onto a soft sky
        _arch(c, p)
    else:  # a moon among the blobs
        mx, my, radius = float(rng.uniform(0.25, 0.75)), float(rng.uniform(0.2, 0.55)), float(rng.uniform(0.1, 0.2))
        distance = c.dist(mx, my)
        moon = c.blur(c.edge(distance - radius), 0.003)
        c.paint(moon, mix(p.light, _WHITE, 0.3), 0.9)
        c.glow(moon, p.light, 0.08, 0.6)


def rnb(c: Canvas, p: Palette) -> None:
    rng = c.rng
    variant = int(rng.integers(3))
    if variant == 0:
        _silk(c, p)
    elif variant == 1:
        _contours(c, p)
    else:
        _eclipse(c, p)
        if rng.random() < 0.5:
            _silk(c, p, ribbons=2)


def pop(c: Canvas, p: Palette) -> None:
    rng = c.rng
    _mesh(c, [p.colours[0], p.colours[1], p.colours[2], p.accent, p.ground[1]], int(rng.integers(4, 7)))
    if rng.random() < 0.5:
        _liquid(c, p)
    else:
        for index in range(int(rng.integers(1, 4))):
            _sphere(c, [p.colours[0], p.colours[1], p.accent][index], float(rng.uniform(0.1, 0.26)), p.light)


def _blob(c: Canvas, colour: RGB, radius: float, opacity: float) -> None:
    rng = c.rng
    cx, cy = float(rng.uniform(-0.1, 1.1)), float(rng.uniform(-0.1, 1.1))
    lobes = (int(rng.integers(2, 5)), float(rng.uniform(0, 6.3)), int(rng.integers(5, 8)), float(rng.uniform(0, 6.3)))

    def field(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        distance, theta = np.sqrt((x - cx) ** 2 + (y - cy) ** 2), np.arctan2(y - cy, x - cx)
        wobble = radius * (1 + 0.18 * np.sin(theta * lobes[0] + lobes[1]) + 0.08 * np.sin(theta * lobes[2] + lobes[3]))
        return smoothstep(0.0, 1.0, (wobble - distance) / (radius * 0.6))

    c.paint(c.soft(field), colour, opacity)


def _dusk(c: Canvas, p: Palette) -> None:
    rng = c.rng
    horizon = float(rng.uniform(0.55, 0.72))
    sx, radius = float(rng.uniform(0.3, 0.7)), float(rng.uniform(0.16, 0.27))
    distance = c.dist(sx, horizon - radius * 0.35)
    below = np.clip((c.y - (horizon - radius * 0.9)) / radius, 0, 1)
    slats = ((c.y - horizon) * 28) % 1.0 < below * 0.8  # slices that widen towards the horizon
    sun = c.edge(distance - radius) * ~slats
    sun_fill = c.linear(90, [(0.0, p.light), (0.5, p.accent), (1.0, p.colours[0])])
    c.paint(sun, sun_fill)
    c.glow(sun, p.light, 0.07, 0.5)
    for layer in range(3):
        base = horizon + 0.04 + layer * 0.09
        ridge = base + 0.05 * np.sin(c.x * float(rng.uniform(3, 8)) + rng.uniform(0, 6.3)) * (1 - layer * 0.2)
        shade = mix(p.colours[2], p.ground[0], 0.35 + layer * 0.25)
        c.paint(c.blur(c.edge(ridge - c.y), 0.002), shade)


def _arch(c: Canvas, p: Palette) -> None:
    rng = c.rng
    half, top, bottom = float(rng.uniform(0.2, 0.3)), float(rng.uniform(0.14, 0.26)), 0.98
    cx = float(rng.uniform(0.35, 0.65))
    distance = c.dist(cx, top + half)
    dome = np.where(c.y < top + half, distance - half, np.abs(c.x - cx) - half)
    window = c.edge(np.maximum(dome, c.y - bottom))
    sky = c.linear(90, [(0.0, p.colours[1]), (0.6, p.light), (1.0, p.accent)])
    c.paint(window, sky)
    frame = c.edge(np.abs(np.maximum(dome, c.y - bottom)) - 0.006)
    c.paint(frame, mix(p.ground[0], _WHITE, 0.15), 0.9)
    sun_y = float(rng.uniform(top + half * 0.6, 0.7))
    sun_distance = c.dist(cx + float(rng.uniform(-half / 2, half / 2)), sun_y)
    c.paint(c.blur(c.edge(sun_distance - half * 0.45), 0.004) * window, mix(p.accent, _WHITE, 0.35))


def _silk(c: Canvas, p: Palette, ribbons: int | None = None) -> None:
    """Ribbons along a wavy centre line, shaded across their width like satin catching one light."""
    rng = c.rng
    angle = np.deg2rad(float(rng.uniform(-35, 35)))
    u = (c.x - 0.5) * np.cos(angle) + (c.y - 0.5) * np.sin(angle)
    v = -(c.x - 0.5) * np.sin(angle) + (c.y - 0.5) * np.cos(angle)
    # Centre line and width depend on u alone: tabulate them once and look them up, instead of sines per pixel.
    steps = 2048
    at = np.clip(((u + 0.75) / 1.5 * (steps - 1)).astype(np.int32), 0, steps - 1)
    table_u = np.linspace(-0.75, 0.75, steps, dtype=np.float32)
    count = ribbons or int(rng.integers(3, 7))
    frequency, phase = float(rng.uniform(0.6, 1.6)), float(rng.uniform(0, 6.3))
    for index in range(count):
        centre = (float(rng.uniform(-0.4, 0.4)) + 0.12 * np.sin(2 * np.pi * frequency * table_u + phase + index * 0.5)
                  + 0.05 * np.sin(2 * np.pi * frequency * 2.3 * table_u + rng.uniform(0, 6.3)))
        width = float(rng.uniform(0.03, 0.1)) * (1 + 0.6 * np.sin(2 * np.pi * table_u * rng.uniform(0.5, 1.5)
                                                                  + rng.uniform(0, 6.3)))
        half = np.maximum(width, 1e-3)[at]
        across = (v - centre.astype(np.float32)[at]) / half
        body = c.edge((np.abs(across) - 1) * half, 1.5)
        rows, cols = extent(body)
        if rows is None:
            continue
        across = np.clip(across[rows, cols], -1, 1)
        colour = np.asarray(p.colours[index % 3] if index % 4 != 3 else p.accent, np.float32)
        shade = 0.3 + 0.7 * (1 - across * across)
        sheen = np.clip(1 - ((across - 0.35) / 0.3) ** 2, 0, 1) ** 2
        fill = colour * shade[..., None] + sheen[..., None] * np.asarray(p.light, np.float32) * 0.6
        c.paint_within(rows, cols, body[rows, cols], fill)


def _contours(c: Canvas, p: Palette) -> None:
    """Smooth level lines of a few soft hills, tinted from deep to light as they climb."""
    rng = c.rng
    field = np.zeros((c.size, c.size), np.float32)
    for _ in range(int(rng.integers(3, 6))):
        distance = c.dist(float(rng.uniform(0, 1)), float(rng.uniform(0, 1)))
        field += float(rng.uniform(0.5, 1.0)) * np.exp(-((distance / rng.uniform(0.15, 0.4)) ** 2))
    levels = float(rng.integers(14, 30))
    scaled = field * levels
    ridge = np.abs(scaled - np.round(scaled))
    slope = np.sqrt(sum(np.gradient(scaled, c.px)[i] ** 2 for i in range(2))) + 1e-3
    line = c.edge(ridge / slope - 0.0015)
    tint = field / max(float(field.max()), 1e-3)
    fill = np.stack([tint] * 3, axis=-1)
    low, high = np.asarray(p.colours[2], np.float32), np.asarray(p.light, np.float32)
    c.paint(smoothstep(0.05, 0.6, tint), low + (high - low) * fill, 0.55)
    c.paint(line, mix(p.light, _WHITE, 0.2), 0.85)


def _eclipse(c: Canvas, p: Palette) -> None:
    rng = c.rng
    cx, cy, radius = float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.3, 0.5)), float(rng.uniform(0.18, 0.3))
    distance = c.dist(cx, cy)
    ring = c.edge(np.abs(distance - radius) - 0.004)
    c.glow(c.edge(distance - radius), p.accent, 0.06, 1.4)
    c.paint(ring, mix(p.light, _WHITE, 0.4))
    ox, oy = cx + float(rng.uniform(-0.04, 0.04)), cy + float(rng.uniform(-0.04, 0.04))
    moon = c.dist(ox, oy)
    c.paint(c.edge(moon - radius * 0.985), p.ground[0])


def _mesh(c: Canvas, colours: list[RGB], points: int) -> None:
    rng = c.rng
    spots = [(float(rng.uniform(-0.1, 1.1)), float(rng.uniform(-0.1, 1.1)), float(rng.uniform(0.25, 0.55)),
              np.asarray(colours[index % len(colours)], np.float32)) for index in range(points)]

    def field(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        total = np.full(np.broadcast_shapes(x.shape, y.shape), 1e-3, np.float32)
        blend = np.zeros((*total.shape, 3), np.float32)
        for cx, cy, spread, colour in spots:
            weight = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / spread**2)
            total += weight
            blend += weight[..., None] * colour
        return np.concatenate([blend / total[..., None], np.clip(total * 1.5, 0, 1)[..., None]], axis=-1)

    mesh = c.soft(field)
    c.paint(mesh[..., 3], mesh[..., :3])


def _sphere(c: Canvas, colour: RGB, radius: float, light: RGB) -> None:
    rng = c.rng
    cx, cy = float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.65))
    shadow = c.soft(lambda x, y: smoothstep(radius * 1.15, radius * 0.7,
                                            np.sqrt((x - cx - radius * 0.25) ** 2 + (y - cy - radius * 0.35) ** 2)))
    c.paint(shadow, (0.0, 0.0, 0.0), 0.35)
    rows, cols = c.window(cx - radius, cy - radius, cx + radius, cy + radius)
    nx, ny = (c.x[:, cols] - cx) / radius, (c.y[rows] - cy) / radius
    nz = np.sqrt(np.clip(1 - nx * nx - ny * ny, 0, 1))
    diffuse = np.clip(-0.5 * nx - 0.55 * ny + 0.67 * nz, 0, 1)
    specular = diffuse ** 60
    rim = (1 - nz) ** 3
    body = (np.asarray(colour, np.float32) * (0.25 + 0.75 * diffuse)[..., None]
            + specular[..., None] * 0.95 + rim[..., None] * np.asarray(light, np.float32) * 0.5)
    c.paint_within(rows, cols, c.edge(np.sqrt(nx * nx + ny * ny) * radius - radius), body)


def _liquid(c: Canvas, p: Palette) -> None:
    """Glossy metaballs: a soft blob surface lit from the upper left, with a hard highlight and a coloured rim."""
    rng = c.rng
    cx, cy = float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.3, 0.55))
    balls = [(cx + float(rng.uniform(-0.2, 0.2)), cy + float(rng.uniform(-0.15, 0.15)), float(rng.uniform(0.07, 0.14)))
             for _ in range(int(rng.integers(3, 6)))]
    rows, cols = c.window(min(x - r * 2.5 for x, _, r in balls), min(y - r * 2.5 for _, y, r in balls),
                          max(x + r * 2.5 for x, _, r in balls), max(y + r * 2.5 for _, y, r in balls))
    x, y = c.x[:, cols], c.y[rows]
    field = np.zeros((y.shape[0], x.shape[1]), np.float32)
    for bx, by, radius in balls:
        field += radius * radius / ((x - bx) ** 2 + (y - by) ** 2 + 1e-4)
    shadow = c.blur(np.pad(c.edge((1 - field) * 0.02, 1.5), ((rows.start, c.size - rows.stop),
                                                            (cols.start, c.size - cols.stop))), 0.02)
    c.paint(np.roll(shadow, (c.size // 40, c.size // 60), axis=(0, 1)), (0.0, 0.0, 0.0), 0.3)
    body = c.edge((1 - field) * 0.02, 1.5)
    height = np.sqrt(np.clip(1 - 1 / np.maximum(field, 1e-3), 0, 1))  # 0 at the rim, rising towards the middles
    gy, gx = np.gradient(height, c.px)
    norm = np.sqrt(gx * gx + gy * gy + 100.0)
    nx, ny, nz = -gx / norm, -gy / norm, 10.0 / norm
    diffuse = np.clip(-0.45 * nx - 0.55 * ny + 0.7 * nz, 0, 1)
    fill = c.linear(120, [(0.0, p.colours[0]), (1.0, p.colours[1])])[rows, cols]
    colour = fill * (0.35 + 0.65 * diffuse)[..., None]
    colour += (np.clip(diffuse - 0.9, 0, 1) * 8)[..., None] ** 2 * 0.9  # the hard highlight
    colour += ((1 - nz) ** 2)[..., None] * np.asarray(p.light, np.float32) * 0.6  # rim light off the edges
    c.paint_within(rows, cols, body, colour)
