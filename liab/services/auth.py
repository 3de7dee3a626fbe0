"""Accounts: sign-up, log-in with throttling, tokens, password changes and resets, account deletion."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from liab import media, security
from liab.config import Settings, get_secrets, get_settings
from liab.errors import BadInput, NotFound
from liab.models import LoginFailure, Project, User, UserPublic, utcnow
from liab.security import Unauthorized

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
RESET_TTL = timedelta(hours=1)
WRONG_CREDENTIALS = 'That e-mail and password do not match an account.'


@dataclass(frozen=True)
class AuthResult:
    user: UserPublic
    token: str


def normalize_email(raw: str) -> str:
    if not isinstance(raw, str) or len(raw) > 320:
        raise BadInput('That does not look like an e-mail address.')
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise BadInput('That does not look like an e-mail address.') from None
    return checked.normalized.lower()


def sign_up(*, session: Session, email: str, password: str) -> AuthResult:
    settings = get_settings()
    address = normalize_email(email)
    security.check_password_rules(password)
    password_hash = security.hash_password(password, **_cost(settings))  # before the transaction: no lock held
    if session.exec(select(User).where(User.email == address)).first():
        raise BadInput('An account with that e-mail already exists. Log in instead.')
    user = User(email=address, password_hash=password_hash)
    session.add(user)
    session.flush()
    return AuthResult(UserPublic.model_validate(user), issue_token(user))


def log_in(*, session: Session, email: str, password: str) -> AuthResult:
    """Same message and about the same time for an unknown e-mail as for a wrong password; throttled per e-mail."""
    settings = get_settings()
    address = _throttle_key(email)
    now = utcnow()
    wait = _throttle_wait(session, address, now)
    if wait:
        raise BadInput(f'Too many failed log-ins for this e-mail. Try again in {wait} s.')
    user = session.exec(select(User).where(User.email == address)).first()
    stored = (user.id, user.password_hash) if user else None
    # Every attempt counts as a failed guess until the hash says otherwise, recorded in the same transaction as the
    # check above: simultaneous guesses cannot all slip past the limit while the slow hash runs.
    session.add(LoginFailure(email=address, at=now))
    session.execute(delete(LoginFailure).where(col(LoginFailure.at) < now - FAILURE_WINDOW))
    session.commit()
    if len(password or '') > security.MAX_PASSWORD:
        ok, new_hash = False, None
    elif stored is None:
        security.spend_verify_time(password or '', **_cost(settings))
        ok, new_hash = False, None
    else:
        ok, new_hash = security.verify_password(password or '', stored[1], **_cost(settings))
    if not ok:
        raise BadInput(WRONG_CREDENTIALS)
    assert stored is not None
    fresh = session.get(User, stored[0])
    if fresh is None:
        raise BadInput(WRONG_CREDENTIALS)
    if new_hash and fresh.password_hash == stored[1]:
        fresh.password_hash = new_hash  # legacy bcrypt or old parameters: upgraded on this log-in
    session.execute(delete(LoginFailure).where(col(LoginFailure.email) == address))
    session.add(fresh)
    session.flush()
    return AuthResult(UserPublic.model_validate(fresh), issue_token(fresh))


def issue_token(user: User) -> str:
    settings = get_settings()
    return security.create_token(user.id, user.token_version, secret=_jwt_secret(settings),
                                 ttl=timedelta(days=settings.token_ttl_days))


def user_from_token(*, session: Session, token: str | None) -> User:
    """The user a token belongs to; Unauthorized if it is bad, expired, or older than a 'log out everywhere'."""
    if not token or not isinstance(token, str):
        raise Unauthorized('Please log in.')
    claims, _ = security.decode_token(token, secret=_jwt_secret(get_settings()))
    user = session.get(User, claims.user_id)
    if user is None or claims.token_version != user.token_version:
        raise Unauthorized('Please log in again.')
    return user


def me(*, session: Session, token: str | None) -> UserPublic:
    return UserPublic.model_validate(user_from_token(session=session, token=token))


def log_out_everywhere(*, session: Session, user_id: str) -> None:
    user = _user(session, user_id)
    user.token_version += 1
    session.add(user)


def change_password(*, session: Session, user_id: str, current: str, new: str) -> AuthResult:
    """Check the current password, set the new one, and end every other session; returns this browser's token."""
    settings = get_settings()
    security.check_password_rules(new)
    user = _user(session, user_id)
    ok, _ = security.verify_password(current or '', user.password_hash, **_cost(settings))
    if not ok:
        raise BadInput('Your current password is not right.')
    return _set_password(session, user, new)


