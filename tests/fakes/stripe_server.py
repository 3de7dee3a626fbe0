"""A small fake of Stripe's API on 127.0.0.1, plus signed webhook payloads, for tests.

Load it as a plugin (`pytest_plugins = ['tests.fakes.stripe_server']` at the top of a test module) to get the
`fake_stripe` fixture; request it before NiceGUI's `user` fixture so the app starts with billing set up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from liab.config import get_settings

SECRET_KEY = 'sk_test_fake'
PRICE = 'price_pro_monthly'
WEBHOOK_SECRET = 'whsec_test_secret'
API_VERSION = '2024-06-20'


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    params: dict[str, str]  # flat form keys as sent: 'line_items[0][price]'
    authorization: str | None


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.fail_next = 0  # the next n requests of any kind answer 500
        self.customer_failures = 0  # the next n customer creations answer 500
        self.on_request: Callable[[Seen], None] | None = None  # sees each request before it is answered
        self._count = 0
        self._lock = threading.Lock()
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

    def seen(self, method: str, path: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def subscription(self, sub_id: str, *, customer: str = 'cus_1', status: str = 'active',
                     cancel_at_period_end: bool = False) -> dict[str, Any]:
        """Set the subscription's current state as Stripe would answer it."""
        self.subscriptions[sub_id] = {'id': sub_id, 'object': 'subscription', 'customer': customer, 'status': status,
                                      'cancel_at_period_end': cancel_at_period_end}
        return self.subscriptions[sub_id]

    def answer(self, method: str, path: str, params: dict[str, str], authorization: str | None
               ) -> tuple[int, dict[str, Any]]:
        seen = Seen(method, path, params, authorization)
        if self.on_request is not None:
            self.on_request(seen)
        with self._lock:
            self.requests.append(seen)
            if self.fail_next > 0:
                self.fail_next -= 1
                return _error(500, 'api_error', 'The fake Stripe is down.')
            if method == 'POST' and path == '/v1/customers' and self.customer_failures > 0:
                self.customer_failures -= 1
                return _error(500, 'api_error', 'The fake Stripe could not create the customer.')
            return self._route(method, path, params)

    def _route(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if method == 'POST' and path == '/v1/customers':
            return 200, {'id': self._next('cus'), 'object': 'customer', 'email': params.get('email')}
        if method == 'POST' and path == '/v1/checkout/sessions':
            sid = self._next('cs')
            return 200, {'id': sid, 'object': 'checkout.session', 'url': f'https://checkout.stripe.test/c/pay/{sid}',
                         'customer': params.get('customer'), 'client_reference_id': params.get('client_reference_id'),
                         'mode': params.get('mode')}
        if method == 'POST' and path == '/v1/billing_portal/sessions':
            sid = self._next('bps')
            return 200, {'id': sid, 'object': 'billing_portal.session',
                         'url': f'https://billing.stripe.test/p/session/{sid}', 'customer': params.get('customer')}
        if path.startswith('/v1/subscriptions/') and method in {'GET', 'DELETE'}:
            sub_id = path.removeprefix('/v1/subscriptions/')
            found = self.subscriptions.get(sub_id)
            # Stripe answers 404 to cancelling a subscription that is cancelled already, as for an unknown one.
            if found is None or (method == 'DELETE' and found['status'] == 'canceled'):
                return _error(404, 'invalid_request_error', f"No such subscription: '{sub_id}'")
            if method == 'DELETE':
                found['status'] = 'canceled'
            return 200, dict(found)
        return _error(404, 'invalid_request_error', f'Unrecognized request URL ({method}: {path}).')

    def _next(self, prefix: str) -> str:
        self._count += 1
        return f'{prefix}_{self._count}'


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    fake = FakeStripe()
    fake.start()
    monkeypatch.setenv('STRIPE_SECRET', SECRET_KEY)
    monkeypatch.setenv('PRICE_PRO_MONTHLY', PRICE)
    monkeypatch.setenv('STRIPE_WEBHOOK_SECRET', WEBHOOK_SECRET)
    monkeypatch.setenv('LIAB_STRIPE_BASE_URL', fake.url)
    get_settings.cache_clear()
    try:
        yield fake
    finally:
        fake.stop()
        get_settings.cache_clear()


def event(type: str, obj: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    return {'id': id or f'evt_{uuid.uuid4().hex}', 'object': 'event', 'type': type, 'data': {'object': obj},
            'created': int(time.time()), 'api_version': API_VERSION, 'livemode': False}


def signed(payload: dict[str, Any], secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body and its `Stripe-Signature` header, made the way Stripe makes them."""
    body = json.dumps(payload).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f'{ts}.'.encode() + body, hashlib.sha256).hexdigest()
    return body, f't={ts},v1={digest}'


def _error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {'error': {'type': kind, 'message': message}}


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_DELETE(self) -> None:
            self._serve()

        def log_message(self, *_args: Any) -> None:
            pass  # keep test output quiet

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length).decode() if length else ''
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            params.update(parse_qsl(body, keep_blank_values=True))
            status, answer = fake.answer(self.command, parts.path, params, self.headers.get('Authorization'))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.send_header('Request-Id', f'req_{uuid.uuid4().hex[:14]}')
            if status >= 500:
                # Real Stripe may say this too; it keeps stripe-python from retrying, so `fail_next = 1` fails one call.
                self.send_header('Stripe-Should-Retry', 'false')
            self.end_headers()
            self.wfile.write(data)

    return Handler
