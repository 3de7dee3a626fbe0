"""Settings from the environment (and .env), runtime paths and secrets kept in the data dir."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from liab.errors import StartupError

MIN_SECRET_BYTES = 32
ProviderChoice = str


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='LIAB_', env_file='.env', extra='ignore')

    data_dir: Path = Path('data')
    host: str = '127.0.0.1'
    port: int = Field(8080, ge=1, le=65535)
    public_url: str = 'http://localhost:8080'
    reload: bool = False
    log_level: Literal['debug', 'info', 'warning', 'error'] = 'info'

    storage_secret: SecretStr | None = None
    jwt_secret: SecretStr | None = None
    database_url: str | None = Field(None, validation_alias=AliasChoices('DATABASE_URL', 'LIAB_DATABASE_URL'))

    token_ttl_days: float = Field(7, gt=0, le=365)
    # OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. Tests turn these down.
    argon2_memory_kib: int = Field(19456, ge=8)
    argon2_time_cost: int = Field(2, ge=1)
    smtp_url: SecretStr | None = None  # smtp://user:password@host:587 (STARTTLS) or smtps://...:465
    smtp_from: str = 'Label-in-a-Box <no-reply@localhost>'

    max_upload_mb: int = Field(50, ge=1, le=2048)
    max_video_mb: int = Field(200, ge=1, le=8192)
    max_body_kb: int = Field(1024, ge=16)  # every other request body (forms, JSON, websocket polling)

    # Heavy jobs (renders, mastering, packs, videos) run in this many worker processes (0: one per core, at most 2),
    # at this much lower CPU priority than the web process, so pages stay quick while they run.
    job_workers: int = Field(0, ge=0, le=64)
    job_nice: int = Field(10, ge=0, le=19)
    # Requests per minute per client (account, else address) to /api/, and log-in attempts per minute per address.
    api_rate_per_min: int = Field(300, ge=1)
    login_rate_per_min: int = Field(20, ge=1)
    storage_quota_mb: int = Field(2048, ge=0)  # media per account (anonymous: per project); 0 means no quota
    anonymous_purge_days: float = Field(30, ge=0)  # anonymous working projects untouched this long go; 0: never

    text_provider: ProviderChoice = 'auto'
    images_provider: ProviderChoice = 'auto'
    speech_provider: ProviderChoice = 'auto'
    transcribe_provider: ProviderChoice = 'auto'
    beats_provider: ProviderChoice = 'auto'
    social_provider: ProviderChoice = 'auto'

    openai_api_key: SecretStr | None = Field(None, validation_alias='OPENAI_API_KEY')
    openai_base_url: str | None = Field(None, validation_alias='OPENAI_BASE_URL')
    openai_model: str = 'gpt-4o-mini'
    openai_image_model: str = 'gpt-image-1'
    openai_timeout_s: float = Field(45, gt=0)  # per attempt; a slow local model server may need more
    openai_retries: int = Field(2, ge=0, le=5)  # on timeouts, 429 and 5xx, with backoff
    beatoven_api_key: SecretStr | None = Field(None, validation_alias='BEATOVEN_API_KEY')
    beatoven_base_url: str | None = None
    beatoven_poll_s: float = Field(3.0, gt=0)  # Beatoven is polled this often for up to 3 minutes
    stripe_secret: SecretStr | None = Field(None, validation_alias='STRIPE_SECRET')
    stripe_webhook_secret: SecretStr | None = Field(None, validation_alias='STRIPE_WEBHOOK_SECRET')
    price_pro_monthly: str | None = Field(None, validation_alias='PRICE_PRO_MONTHLY')
    stripe_base_url: str | None = None
    getlate_api_key: SecretStr | None = Field(None, validation_alias='GETLATE_API_KEY')
    getlate_base_url: str | None = None
    voice_cache_mb: int = Field(50, ge=1, le=10_000)  # the shared voice-clip folder; oldest clips go first
    gtts_timeout_s: float = Field(3.0, gt=0, le=60)  # per request to Google's voices: offline servers fall back fast
    gtts_retry_after_s: float = Field(300, ge=0)  # after gTTS fails, lines use the offline voice for this long
    getlate_timeout_s: float = Field(20, gt=0)  # per request to GetLate; media uploads get longer

    @field_validator('data_dir')
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / 'liab.sqlite3'

    @property
    def db_url(self) -> str:
        return self.database_url or f'sqlite:///{self.sqlite_path}'

    @property
    def media_dir(self) -> Path:
        return self.data_dir / 'media'

    @property
    def log_dir(self) -> Path:
        return self.data_dir / 'logs'

    @property
    def nicegui_dir(self) -> Path:
        return self.data_dir / 'nicegui'

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / 'secrets'

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_video_bytes(self) -> int:
        return self.max_video_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()


@dataclass(frozen=True)
class Secrets:
    storage: str
    jwt: str


@lru_cache
def get_secrets() -> Secrets:
    """The secrets of the current settings, read (or generated) once per process."""
    return load_secrets(get_settings())


def prepare_data_dir(settings: Settings) -> None:
    """Create the data dir and its folders, and prove it is writable, or stop with one clear line."""
    try:
        for folder in (settings.data_dir, settings.media_dir, settings.log_dir, settings.nicegui_dir):
            folder.mkdir(parents=True, exist_ok=True)
        settings.secrets_dir.mkdir(mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir, prefix='.write-check-'):
            pass
    except OSError as exc:
        raise StartupError(f'the data dir {settings.data_dir} is not writable ({exc.strerror or exc}); '
                           'set LIAB_DATA_DIR to a folder this user can write') from exc


def load_secrets(settings: Settings) -> Secrets:
    return Secrets(storage=_secret(settings, 'storage_secret'), jwt=_secret(settings, 'jwt_secret'))


def _secret(settings: Settings, name: str) -> str:
    env_name = f'LIAB_{name.upper()}'
    given: SecretStr | None = getattr(settings, name)
    if given is not None:
        value = given.get_secret_value()
        origin = env_name
    else:
        path = settings.secrets_dir / name
        if not path.exists():
            _write_private(path, secrets.token_urlsafe(48))
        value = path.read_text(encoding='utf-8').strip()
        origin = str(path)
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise StartupError(f'{env_name} is too short: {len(value.encode())} bytes from {origin}, '
                           f'at least {MIN_SECRET_BYTES} are needed')
    return value


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically, so a crash never leaves half a secret."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}-')
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
