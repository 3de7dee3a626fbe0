"""ASGI guards on every HTTP request: request bodies capped per route (413 beyond), and nosniff on responses.

NiceGUI's upload limit is enforced in the browser only, so the server counts the bytes itself, whatever the
Content-Length said.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liab.config import Settings

_NICEGUI_UPLOAD = re.compile(r'^/_nicegui/client/[^/]+/upload/[^/]+$')
# NOTE: the upload routes of the spec's API map (added by later issues) and the setting that caps each.
UPLOAD_ROUTES: dict[str, str] = {
    '/api/recordings/upload': 'max_upload_bytes',
    '/api/recordings/record': 'max_upload_bytes',  # the browser recorder's takes (liab/web/api/recordings.py)
    '/api/lyrics/from_beat': 'max_upload_bytes',
    '/api/mix/process': 'max_upload_bytes',
    '/api/content/upload-video': 'max_video_bytes',
    '/api/analytics/import': 'max_upload_bytes',  # the CSV reader keeps its own, smaller cap
}


def body_limits(settings: Settings) -> Callable[[str], int]:
    def limit(path: str) -> int:
        if _NICEGUI_UPLOAD.match(path):
            return max(settings.max_upload_bytes, settings.max_video_bytes)  # the upload box checks its own kind
        if path in UPLOAD_ROUTES:
            return getattr(settings, UPLOAD_ROUTES[path])
        return settings.max_body_kb * 1024

    return limit


class RequestGuard:
    def __init__(self, app: ASGIApp, limit: Callable[[str], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope['path'])
        declared = dict(scope['headers']).get(b'content-length')
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _reject(send, limit)
            return
        received = 0
        started = too_large = False

        async def counting_receive() -> Message:
            # Past the cap the app is told the client went away, so no layer stores a partial body.
            nonlocal received, too_large
            if too_large:
                return {'type': 'http.disconnect'}
            message = await receive()
            if message['type'] == 'http.request':
                received += len(message.get('body', b''))
                if received > limit:
                    too_large = True
                    return {'type': 'http.disconnect'}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's own answer to a cut-off body is replaced by the 413 below
            if message['type'] == 'http.response.start':
                started = True
                headers = [(k, v) for k, v in message.get('headers', []) if k.lower() != b'x-content-type-options']
                message = {**message, 'headers': [*headers, (b'x-content-type-options', b'nosniff')]}
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _reject(send, limit)


async def _reject(send: Send, limit: int) -> None:
    body = json.dumps({'ok': False, 'error': f'That upload is too large: the limit here is {_size(limit)}.'}).encode()
    await send({'type': 'http.response.start', 'status': 413,
                'headers': [(b'content-type', b'application/json'), (b'content-length', str(len(body)).encode()),
                            (b'x-content-type-options', b'nosniff'), (b'connection', b'close')]})
    await send({'type': 'http.response.body', 'body': body})


def _size(limit: int) -> str:
    return f'{limit / 1024 / 1024:g} MB' if limit >= 1024 * 1024 else f'{limit // 1024} kB'
