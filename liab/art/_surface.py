"""The canvas the generator paints on: a float RGB array at working size with masks, blends, light and texture.

Coordinates are in units of the canvas side (0..1), so the same composition renders at any working size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from liab.art._palette import RGB

Colour = RGB | np.ndarray  # one colour, or one per pixel (S, S, 3)
_RAMP_STEPS = 1024  # gradient look-up table: finer than 8-bit output, so no banding is added
_GRADIENT_SHRINK = 4
_SUPERSAMPLE = 2  # PIL draws hard edges; drawing at twice the size and reducing gives smooth ones


class Canvas:
    def __init__(self, size: int, rng: np.random.Generator) -> None:
        self.size = size
        self.rng = rng  # every choice of the composition: the same draws at every size
        self._pixels = np.random.default_rng(int(rng.integers(2**63)))  # per-pixel noise, whose count varies by size
        self.px = 1.0 / size  # one pixel in unit coordinates: the width of an anti-aliased edge
        axis = (np.arange(size, dtype=np.float32) + 0.5) / size
        self.x = axis[None, :]
        self.y = axis[:, None]
        self.rgb = np.zeros((size, size, 3), np.float32)

    def noise(self) -> np.ndarray:
        """Uniform 0..1 noise, one value a pixel."""
        return self._pixels.random((self.size, self.size), dtype=np.float32)

    # -- masks --------------------------------------------------------------------------------------------------

    def draw(self, fn: Callable[[ImageDraw.ImageDraw, float], None], *, blur: float = 0.0) -> np.ndarray:
        """A 0..1 mask drawn by `fn(draw, scale)`: multiply unit coordinates by `scale`; fill 255 to cover."""
        big = Image.new('L', (self.size * _SUPERSAMPLE,) * 2, 0)
        fn(ImageDraw.Draw(big), float(self.size * _SUPERSAMPLE))
        mask = big.reduce(_SUPERSAMPLE)
        if blur > 0:
            return self.blur(np.asarray(mask, np.float32) / 255, blur)
        return np.asarray(mask, np.float32) / 255

    def edge(self, distance: np.ndarray, softness: float = 1.0) -> np.ndarray:
        """Coverage of a signed distance field (negative inside), anti-aliased over `softness` pixels."""
        return np.clip(0.5 - distance / (self.px * softness), 0.0, 1.0)

    def polar(self, cx: float, cy: float) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = self.x - cx, self.y - cy
        return np.sqrt(dx * dx + dy * dy), np.arctan2(dy, dx)

    def blur(self, field: np.ndarray, radius: float) -> np.ndarray:
        """Gaussian blur of a mask or an RGB array; `radius` in unit coordinates. Large radii blur a small copy."""
        radius_px = radius * self.size
        if radius_px < 0.5:
            return field
        shrink = max(1, int(radius_px // 6))
        small_side = max(8, self.size // shrink)
        image = _to_image(field)
        if shrink > 1:
            image = image.resize((small_side, small_side), Image.Resampling.BILINEAR)
        image = image.filter(ImageFilter.GaussianBlur(radius_px * small_side / self.size))
        if shrink > 1:
            image = image.resize((self.size, self.size), Image.Resampling.BICUBIC)
        return np.asarray(image, np.float32) / 255

    # -- paint --------------------------------------------------------------------------------------------------

    def fill(self, colour: Colour) -> None:
        self.rgb[...] = _colour(colour)

    def paint(self, mask: np.ndarray, colour: Colour, opacity: float = 1.0, blend: str = 'normal') -> None:
        """Blend `colour` in where `mask` (0..1, broadcastable to the canvas) covers, within its bounding box only."""
        mask = np.broadcast_to(mask, (self.size, self.size))
        colour = _colour(colour)
        rows, cols = extent(mask)
        if rows is None:
            return
        self.paint_within(rows, cols, mask[rows, cols], colour[rows, cols] if colour.ndim == 3 else colour,
                          opacity=opacity, blend=blend)

    def paint_within(self, rows: slice, cols: slice, mask: np.ndarray, colour: np.ndarray, *, opacity: float = 1.0,
                     blend: str = 'normal') -> None:
        """`paint` on the window [rows, cols], with mask and colour already cut to it."""
        alpha = mask[..., None] * np.float32(opacity)
        target = self.rgb[rows, cols]
        if blend == 'screen':
            target += (1 - target) * (colour * alpha)
        elif blend == 'add':
            target += colour * alpha
        elif blend == 'multiply':
            target *= 1 - alpha + colour * alpha
        else:
            change = colour - target
            change *= alpha
            target += change

    def glow(self, mask: np.ndarray, colour: Colour, radius: float, strength: float = 1.0) -> None:
        self.paint(np.clip(self.blur(mask, radius) * strength, 0, 1), colour, blend='screen')

    # -- fills ----------------------------------------------------------------------------------------------------

    def linear(self, angle_deg: float, stops: list[tuple[float, RGB]]) -> np.ndarray:
        angle = np.deg2rad(angle_deg)
        span = 0.5 * (abs(np.cos(angle)) + abs(np.sin(angle)))
        return self._smooth(lambda x, y: (((x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle)) / span + 1) / 2,
                            stops)

    def radial(self, cx: float, cy: float, radius: float, stops: list[tuple[float, RGB]]) -> np.ndarray:
        return self._smooth(lambda x, y: np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / radius, stops)

    def window(self, left: float, top: float, right: float, bottom: float) -> tuple[slice, slice]:
        """Pixel slices covering a box given in unit coordinates (clipped to the canvas; may be empty)."""
        def span(low: float, high: float) -> slice:
            first = min(self.size, max(0, int(low * self.size)))
            return slice(first, min(self.size, max(0, int(high * self.size) + 1)))

        return span(top, bottom), span(left, right)

    def dist(self, cx: float, cy: float) -> np.ndarray:
        dx, dy = self.x - cx, self.y - cy
        return np.sqrt(dx * dx + dy * dy)

    def _smooth(self, field: Callable[[np.ndarray, np.ndarray], np.ndarray],
                stops: list[tuple[float, RGB]]) -> np.ndarray:
        return self.soft(lambda x, y: ramp(field(x, y), stops))

    # -- light and texture ------------------------------------------------------------------------------------------

    def vignette(self, strength: float, cx: float = 0.5, cy: float = 0.5) -> None:
        shade = self.soft(lambda x, y: 1 - strength * smoothstep(0.3, 0.95, np.sqrt((x - cx) ** 2 + (y - cy) ** 2)))
        self.rgb *= shade[..., None]

    def light_leak(self, colour: RGB, strength: float) -> None:
        """A warm blown-out patch entering from an edge or corner, as on film that saw a little light."""
        rng = self.rng
        side = rng.uniform(0, 2 * np.pi)
        cx, cy = 0.5 + 0.75 * np.cos(side), 0.5 + 0.75 * np.sin(side)
        spread = rng.uniform(0.35, 0.6)
        patch = self.soft(lambda x, y: np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / spread**2) * strength)
        self.paint(patch, colour, blend='screen')

    def bloom(self, threshold: float, radius: float, strength: float) -> None:
        """Light spilling round the brightest parts: found, blurred and scaled back up from a small copy."""
        step = 4
        small = self.rgb[step // 2::step, step // 2::step]
        bright = np.clip((small - threshold) / max(1e-3, 1 - threshold), 0, 1)
        image = _to_image(bright).filter(ImageFilter.GaussianBlur(radius * self.size / step))
        halo = np.asarray(image.resize((self.size, self.size), Image.Resampling.BILINEAR), np.float32)
        halo *= np.float32(strength / 255)
        np.clip(halo, 0, 1, out=halo)
        self.rgb += (1 - self.rgb) * halo

    def soft(self, field: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
        """A smooth mask or colour field worked out on a small grid and scaled up (in float, so no banding)."""
        small = max(16, self.size // _GRADIENT_SHRINK)
        axis = (np.arange(small, dtype=np.float32) + 0.5) / small
        values = np.asarray(field(axis[None, :], axis[:, None]), np.float32)
        full = np.broadcast_to(values, (small, small, *values.shape[2:]))
        return _upscale(full, self.size)

    def grain(self, amount: float) -> None:
        noise = self._pixels.standard_normal((self.size, self.size), dtype=np.float32)
        self.rgb += (noise * amount)[..., None]

    def halftone(self, cells: int, angle_deg: float, ink: RGB, paper: RGB, mask: np.ndarray | None = None) -> None:
        """Re-print the picture as a dot screen in one ink on paper (rotated grid, dot area following the darkness),
        where `mask` covers (everywhere without one)."""
        rows, cols = extent(mask) if mask is not None else (slice(None), slice(None))
        if rows is None:
            return
        tone = 1 - np.clip(self.blur(luma(self.rgb), 0.5 / cells)[rows, cols], 0, 1)
        angle = np.deg2rad(angle_deg)
        x, y = self.x[:, cols], self.y[rows]
        u = (x * np.cos(angle) + y * np.sin(angle)) * cells
        v = (-x * np.sin(angle) + y * np.cos(angle)) * cells
        du, dv = u - np.floor(u) - 0.5, v - np.floor(v) - 0.5
        radius = np.sqrt(tone) * 0.62 / cells
        dots = self.edge(np.sqrt(du * du + dv * dv) / cells - radius)[..., None]
        ink_, paper_ = np.asarray(ink, np.float32), np.asarray(paper, np.float32)
        printed = paper_ + (ink_ - paper_) * dots
        cover = np.ones_like(tone) if mask is None else mask[rows, cols]
        self.paint_within(rows, cols, cover, printed)

    def image(self) -> Image.Image:
        return Image.fromarray((np.clip(self.rgb, 0, 1) * 255 + 0.5).astype(np.uint8), 'RGB')


def ramp(t: np.ndarray, stops: list[tuple[float, RGB]]) -> np.ndarray:
    """Colours along t (0..1) through (position, colour) stops, eased between stops so no seams show."""
    steps = np.linspace(0, 1, _RAMP_STEPS, dtype=np.float32)
    positions = np.array([position for position, _ in stops], np.float32)
    colours = np.array([colour for _, colour in stops], np.float32)
    index = np.clip(np.searchsorted(positions, steps, side='right') - 1, 0, len(stops) - 2)
    start, end = positions[index], positions[index + 1]
    local = smoothstep(0.0, 1.0, (steps - start) / np.maximum(end - start, 1e-6))
    table = colours[index] + (colours[index + 1] - colours[index]) * local[:, None]
    lookup = np.clip(t * (_RAMP_STEPS - 1) + 0.5, 0, _RAMP_STEPS - 1).astype(np.intp)
    return table[lookup]


def smoothstep(low: float, high: float, value: np.ndarray) -> np.ndarray:
    t = np.clip((value - low) / (high - low), 0, 1)
    return t * t * (3 - 2 * t)


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114], np.float32)


def mix_arrays(first: np.ndarray, second: np.ndarray, amount: float) -> np.ndarray:
    return first + (second - first) * amount


def extent(mask: np.ndarray) -> tuple[slice, slice] | tuple[None, None]:
    """The slices bounding the non-zero part of a mask (painting only there saves most of the work)."""
    if mask.strides[0] == 0 or mask.strides[1] == 0:  # a broadcast row or column: cheap to scan as it is
        any_rows = np.broadcast_to(mask.any(axis=1, keepdims=True), mask.shape)[:, 0]
        any_cols = np.broadcast_to(mask.any(axis=0, keepdims=True), mask.shape)[0]
    else:
        any_cols = mask.any(axis=0)
        any_rows = mask.any(axis=1)
    rows, cols = np.flatnonzero(any_rows), np.flatnonzero(any_cols)
    if rows.size == 0 or cols.size == 0:
        return None, None
    return slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1)


def _colour(colour: Colour) -> np.ndarray:
    return np.asarray(colour, np.float32)


def _upscale(values: np.ndarray, size: int) -> np.ndarray:
    """Bilinear upscaling of a float mask (h, w) or colour field (h, w, 3), channel by channel in float."""
    planes = [values] if values.ndim == 2 else [values[..., channel] for channel in range(values.shape[2])]
    scaled = [np.asarray(Image.fromarray(np.ascontiguousarray(plane, np.float32), 'F')
                         .resize((size, size), Image.Resampling.BILINEAR)) for plane in planes]
    return scaled[0] if values.ndim == 2 else np.stack(scaled, axis=-1)


def _to_image(field: np.ndarray) -> Image.Image:
    data = (np.clip(field, 0, 1) * 255 + 0.5).astype(np.uint8)
    return Image.fromarray(data, 'RGB' if field.ndim == 3 else 'L')
