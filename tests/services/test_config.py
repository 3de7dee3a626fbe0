import stat
from pathlib import Path

import pytest

from liab.config import get_settings, load_secrets, prepare_data_dir
from liab.errors import StartupError
from liab.providers import active_providers, check_provider_settings


def _settings():
    get_settings.cache_clear()
    settings = get_settings()
    prepare_data_dir(settings)
    return settings


def test_secrets_are_generated_once_with_owner_only_permissions(data_dir: Path) -> None:
    settings = _settings()
    first = load_secrets(settings)
    for name, value in (('storage_secret', first.storage), ('jwt_secret', first.jwt)):
        path = data_dir / 'secrets' / name
        assert path.read_text() == value
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(value.encode()) >= 48
    assert first.storage != first.jwt
    again = load_secrets(_settings())
    assert again == first


def test_secret_from_the_environment_wins_and_is_not_written(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_JWT_SECRET', 'j' * 40)
    secrets = load_secrets(_settings())
    assert secrets.jwt == 'j' * 40
    assert not (data_dir / 'secrets' / 'jwt_secret').exists()


def test_short_secret_from_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_STORAGE_SECRET', 'too-short')
    with pytest.raises(StartupError, match=r'LIAB_STORAGE_SECRET is too short: 9 bytes .* at least 32'):
        load_secrets(_settings())


def test_short_secret_in_the_data_dir_is_refused(data_dir: Path) -> None:
    settings = _settings()
    (data_dir / 'secrets' / 'jwt_secret').write_text('x' * 31)
    with pytest.raises(StartupError, match='LIAB_JWT_SECRET is too short: 31 bytes'):
        load_secrets(settings)


def test_data_dir_that_cannot_be_created_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / 'a-file'
    blocker.write_text('not a folder')
    monkeypatch.setenv('LIAB_DATA_DIR', str(blocker / 'data'))
    get_settings.cache_clear()
    with pytest.raises(StartupError, match=f'the data dir {blocker / "data"} is not writable'):
        prepare_data_dir(get_settings())


def test_environment_variables_of_the_design_table_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_PORT', '9123')
    monkeypatch.setenv('LIAB_MAX_UPLOAD_MB', '7')
    monkeypatch.setenv('DATABASE_URL', 'sqlite:////tmp/elsewhere.db')
    monkeypatch.setenv('OPENAI_API_KEY', 'sk-test')
    monkeypatch.setenv('LIAB_BEATS_PROVIDER', 'local')
    settings = _settings()
    assert settings.port == 9123
    assert settings.max_upload_bytes == 7 * 1024 * 1024
    assert settings.db_url == 'sqlite:////tmp/elsewhere.db'
    providers = active_providers(settings)
    assert providers['text'] == 'openai'
    assert providers['beats'] == 'local'
    assert providers['social'] == 'local'


def test_unknown_provider_choice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_SPEECH_PROVIDER', 'polly')
    with pytest.raises(StartupError, match="LIAB_SPEECH_PROVIDER='polly' is not one of auto, gtts, espeak"):
        check_provider_settings(_settings())
