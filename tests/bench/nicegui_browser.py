"""A browser tab as NiceGUI's own browser code (nicegui.js) drives the app, for tests/bench/bench_load.py.

GET the page, read the client id and the element tree NiceGUI hands to createApp(), open the Socket.IO websocket on
/_nicegui_ws/socket.io with the implicit handshake (client_id, next_message_id, document_id and tab_id in the query),
then send an element's `event` message as a click does and wait for the `update` that shows its effect. It answers
`run_javascript` and sends `ack` every 3 s as the browser does.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import uuid
from ast import literal_eval
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import aiohttp
import httpx
import socketio

from liab.workflow import STAGES, Stage

# What nicegui.js sends for a click on an element whose listener takes all arguments: the MouseEvent's own fields.
CLICK = json.dumps({'isTrusted': True, 'type': 'click', 'button': 0, 'buttons': 0, 'detail': 1, 'clientX': 412,
                    'clientY': 318, 'screenX': 412, 'screenY': 401, 'altKey': False, 'ctrlKey': False,
                    'metaKey': False, 'shiftKey': False, 'timeStamp': 5123.4, 'eventPhase': 2, 'bubbles': True})


@dataclass
class Timings:
    pages: list[float] = field(default_factory=list)  # GET / in ms
    opens: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # stage id -> click to update
    failures: list[str] = field(default_factory=list)

    def all_opens(self) -> list[float]:
        return [value for values in self.opens.values() for value in values]


async def click_through(browser: Browser, index: int, stop: asyncio.Event, rng: random.Random, *,
                        cycles: int | None = None, think: tuple[float, float] = (2.0, 6.0)) -> None:
    """One person: every stage in turn (each starting at another), the first ticked done, then the page again."""
    order = STAGES[index % len(STAGES):] + STAGES[:index % len(STAGES)]
    await asyncio.sleep(rng.uniform(0, 1.0))  # people do not click in step
    while not stop.is_set() and cycles != 0:
        try:
            if browser.socket is None:
                await browser.load()
            for number, stage in enumerate(order):
                if stop.is_set():
                    return
                await browser.open_stage(stage)
                if number == 0:
                    await browser.toggle_done()
                await asyncio.sleep(rng.uniform(*think))
                await browser.close_stage()
                await asyncio.sleep(rng.uniform(*think))
            await browser.leave()
        except (TimeoutError, httpx.HTTPError, socketio.exceptions.SocketIOError) as exc:
            browser.timings.failures.append(f'{type(exc).__name__}: {exc}')
            await browser.leave()
        cycles = None if cycles is None else cycles - 1


class Browser:
    """One tab of one visitor (its cookie kept across page loads), speaking NiceGUI's protocol as nicegui.js does."""

    def __init__(self, base_url: str, timings: Timings) -> None:
        self.base_url = base_url
        self.timings = timings
        self.http = httpx.AsyncClient(base_url=base_url, timeout=60)
        self._websockets: aiohttp.ClientSession | None = None  # the socket's, kept over page loads like a browser's
        self.tab_id = str(uuid.uuid4())
        self.socket: socketio.AsyncClient | None = None
        self._updates: asyncio.Queue[dict] = asyncio.Queue()
        self._next_message_id = 0
        self._acks: asyncio.Task | None = None
        self._listeners: dict[int, str] = {}

    async def load(self) -> None:
        started = time.perf_counter()
        page = await self.http.get('/')
        page.raise_for_status()
        self.timings.pages.append(1000 * (time.perf_counter() - started))
        elements, query = _page_state(page.text)
        self.client_id, self._next_message_id = query['client_id'], query['next_message_id']
        self._stage_buttons = {element['props']['data-stage']: (int(key), element['events'][0]['listener_id'])
                               for key, element in elements.items() if 'data-stage' in element.get('props', {})}
        self._body = _find(elements, lambda e: 'liab-stage-screen__body' in e.get('class', []))
        self._screen = _find(elements, lambda e: 'liab-stage-screen' in e.get('class', []))
        self._close = _find(elements, lambda e: e.get('props', {}).get('label') == 'Close')
        self._listeners = {int(key): element['events'][0]['listener_id']
                           for key, element in elements.items() if element.get('events')}
        footer = elements[str(_find(elements, lambda e: 'liab-stage-screen__footer' in e.get('class', [])))]
        self._done = footer['children'][0]
        self._updates = asyncio.Queue()
        if self._websockets is None:
            self._websockets = aiohttp.ClientSession()
        socket = socketio.AsyncClient(reconnection=False, http_session=self._websockets)
        socket.on('update', self._on_update)
        socket.on('run_javascript', self._on_javascript)
        socket.on('*', self._on_other)
        handshake = {'client_id': self.client_id, 'next_message_id': self._next_message_id,
                     'implicit_handshake': 'true', 'document_id': str(uuid.uuid4()), 'tab_id': self.tab_id}
        cookie = '; '.join(f'{name}={value}' for name, value in self.http.cookies.items())
        await socket.connect(f'{self.base_url}/?{urlencode(handshake)}', headers={'Cookie': cookie},
                             transports=['websocket'], socketio_path='/_nicegui_ws/socket.io', wait_timeout=30)
        self.socket = socket
        self._acks = asyncio.create_task(self._ack_every(3.0))

    async def open_stage(self, stage: Stage) -> None:
        element, listener = self._stage_buttons[stage.id]
        started = time.perf_counter()
        await self._click(element, listener, [CLICK], lambda update: str(self._body) in update)  # built afresh
        self.timings.opens[stage.id].append(1000 * (time.perf_counter() - started))

    async def close_stage(self) -> None:
        await self._click(self._close, self._listeners[self._close], [], lambda update: str(self._screen) in update)

    async def toggle_done(self) -> None:
        await self._click(self._done, self._listeners[self._done], [], lambda update: str(self._done) in update)

    async def leave(self) -> None:
        if self._acks is not None:
            self._acks.cancel()
            self._acks = None
        if self.socket is not None:
            socket, self.socket = self.socket, None
            await socket.disconnect()

    async def quit(self) -> None:
        await self.leave()
        await self.http.aclose()
        if self._websockets is not None:
            await self._websockets.close()

    async def _click(self, element: int, listener: str, args: list[str], shown: Callable[[dict], bool]) -> None:
        while not self._updates.empty():
            self._updates.get_nowait()
        await self.socket.emit('event', {'id': element, 'client_id': self.client_id, 'listener_id': listener,
                                         'args': args})
        async with asyncio.timeout(60):
            while not shown(await self._updates.get()):
                pass

    async def _on_update(self, data: dict) -> None:
        self._count(data)
        for key, element in data.items():
            if element and element.get('events'):
                self._listeners[int(key)] = element['events'][0]['listener_id']
        await self._updates.put(data)

    async def _on_javascript(self, data: dict) -> None:
        self._count(data)
        if data.get('request_id'):  # the content stage asks for the browser's time zone
            result = 'Europe/Berlin' if 'timeZone' in data['code'] else None
            await self.socket.emit('javascript_response', {'request_id': data['request_id'],
                                                           'client_id': self.client_id, 'result': result})

    async def _on_other(self, _event: str, data: object = None) -> None:
        if isinstance(data, dict):
            self._count(data)

    def _count(self, message: dict) -> None:
        """The next message id to expect, as nicegui.js keeps it (for `ack` and a reconnect)."""
        if '_id' in message:
            self._next_message_id = message.pop('_id') + 1

    async def _ack_every(self, seconds: float) -> None:
        acked = -1
        while True:
            await asyncio.sleep(seconds)
            if self.socket is not None and acked < self._next_message_id:
                acked = self._next_message_id
                await self.socket.emit('ack', {'client_id': self.client_id, 'next_message_id': acked})


def _page_state(page: str) -> tuple[dict[str, dict], dict]:
    """The element tree and the Socket.IO query that NiceGUI's index.html hands to createApp()."""
    raw = re.search(r'parseElements\(String\.raw`(.*?)`\)', page, re.DOTALL).group(1)
    for escaped, plain in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
        raw = raw.replace(escaped, plain)  # as parseElements() in nicegui.js
    return json.loads(raw), literal_eval(re.search(r'query: (\{.*?\}),\n', page).group(1))


def _find(elements: dict[str, dict], test: Callable[[dict], bool]) -> int:
    return next(int(key) for key, element in elements.items() if test(element))
