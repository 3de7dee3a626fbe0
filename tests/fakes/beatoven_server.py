"""A fake Beatoven composition API on 127.0.0.1: compose, task polling, track download. Records every request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class FakeBeatoven:
    track: bytes = b''
    polls_before_done: int = 2
    fail_compose: bool = False
    final_status: str = 'composed'
    credits: int | None = 41
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, authorization
    _polls: int = 0

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(('127.0.0.1', 0), _handler(self))
        self.url = f'http://127.0.0.1:{self._server.server_address[1]}'
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.02},
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        if method == 'POST' and path == '/api/v1/tracks/compose':
            if self.fail_compose:
                return 500, 'application/json', b'{"error": "internal"}'
            body = {'status': 'started', 'task_id': 'task_1'}
            if self.credits is not None:
                body['credits'] = self.credits
            return 200, 'application/json', json.dumps(body).encode()
        if method == 'GET' and path == '/api/v1/tasks/task_1':
            self._polls += 1
            if self._polls <= self.polls_before_done:
                return 200, 'application/json', b'{"status": "composing", "task_id": "task_1"}'
            body = {'status': self.final_status, 'task_id': 'task_1',
                    'meta': {'track_url': f'{self.url}/files/track_1.mp3', 'prompt': {'text': 'x'}}}
            return 200, 'application/json', json.dumps(body).encode()
        if method == 'GET' and path == '/files/track_1.mp3':
            return 200, 'audio/mpeg', self.track
        return 404, 'application/json', b'{"error": "not found"}'


def _handler(fake: FakeBeatoven) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._respond('GET')

        def do_POST(self) -> None:
            length = int(self.headers.get('Content-Length') or 0)
            self.rfile.read(length)
            self._respond('POST')

        def _respond(self, method: str) -> None:
            fake.requests.append((method, self.path, self.headers.get('Authorization')))
            status, content_type, body = fake.answer(method, self.path)
            self.send_response(status)
            self.send_header('Content-Type', content_type)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    return Handler


@pytest.fixture
def fake_beatoven(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBeatoven]:
    from liab.config import get_settings

    fake = FakeBeatoven()
    fake.start()
    monkeypatch.setenv('BEATOVEN_API_KEY', 'bv_test_key')
    monkeypatch.setenv('LIAB_BEATOVEN_BASE_URL', fake.url)
    monkeypatch.setenv('LIAB_BEATOVEN_POLL_S', '0.05')
    get_settings.cache_clear()
    try:
        yield fake
    finally:
        fake.stop()