def check_password(*, session: Session, user_id: str, password: str, wrong: str) -> None:
    """Raise BadInput(`wrong`) unless `password` is the user's: the confirmation for grave actions."""
    user = _user(session, user_id)
    ok, _ = security.verify_password(password or '', user.password_hash, **_cost(get_settings()))
    if not ok:
        raise BadInput(wrong)


def delete_account(*, session: Session, user_id: str, password: str) -> None:
    """Remove the user, every project of theirs and its media. Asks for the password as confirmation.

    Web and API go through billing.delete_account, which cancels a Pro subscription first.
    """
    check_password(session=session, user_id=user_id, password=password,
                   wrong='That password is not right, so the account was not deleted.')
    user = _user(session, user_id)
    project_ids = list(session.exec(select(Project.id).where(Project.owner_id == user_id)).all())
    session.execute(delete(Project).where(col(Project.owner_id) == user_id))
    session.execute(delete(LoginFailure).where(col(LoginFailure.email) == user.email))
    session.delete(user)
    session.flush()
    for project_id in project_ids:
        media.remove_project_dir(project_id)


def reset_link(*, session: Session, email: str) -> str:
    """A one-time link to set a new password, valid for an hour (it dies once the password changes)."""
    settings = get_settings()
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise NotFound(f'There is no account for {email}.')
    token = security.create_token(user.id, user.token_version, secret=_jwt_secret(settings), ttl=RESET_TTL,
                                  purpose='reset', extra={'fp': security.fingerprint(user.password_hash)})
    return f'{settings.public_url.rstrip("/")}/reset-password?{urlencode({"token": token})}'


def reset_password(*, session: Session, token: str, new_password: str) -> AuthResult:
    settings = get_settings()
    try:
        claims, payload = security.decode_token(token, secret=_jwt_secret(settings), purpose='reset')
    except Unauthorized:
        raise BadInput('This reset link is not valid or has expired. Ask for a new one.') from None
    security.check_password_rules(new_password)
    user = session.get(User, claims.user_id)
    if user is None or payload.get('fp') != security.fingerprint(user.password_hash):
        raise BadInput('This reset link has been used already. Ask for a new one.')
    return _set_password(session, user, new_password)


def set_plan(*, session: Session, email: str, plan: str) -> UserPublic:
    if plan not in {'free', 'pro'}:
        raise BadInput('The plan is free or pro.')
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise NotFound(f'There is no account for {email}.')
    user.plan = plan
    session.add(user)
    session.flush()
    return UserPublic.model_validate(user)


def _set_password(session: Session, user: User, password: str) -> AuthResult:
    """Store a new password and end every other session; the caller's browser gets the returned token."""
    user.password_hash = security.hash_password(password, **_cost(get_settings()))
    user.token_version += 1
    session.add(user)
    session.flush()
    return AuthResult(UserPublic.model_validate(user), issue_token(user))


def _throttle_wait(session: Session, address: str, now: datetime) -> int:
    recent = session.exec(select(LoginFailure.at).where(LoginFailure.email == address,
                                                        col(LoginFailure.at) > now - FAILURE_WINDOW)
                          .order_by(col(LoginFailure.at).desc()).limit(MAX_FAILURES)).all()
    if len(recent) < MAX_FAILURES:
        return 0
    oldest = min(_aware(at) for at in recent)
    return max(1, math.ceil((oldest + FAILURE_WINDOW - now).total_seconds()))


def count_failures(*, session: Session, email: str) -> int:
    return session.exec(select(func.count()).select_from(LoginFailure)
                        .where(LoginFailure.email == _throttle_key(email))).one()


def _throttle_key(email: str) -> str:
    try:
        return normalize_email(email)
    except BadInput:
        return (email or '').strip().lower()[:320]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)  # SQLite hands back naive times


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise Unauthorized('Please log in again.')
    return user


def _cost(settings: Settings) -> dict[str, int]:
    return {'memory_kib': settings.argon2_memory_kib, 'time_cost': settings.argon2_time_cost}


def _jwt_secret(_settings: Settings) -> str:
    return get_secrets().jwt
