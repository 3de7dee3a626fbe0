"""Spec 9.4: vocal takes over HTTP.

- `POST /api/recordings/upload` (bearer token; multipart `file`, optional `session_id`) for API clients.
- `POST /api/recordings/record` for the browser recorder: its WAV arrives with a one-time ticket the server gave
  that browser tab for its project (header `X-Recorder-Ticket`), so no token or project id comes from the page.

Both go through the same intake as the Upload stage (receive_take), so a recording is checked like any upload.
NOTE: liab/web/middleware.py caps both bodies at max_upload_bytes (UPLOAD_ROUTES).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from starlette.datastructures import FormData, UploadFile

from liab import jobs, logs, media
from liab.config import get_settings
from liab.errors import BadInput, Forbidden
from liab.services import recordings
from liab.web.api.common import api, current_user, docs, form_session_id, ok, read_form, session_project
from liab.web.bridge import in_session

UPLOAD_PATH = '/api/recordings/upload'
RECORD_PATH = '/api/recordings/record'
TICKET_HEADER = 'x-recorder-ticket'
EXPIRED = 'This recording could not be matched to your project any more. Press Keep again.'


def register() -> None:
    app.add_api_route(UPLOAD_PATH, upload_take, methods=['POST'], tags=['recordings'], **docs(form={
        'file': {'type': 'string', 'format': 'binary'}, 'session_id': {'type': 'string', 'maxLength': 36}}))
    app.add_api_route(RECORD_PATH, record_take, methods=['POST'], include_in_schema=False)


@api
async def upload_take(request: Request) -> JSONResponse:
    user = await current_user(request)
    async with read_form(request, max_files=1, max_fields=8) as form:
        file = _file(form)
        project = await session_project(user, form_session_id(form))
        with logs.action('api_upload_take', project.id):
            stored = await receive_take(project.id, file.file, file.filename or '', origin='uploaded')
    return ok(data=answer(project.id, stored.take))


@api
async def record_take(request: Request) -> JSONResponse:
    browser_id = request.session.get('id') if 'session' in request.scope else None
    project_id = tickets.redeem(request.headers.get(TICKET_HEADER, ''), browser_id)
    async with read_form(request, max_files=1, max_fields=8) as form:
        file = _file(form)
        latency = form.get('latency_ms')
        try:
            latency_ms = float(latency) if isinstance(latency, str) and latency.strip() else None
        except ValueError:
            raise BadInput('latency_ms must be a number of milliseconds.') from None
        with logs.action('record_take', project_id):
            stored = await receive_take(project_id, file.file, 'Recording.wav', origin='recorded',
                                        latency_ms=latency_ms)
    return ok(data=answer(project_id, stored.take))


async def receive_take(project_id: str, source: BinaryIO, original_name: str, *, origin: recordings.Origin,
                       latency_ms: float | None = None, store: Callable[..., Any] | None = None,
                       on_job: Callable[[jobs.Job], None] | None = None) -> Any:
    """Intake, measure and store one take. `store(fn, **kwargs)` runs the store (default: its own transaction);
    `on_job` sees the measuring job (for a progress card). Any failure leaves no file behind."""
    taken = await run.io_bound(recordings.intake, project_id=project_id, source=source,
                               original_name=original_name, max_bytes=get_settings().max_upload_bytes)
    preview = recordings.preview_path(taken)
    try:
        job = jobs.runner.start(project_id, 'Checking your take', media.project_dir(project_id))
        if on_job:
            on_job(job)
        levels = await jobs.runner.run(job, recordings.measure_take, str(taken.path), taken.format,
                                       str(preview) if preview else None)
        kwargs = {'taken': taken, 'origin': origin, 'latency_ms': latency_ms, 'levels': levels, 'preview': preview}
        if store is None:
            return await in_session(recordings.store_take, write=True, project_id=project_id, **kwargs)
        return await store(recordings.store_take, **kwargs)
    except BaseException:
        recordings.discard_files(project_id, taken.path, preview)
        raise


def answer(project_id: str, take: dict[str, Any]) -> dict[str, Any]:
    """The spec's answer {file_url, filename} plus the take and the project it went to."""
    return {'file_url': take['url'], 'filename': take['path'].rpartition('/')[2], 'take': take,
            'session_id': project_id}


@dataclass(frozen=True)
class _Ticket:
    project_id: str
    browser_id: str | None
    expires: float


class RecorderTickets:
    """One-time tickets that let one browser send one recording to one project, for a few minutes."""

    def __init__(self, ttl_s: float = 600, most: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.most = most
        self._tickets: dict[str, _Ticket] = {}
        self._lock = threading.Lock()

    def issue(self, project_id: str, browser_id: str | None) -> str:
        media.project_dir(project_id)  # refuses anything that is not a project id
        ticket = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            for key in [key for key, held in self._tickets.items() if held.expires <= now]:
                del self._tickets[key]
            if len(self._tickets) >= self.most:
                self._tickets.pop(next(iter(self._tickets)))
            self._tickets[ticket] = _Ticket(project_id, browser_id, now + self.ttl_s)
        return ticket

    def redeem(self, ticket: str, browser_id: str | None) -> str:
        """The project the ticket was issued for; Forbidden when unknown, used, expired or from another browser."""
        with self._lock:
            held = self._tickets.pop(ticket, None) if ticket else None
        if held is None or held.expires <= time.monotonic() or held.browser_id != browser_id:
            raise Forbidden(EXPIRED)
        return held.project_id


tickets = RecorderTickets()


def _file(form: FormData) -> UploadFile:
    file = form.get('file')
    if not isinstance(file, UploadFile):
        raise BadInput('Send the take as a file in the form field "file".')
    return file
