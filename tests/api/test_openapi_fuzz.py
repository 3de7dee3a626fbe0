"""Schemathesis against our own OpenAPI schema: no 5xx and no answer that breaks the schema, on every operation.

The app runs as `python app.py` in a subprocess (`live_app`) with billing pointed at the local fake Stripe, and a
signed-up user's token goes with every call. The run is bounded: a dozen generated cases per operation (valid and
invalid ones) and a time budget.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from tests.fakes.stripe_server import FakeStripe

pytest_plugins = ['tests.fakes.stripe_server']

MAX_EXAMPLES = 12
TIME_BUDGET_S = 100
CHECKS = 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance'


def _token(base_url: str) -> str:
    made = httpx.post(f'{base_url}/api/auth/signup', timeout=30,
                      json={'email': 'fuzz@example.com', 'password': 'fuzzing-the-whole-api-42'})
    assert made.status_code == 200, made.text
    return made.json()['token']


def test_the_schema_is_served_with_the_docs(live_app: str) -> None:
    served = httpx.get(f'{live_app}/openapi.json', timeout=10).json()
    assert served['info']['title'] == 'Label-in-a-Box API'
    assert served['components']['securitySchemes']['bearer']['scheme'] == 'bearer'
    body = served['paths']['/api/content/schedule']['post']['requestBody']['content']['application/json']
    assert body['schema']['$ref'] == '#/components/schemas/ScheduleRequest'
    assert served['paths']['/api/auth/me']['get']['security'] == [{'bearer': []}]
    assert 'security' not in served['paths']['/api/auth/login']['post']
    assert not [path for path in served['paths'] if not path.startswith('/api/')]  # no pages, files or internals
    docs = httpx.get(f'{live_app}/api/docs', timeout=10)
    assert docs.status_code == 200 and 'swagger' in docs.text.lower()


def test_no_operation_fails_or_breaks_its_schema(fake_stripe: FakeStripe, live_app: str, tmp_path: Path) -> None:
    st = shutil.which('st', path=str(Path(sys.executable).parent)) or 'st'
    command = [st, 'run', f'{live_app}/openapi.json', '--checks', CHECKS, '--max-examples', str(MAX_EXAMPLES),
               '--phases', 'examples,fuzzing', '--seed', '7', '--workers', '1', '--max-time', str(TIME_BUDGET_S),
               '--request-timeout', '120',
               '--no-shrink', '--header', f'Authorization: Bearer {_token(live_app)}']
    finished = subprocess.run(command, capture_output=True, text=True, timeout=TIME_BUDGET_S + 120, cwd=tmp_path,
                              check=False)
    report = finished.stdout + finished.stderr
    assert finished.returncode == 0, report[-6000:]
    operations = sum(len(path) for path in httpx.get(f'{live_app}/openapi.json', timeout=10).json()['paths'].values())
    tested = re.search(r'Tested: (\d+)', report)
    assert tested and int(tested.group(1)) == operations, report[-3000:]  # every operation was reached
