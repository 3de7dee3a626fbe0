import base64
import json
import re
import time
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
import pytest

from liab.config import Settings
from liab.errors import BadInput, LiabError
from liab.security import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    TokenClaims,
    Unauthorized,
    check_password_rules,
    create_token,
    decode_token,
    fingerprint,
    hash_password,
    spend_verify_time,
    verify_password,
)

COST = {'memory_kib': 8, 'time_cost': 1}
SECRET = 'test-secret-' + 'k' * 60  # 64 bytes or more, so pyjwt does not warn when a test signs with HS512
OTHER_SECRET = 'other-secret-' + 'q' * 60
INVALID = '^' + re.escape('Please log in again.') + '$'
ARGON2_PREFIX = re.compile(r'^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$')


def _bcrypt_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def _params(stored_hash: str) -> tuple[int, int, int]:
    match = ARGON2_PREFIX.match(stored_hash)
    assert match, stored_hash
    memory, time_cost, lanes = match.groups()
    return int(memory), int(time_cost), int(lanes)


def _payload(**overrides: object) -> dict:
    now = int(time.time())
    payload = {'sub': 'user-1', 'iat': now, 'exp': now + 600, 'jti': 'abc123', 'ver': 1, 'pur': 'access'}
    payload.update(overrides)
    return {name: value for name, value in payload.items() if value is not None}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b'=').decode()


# passwords: hashing and verifying

def test_new_hashes_are_argon2id_with_the_given_parameters_and_verify() -> None:
    stored = hash_password('correct horse battery', **COST)
    assert _params(stored) == (8, 1, 1)
    assert verify_password('correct horse battery', stored, **COST) == (True, None)


def test_each_hash_is_salted_differently() -> None:
    assert hash_password('correct horse battery', **COST) != hash_password('correct horse battery', **COST)


def test_wrong_password_does_not_verify() -> None:
    stored = hash_password('correct horse battery', **COST)
    assert verify_password('correct horse batterz', stored, **COST) == (False, None)
    assert verify_password('', stored, **COST) == (False, None)


def test_default_settings_hash_with_owasp_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv('LIAB_ARGON2_MEMORY_KIB', raising=False)
    monkeypatch.delenv('LIAB_ARGON2_TIME_COST', raising=False)
    settings = Settings(_env_file=None)
    stored = hash_password('correct horse battery', memory_kib=settings.argon2_memory_kib,
                           time_cost=settings.argon2_time_cost)
    assert _params(stored) == (19456, 2, 1)


def test_legacy_bcrypt_hash_verifies_and_is_upgraded_to_argon2id() -> None:
    legacy = _bcrypt_hash('old system password')
    assert legacy.startswith('$2b$04$')
    matches, new_hash = verify_password('old system password', legacy, **COST)
    assert matches
    assert new_hash is not None
    assert _params(new_hash) == (8, 1, 1)
    assert verify_password('old system password', new_hash, **COST) == (True, None)


def test_wrong_password_against_legacy_bcrypt_hash_fails_without_upgrade() -> None:
    legacy = _bcrypt_hash('old system password')
    assert verify_password('old system passwore', legacy, **COST) == (False, None)


def test_argon2_hash_with_other_parameters_is_upgraded_on_match() -> None:
    stronger = {'memory_kib': 16, 'time_cost': 2}
    old = hash_password('correct horse battery', **COST)
    matches, new_hash = verify_password('correct horse battery', old, **stronger)
    assert matches
    assert new_hash is not None
    assert _params(new_hash) == (16, 2, 1)
    assert verify_password('correct horse batterz', old, **stronger) == (False, None)


def test_long_password_is_hashed_in_full_without_truncation_at_72_bytes() -> None:
    password = 'a' * 100
    stored = hash_password(password, **COST)
    assert verify_password(password, stored, **COST) == (True, None)
    assert verify_password('a' * 89 + 'b' + 'a' * 10, stored, **COST) == (False, None)
    assert verify_password('a' * 72, stored, **COST) == (False, None)


def test_long_password_against_bcrypt_hash_is_refused_not_crashed_or_truncated() -> None:
    legacy = _bcrypt_hash('a' * 72)
    assert verify_password('a' * 100, legacy, **COST) == (False, None)
    assert verify_password('é' * 40, _bcrypt_hash('é' * 36), **COST) == (False, None)  # 80 bytes, 40 characters


