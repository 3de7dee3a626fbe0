import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bcrypt
import pytest
from sqlalchemy import update
from sqlmodel import col, func, select

from liab import db, media, security
from liab.config import get_secrets, get_settings
from liab.errors import BadInput, NotFound
from liab.models import LoginFailure, Project, User, utcnow
from liab.security import Unauthorized
from liab.services import auth, library

PASSWORD = 'plum-violet-orbit-42'
OTHER_PASSWORD = 'copper-lantern-tide-77'


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def _sign_up(email: str = 'nova@example.com', password: str = PASSWORD) -> auth.AuthResult:
    return _call(auth.sign_up, email=email, password=password)


def _stored_hash(email: str) -> str:
    with db.session_scope() as session:
        return session.exec(select(User.password_hash).where(User.email == email)).one()


def _user_count() -> int:
    with db.session_scope() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def _timed_log_in(email: str, password: str) -> float:
    start = time.perf_counter()
    with pytest.raises(BadInput):
        _call(auth.log_in, email=email, password=password)
    return time.perf_counter() - start


# sign-up

def test_sign_up_normalizes_the_email_hashes_with_argon2id_and_returns_a_working_token(database: Path) -> None:
    result = _sign_up(' Nova@Example.COM ')
    assert result.user.email == 'nova@example.com'
    assert result.user.plan == 'free'
    assert _stored_hash('nova@example.com').startswith('$argon2id$')
    assert PASSWORD not in _stored_hash('nova@example.com')
    assert _call(auth.me, token=result.token).id == result.user.id


@pytest.mark.parametrize('email', ['nova@example.com', 'NOVA@example.com', '  Nova@EXAMPLE.com'])
def test_sign_up_refuses_an_email_that_has_an_account_in_any_case(database: Path, email: str) -> None:
    _sign_up('nova@example.com')
    with pytest.raises(BadInput, match='already exists'):
        _sign_up(email, OTHER_PASSWORD)
    assert _user_count() == 1
    assert _call(auth.log_in, email='nova@example.com', password=PASSWORD).user.email == 'nova@example.com'


@pytest.mark.parametrize('email', ['nope', 'a@', '<img src=x onerror=alert(1)>@x.com', 'x' * 400 + '@example.com'])
def test_sign_up_refuses_malformed_emails_and_stores_nothing(database: Path, email: str) -> None:
    with pytest.raises(BadInput, match='does not look like an e-mail address'):
        _sign_up(email)
    assert _user_count() == 0


