"""Beats from Beatoven's composition API when BEATOVEN_API_KEY is set; the local engine (liab.audio.synth) otherwise.

Beatoven composes asynchronously: POST /api/v1/tracks/compose gives a task id, GET /api/v1/tasks/{id} is polled
every few seconds until the task is 'composed' and names the track's URL, which is then downloaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from liab.errors import ProviderUnavailable

DEFAULT_BASE_URL = 'https://public-api.beatoven.ai'
POLL_EVERY_S = 3.0
POLL_FOR_S = 180.0
MAX_TRACK_BYTES = 100 * 1024 * 1024
_last_credits: dict[str, int] = {}  # NOTE: per process; what the service last reported, for GET /api/beats/credits


@dataclass(frozen=True)
class Composed:
    path: Path
    credits: int | None


def compose(*, api_key: str, base_url: str | None, prompt: str, dest: Path,
            progress: Callable[[float, str], None], poll_every_s: float = POLL_EVERY_S,
            poll_for_s: float = POLL_FOR_S) -> Composed:
    """Compose a track at Beatoven and download it to `dest`; ProviderUnavailable on any failure."""
    base = (base_url or DEFAULT_BASE_URL).rstrip('/')
    try:
        with httpx.Client(base_url=base, headers={'Authorization': f'Bearer {api_key}'}, timeout=20) as client:
            progress(0.05, 'Asking Beatoven for a track')
            started = _json(client.post('/api/v1/tracks/compose',
                                        json={'prompt': {'text': prompt}, 'format': 'mp3', 'looping': False}))
            task_id = started.get('task_id')
            if not isinstance(task_id, str) or not task_id:
                raise ProviderUnavailable('Beatoven did not start a composition.')
            _note_credits(base, started)
            deadline = time.monotonic() + poll_for_s
            while True:
                task = _json(client.get(f'/api/v1/tasks/{task_id}'))
                _note_credits(base, task)
                status = task.get('status')
                if status == 'composed':
                    url = (task.get('meta') or {}).get('track_url')
                    break
                if status not in {'started', 'composing', 'running'}:
                    raise ProviderUnavailable(f'Beatoven stopped the composition ({status}).')
                if time.monotonic() > deadline:
                    raise ProviderUnavailable(f'Beatoven did not finish within {poll_for_s:.0f} s.')
                waited = 1 - (deadline - time.monotonic()) / poll_for_s
                progress(0.1 + 0.6 * waited, f'Beatoven is composing ({status})')
                time.sleep(poll_every_s)
            progress(0.75, 'Downloading the track')
            same_host = isinstance(url, str) and urlsplit(url).netloc == urlsplit(base).netloc
            _download(url, dest, {'Authorization': f'Bearer {api_key}'} if same_host else {})
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f'Beatoven could not be reached ({type(exc).__name__}).') from exc
    return Composed(dest, _last_credits.get(base))


def last_credits(base_url: str | None) -> int | None:
    return _last_credits.get((base_url or DEFAULT_BASE_URL).rstrip('/'))


def remember_credits(base_url: str | None, credits: int | None) -> None:
    """Jobs run in worker processes: the web process keeps what a job reported."""
    if credits is not None:
        _last_credits[(base_url or DEFAULT_BASE_URL).rstrip('/')] = credits


def _download(url: Any, dest: Path, headers: dict[str, str]) -> None:
    """Stream the track to `dest`; the key goes only to Beatoven's own host, never to a storage URL."""
    if not isinstance(url, str) or urlsplit(url).scheme not in {'https', 'http'}:
        raise ProviderUnavailable('Beatoven did not give a track to download.')
    received = 0
    with httpx.stream('GET', url, headers=headers, follow_redirects=True, timeout=60) as response:
        if response.status_code != 200:
            raise ProviderUnavailable(f"Beatoven's track download failed (HTTP {response.status_code}).")
        with dest.open('wb') as handle:
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > MAX_TRACK_BYTES:
                    raise ProviderUnavailable("Beatoven's track is larger than we accept.")
                handle.write(chunk)


def _json(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise ProviderUnavailable(f'Beatoven answered HTTP {response.status_code}.')
    try:
        body = response.json()
    except ValueError:
        raise ProviderUnavailable('Beatoven answered with something that is not JSON.') from None
    if not isinstance(body, dict):
        raise ProviderUnavailable('Beatoven answered with something unexpected.')
    return body


def _note_credits(base: str, body: dict[str, Any]) -> None:
    for key in ('credits', 'credits_left', 'remaining_credits'):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            _last_credits[base] = value