def test_password_over_the_maximum_is_rejected_without_verifying() -> None:
    password = 'p' * (MAX_PASSWORD + 1)
    stored = hash_password(password, **COST)
    assert verify_password(password, stored, **COST) == (False, None)


@pytest.mark.parametrize('stored', ['', 'plain', '$argon2id$garbage', '$argon2id$v=19$m=8,t=1,p=1$zz$zz',
                                    '$2b$04$short', '$1$md5crypt$hash', '*'])
def test_malformed_or_unknown_stored_hash_never_verifies_and_never_raises(stored: str) -> None:
    assert verify_password('correct horse battery', stored, **COST) == (False, None)


def test_spend_verify_time_runs_for_any_password_without_raising() -> None:
    spend_verify_time('correct horse battery', **COST)
    spend_verify_time('', **COST)
    spend_verify_time('x' * 500, **COST)


# passwords: rules

def test_password_length_limits_are_8_and_128_characters() -> None:
    assert (MIN_PASSWORD, MAX_PASSWORD) == (8, 128)
    with pytest.raises(BadInput, match='at least 8'):
        check_password_rules('xk3$Rq9')
    check_password_rules('xk3$Rq9w')
    check_password_rules('xk3$Rq9w' * 16)
    with pytest.raises(BadInput, match='at most 128'):
        check_password_rules('xk3$Rq9w' * 16 + 'z')


def test_length_is_counted_in_characters_not_bytes() -> None:
    check_password_rules('ñandú€☃密码')  # 8 characters, 20 bytes
    with pytest.raises(BadInput, match='at least 8'):
        check_password_rules('密码密码密码密')  # 7 characters, 21 bytes
    check_password_rules('☃' * 128)  # 384 bytes
    with pytest.raises(BadInput, match='at most 128'):
        check_password_rules('☃' * 129)


@pytest.mark.parametrize('password', ['password123', 'Password123', 'PASSWORD123', 'qwertyuiop', '12345678'])
def test_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    with pytest.raises(BadInput) as caught:
        check_password_rules(password)
    assert caught.value.message == 'That password is on a list of common passwords; choose another.'
    assert caught.value.status == 400


def test_long_random_passphrase_is_accepted() -> None:
    check_password_rules('velvet-turbine-marmalade-orbit-42')


# tokens

def test_token_round_trips_its_claims() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    token = create_token('user-1', 3, secret=SECRET, ttl=timedelta(days=7))
    claims, payload = decode_token(token, secret=SECRET)
    assert isinstance(claims, TokenClaims)
    assert (claims.user_id, claims.token_version, claims.purpose) == ('user-1', 3, 'access')
    assert re.fullmatch(r'[0-9a-f]{32}', claims.jti)
    assert before <= claims.issued_at <= datetime.now(UTC)
    assert claims.expires_at - claims.issued_at == timedelta(days=7)
    assert claims.issued_at.tzinfo is not None
    assert payload['sub'] == 'user-1'
    assert jwt.get_unverified_header(token)['alg'] == 'HS256'


def test_each_token_has_its_own_jti() -> None:
    first = decode_token(create_token('user-1', 1, secret=SECRET, ttl=timedelta(hours=1)), secret=SECRET)[0]
    second = decode_token(create_token('user-1', 1, secret=SECRET, ttl=timedelta(hours=1)), secret=SECRET)[0]
    assert first.jti != second.jti


def test_reset_token_carries_purpose_and_extra_claims() -> None:
    stored = hash_password('correct horse battery', **COST)
    token = create_token('user-1', 2, secret=SECRET, ttl=timedelta(hours=1), purpose='reset',
                         extra={'pwd': fingerprint(stored)})
    claims, payload = decode_token(token, secret=SECRET, purpose='reset')
    assert claims.purpose == 'reset'
    assert payload['pwd'] == fingerprint(stored)


def test_extra_claims_cannot_replace_standard_ones() -> None:
    with pytest.raises(ValueError, match='sub'):
        create_token('user-1', 1, secret=SECRET, ttl=timedelta(hours=1), extra={'sub': 'admin'})


