"""A fake OpenAI-compatible chat completions server on 127.0.0.1. Records every request.

`mode`: 'ok' answers `content` (a dict, sent as the JSON message content), 'malformed' answers content that is not
JSON, 'slow' waits `delay_s` before answering, 'error' answers HTTP 500.

It also answers image generations (`POST /v1/images/generations`) with `image` (PNG bytes; a small generated picture
when empty) as `b64_json`, in the same modes: 'malformed' sends base64 of something that is not a picture.

And audio transcriptions (`POST /v1/audio/transcriptions`, multipart) with `{"text": transcript}`, in the same modes:
'malformed' sends JSON cut off in the middle. Multipart requests are recorded with their fields under 'form' (a file
field as {'filename', 'size'}).
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.http_fake import Answer, FakeServer, Request


class FakeOpenAI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.url = f'{self.url}/v1'
        self.mode = 'ok'
        self.content: dict[str, Any] = {}
        self.delay_s = 3.0
        self.requests: list[dict[str, Any]] = []  # {'path', 'authorization', 'body'} (+ 'form' for multipart)
        self.image = b''  # what image generations answer (PNG or anything else); a generated PNG when empty
        self.transcript = ''  # what audio transcriptions answer

    def record(self, request: Request) -> None:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        record = {'path': request.path, 'authorization': request.authorization, 'body': body}
        content_type = request.headers.get('content-type') or ''
        if content_type.startswith('multipart/form-data'):
            record['form'] = _form_fields(content_type, request.body)
        self.requests.append(record)

    def answer(self, request: Request) -> Answer:
        status, body = self.answer_path(request.path) if request.method == 'POST' else (404, b'{}')
        return status, 'application/json', body

    def answer_path(self, path: str) -> tuple[int, bytes]:
        if path == '/v1/images/generations':
            return self.answer_image()
        if path == '/v1/audio/transcriptions':
            return self.answer_transcript()
        if path != '/v1/chat/completions':
            return 404, b'{"error": {"message": "not found"}}'
        if self.mode == 'error':
            return 500, b'{"error": {"message": "internal error", "type": "server_error"}}'
        if self.mode == 'slow':
            time.sleep(self.delay_s)
        content = '{"title": "Unfinished' if self.mode == 'malformed' else json.dumps(self.content)
        body = {'id': 'chatcmpl-fake', 'object': 'chat.completion', 'created': int(time.time()), 'model': 'fake',
                'choices': [{'index': 0, 'finish_reason': 'stop',
                             'message': {'role': 'assistant', 'content': content}}],
                'usage': {'prompt_tokens': 1, 'completion_tokens': 1, 'total_tokens': 2}}
        return 200, json.dumps(body).encode()

    def answer_image(self) -> tuple[int, bytes]:
        if self.mode == 'error':
            return 500, b'{"error": {"message": "internal error", "type": "server_error"}}'
        if self.mode == 'slow':
            time.sleep(self.delay_s)
        picture = b'This is not a picture at all.' if self.mode == 'malformed' else (self.image or _default_png())
        body = {'created': int(time.time()), 'data': [{'b64_json': base64.b64encode(picture).decode('ascii')}]}
        return 200, json.dumps(body).encode()


    def answer_transcript(self) -> tuple[int, bytes]:
        if self.mode == 'error':
            return 500, b'{"error": {"message": "internal error", "type": "server_error"}}'
        if self.mode == 'slow':
            time.sleep(self.delay_s)
        if self.mode == 'malformed':
            return 200, b'{"text": "Unfinished'
        return 200, json.dumps({'text': self.transcript}).encode()


def _form_fields(content_type: str, raw: bytes) -> dict[str, Any]:
    """The fields of a multipart/form-data body: text values as str, files as {'filename', 'size'}."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f'Content-Type: {content_type}\r\n\r\n'.encode() + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param('name', header='content-disposition')
        payload = part.get_payload(decode=True) or b''
        filename = part.get_filename()
        fields[name] = {'filename': filename, 'size': len(payload)} if filename else payload.decode('utf-8', 'replace')
    return fields


def _default_png() -> bytes:
    """A 256 px square, a steel-blue gradient (red 0 to 127, green 160, blue 200), easy to tell apart."""
    from PIL import Image

    picture = Image.linear_gradient('L').convert('RGB')
    picture = Image.merge('RGB', (picture.getchannel(0).point(lambda v: v // 2), Image.new('L', (256, 256), 160),
                                  Image.new('L', (256, 256), 200)))
    buffer = io.BytesIO()
    picture.save(buffer, 'PNG')
    return buffer.getvalue()


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """The fake server, with OPENAI_* pointing at it, one retry and a 1 s timeout (the slow mode waits 3 s)."""
    from liab.config import get_settings

    fake = FakeOpenAI()
    fake.start()
    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test-fake')
    monkeypatch.setenv('OPENAI_BASE_URL', fake.url)
    monkeypatch.setenv('LIAB_OPENAI_TIMEOUT_S', '1')
    monkeypatch.setenv('LIAB_OPENAI_RETRIES', '1')
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()
