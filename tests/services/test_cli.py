import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from nicegui.testing import User
from sqlalchemy import inspect

from liab import db, security
from liab.config import get_secrets, get_settings
from liab.errors import BadInput
from liab.models import User as Account
from liab.services import auth
from tests.conftest import ROOT, app_env

PASSWORD = 'night-drive-42-echo'
NEW_PASSWORD = 'Another-Secret-77'


def run_cli(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    folder = data_dir or get_settings().data_dir
    return subprocess.run([sys.executable, '-m', 'liab', *args], cwd=ROOT, env=app_env(LIAB_DATA_DIR=str(folder)),
                          capture_output=True, text=True, timeout=120, check=False)


def _sign_up(email: str = 'artist@example.com') -> str:
    with db.session_scope(write=True) as session:
        return auth.sign_up(session=session, email=email, password=PASSWORD).user.id


def _plan(user_id: str) -> str:
    with db.session_scope() as session:
        account = session.get(Account, user_id)
        assert account is not None
        return account.plan


def test_set_plan_moves_an_account_to_pro_and_back(database: Path) -> None:
    user_id = _sign_up()
    upgraded = run_cli('set-plan', 'Artist@Example.com', 'pro')
    assert (upgraded.returncode, upgraded.stderr) == (0, '')
    assert upgraded.stdout == 'artist@example.com is now on the pro plan.\n'
    assert _plan(user_id) == 'pro'
    downgraded = run_cli('set-plan', 'artist@example.com', 'free')
    assert downgraded.returncode == 0
    assert downgraded.stdout == 'artist@example.com is now on the free plan.\n'
    assert _plan(user_id) == 'free'


def test_set_plan_refuses_an_unknown_email_and_an_unknown_plan(database: Path) -> None:
    user_id = _sign_up()
    unknown = run_cli('set-plan', 'nobody@example.com', 'pro')
    assert (unknown.returncode, unknown.stdout) == (1, '')
    assert unknown.stderr == 'Error: There is no account for nobody@example.com.\n'
    gold = run_cli('set-plan', 'artist@example.com', 'gold')
    assert (gold.returncode, gold.stdout) == (1, '')
    assert gold.stderr == 'Error: The plan is free or pro.\n'
    assert _plan(user_id) == 'free'


def test_reset_password_for_an_unknown_email_fails_with_one_line(database: Path) -> None:
    result = run_cli('reset-password', 'nobody@example.com')
    assert (result.returncode, result.stdout) == (1, '')
    assert result.stderr == 'Error: There is no account for nobody@example.com.\n'


def test_the_cli_migrates_a_fresh_data_dir_first(data_dir: Path) -> None:
    result = run_cli('set-plan', 'nobody@example.com', 'pro')
    assert result.returncode == 1
    assert result.stderr == 'Error: There is no account for nobody@example.com.\n'
    assert 'alembic_version' in inspect(db.get_engine()).get_table_names()


def test_a_data_dir_that_cannot_be_made_stops_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / 'blocker'
    blocker.write_text('a file, not a folder')
    result = run_cli('reset-password', 'artist@example.com', data_dir=blocker / 'data')
    assert (result.returncode, result.stdout) == (1, '')
    assert result.stderr.startswith(f'Error: the data dir {blocker / "data"} is not writable')
    assert result.stderr.count('\n') == 1
    assert 'Traceback' not in result.stderr


def test_a_missing_command_shows_usage(database: Path) -> None:
    result = run_cli()
    assert result.returncode == 2
    assert 'reset-password' in result.stderr and 'set-plan' in result.stderr


def test_the_cli_does_not_import_nicegui() -> None:
    probe = subprocess.run([sys.executable, '-c', 'import sys, liab.__main__; print("nicegui" in sys.modules)'],
                           cwd=ROOT, env=app_env(), capture_output=True, text=True, timeout=60, check=True)
    assert probe.stdout == 'False\n'


async def test_reset_password_prints_a_one_time_link_that_sets_a_new_password(user: User) -> None:
    signup = await user.http_client.post('/api/auth/signup', json={'email': 'artist@example.com',
                                                                   'password': PASSWORD})
    old_token = signup.json()['token']
    result = run_cli('reset-password', 'artist@example.com')
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    assert result.stdout.count('\n') == 1
    assert '/reset-password?token=' in link
    token = parse_qs(urlparse(link).query)['token'][0]
    claims, _ = security.decode_token(token, secret=get_secrets().jwt, purpose='reset')
    assert claims.user_id == signup.json()['user_id']

    with db.session_scope(write=True) as session:
        auth.reset_password(session=session, token=token, new_password=NEW_PASSWORD)
    with pytest.raises(BadInput, match='This reset link has been used already'), \
            db.session_scope(write=True) as session:
        auth.reset_password(session=session, token=token, new_password='Third-Secret-99')

    fresh = await user.http_client.post('/api/auth/login', json={'email': 'artist@example.com',
                                                                 'password': NEW_PASSWORD})
    assert fresh.status_code == 200
    assert fresh.json()['user_id'] == signup.json()['user_id']
    old = await user.http_client.post('/api/auth/login', json={'email': 'artist@example.com', 'password': PASSWORD})
    assert old.status_code == 400
    stale = await user.http_client.get('/api/auth/me', headers={'Authorization': f'Bearer {old_token}'})
    assert stale.status_code == 401
