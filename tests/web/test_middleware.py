import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from liab.web.middleware import RequestGuard

LIMIT = 64 * 1024
stored: list[int] = []


async def _store(request: Request) -> JSONResponse:
    body = await request.body()
    stored.append(len(body))
    return JSONResponse({'stored': len(body)})


def _client() -> httpx.AsyncClient:
    app = RequestGuard(Starlette(routes=[Route('/store', _store, methods=['POST'])]), limit=lambda _path: LIMIT)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test')


async def _chunks(count: int, size: int = 16 * 1024):
    for _ in range(count):
        yield b'y' * size


async def test_a_streamed_body_without_content_length_is_counted_and_stopped() -> None:
    stored.clear()
    async with _client() as client:
        over = await client.post('/store', content=_chunks(5))
        assert over.status_code == 413
        assert over.json() == {'ok': False, 'error': 'That upload is too large: the limit here is 64 kB.'}
        assert over.headers['x-content-type-options'] == 'nosniff'
        assert stored == []
        under = await client.post('/store', content=_chunks(3))
        assert under.status_code == 200
        assert stored == [3 * 16 * 1024]


async def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    stored.clear()
    async with _client() as client:
        response = await client.post('/store', content=b'x' * (LIMIT + 1))
        bogus = await client.post('/store', headers={'Content-Length': 'lots'}, content=b'')
    assert response.status_code == 413
    assert bogus.status_code == 413
    assert stored == []
