"""Test-only app: one WaveformPlayer on a page, its audio streamed from a folder, its peaks from a small route.

Started by tests/browser/test_waveform_player.py as `python player_app.py` with PLAYER_MEDIA_DIR and PLAYER_PORT.
It also counts the audio bytes it has sent (GET /test/sent) so the test can tell streaming from a whole download,
and shows what the Python side heard from the player's events.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import JSONResponse, Response
from nicegui import app, ui
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liab.audio.peaks import ensure_peaks
from liab.web.components.waveform import WaveformPlayer

ROOT = Path(__file__).resolve().parents[2]
MEDIA_DIR = Path(os.environ.get('PLAYER_MEDIA_DIR', '.')).resolve()
TITLE = 'Night Drive <b>demo</b> & "friends"'  # markup must show as text
SENT = {'bytes': 0, 'requests': 0}


class CountAudioBytes:
    """ASGI middleware: how many body bytes the /testmedia routes have handed to the server so far."""

    def __init__(self, asgi: ASGIApp) -> None:
        self.app = asgi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or not scope['path'].startswith('/testmedia/'):
            await self.app(scope, receive, send)
            return
        SENT['requests'] += 1

        async def counting(message: Message) -> None:
            if message['type'] == 'http.response.body':
                SENT['bytes'] += len(message.get('body', b''))
            await send(message)

        await self.app(scope, receive, counting)


def setup() -> None:
    app.add_static_files('/static', ROOT / 'static')
    app.add_media_files('/testmedia', MEDIA_DIR)
    app.add_middleware(CountAudioBytes)
    app.add_api_route('/testpeaks/{name}', peaks)
    app.add_api_route('/test/sent', lambda: JSONResponse(SENT))
    ui.page('/')(lambda: player_page(f'/testpeaks/{_audio_name()}'))
    ui.page('/broken')(lambda: player_page('/testpeaks/missing.wav'))


def player_page(peaks_url: str) -> None:
    ui.add_head_html('<link rel="stylesheet" href="/static/liab.css">')
    ui.colors(primary='#8b5cf6', secondary='#f5b942')
    ui.query('body').style('background: #0d0a17')
    with ui.column().style('width: min(860px, 92vw); margin: 72px auto; gap: 16px'):
        ui.label('Waveform player').style('color: #f3eefc; font-size: 22px; font-weight: 800')
        heard = ui.label('events:').classes('test-events').style('color: #b5abcf; font-size: 13px')
        player = WaveformPlayer(f'/testmedia/{_audio_name()}', peaks_url, TITLE)

        def note(name: str) -> None:
            heard.text += f' {name}'

        player.on_play(lambda _: note('play')).on_pause(lambda _: note('pause')).on_ended(lambda _: note('ended'))
        with ui.row():
            ui.button('Jump to 1:00', on_click=lambda: player.seek(60))
            ui.button('Second track', on_click=lambda: player.set_source(
                '/testmedia/short.wav', '/testpeaks/short.wav', 'Second <i>take</i>'))


def peaks(name: str) -> Response:
    audio = MEDIA_DIR / name
    if not audio.is_file():
        raise HTTPException(404)
    return Response(ensure_peaks(audio).read_bytes(), media_type='application/octet-stream')


def _audio_name() -> str:
    return os.environ.get('PLAYER_FILE', 'long.wav')


if __name__ in {'__main__', '__mp_main__'}:
    setup()
    ui.run(host='127.0.0.1', port=int(os.environ['PLAYER_PORT']), dark=True, reload=False, show=False,
           title='Waveform player test')
