"""A fake of GetLate's API (getlate.dev) on 127.0.0.1: accounts, media presign and upload, posts. Records requests.

`mode`: 'ok'; 'error' answers HTTP 500 to every API call; 'unauthorized' answers 401; 'slow' waits `delay_s`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.http_fake import Answer, FakeServer, Request, json_answer

API_KEY = 'sk_' + '0' * 64


class FakeGetLate(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.mode = 'ok'
        self.delay_s = 3.0
        self.accounts: list[dict[str, Any]] = [
            {'_id': 'acc_tiktok', 'platform': 'tiktok', 'username': '@artist', 'isActive': True},
            {'_id': 'acc_yt', 'platform': 'youtube', 'username': 'Artist Channel', 'isActive': True},
            {'_id': 'acc_ig', 'platform': 'instagram', 'username': '@artist.ig', 'isActive': True}]
        self.posts: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}

    def answer(self, request: Request) -> Answer:
        if request.path.startswith('/upload/'):  # the presigned address: no key, just the bytes
            self.uploads[request.path.removeprefix('/upload/')] = request.body
            return 200, 'text/plain', b''
        if self.mode == 'slow':
            time.sleep(self.delay_s)
        if self.mode == 'error':
            return json_answer(500, {'error': 'Internal server error'})
        if self.mode == 'unauthorized' or request.authorization != f'Bearer {API_KEY}':
            return json_answer(401, {'error': 'Unauthorized'})
        path = request.path.removeprefix('/api')
        routes = {('GET', '/v1/accounts'): self._accounts, ('POST', '/v1/media/presign'): self._presign,
                  ('POST', '/v1/posts'): self._create}
        if (request.method, path) in routes:
            return routes[request.method, path](request)
        if path.startswith('/v1/posts/') and request.method in {'GET', 'DELETE'}:
            return self._post(request.method, path.removeprefix('/v1/posts/'))
        return json_answer(404, {'error': 'Not found'})

    def _accounts(self, _request: Request) -> Answer:
        return json_answer(200, {'accounts': self.accounts})

    def _presign(self, request: Request) -> Answer:
        key = uuid.uuid4().hex
        name = (request.json() or {}).get('filename')
        return json_answer(200, {'uploadUrl': f'{self.url}/upload/{key}',
                                 'publicUrl': f'https://media.example/{key}/{name}'})

    def _create(self, request: Request) -> Answer:
        post_id = uuid.uuid4().hex[:24]
        self.posts[post_id] = {'_id': post_id, 'status': 'scheduled', **(request.json() or {})}
        return json_answer(201, {'message': 'Post scheduled', 'post': self.posts[post_id]})

    def _post(self, method: str, post_id: str) -> Answer:
        post = self.posts.get(post_id)
        if post is None:
            return json_answer(404, {'error': 'Post not found'})
        if method == 'DELETE':
            post['status'] = 'cancelled'
            return json_answer(200, {'message': 'Post deleted'})
        return json_answer(200, {'post': post})


@pytest.fixture
def fake_getlate(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGetLate]:
    """The fake server, with GETLATE_API_KEY and LIAB_GETLATE_BASE_URL pointing at it."""
    from liab.config import get_settings

    fake = FakeGetLate()
    fake.start()
    monkeypatch.setenv('GETLATE_API_KEY', API_KEY)
    monkeypatch.setenv('LIAB_GETLATE_BASE_URL', f'{fake.url}/api')
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()
