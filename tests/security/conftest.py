"""Shared parts of the security suite: the app in a subprocess (`server`), exact-bytes HTTP, accounts and uploads.

Each test gets its own app, on the data dir of the autouse `data_dir` fixture, so services called in the test
process (and DATABASE_URL, when the suite runs against PostgreSQL) see the same database and secrets as the app.
"""

from __future__ import annotations

import io
import json
import socket
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pytest
import soundfile
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT, app_env, free_port, serving

PASSWORD = 'night-drive-42-echo'
MB = 1024 * 1024
WARM_UP_PREFIX = 'liab-warm-up-'  # the job worker's scratch folders (liab.audio analysis and dsp warm_up)
# A second rate limiter may stand in front of /api: these tests send many requests from one address.
UNLIMITED = {'LIAB_API_RATE_PER_MIN': '100000', 'LIAB_LOGIN_RATE_PER_MIN': '100000'}


@dataclass(frozen=True)
class LiveApp:
    url: str
    data_dir: Path
    tmp_dir: Path  # the app's TMPDIR

    @property
    def media_dir(self) -> Path:
        return self.data_dir / 'media'

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=bearer(token) if token else None, timeout=60)


@contextmanager
def running_app(folder: Path, **env: str) -> Iterator[LiveApp]:
    """`python app.py` with its data in folder/data (the test's data dir) and TMPDIR in folder/app-tmp."""
    port = free_port()
    url = f'http://127.0.0.1:{port}'
    live = LiveApp(url, folder / 'data', folder / 'app-tmp')
    live.tmp_dir.mkdir(parents=True, exist_ok=True)
    settings = {'LIAB_DATA_DIR': str(live.data_dir), 'LIAB_PORT': str(port), 'LIAB_HOST': '127.0.0.1',
                'LIAB_ARGON2_MEMORY_KIB': '8', 'LIAB_ARGON2_TIME_COST': '1', 'TMPDIR': str(live.tmp_dir),
                'LIAB_JOB_WORKERS': '1',  # each worker loads the audio code at start: one is enough here
                **UNLIMITED, **env}
    with serving([sys.executable, 'app.py'], cwd=ROOT, env=app_env(**settings), ready_url=f'{url}/api/health',
                 log_path=folder / 'app.log'):
        yield live


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveApp]:
    with running_app(tmp_path) as live:
        yield live


