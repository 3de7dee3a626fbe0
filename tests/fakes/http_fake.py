"""The part every fake outside service shares: a threaded HTTP server on 127.0.0.1 that records each request and
hands it to the fake's `answer`, which returns (status, content type, body bytes)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def authorization(self) -> str | None:
        return self.headers.get('authorization')

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Answer = tuple[int, str, bytes]


class FakeServer:
    """Subclass it and define `answer(request) -> (status, content_type, body)`; `start()`, then use `url`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._server = ThreadingHTTPServer(('127.0.0.1', 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f'http://127.0.0.1:{self._server.server_address[1]}'
        # A short poll keeps shutdown() quick: serve_forever checks for it only between polls.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.02},
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def seen(self, method: str, path_start: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_start)]

    def answer(self, request: Request) -> Answer:
        raise NotImplementedError

    def record(self, request: Request) -> None:
        """Keep what was asked (a fake may keep its own shape of record instead)."""
        self.requests.append(request)


def json_answer(status: int, value: Any) -> Answer:
    return status, 'application/json', json.dumps(value).encode()


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def do_GET(self) -> None:
            self._respond('GET')

        def do_POST(self) -> None:
            self._respond('POST')

        def do_PUT(self) -> None:
            self._respond('PUT')

        def do_DELETE(self) -> None:
            self._respond('DELETE')

        def _respond(self, method: str) -> None:
            length = int(self.headers.get('Content-Length') or 0)
            request = Request(method, self.path, {k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(length) if length else b'')
            fake.record(request)
            status, content_type, body = fake.answer(request)
            try:
                self.send_response(status)
                self.send_header('Content-Type', content_type)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout case)

        def log_message(self, *_args: object) -> None:
            return

    return Handler