def test_token_with_the_wrong_purpose_is_refused_both_ways() -> None:
    access = create_token('user-1', 1, secret=SECRET, ttl=timedelta(hours=1))
    reset = create_token('user-1', 1, secret=SECRET, ttl=timedelta(hours=1), purpose='reset')
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(access, secret=SECRET, purpose='reset')
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(reset, secret=SECRET)


def test_expired_token_says_the_session_expired() -> None:
    token = create_token('user-1', 1, secret=SECRET, ttl=timedelta(seconds=-5))
    with pytest.raises(Unauthorized) as caught:
        decode_token(token, secret=SECRET)
    assert caught.value.message == 'Your session has expired. Please log in again.'
    assert caught.value.status == 401
    assert isinstance(caught.value, LiabError)


def test_token_signed_with_another_key_is_refused() -> None:
    token = create_token('user-1', 1, secret=OTHER_SECRET, ttl=timedelta(hours=1))
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(token, secret=SECRET)


def test_unsigned_alg_none_token_is_refused() -> None:
    made_by_pyjwt = jwt.encode(_payload(), None, algorithm='none')
    by_hand = f'{_b64({"alg": "none", "typ": "JWT"})}.{_b64(_payload())}.'
    for token in (made_by_pyjwt, by_hand):
        with pytest.raises(Unauthorized, match=INVALID):
            decode_token(token, secret=SECRET)


def test_token_with_another_algorithm_and_the_same_key_is_refused() -> None:
    token = jwt.encode(_payload(), SECRET, algorithm='HS512')
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(token, secret=SECRET)


def test_token_claiming_rs256_is_refused() -> None:
    header_and_body = f'{_b64({"alg": "RS256", "typ": "JWT"})}.{_b64(_payload())}'
    token = f'{header_and_body}.{base64.urlsafe_b64encode(b"x" * 256).rstrip(b"=").decode()}'
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(token, secret=SECRET)


@pytest.mark.parametrize('missing', ['exp', 'iat', 'sub', 'jti', 'ver', 'pur'])
def test_token_missing_a_required_claim_is_refused(missing: str) -> None:
    payload = _payload()
    del payload[missing]
    token = jwt.encode(payload, SECRET, algorithm='HS256')
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(token, secret=SECRET)


@pytest.mark.parametrize('overrides', [{'ver': '1'}, {'ver': True}, {'ver': 1.5}, {'sub': 42}, {'jti': 7},
                                       {'pur': ['access']}, {'exp': 'tomorrow'}, {'iat': 'now'}, {'sub': ''},
                                       {'iat': int(time.time()) + 3600}])
def test_token_with_claims_of_the_wrong_type_or_value_is_refused(overrides: dict) -> None:
    token = jwt.encode(_payload(**overrides), SECRET, algorithm='HS256')
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(token, secret=SECRET)


def test_hand_made_token_with_every_claim_is_accepted() -> None:
    claims, _ = decode_token(jwt.encode(_payload(), SECRET, algorithm='HS256'), secret=SECRET)
    assert (claims.user_id, claims.token_version, claims.jti) == ('user-1', 1, 'abc123')


@pytest.mark.parametrize('token', ['', 'abc', 'a.b.c', 'x' * 5000, 'None', 'null', '...', 'Bearer abc',
                                   f'{_b64({"alg": "HS256"})}.{_b64({})}', f'{_b64(["HS256"])}.e30.sig'])
def test_garbage_tokens_are_refused(token: str) -> None:
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(token, secret=SECRET)


def test_tampered_payload_is_refused() -> None:
    header, _, signature = create_token('user-1', 1, secret=SECRET, ttl=timedelta(hours=1)).split('.')
    forged = f'{header}.{_b64(_payload(sub="admin"))}.{signature}'
    with pytest.raises(Unauthorized, match=INVALID):
        decode_token(forged, secret=SECRET)


def test_fingerprint_is_short_stable_and_changes_with_the_hash() -> None:
    first = hash_password('correct horse battery', **COST)
    second = hash_password('correct horse battery', **COST)
    assert re.fullmatch(r'[0-9a-f]{16}', fingerprint(first))
    assert fingerprint(first) == fingerprint(first)
    assert fingerprint(first) != fingerprint(second)
    assert fingerprint(first) not in first
