import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from liab import db
from liab.config import get_secrets, get_settings, prepare_data_dir

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