@pytest.fixture(scope='session')
def take_wav() -> bytes:
    """Half a second of a 330 Hz tone, 16-bit mono WAV (44 kB)."""
    rate = 44100
    tone = 0.4 * np.sin(2 * np.pi * 330 * np.arange(rate // 2) / rate)
    buffer = io.BytesIO()
    soundfile.write(buffer, tone.astype(np.float32), rate, subtype='PCM_16', format='WAV')
    return buffer.getvalue()


CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Headless Chromium, per test (a session-wide Playwright loop would sit beside pytest-asyncio's loops)."""
    if not CHROMIUM.exists():
        pytest.skip(f'no Chromium at {CHROMIUM}')
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(page: Page, url: str) -> None:
    """Load a page and wait for NiceGUI's socket handshake, after which clicks reach the server."""
    page.goto(url)
    page.wait_for_function('window.did_handshake === true')


def upload_route(page: Page, base_url: str) -> str:
    """The upload route of a real upload box: the Upload stage's, opened in the page (which must stay open)."""
    open_page(page, f'{base_url}/')
    page.locator('[data-stage=upload]').click()
    uploader = page.locator('.q-uploader').first
    uploader.wait_for(state='attached')
    element_id = (uploader.get_attribute('id') or '').removeprefix('c')
    assert element_id.isdigit(), element_id
    return f'/_nicegui/client/{page.evaluate("window.clientId")}/upload/{element_id}'


# accounts ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    email: str
    token: str
    user_id: str


def sign_up(live: LiveApp, email: str) -> Account:
    with live.client() as client:
        response = client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(email, body['token'], body['user_id'])


def bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


def upload_take(live: LiveApp, account: Account, name: str, data: bytes, **fields: str) -> httpx.Response:
    with live.client(account.token) as client:
        return client.post('/api/recordings/upload', files={'file': (name, data, 'audio/wav')}, data=fields)


def project_with_file(live: LiveApp, account: Account, relpath: str, data: bytes) -> tuple[str, str]:
    """A new project of the account's with a file at `relpath` in its folder: (project id, the file's media URL)."""
    with live.client(account.token) as client:
        response = client.post('/api/projects/save', json={'name': 'Files'})
    assert response.status_code == 200, response.text
    project_id = response.json()['data']['projectId']
    path = live.media_dir / project_id / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return project_id, f'/media/{project_id}/{relpath}'


# exact bytes over HTTP ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send_raw(base_url: str, method: str, target: str, *, headers: dict[str, str] | None = None,
             body: Iterable[bytes] = (), chunked: bool = False, timeout: float = 60) -> Answer:
    """One HTTP/1.1 request with exactly this target (no client normalizes `%2e%2e`) and body.

    The body is sent from a thread while the answer is read, so an early answer (413) arrives even though the
    server stops reading and closes; errors from writing to a closed connection are expected then.
    """
    parts = urlsplit(base_url)
    lines = [f'{method} {target} HTTP/1.1', f'Host: {parts.netloc}', 'Connection: close',
             *(f'{name}: {value}' for name, value in (headers or {}).items())]
    if chunked:
        lines.append('Transfer-Encoding: chunked')
    head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:

        def write() -> None:
            try:
                sock.sendall(head)
                for chunk in body:
                    sock.sendall(b'%x\r\n%s\r\n' % (len(chunk), chunk) if chunked else chunk)
                if chunked:
                    sock.sendall(b'0\r\n\r\n')
            except OSError:
                pass  # the server answered early and closed

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        received = bytearray()
        try:
            while piece := sock.recv(65536):
                received += piece
        except ConnectionResetError:
            pass
        writer.join(timeout)
    return _parse(bytes(received))


def _parse(raw: bytes) -> Answer:
    head, separator, body = raw.partition(b'\r\n\r\n')
    assert separator, f'no HTTP answer: {raw[:200]!r}'
    status_line, *header_lines = head.decode('latin-1').split('\r\n')
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(':')
        headers[name.strip().lower()] = value.strip()
    if headers.get('transfer-encoding', '').lower() == 'chunked':
        body = _unchunk(body)
    elif 'content-length' in headers:
        body = body[: int(headers['content-length'])]
    return Answer(int(status_line.split()[1]), headers, body)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b'\r\n')
        size = int(size_line.split(b';')[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return bytes(out)


def multipart(file_field: str, filename: bytes, content: bytes, *, fields: dict[str, str] | None = None,
              content_type: str = 'audio/wav') -> tuple[bytes, str]:
    """A multipart/form-data body whose file name goes out byte for byte (NUL, backslashes and all)."""
    boundary = 'liab-security-boundary-7f3a'
    parts = [b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
             % (boundary.encode(), name.encode(), value.encode()) for name, value in (fields or {}).items()]
    parts.append(b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: %s\r\n\r\n'
                 % (boundary.encode(), file_field.encode(), filename, content_type.encode()) + content + b'\r\n')
    return b''.join(parts) + b'--%s--\r\n' % boundary.encode(), f'multipart/form-data; boundary={boundary}'


# files ---------------------------------------------------------------------------------------------------------------

def listing(folder: Path) -> set[str]:
    """Every file and folder under `folder`, as paths relative to it, but for the job worker's warm-up scratch
    folders: a worker warms up once, whenever it starts, and removes its folder when done."""
    if not folder.exists():
        return set()
    return {path.relative_to(folder).as_posix() for path in folder.rglob('*')
            if not path.relative_to(folder).parts[0].startswith(WARM_UP_PREFIX)}
