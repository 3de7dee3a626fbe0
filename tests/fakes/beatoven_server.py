"""A fake Beatoven composition API on 127.0.0.1: compose, task polling, track download. Records every request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.http_fake import Answer, FakeServer, Request, json_answer


class FakeBeatoven(FakeServer):
    def __init__(self, *, track: bytes = b'', polls_before_done: int = 2, fail_compose: bool = False,
                 final_status: str = 'composed', credits: int | None = 41) -> None:
        super().__init__()
        self.track = track
        self.polls_before_done = polls_before_done
        self.fail_compose = fail_compose
        self.final_status = final_status
        self.credits = credits
        self._polls = 0

    @property
    def calls(self) -> list[tuple[str, str, str | None]]:
        """method, path, authorization of each request, in order."""
        return [(r.method, r.path, r.authorization) for r in self.requests]

    def answer(self, request: Request) -> Answer:
        method, path = request.method, request.path
        if method == 'POST' and path == '/api/v1/tracks/compose':
            if self.fail_compose:
                return json_answer(500, {'error': 'internal'})
            body: dict = {'status': 'started', 'task_id': 'task_1'}
            if self.credits is not None:
                body['credits'] = self.credits
            return json_answer(200, body)
        if method == 'GET' and path == '/api/v1/tasks/task_1':
            self._polls += 1
            if self._polls <= self.polls_before_done:
                return json_answer(200, {'status': 'composing', 'task_id': 'task_1'})
            return json_answer(200, {'status': self.final_status, 'task_id': 'task_1',
                                     'meta': {'track_url': f'{self.url}/files/track_1.mp3', 'prompt': {'text': 'x'}}})
        if method == 'GET' and path == '/files/track_1.mp3':
            return 200, 'audio/mpeg', self.track
        return json_answer(404, {'error': 'not found'})


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
