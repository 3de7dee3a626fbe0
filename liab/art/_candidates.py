"""Three cover candidates for the release stage, as a job for a worker process (paths in, paths out)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from liab import media
from liab.art._compose import render
from liab.art._finals import COVER_PX, encode_jpeg
from liab.art._type import missing_glyphs

CANDIDATES = 3
PREVIEW_PX = 512
MIN_DIFFERENCE = 0.06  # mean absolute difference of 64 px thumbnails (0..1) below which two covers look alike
LOCAL = {'kind': 'local', 'name': 'cover generator'}
SERVICE = {'kind': 'service', 'name': 'openai'}
_MAX_TRIES = 4  # seeds tried per candidate before a look-alike is accepted


def candidates_job(fields: dict[str, Any], folder: str, *, progress: Callable[[float, str], None]) -> list[dict]:
    """Paint CANDIDATES distinct covers into `folder`; see liab.art for the shape of `fields` and of the result."""
    from liab.providers import images  # the provider imports this package: import it only when the job runs

    title, artist = str(fields['title']), str(fields['artist'])
    genre, mood, base = str(fields['genre']), str(fields['mood']), int(fields['seed'])
    service = images.OpenAIService(*fields['openai']) if fields.get('openai') else None
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    progress(0.02, 'Generating cover art…')
    missing = missing_glyphs(f'{title} {artist}')
    glyph_notice = (f'The cover font has no letters for {" ".join(missing)}; they show as boxes. Use your own cover '
                    'if you need them.') if missing else None
    results: list[dict] = []
    thumbs: list[np.ndarray] = []
    seed, failure = base, None
    for number in range(1, CANDIDATES + 1):
        progress((number - 1) / CANDIDATES, f'Painting cover {number} of {CANDIDATES}…')
        image, source, stand_in = None, LOCAL, None
        if service is not None and failure is None:
            written = images.artwork(service, title=title, artist=artist, genre=genre, mood=mood, seed=seed)
            if written.provider == 'openai':
                image, source = written.value, SERVICE
            else:  # the provider already painted this seed locally
                failure, stand_in = written.notice, written.value  # one failure is enough: no waiting for it again
        for attempt in range(_MAX_TRIES if image is None else 0):
            image = stand_in if attempt == 0 and stand_in is not None else render(
                title=title, artist=artist, genre=genre, mood=mood, seed=seed, size=COVER_PX).image
            thumb = _thumb(image)
            if all(np.abs(thumb - other).mean() >= MIN_DIFFERENCE for other in thumbs) or attempt == _MAX_TRIES - 1:
                break
            seed += 1  # looks too much like an earlier candidate: the next seed
        thumbs.append(_thumb(image))
        notice = ' '.join(part for part in (failure if source is LOCAL else None, glyph_notice) if part) or None
        results.append(_write(image, out, number=number, seed=seed, source=source, notice=notice))
        seed += 1
    progress(1.0, 'Cover art ready')
    return results


def _write(image: Image.Image, out: Path, *, number: int, seed: int, source: dict, notice: str | None) -> dict:
    path = out / f'candidate_{number}_{seed}.jpg'
    preview = out / f'candidate_{number}_{seed}_preview.jpg'
    media.write_bytes(path, encode_jpeg(image))  # atomic: a hidden .part file renamed into place
    small = image.resize((PREVIEW_PX, PREVIEW_PX), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    small.save(buffer, 'JPEG', quality=88)
    media.write_bytes(preview, buffer.getvalue())
    return {'path': str(path), 'preview': str(preview), 'seed': seed, 'source': dict(source), 'notice': notice}


def _thumb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.resize((64, 64), Image.Resampling.BOX, reducing_gap=2.0), np.float32) / 255
