"""Limits an artist or an abuser can reach: the storage quota, the API's request rate and log-in attempts."""

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from nicegui.testing import User

from liab.config import get_settings
from liab.services import recordings
from tests.web.conftest import only_project
from tests.web.test_account import _log_in

PASSWORD = 'night-drive-42-echo'
RATE = 44100


def _take(seconds: float) -> bytes:
    buffer = io.BytesIO()
    tone = 0.4 * np.sin(2 * np.pi * 330 * np.arange(int(RATE * seconds)) / RATE)
    soundfile.write(buffer, tone.astype(np.float32), RATE, format='WAV', subtype='PCM_16')
    return buffer.getvalue()


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    get_settings.cache_clear()


def _set(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    """A setting for the app the `user` fixture sets up next (request the fixture that calls this before `user`)."""
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()


async def _token(user: User, email: str) -> str:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()['token']


def _bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


def _stored_files() -> list[Path]:
    folder = get_settings().media_dir
    return sorted(path for path in folder.rglob('*') if path.is_file()) if folder.exists() else []


@pytest.fixture
def one_mb_quota(settings_env: pytest.MonkeyPatch) -> None:
    _set(settings_env, 'LIAB_STORAGE_QUOTA_MB', '1')


async def test_an_upload_past_the_storage_quota_is_refused_with_what_is_left_and_nothing_is_kept(
        one_mb_quota: None, user: User) -> None:
    token = await _token(user, 'nova@example.com')
    first = await user.http_client.post('/api/recordings/upload', headers=_bearer(token), timeout=60,
                                        files={'file': ('verse.wav', _take(7), 'audio/wav')})  # 0.6 MB
    assert first.status_code == 200, first.text
    before = _stored_files()

    second = await user.http_client.post('/api/recordings/upload', headers=_bearer(token), timeout=60,
                                         files={'file': ('chorus.wav', _take(7), 'audio/wav')})

    assert second.status_code == 400
    body = second.json()
    assert body['feature'] == 'storage_quota'
    assert body['error'] == ('That needs 603 kB, but only 421 kB of the 1 MB for your account is left. Delete takes, '
                             'beats, videos or projects you no longer need, then try again.')
    assert _stored_files() == before
    assert len(recordings.takes(only_project().data)) == 1


async def test_a_full_account_cannot_start_a_heavy_job_either(one_mb_quota: None, user: User) -> None:
    token = await _token(user, 'nova@example.com')
    response = await user.http_client.post('/api/beats/create', headers=_bearer(token), timeout=120,
                                           json={'genre': 'trap', 'mood': 'dark', 'bpm': 140, 'duration_sec': 15})
    assert response.status_code == 200, response.text  # about 2.5 MB of beat: over the quota now
    before = _stored_files()

    again = await user.http_client.post('/api/beats/create', headers=_bearer(token), timeout=120,
                                        json={'genre': 'trap', 'mood': 'dark', 'bpm': 140, 'duration_sec': 15})

    assert again.status_code == 400
    assert again.json()['error'].startswith('Your storage is full: ')
    assert _stored_files() == before


@pytest.fixture
def six_requests_a_minute(settings_env: pytest.MonkeyPatch) -> None:
    _set(settings_env, 'LIAB_API_RATE_PER_MIN', '6')


@pytest.fixture
def three_log_ins_a_minute(settings_env: pytest.MonkeyPatch) -> None:
    _set(settings_env, 'LIAB_LOGIN_RATE_PER_MIN', '3')


async def test_the_api_answers_429_past_the_rate_per_client_and_other_clients_carry_on(
        six_requests_a_minute: None, user: User) -> None:
    nova = await _token(user, 'nova@example.com')  # sign-ups count against the address: 2 of 6
    vee = await _token(user, 'vee@example.com')
    answers = [(await user.http_client.get('/api/auth/me', headers=_bearer(nova))).status_code for _ in range(7)]

    assert answers == [200] * 6 + [429]
    refused = await user.http_client.get('/api/auth/me', headers=_bearer(nova))
    assert refused.status_code == 429
    assert refused.json() == {'ok': False, 'error': refused.json()['error'], 'feature': 'rate_limit'}
    assert refused.json()['error'].startswith('Too many requests from here. Try again in ')
    assert 1 <= int(refused.headers['retry-after']) <= 60
    assert (await user.http_client.get('/api/auth/me', headers=_bearer(vee))).status_code == 200
    assert (await user.http_client.get('/api/health')).status_code == 200  # monitors are not counted


async def test_log_in_attempts_are_limited_per_address_on_the_api_and_the_form(
        three_log_ins_a_minute: None, user: User) -> None:
    await _token(user, 'nova@example.com')  # 1
    wrong = {'email': 'nova@example.com', 'password': 'not-the-password'}
    assert (await user.http_client.post('/api/auth/login', json=wrong)).status_code == 400  # 2
    assert (await user.http_client.post('/api/auth/login', json=wrong)).status_code == 400  # 3

    right = await user.http_client.post('/api/auth/login', json={'email': 'nova@example.com', 'password': PASSWORD})

    assert right.status_code == 429  # even the right password waits: guesses cannot be told from it
    assert right.json()['error'].startswith('Too many log-in attempts from here. Try again in ')
    await _log_in(user, 'nova@example.com', PASSWORD)
    await user.should_see('Too many log-in attempts from here. Try again in', marker='login-error')
    await user.should_not_see(marker='account-avatar')
