"""Outside services, each with an embedded default that works offline.

`LIAB_<KIND>_PROVIDER=auto|<online>|<local>`: auto uses the outside service when it is configured and falls back
to the local one when a call fails.
"""

from __future__ import annotations

from liab.config import Settings
from liab.errors import StartupError

# kind -> (outside service, embedded default)
KINDS: dict[str, tuple[str, str]] = {
    'text': ('openai', 'local'),
    'images': ('openai', 'local'),
    'speech': ('gtts', 'espeak'),
    'transcribe': ('openai', 'pocketsphinx'),
    'beats': ('beatoven', 'local'),
    'social': ('getlate', 'local'),
}


def check_provider_settings(settings: Settings) -> None:
    for kind, names in KINDS.items():
        choice = getattr(settings, f'{kind}_provider')
        if choice not in {'auto', *names}:
            raise StartupError(f'LIAB_{kind.upper()}_PROVIDER={choice!r} is not one of auto, {", ".join(names)}')


def active_providers(settings: Settings) -> dict[str, str]:
    """Which provider each kind tries first with the current settings."""
    return {kind: _active(kind, settings) for kind in KINDS}


def _active(kind: str, settings: Settings) -> str:
    online, local = KINDS[kind]
    choice = getattr(settings, f'{kind}_provider')
    if choice != 'auto':
        return choice
    return online if _configured(kind, settings) else local


def _configured(kind: str, settings: Settings) -> bool:
    if kind in {'text', 'images', 'transcribe'}:
        return settings.openai_api_key is not None
    if kind == 'beats':
        return settings.beatoven_api_key is not None
    if kind == 'social':
        return settings.getlate_api_key is not None
    return True  # gTTS needs no key; whether Google is reachable is found out per call
