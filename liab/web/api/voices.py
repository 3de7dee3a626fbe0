"""Spec 9.8: voice lines over the JSON API, and GET /voices/<name>.mp3, the clips themselves.

POST /api/voices/say makes (or finds) the clip of a persona saying a line and answers its URL. Playback happens in
the caller's own audio element, so /stop, /pause and /mute change nothing on the server: they acknowledge the
action ({ok: true, data: {action}}) as the spec's routes do. A repeated line within 10 seconds for the same user and
session_id comes back with `debounced: true` (see liab.services.voice): the caller should not play it again.

Clips are shared by everyone (the same persona and words make the same file) and hold nothing private beyond the
words; a clip's name is the sha256 of those words, so it cannot be listed or guessed.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, Response
from nicegui import app, run
from pydantic import BaseModel, ConfigDict, Field

from liab.errors import NotFound
from liab.services import voice
from liab.web.api.common import api, current_user, docs, ok, read_body

CLIP_HEADERS = {
    'Cache-Control': 'public, max-age=86400',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
}
ACTIONS = ('stop', 'pause', 'mute')


class SayRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    persona: str = Field(max_length=20)
    text: str = Field(max_length=4 * voice.MAX_TEXT)  # whitespace is folded before the service's own limit
    session_id: str | None = Field(None, max_length=36)


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str | None = Field(None, max_length=36)


def register() -> None:
    app.add_api_route('/api/voices/say', say, methods=['POST'], tags=['voices'], **docs(SayRequest))
    for action in ACTIONS:
        app.add_api_route(f'/api/voices/{action}', _acknowledge(action), methods=['POST'], tags=['voices'],
                          name=f'voices_{action}', **docs(ActionRequest))
    app.add_api_route('/voices/{name}', serve_clip, methods=['GET', 'HEAD'], include_in_schema=False)


@api
async def say(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, SayRequest)
    listener = f'api:{user.id}:{body.session_id or ""}'
    clip = await run.io_bound(voice.speak, body.persona, body.text, listener=listener)
    return ok(data=clip.to_json())


def _acknowledge(action: str):
    @api
    async def acknowledge(request: Request) -> JSONResponse:
        await current_user(request)
        body = await read_body(request, ActionRequest)
        return ok(data={'action': action, 'session_id': body.session_id})

    acknowledge.__name__ = f'voices_{action}'
    return acknowledge


async def serve_clip(name: str) -> Response:
    """A cached clip, by its 64-hex name plus '.mp3'; 404 for anything else. Range requests work (FileResponse)."""
    stem, dot, suffix = name.partition('.')
    try:
        if dot != '.' or suffix != 'mp3':
            raise NotFound('No such clip.')
        path = voice.clip_path(stem)
    except NotFound:
        return _not_found()
    if not path.is_file():
        return _not_found()
    return FileResponse(path, media_type='audio/mpeg', headers=CLIP_HEADERS)


def _not_found() -> JSONResponse:
    return JSONResponse({'ok': False, 'error': 'Not found.'}, status_code=404,
                        headers={'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'})
