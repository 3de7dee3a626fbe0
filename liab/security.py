"""Password rules and hashing (argon2id, legacy bcrypt upgraded on login) and signed tokens (JWT, HS256).

Hashing is CPU work: callers run these functions on worker threads, never on the event loop.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import jwt
from passlib.context import CryptContext

from liab.errors import BadInput, LiabError

MIN_PASSWORD, MAX_PASSWORD = 8, 128
BCRYPT_MAX_BYTES = 72
ALGORITHM = 'HS256'
REQUIRED_CLAIMS = ('exp', 'iat', 'sub', 'jti', 'ver', 'pur')
EXPIRED_MESSAGE = 'Your session has expired. Please log in again.'
INVALID_MESSAGE = 'Please log in again.'
COMMON_MESSAGE = 'That password is on a list of common passwords; choose another.'


class Unauthorized(LiabError):
    status = 401


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    token_version: int
    jti: str
    issued_at: datetime
    expires_at: datetime
    purpose: str


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInput(f'Use at least {MIN_PASSWORD} characters for your password.')
    if len(password) > MAX_PASSWORD:
        raise BadInput(f'Use at most {MAX_PASSWORD} characters for your password.')
    if password.lower() in _common_passwords():
        raise BadInput(COMMON_MESSAGE)


def hash_password(password: str, *, memory_kib: int, time_cost: int) -> str:
    return _context(memory_kib, time_cost).hash(password)


def verify_password(password: str, stored_hash: str, *, memory_kib: int, time_cost: int) -> tuple[bool, str | None]:
    if len(password) > MAX_PASSWORD or not isinstance(stored_hash, str):
        return False, None
    # NOTE: bcrypt 5 refuses secrets over 72 bytes; older bcrypt silently truncated them. Neither is a match here.
    if stored_hash.startswith(('$2a$', '$2b$', '$2y$')) and len(password.encode()) > BCRYPT_MAX_BYTES:
        return False, None
    try:
        matches, new_hash = _context(memory_kib, time_cost).verify_and_update(password, stored_hash)
    except (ValueError, TypeError):  # passlib's UnknownHashError and malformed-hash errors are ValueErrors
        return False, None
    return bool(matches), new_hash if matches else None


def spend_verify_time(password: str, *, memory_kib: int, time_cost: int) -> None:
    # Mirrors verify_password: an over-long password is rejected cheaply there, so it is here too.
    if len(password) > MAX_PASSWORD:
        return
    _context(memory_kib, time_cost).verify(password, _dummy_hash(memory_kib, time_cost))


def create_token(user_id: str, token_version: int, *, secret: str, ttl: timedelta, purpose: str = 'access',
                 extra: dict[str, str] | None = None) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {'sub': user_id, 'iat': now, 'exp': now + ttl, 'jti': uuid.uuid4().hex,
                              'ver': token_version, 'pur': purpose}
    clash = set(claims) & set(extra or {})
    if clash:
        raise ValueError(f'extra claims may not replace {sorted(clash)}')
    return jwt.encode({**(extra or {}), **claims}, secret, algorithm=ALGORITHM)


def decode_token(token: str, *, secret: str, purpose: str = 'access') -> tuple[TokenClaims, dict]:
    if not isinstance(token, str) or not token:
        raise Unauthorized(INVALID_MESSAGE)
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], options={'require': list(REQUIRED_CLAIMS)})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized(EXPIRED_MESSAGE) from exc
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise Unauthorized(INVALID_MESSAGE) from exc
    return _claims(payload, purpose), payload


def fingerprint(stored_hash: str) -> str:
    return hashlib.sha256(stored_hash.encode()).hexdigest()[:16]


def _claims(payload: dict, purpose: str) -> TokenClaims:
    version, jti, pur = payload['ver'], payload['jti'], payload['pur']
    if isinstance(version, bool) or not isinstance(version, int) or not isinstance(pur, str) or pur != purpose:
        raise Unauthorized(INVALID_MESSAGE)
    if not payload['sub'] or not jti:
        raise Unauthorized(INVALID_MESSAGE)
    try:
        issued_at = datetime.fromtimestamp(payload['iat'], UTC)
        expires_at = datetime.fromtimestamp(payload['exp'], UTC)
    except (ValueError, TypeError, OverflowError, OSError) as exc:
        raise Unauthorized(INVALID_MESSAGE) from exc
    return TokenClaims(user_id=payload['sub'], token_version=version, jti=jti, issued_at=issued_at,
                       expires_at=expires_at, purpose=pur)


@lru_cache(maxsize=8)
def _context(memory_kib: int, time_cost: int) -> CryptContext:
    return CryptContext(schemes=['argon2', 'bcrypt'], deprecated=['bcrypt'], argon2__type='ID',
                        argon2__memory_cost=memory_kib, argon2__time_cost=time_cost, argon2__parallelism=1)


@lru_cache(maxsize=8)
def _dummy_hash(memory_kib: int, time_cost: int) -> str:
    return _context(memory_kib, time_cost).hash(secrets.token_urlsafe(16))


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS['passwords'])
