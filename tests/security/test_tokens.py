import base64
import hashlib
import hmac
import json
import time

import jwt

from liab import db
from liab.config import get_secrets
from liab.services import auth
from tests.security.conftest import LiveApp, bearer, sign_up

OTHER_KEY = 'someone-elses-key-' + 'z' * 60


def test_tampered_expired_and_revoked_tokens_all_get_401_in_our_shape(server: LiveApp) -> None:
    alice, bob = sign_up(server, 'alice@example.com'), sign_up(server, 'bob@example.com')
    secret = get_secrets().jwt  # the app's own key, from the data dir it shares with this test
    claims = jwt.decode(alice.token, options={'verify_signature': False})
    header, payload, signature = alice.token.split('.')
    now = int(time.time())
    forged = {
        'alg none': _unsigned({'alg': 'none', 'typ': 'JWT'}, claims),
        'alg None': _unsigned({'alg': 'None', 'typ': 'JWT'}, claims),
        'payload changed to another user, old signature': f'{header}.{_b64(claims | {"sub": bob.user_id})}.{signature}',
        'payload given a later expiry, old signature': f'{header}.{_b64(claims | {"exp": now + 10**8})}.{signature}',
        'signature dropped': f'{header}.{payload}.',
        'signed with another key': jwt.encode(claims, OTHER_KEY, algorithm='HS256'),
        'HS512 with our key': jwt.encode(claims, secret, algorithm='HS512'),
        'HS384 with our key': jwt.encode(claims, secret, algorithm='HS384'),
        'RS256 header over an HMAC with our key': _hmac_signed({'alg': 'RS256', 'typ': 'JWT'}, claims, secret),
        'expired': jwt.encode(claims | {'iat': now - 7200, 'exp': now - 3600}, secret, algorithm='HS256'),
        'no exp': jwt.encode({k: v for k, v in claims.items() if k != 'exp'}, secret, algorithm='HS256'),
        'a reset token as an access token': jwt.encode(claims | {'pur': 'reset'}, secret, algorithm='HS256'),
        'not a token at all': 'Bearer.Bearer.Bearer',
    }
    with server.client() as client:
        assert client.get('/api/auth/me', headers=bearer(alice.token)).status_code == 200
        # The control: our own key and claims, freshly signed, are accepted, so each refusal is for its one change.
        assert client.get('/api/auth/me', headers=bearer(jwt.encode(claims, secret, algorithm='HS256'))) \
            .json()['user_id'] == alice.user_id
        for what, token in forged.items():
            _assert_refused(client.get('/api/auth/me', headers=bearer(token)), what)
        with db.session_scope(write=True) as session:  # "log out everywhere" bumps the token version
            auth.log_out_everywhere(session=session, user_id=alice.user_id)
        _assert_refused(client.get('/api/auth/me', headers=bearer(alice.token)), 'after log out everywhere')
        _assert_refused(client.get('/api/projects', headers=bearer(alice.token)), 'after log out everywhere')
        assert client.get('/api/auth/me', headers=bearer(bob.token)).status_code == 200  # only Alice's ended


def _assert_refused(response, what: str) -> None:
    assert response.status_code == 401, (what, response.text)
    body = response.json()
    assert body['ok'] is False and set(body) <= {'ok', 'error', 'feature'}, (what, body)
    assert body['error'] in ('Please log in again.', 'Your session has expired. Please log in again.'), (what, body)
    assert response.headers['www-authenticate'] == 'Bearer', what


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b'=').decode()


def _unsigned(header: dict, claims: dict) -> str:
    return f'{_b64(header)}.{_b64(claims)}.'


def _hmac_signed(header: dict, claims: dict, secret: str) -> str:
    signing_input = f'{_b64(header)}.{_b64(claims)}'
    digest = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f'{signing_input}.{base64.urlsafe_b64encode(digest).rstrip(b"=").decode()}'