@pytest.mark.parametrize(('password', 'message'), [
    ('short', 'at least 8'),
    ('p' * 129, 'at most 128'),
    ('password1', 'common passwords'),
    ('Sunshine', 'common passwords'),
])
def test_sign_up_refuses_weak_passwords_and_stores_nothing(database: Path, password: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        _sign_up(password=password)
    assert _user_count() == 0


# log-in

def test_log_in_with_the_right_password_in_any_case_of_the_email(database: Path) -> None:
    user = _sign_up().user
    result = _call(auth.log_in, email='  NOVA@example.com', password=PASSWORD)
    assert result.user.id == user.id
    assert _call(auth.me, token=result.token).email == 'nova@example.com'


def test_wrong_password_and_unknown_email_get_the_identical_message(database: Path) -> None:
    _sign_up()
    with pytest.raises(BadInput) as wrong_password:
        _call(auth.log_in, email='nova@example.com', password=OTHER_PASSWORD)
    with pytest.raises(BadInput) as unknown_email:
        _call(auth.log_in, email='nobody@example.com', password=PASSWORD)
    assert wrong_password.value.message == unknown_email.value.message == auth.WRONG_CREDENTIALS


def test_unknown_email_takes_about_as_long_as_a_wrong_password_at_production_cost(
        database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_ARGON2_MEMORY_KIB', '19456')
    monkeypatch.setenv('LIAB_ARGON2_TIME_COST', '2')
    get_settings.cache_clear()
    _sign_up()
    assert '$m=19456,t=2,' in _stored_hash('nova@example.com')
    # 5 tries each: the throttle would answer a sixth at once
    wrong_password = statistics.median(_timed_log_in('nova@example.com', OTHER_PASSWORD) for _ in range(5))
    unknown_email = statistics.median(_timed_log_in('nobody@example.com', OTHER_PASSWORD) for _ in range(5))
    assert wrong_password / 3 < unknown_email < wrong_password * 3, (wrong_password, unknown_email)


def test_a_legacy_bcrypt_hash_logs_in_and_is_upgraded_to_argon2id(database: Path) -> None:
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    assert legacy.startswith('$2b$04$')
    with db.session_scope(write=True) as session:
        session.add(User(email='old@example.com', password_hash=legacy))
    assert _call(auth.log_in, email='old@example.com', password=PASSWORD).user.email == 'old@example.com'
    assert _stored_hash('old@example.com').startswith('$argon2id$')
    assert _call(auth.log_in, email='old@example.com', password=PASSWORD).user.email == 'old@example.com'
    with pytest.raises(BadInput, match='do not match'):
        _call(auth.log_in, email='old@example.com', password=OTHER_PASSWORD)


def test_five_wrong_passwords_lock_that_email_for_a_while_but_not_other_accounts(database: Path) -> None:
    _sign_up('nova@example.com')
    _sign_up('echo@example.com', OTHER_PASSWORD)
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(BadInput, match='do not match'):
            _call(auth.log_in, email='nova@example.com', password='wrong-guess-123')
    assert _call(auth.count_failures, email='nova@example.com') == auth.MAX_FAILURES
    for spelling in ('nova@example.com', ' NOVA@Example.com '):
        with pytest.raises(BadInput, match=r'Try again in \d+ s'):
            _call(auth.log_in, email=spelling, password=PASSWORD)
    assert _call(auth.log_in, email='echo@example.com', password=OTHER_PASSWORD).user.email == 'echo@example.com'

    with db.session_scope(write=True) as session:
        session.execute(update(LoginFailure).where(col(LoginFailure.email) == 'nova@example.com')
                        .values(at=utcnow() - timedelta(minutes=16)))
    assert _call(auth.log_in, email='nova@example.com', password=PASSWORD).user.email == 'nova@example.com'
    assert _call(auth.count_failures, email='nova@example.com') == 0


def test_the_wait_shown_is_the_rest_of_the_window(database: Path) -> None:
    _sign_up()
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(BadInput):
            _call(auth.log_in, email='nova@example.com', password='wrong-guess-123')
    with pytest.raises(BadInput, match=r'Try again in \d+ s') as throttled:
        _call(auth.log_in, email='nova@example.com', password=PASSWORD)
    wait = int(throttled.value.message.rsplit('in ', 1)[1].split(' ')[0])
    assert auth.FAILURE_WINDOW.total_seconds() - 60 < wait <= auth.FAILURE_WINDOW.total_seconds()


def test_simultaneous_wrong_passwords_get_no_more_than_the_allowed_guesses(
        database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_ARGON2_MEMORY_KIB', '19456')
    monkeypatch.setenv('LIAB_ARGON2_TIME_COST', '2')
    get_settings.cache_clear()
    _sign_up()
    guesses = 12
    start = threading.Barrier(guesses)
    answers: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            _call(auth.log_in, email='nova@example.com', password=f'wrong-guess-{n}')
        except BadInput as exc:
            answers.append(exc.message)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == guesses
    assert _call(auth.count_failures, email='nova@example.com') <= auth.MAX_FAILURES
    assert answers.count(auth.WRONG_CREDENTIALS) <= auth.MAX_FAILURES


# tokens and passwords

def test_log_out_everywhere_ends_earlier_tokens(database: Path) -> None:
    first = _sign_up()
    _call(auth.log_out_everywhere, user_id=first.user.id)
    with pytest.raises(Unauthorized):
        _call(auth.user_from_token, token=first.token)
    fresh = _call(auth.log_in, email='nova@example.com', password=PASSWORD)
    assert _call(auth.user_from_token, token=fresh.token).id == first.user.id


@pytest.mark.parametrize('token', [None, '', 'not-a-token'])
def test_missing_or_garbage_tokens_are_unauthorized(database: Path, token: str | None) -> None:
    with pytest.raises(Unauthorized):
        _call(auth.me, token=token)


def test_change_password_refuses_a_wrong_current_password_and_changes_nothing(database: Path) -> None:
    first = _sign_up()
    with pytest.raises(BadInput, match='current password is not right'):
        _call(auth.change_password, user_id=first.user.id, current=OTHER_PASSWORD, new='brand-new-secret-9')
    assert _call(auth.me, token=first.token).id == first.user.id
    assert _call(auth.log_in, email='nova@example.com', password=PASSWORD).user.id == first.user.id


def test_change_password_gives_a_new_token_and_ends_the_old_one(database: Path) -> None:
    first = _sign_up()
    changed = _call(auth.change_password, user_id=first.user.id, current=PASSWORD, new=OTHER_PASSWORD)
    assert _call(auth.me, token=changed.token).id == first.user.id
    with pytest.raises(Unauthorized):
        _call(auth.me, token=first.token)
    assert _call(auth.log_in, email='nova@example.com', password=OTHER_PASSWORD).user.id == first.user.id
    with pytest.raises(BadInput, match='do not match'):
        _call(auth.log_in, email='nova@example.com', password=PASSWORD)


def test_change_password_applies_the_password_rules(database: Path) -> None:
    first = _sign_up()
    with pytest.raises(BadInput, match='common passwords'):
        _call(auth.change_password, user_id=first.user.id, current=PASSWORD, new='iloveyou')
    assert _call(auth.me, token=first.token).id == first.user.id


# account deletion

def test_delete_account_with_a_wrong_password_deletes_nothing(database: Path) -> None:
    user = _sign_up().user
    project_id = _project_with_media(user.id)
    with pytest.raises(BadInput, match='not deleted'):
        _call(auth.delete_account, user_id=user.id, password=OTHER_PASSWORD)
    assert _user_count() == 1
    assert _project_ids() == {project_id}
    assert (media.project_dir(project_id) / 'a.wav').read_bytes() == b'x'


def test_delete_account_removes_the_user_their_projects_and_media_but_not_others(database: Path) -> None:
    nova = _sign_up().user
    echo = _sign_up('echo@example.com', OTHER_PASSWORD).user
    doomed = [_project_with_media(nova.id), _project_with_media(nova.id)]
    kept = _project_with_media(echo.id)
    _call(auth.delete_account, user_id=nova.id, password=PASSWORD)
    with db.session_scope() as session:
        assert session.get(User, nova.id) is None
        assert session.get(User, echo.id) is not None
    assert _project_ids() == {kept}
    for project_id in doomed:
        assert not media.project_dir(project_id).exists()
    assert (media.project_dir(kept) / 'a.wav').read_bytes() == b'x'
    with pytest.raises(BadInput, match='do not match'):
        _call(auth.log_in, email='nova@example.com', password=PASSWORD)


def _project_with_media(user_id: str) -> str:
    project_id = _call(library.new_project, user_id=user_id).id
    media.write_bytes(media.project_dir(project_id, create=True) / 'a.wav', b'x')
    return project_id


def _project_ids() -> set[str]:
    with db.session_scope() as session:
        return set(session.exec(select(Project.id)).all())


# password reset

def test_a_reset_link_sets_a_new_password_once(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_PUBLIC_URL', 'https://label.example/')
    get_settings.cache_clear()
    first = _sign_up()
    link = _call(auth.reset_link, email=' NOVA@example.com')
    assert link.startswith('https://label.example/reset-password?token=')
    token = parse_qs(urlsplit(link).query)['token'][0]

    reset = _call(auth.reset_password, token=token, new_password=OTHER_PASSWORD)
    assert reset.user.id == first.user.id
    assert _call(auth.me, token=reset.token).id == first.user.id
    with pytest.raises(Unauthorized):
        _call(auth.me, token=first.token)
    assert _call(auth.log_in, email='nova@example.com', password=OTHER_PASSWORD).user.id == first.user.id

    with pytest.raises(BadInput, match='used already'):
        _call(auth.reset_password, token=token, new_password='third-secret-phrase-5')
    assert _call(auth.log_in, email='nova@example.com', password=OTHER_PASSWORD).user.id == first.user.id


def test_reset_with_a_garbage_or_expired_token_is_refused(database: Path) -> None:
    user = _sign_up().user
    expired = security.create_token(user.id, 0, secret=get_secrets().jwt, ttl=timedelta(seconds=-1),
                                    purpose='reset', extra={'fp': security.fingerprint(_stored_hash(user.email))})
    for token in ('garbage', expired):
        with pytest.raises(BadInput, match='not valid or has expired'):
            _call(auth.reset_password, token=token, new_password=OTHER_PASSWORD)
    assert _call(auth.log_in, email='nova@example.com', password=PASSWORD).user.id == user.id


def test_a_log_in_token_is_no_reset_link_and_a_reset_link_is_no_log_in(database: Path) -> None:
    first = _sign_up()
    with pytest.raises(BadInput, match='not valid or has expired'):
        _call(auth.reset_password, token=first.token, new_password=OTHER_PASSWORD)
    link = _call(auth.reset_link, email='nova@example.com')
    with pytest.raises(Unauthorized):
        _call(auth.me, token=parse_qs(urlsplit(link).query)['token'][0])


def test_a_reset_link_for_an_unknown_email_is_not_found(database: Path) -> None:
    with pytest.raises(NotFound):
        _call(auth.reset_link, email='nobody@example.com')


# plans

def test_set_plan_switches_between_pro_and_free(database: Path) -> None:
    _sign_up()
    assert _call(auth.set_plan, email='Nova@example.com', plan='pro').plan == 'pro'
    assert _call(auth.log_in, email='nova@example.com', password=PASSWORD).user.plan == 'pro'
    assert _call(auth.set_plan, email='nova@example.com', plan='free').plan == 'free'


def test_set_plan_refuses_an_unknown_plan_or_account(database: Path) -> None:
    _sign_up()
    with pytest.raises(BadInput, match='free or pro'):
        _call(auth.set_plan, email='nova@example.com', plan='gold')
    with pytest.raises(NotFound):
        _call(auth.set_plan, email='nobody@example.com', plan='pro')
    assert _call(auth.log_in, email='nova@example.com', password=PASSWORD).user.plan == 'free'
