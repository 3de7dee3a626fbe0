"""Request-rate limits: the JSON API per client, and log-in attempts per address (API and log-in form alike).

A client is its account when the request carries a valid bearer token, else its address (behind a reverse proxy,
uvicorn takes the address from X-Forwarded-For of trusted proxies: see README). Counts are kept in memory over a
sliding minute; past the limit the API answers 429 with Retry-After and our error shape, and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from liab.config import Settings, get_secrets
from liab.errors import BadInput

WINDOW_S = 60.0
# Log-in and sign-up (each may be a password guess) share the stricter count, with the log-in form's.
LOGIN_PATHS = frozenset({'/api/auth/login', '/api/auth/signup'})
# Not limited: the health check (monitors poll it) and Stripe's webhook (signed, deduplicated, from Stripe's hosts).
EXEMPT_PATHS = frozenset({'/api/health', '/api/billing/webhook'})
_MAX_KEYS = 50_000  # beyond this many clients in a minute, the idle ones are forgotten first


class TooManyRequests(BadInput):
    status = 429

    def __init__(self, retry_after_s: int, what: str = 'requests') -> None:
        super().__init__(f'Too many {what} from here. Try again in {retry_after_s} s.', feature='rate_limit')
        self.retry_after_s = retry_after_s


class SlidingWindow:
    """At most `limit` hits per key in any `window_s` seconds."""

    def __init__(self, limit: Callable[[], int], window_s: float = WINDOW_S) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, now: float | None = None) -> int:
        """Count one hit for `key`: 0 when allowed, else the whole seconds until one would be."""
        now = time.monotonic() if now is None else now
        cutoff = now - self.window_s
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= _MAX_KEYS:
                    self._forget_idle(cutoff)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= cutoff:
                hits.popleft()
            if len(hits) >= self.limit():
                return max(1, math.ceil(hits[0] - cutoff))
            hits.append(now)
            return 0

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()

    def _forget_idle(self, cutoff: float) -> None:
        for key in [key for key, hits in self._hits.items() if not hits or hits[-1] <= cutoff]:
            del self._hits[key]


class Limits:
    def __init__(self, settings: Settings) -> None:
        self.api = SlidingWindow(lambda: settings.api_rate_per_min)
        self.login = SlidingWindow(lambda: settings.login_rate_per_min)

    def check_login(self, address: str | None) -> None:
        """For the log-in form: raise TooManyRequests past the per-address limit (shared with the API's log-in)."""
        wait = self.login.hit(address or 'unknown')
        if wait:
            raise TooManyRequests(wait, 'log-in attempts')


_installed: list[Limits] = []  # the app's one set of counts, made afresh by each setup()


def limits() -> Limits:
    if not _installed:
        raise RuntimeError('rate limits are not installed (liab.web.setup)')
    return _installed[-1]


def install(settings: Settings) -> Limits:
    _installed[:] = [Limits(settings)]
    return _installed[0]


class RateLimit:
    """ASGI middleware: counts /api/ requests per client and log-in requests per address."""

    def __init__(self, app: ASGIApp, limits: Callable[[], Limits]) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get('path', '')
        if scope['type'] != 'http' or not path.startswith('/api/') or path in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        current = self.limits()
        address = (scope.get('client') or ('unknown', 0))[0]
        wait = current.login.hit(address) if path in LOGIN_PATHS else 0
        what = 'log-in attempts'
        if not wait:
            wait, what = current.api.hit(_client_key(scope, address)), 'requests'
        if wait:
            await _too_many(send, TooManyRequests(wait, what))
            return
        await self.app(scope, receive, send)


def _client_key(scope: Scope, address: str) -> str:
    """The account of a validly signed bearer token, else the address. Checking the signature keeps made-up tokens
    from buying a fresh count each; whether the account still exists is the route's business."""
    header = dict(scope.get('headers') or []).get(b'authorization', b'')
    if header[:7].lower() != b'bearer ' or len(header) > 4096:
        return f'address:{address}'
    from liab.security import Unauthorized, decode_token

    try:
        claims, _ = decode_token(header[7:].decode('ascii', 'replace').strip(), secret=get_secrets().jwt)
    except (Unauthorized, ValueError):
        return f'address:{address}'
    return 'user:' + hashlib.sha256(str(claims.user_id).encode()).hexdigest()[:16]


async def _too_many(send: Send, error: TooManyRequests) -> None:
    body = json.dumps(error.to_json()).encode()
    await send({'type': 'http.response.start', 'status': 429,
                'headers': [(b'content-type', b'application/json'), (b'content-length', str(len(body)).encode()),
                            (b'retry-after', str(error.retry_after_s).encode()),
                            (b'x-content-type-options', b'nosniff')]})
    await send({'type': 'http.response.body', 'body': body})
