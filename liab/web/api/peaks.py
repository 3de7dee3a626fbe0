"""GET /peaks/{project_id}/{path}: the waveform peaks of a project's audio file, for the same owners as /media.

The peaks are computed once on a worker thread and cached beside the audio (see liab.audio.peaks).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from nicegui import app, run

from liab import media
from liab.audio.io import AudioError
from liab.audio.peaks import ensure_peaks
from liab.web.api.media import HEADERS, not_found, owned_file


def register() -> None:
    app.add_api_route('/peaks/{project_id}/{path:path}', serve, methods=['GET'], include_in_schema=False)


def url(project_id: str, relpath: str) -> str:
    """The peaks URL of a project's audio file, beside its media.url()."""
    return '/peaks' + media.url(project_id, relpath).removeprefix('/media')  # NOTE: media.url's '/media/<id>/<path>'


async def serve(request: Request, project_id: str, path: str) -> Response:
    audio = await owned_file(request, project_id, path)
    if audio is None:
        return not_found()
    try:
        data = await run.io_bound(_read_peaks, audio)
    except FileNotFoundError:  # deleted since it was resolved
        return not_found()
    except (AudioError, OSError) as exc:
        message = str(exc) if isinstance(exc, AudioError) else 'The waveform could not be read.'
        return JSONResponse({'ok': False, 'error': message}, status_code=422, headers=HEADERS)
    etag = f'"{hashlib.blake2b(data, digest_size=12).hexdigest()}"'
    headers = {**HEADERS, 'ETag': etag}
    if etag in _etags(request.headers.get('if-none-match', '')):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type='application/octet-stream', headers=headers)


def _read_peaks(audio: Path) -> bytes:
    return ensure_peaks(audio).read_bytes()


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix('W/') for tag in header.split(',') if tag.strip()}
