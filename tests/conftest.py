import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from liab import db
from liab.config import get_secrets, get_settings, prepare_data_dir

SMTP_SENDER = 'Label-in-a-Box <hello@label.example>'

ROOT = Path(__file__).resolve().parents[1]
_OUTSIDE = ('DATABASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'BEATOVEN_API_KEY', 'STRIPE_SECRET',
            'STRIPE_WEBHOOK_SECRET', 'PRICE_PRO_MONTHLY', 'GETLATE_API_KEY', 'IMAGEIO_FFMPEG_EXE')
# A PostgreSQL database the tests may empty at will, e.g. postgresql+psycopg://liab:liab@127.0.0.1/liab_test (see
# .ci/run). Read once here, because the autouse fixture below removes every LIAB_ variable before each test.
TEST_DATABASE_URL = os.environ.get('LIAB_TEST_DATABASE_URL', '')


def pytest_runtest_setup(item: pytest.Item) -> None:
    if TEST_DATABASE_URL and item.get_closest_marker('sqlite_only'):
        pytest.skip('about SQLite itself; this run uses LIAB_TEST_DATABASE_URL (PostgreSQL)')


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir and a clean environment; nothing leaks between tests."""
    for name in list(os.environ):
        if name.startswith('LIAB_') or name in _OUTSIDE:
            monkeypatch.delenv(name)
    folder = tmp_path / 'data'
    monkeypatch.setenv('LIAB_DATA_DIR', str(folder))
    monkeypatch.setenv('LIAB_ARGON2_MEMORY_KIB', '8')  # hashing at OWASP cost is for production, not tests
    monkeypatch.setenv('LIAB_ARGON2_TIME_COST', '1')
    get_settings.cache_clear()
    get_secrets.cache_clear()
    db.reset_engine()
    if TEST_DATABASE_URL:
        monkeypatch.setenv('DATABASE_URL', TEST_DATABASE_URL)
        _empty_database(TEST_DATABASE_URL)
    yield folder
    db.reset_engine()
    get_settings.cache_clear()
    get_secrets.cache_clear()


def _empty_database(url: str) -> None:
    """Drop every table (alembic_version too), so each test starts from an empty PostgreSQL database."""
    backend = sqlalchemy.make_url(url).get_backend_name()
    if backend != 'postgresql':
        pytest.fail(f'LIAB_TEST_DATABASE_URL must point at PostgreSQL, not {backend}')
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("SET LOCAL lock_timeout = '5s'"))
            connection.execute(sqlalchemy.text("SET LOCAL statement_timeout = '20s'"))
            # A connection left open by an earlier test (a worker thread, a stopped app) would hold locks on its tables.
            connection.execute(sqlalchemy.text(
                'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                "WHERE datname = current_database() AND usename = current_user AND backend_type = 'client backend' "
                'AND pid <> pg_backend_pid()'))
            connection.execute(sqlalchemy.text('DROP SCHEMA IF EXISTS public CASCADE'))
            connection.execute(sqlalchemy.text('CREATE SCHEMA public'))
    finally:
        engine.dispose()


@pytest.fixture
def database(data_dir: Path) -> Path:
    """A migrated database in the test's data dir (or, with LIAB_TEST_DATABASE_URL, in that emptied database)."""
    settings = get_settings()
    prepare_data_dir(settings)
    db.init_db(settings)
    return settings.sqlite_path


def app_env(**overrides: str) -> dict[str, str]:
    """The environment for `python app.py` in a subprocess, as a user would have it.

    NiceGUI switches to its test mode when it sees PYTEST_CURRENT_TEST or its own simulation variables, so those
    stay out; the autouse fixture above has already removed our settings from os.environ.
    """
    env = {name: value for name, value in os.environ.items()
           if name != 'PYTEST_CURRENT_TEST' and not name.startswith('NICEGUI_')}
    return {**env, 'PYTHONUNBUFFERED': '1', **overrides}


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return '250 Message accepted for delivery'


@pytest.fixture
def smtp_server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname='127.0.0.1', port=free_port())
    controller.start()
    monkeypatch.setenv('LIAB_SMTP_URL', f'smtp://127.0.0.1:{controller.port}')
    monkeypatch.setenv('LIAB_SMTP_FROM', SMTP_SENDER)
    get_settings.cache_clear()
    try:
        yield controller, inbox
    finally:
        if controller.loop.is_running():
            controller.stop()

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]



STARTUP_TIMEOUT_S = 30


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = app_env(LIAB_DATA_DIR=str(tmp_path / 'data'), LIAB_PORT=str(port), LIAB_HOST='127.0.0.1')
    with serving([sys.executable, 'app.py'], cwd=ROOT, env=env, ready_url=f'{base_url}/api/health',
                 log_path=tmp_path / 'app.log'):
        yield base_url


@contextmanager
def serving(command: list[str], *, cwd: Path, env: dict[str, str], ready_url: str,
            log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a web app in a subprocess until the block ends; fail with its log if it never answers `ready_url`."""
    with log_path.open('wb') as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(process, ready_url, log_path)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], health_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f'the app exited with code {process.returncode} before it was healthy:\n{_tail(log_path)}')
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f'the app was not healthy at {health_url} within {STARTUP_TIMEOUT_S} s:\n{_tail(log_path)}')


def _tail(log_path: Path, lines: int = 40) -> str:
    text = log_path.read_text(encoding='utf-8', errors='replace') if log_path.exists() else '(no log)'
    return '\n'.join(text.splitlines()[-lines:])
