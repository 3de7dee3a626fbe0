import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from liab import db
from liab.config import get_secrets, get_settings, prepare_data_dir

SMTP_SENDER = 'Label-in-a-Box <hello@label.example>'

ROOT = Path(__file__).resolve().parents[1]
_OUTSIDE = ('DATABASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'BEATOVEN_API_KEY', 'STRIPE_SECRET',
            'STRIPE_WEBHOOK_SECRET', 'PRICE_PRO_MONTHLY', 'GETLATE_API_KEY', 'IMAGEIO_FFMPEG_EXE')


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
    yield folder
    db.reset_engine()
    get_settings.cache_clear()
    get_secrets.cache_clear()


@pytest.fixture
def database(data_dir: Path) -> Path:
    """A migrated database in the test's data dir."""
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

