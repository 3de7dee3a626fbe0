from datetime import timedelta

import pytest
from nicegui.testing import User

from liab import security
from liab.config import get_secrets
from liab.services.auth import WRONG_CREDENTIALS

PASSWORD = 'night-drive-42-echo'


def bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


async def signup(user: User, email: str = 'artist@example.com', password: str = PASSWORD) -> dict:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': password})
    assert response.status_code == 200, response.text
    return response.json()


async def test_signup_login_me_and_logout_answer_in_the_spec_shape(user: User) -> None:
    created = await signup(user, email=' Artist@Example.COM ')
    assert set(created) == {'ok', 'token', 'user_id'}
    assert created['ok'] is True
    logged_in = await user.http_client.post('/api/auth/login', json={'email': 'artist@example.com',
                                                                     'password': PASSWORD, 'userId': 'ignored'})
    assert logged_in.status_code == 200
    assert logged_in.json()['user_id'] == created['user_id']
    assert logged_in.headers['cache-control'] == 'no-store'
    for token in (created['token'], logged_in.json()['token']):
        me = await user.http_client.get('/api/auth/me', headers=bearer(token))
        assert me.status_code == 200
        assert me.json() == {'ok': True, 'user_id': created['user_id'], 'email': 'artist@example.com', 'plan': 'free'}
    logout = await user.http_client.post('/api/auth/logout')
    assert logout.status_code == 200
    assert logout.json() == {'ok': True, 'message': 'Logged out.'}


async def test_a_second_account_with_the_same_email_is_refused(user: User) -> None:
    await signup(user)
    again = await user.http_client.post('/api/auth/signup', json={'email': 'ARTIST@example.com',
                                                                  'password': 'Another-Secret-77'})
    assert again.status_code == 400
    assert again.json() == {'ok': False, 'error': 'An account with that e-mail already exists. Log in instead.',
                            'feature': None}


@pytest.mark.parametrize(('email', 'password', 'error'), [
    ('not-an-address', PASSWORD, 'That does not look like an e-mail address.'),
    ('two@@example.com', PASSWORD, 'That does not look like an e-mail address.'),
    ('artist@example.com', 'short', 'Use at least 8 characters for your password.'),
    ('artist@example.com', 'password123', 'That password is on a list of common passwords; choose another.'),
    ('artist@example.com', 'x' * 129, 'Use at most 128 characters for your password.'),
    ('a' * 310 + '@example.com', PASSWORD, 'email: String should have at most 320 characters'),
    ('artist@example.com', 'x' * 1025, 'password: String should have at most 1024 characters'),
])
async def test_bad_signups_get_400_with_a_message(user: User, email: str, password: str, error: str) -> None:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': password})
    assert response.status_code == 400
    assert response.json()['ok'] is False
    assert response.json()['error'] == error


@pytest.mark.parametrize(('content', 'error'), [
    (b'{"email": "artist@example.com", "password": ', 'The request body is not valid JSON.'),
    (b'', 'The request body is not valid JSON.'),
    (b'\xff\xfe{}', 'The request body is not valid JSON.'),
    (b'[' * 100_000, 'The request body is not valid JSON.'),
    (b'["artist@example.com"]', 'The request body must be a JSON object.'),
    (b'{"email": "artist@example.com"}', 'password: Field required'),
    (b'{"email": 5, "password": "night-drive-42-echo"}', 'email: Input should be a valid string'),
])
async def test_bodies_that_do_not_fit_get_400_in_our_shape(user: User, content: bytes, error: str) -> None:
    for route in ('/api/auth/signup', '/api/auth/login'):
        response = await user.http_client.post(route, content=content, headers={'Content-Type': 'application/json'})
        assert response.status_code == 400, route
        assert response.json() == {'ok': False, 'error': error, 'feature': None}


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(user: User) -> None:
    await signup(user)
    wrong = await user.http_client.post('/api/auth/login', json={'email': 'artist@example.com',
                                                                 'password': 'Another-Secret-77'})
    unknown = await user.http_client.post('/api/auth/login', json={'email': 'nobody@example.com',
                                                                   'password': 'Another-Secret-77'})
    too_long = await user.http_client.post('/api/auth/login', json={'email': 'artist@example.com',
                                                                    'password': 'y' * 500})
    for response in (wrong, unknown, too_long):
        assert response.status_code == 400
        assert response.json() == {'ok': False, 'error': WRONG_CREDENTIALS, 'feature': None}
        assert 'token' not in response.text


@pytest.mark.parametrize('headers', [
    {},
    {'Authorization': 'Bearer abc'},
    {'Authorization': 'Basic x'},
    {'Authorization': 'Bearer'},
    {'Authorization': 'Bearer a b'},
    {'Authorization': ''},
    {'Authorization': 'Bearer ' + 'A' * 3000},
    {'Authorization': 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'},
])
async def test_tokens_in_the_wrong_form_get_401_in_our_shape(user: User, headers: dict[str, str]) -> None:
    response = await user.http_client.get('/api/auth/me', headers=headers)
    assert response.status_code == 401
    assert response.headers['www-authenticate'] == 'Bearer'
    body = response.json()
    assert body['ok'] is False
    assert body['error'] in {'Please log in.', 'Please log in again.'}


async def test_the_scheme_is_case_insensitive(user: User) -> None:
    created = await signup(user)
    me = await user.http_client.get('/api/auth/me', headers={'Authorization': f'bearer {created["token"]}'})
    assert me.status_code == 200


async def test_expired_tokens_and_tokens_for_other_purposes_are_refused(user: User) -> None:
    created = await signup(user)
    secret = get_secrets().jwt
    expired = security.create_token(created['user_id'], 0, secret=secret, ttl=timedelta(seconds=-5))
    response = await user.http_client.get('/api/auth/me', headers=bearer(expired))
    assert response.status_code == 401
    assert response.json()['error'] == 'Your session has expired. Please log in again.'
    reset = security.create_token(created['user_id'], 0, secret=secret, ttl=timedelta(hours=1), purpose='reset')
    assert (await user.http_client.get('/api/auth/me', headers=bearer(reset))).status_code == 401
    forged = security.create_token(created['user_id'], 0, secret='x' * 48, ttl=timedelta(hours=1))
    assert (await user.http_client.get('/api/auth/me', headers=bearer(forged))).status_code == 401
