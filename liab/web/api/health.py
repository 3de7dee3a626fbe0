"""GET /api/health: is the app usable, with which providers, and how late its event loop has been running."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run

from liab import __version__, db
from liab.audio import io
from liab.config import get_settings
from liab.providers import active_providers
from liab.web import loop_probe
from liab.web.api.common import docs

_MS = {'type': ['number', 'null']}
_WINDOW = {'name': 'window_s', 'in': 'query', 'required': False,
           'description': 'The span of `loop_lag_ms` in seconds, 1 to 180 (longer is cut to 180); 60 by default.',
           'schema': {'type': 'integer', 'minimum': 1, 'maximum': loop_probe.MAX_WINDOW_S,
                      'default': loop_probe.WINDOW_S}}


def register() -> None:
    described = docs(auth=False, answer={
        'type': 'object', 'required': ['status', 'version', 'database', 'ffmpeg', 'providers', 'loop_lag_ms'],
        'properties': {'status': {'type': 'string'}, 'version': {'type': 'string'}, 'database': {'type': 'string'},
                       'ffmpeg': {'type': 'string'}, 'providers': {'type': 'object'},
                       'loop_lag_ms': {  # how late the event loop ran lately (liab.web.loop_probe)
                           'type': 'object', 'required': ['p50', 'p99', 'max', 'samples'],
                           'properties': {'p50': _MS, 'p99': _MS, 'max': _MS, 'samples': {'type': 'integer'}}}}})
    described['openapi_extra']['parameters'] = [_WINDOW]
    app.add_api_route('/api/health', health, methods=['GET'], tags=['utility'], **described)


async def health(request: Request) -> JSONResponse:
    database = await run.io_bound(db.check_database)
    ffmpeg = await run.io_bound(_ffmpeg)
    failing = [part for part, state in (('database', database), ('ffmpeg', ffmpeg)) if state.startswith('error')]
    body = {
        'status': 'ok' if not failing else 'unavailable: ' + ', '.join(failing),
        'version': __version__,
        'database': database,
        'ffmpeg': ffmpeg,
        'providers': active_providers(get_settings()),
        'loop_lag_ms': loop_probe.probe.stats(_window_s(request.query_params.get('window_s'))),
    }
    return JSONResponse(body, status_code=503 if failing else 200, headers={'Cache-Control': 'no-store'})


def _window_s(asked: str | None) -> int:
    """How far back the loop lag looks: `?window_s=` from 1 to MAX_WINDOW_S seconds, else the last minute."""
    try:
        return min(max(int(asked or loop_probe.WINDOW_S), 1), loop_probe.MAX_WINDOW_S)
    except ValueError:
        return loop_probe.WINDOW_S


def _ffmpeg() -> str:
    try:
        return io.ffmpeg_version()
    except RuntimeError as exc:
        return f'error: {exc}'
