"""Voice lines (spec 2.7): clips cached in one shared folder, debounced, bounded; and each user's voice settings.

A clip is named by sha256(f'{persona}:{text}') and served by GET /voices/<name>.mp3 (liab/web/api/voices.py). The
same line asked for again by the same listener (a browser tab, or an API user's session) within 10 seconds is
debounced: the same clip comes back marked `debounced`, nothing is synthesised and the caller does not play it
again. The folder is capped at `voice_cache_mb`; after each new clip the oldest (by modification time, which a
cache hit refreshes) are dropped first.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session

from liab import media
from liab.config import get_settings
from liab.errors import BadInput, NotFound, ProviderUnavailable
from liab.models import User
from liab.providers import speech
from liab.workflow import STAGES

PERSONAS: tuple[str, ...] = tuple(stage.persona for stage in STAGES)
MAX_TEXT = 400
DEBOUNCE_S = 10.0
CLIP_NAME = re.compile(r'[0-9a-f]{64}')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
_log = logging.getLogger('liab.voice')


@dataclass(frozen=True)
class Clip:
    name: str  # sha256 hex of 'persona:text'
    persona: str  # whose voice speaks it
    url: str
    cached: bool  # found in the cache, nothing synthesised
    debounced: bool = False  # the same listener asked for the same line within DEBOUNCE_S: do not play it again
    provider: str | None = None  # 'gtts' or 'espeak' when made now
    notice: str | None = None  # why the offline voice stood in

    def to_json(self) -> dict[str, Any]:
        return {'url': self.url, 'persona': self.persona, 'cached': self.cached, 'debounced': self.debounced,
                'provider': self.provider, 'notice': self.notice}


def speak(persona: str, text: str, *, listener: str = '', now: float | None = None) -> Clip:
    """The clip of `persona` saying `text`: from the cache, or synthesised now. `now` (monotonic) is for tests."""
    persona = check_persona(persona)
    text = clean_text(text)
    name = clip_name(persona, text)
    moment = time.monotonic() if now is None else now
    heard, earlier = _debouncer.hear((listener, name), moment)
    if earlier is not None:
        return _after(earlier)
    try:
        clip = _find_or_make(persona, text, name)
    except BaseException:
        _debouncer.forget((listener, name), heard)
        raise
    heard.done(clip)
    return clip


def check_persona(persona: str) -> str:
    if persona not in PERSONAS:
        raise BadInput(f'persona: one of {", ".join(PERSONAS)}.')
    return persona


def clean_text(text: str) -> str:
    cleaned = ' '.join(_CONTROL.sub(' ', text or '').split())
    if not cleaned:
        raise BadInput('text: there is nothing to say.')
    if len(cleaned) > MAX_TEXT:
        raise BadInput(f'text: at most {MAX_TEXT} characters.')
    return cleaned


def clip_name(persona: str, text: str) -> str:
    return hashlib.sha256(f'{persona}:{text}'.encode()).hexdigest()


def clip_url(name: str) -> str:
    return f'/voices/{name}.mp3'


def cache_dir() -> Path:
    return get_settings().data_dir / 'voices'


def clip_path(name: str) -> Path:
    """The cached file of a clip name; NotFound for anything that is not a clip name (never a path)."""
    if not isinstance(name, str) or not CLIP_NAME.fullmatch(name):
        raise NotFound('No such clip.')
    return cache_dir() / f'{name}.mp3'


def trim_cache(max_bytes: int | None = None) -> list[str]:
    """Drop the oldest clips until the folder holds at most `max_bytes` (default: voice_cache_mb); returns names."""
    limit = get_settings().voice_cache_mb * 1024 * 1024 if max_bytes is None else max_bytes
    with _trim_lock:
        clips = _clips()
        total = sum(size for _, _, size in clips)
        dropped: list[str] = []
        for path, _, size in sorted(clips, key=lambda clip: clip[1]):
            if total <= limit:
                break
            path.unlink(missing_ok=True)
            total -= size
            dropped.append(path.stem)
    if dropped:
        _log.info('voice cache over %d bytes: dropped %d oldest clips', limit, len(dropped))
    return dropped


def _find_or_make(persona: str, text: str, name: str) -> Clip:
    path = clip_path(name)
    with _making(name):
        if _touch(path):
            return Clip(name, persona, clip_url(name), cached=True)
        with media.atomic_path(path) as tmp:
            spoken = speech.synthesize(persona, text, tmp)
    trim_cache()
    _log.info('voice clip made persona=%s provider=%s', persona, spoken.provider)
    return Clip(name, persona, clip_url(name), cached=False, provider=spoken.provider, notice=spoken.notice)


def _after(earlier: _Heard) -> Clip:
    """The clip an earlier, debouncing request made (waiting for it if it is still being made)."""
    if not earlier.ready.wait(timeout=60) or earlier.clip is None:
        raise ProviderUnavailable('That line could not be spoken just now.')
    return replace(earlier.clip, cached=True, debounced=True, provider=None, notice=None)


def _touch(path: Path) -> bool:
    """Mark a cached clip as just used (the cache drops the oldest first); False when it is not cached."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def _clips() -> list[tuple[Path, float, int]]:
    found = []
    try:
        entries = list(os.scandir(cache_dir()))
    except FileNotFoundError:
        return []
    for entry in entries:
        stem, dot, suffix = entry.name.partition('.')
        if suffix != 'mp3' or not dot or not CLIP_NAME.fullmatch(stem):
            continue  # writes in progress ('.<name>.mp3.*.part') and anything else stay
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        found.append((Path(entry.path), stat.st_mtime, stat.st_size))
    return found


@dataclass(eq=False)
class _Heard:
    at: float
    ready: threading.Event = field(default_factory=threading.Event)
    clip: Clip | None = None

    def done(self, clip: Clip) -> None:
        self.clip = clip
        self.ready.set()


class _Debouncer:
    """Who asked for which line when, for DEBOUNCE_S; old entries are forgotten as new ones come in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heard: dict[tuple[str, str], _Heard] = {}

    def hear(self, key: tuple[str, str], now: float) -> tuple[_Heard, _Heard | None]:
        """A new entry for this request, or the earlier one it repeats (then nothing new is recorded)."""
        with self._lock:
            if len(self._heard) > 256:
                self._heard = {k: h for k, h in self._heard.items() if 0 <= now - h.at < DEBOUNCE_S}
            earlier = self._heard.get(key)
            if earlier is not None and 0 <= now - earlier.at < DEBOUNCE_S:
                return earlier, earlier
            heard = self._heard[key] = _Heard(now)
            return heard, None

    def forget(self, key: tuple[str, str], heard: _Heard) -> None:
        """The request failed: let the next one try again at once (and release anyone waiting on it)."""
        with self._lock:
            if self._heard.get(key) is heard:
                del self._heard[key]
        heard.ready.set()


@contextmanager
def _making(name: str) -> Iterator[None]:
    """One lock per clip name, so two listeners asking for the same new line at once synthesise it once."""
    with _making_lock:
        lock, users = _making_locks.get(name, (threading.Lock(), 0))
        _making_locks[name] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _making_lock:
            lock, users = _making_locks[name]
            if users <= 1:
                del _making_locks[name]
            else:
                _making_locks[name] = (lock, users - 1)


_debouncer = _Debouncer()
_making_lock = threading.Lock()
_making_locks: dict[str, tuple[threading.Lock, int]] = {}
_trim_lock = threading.Lock()


# --- Voice settings -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoicePrefs:
    """One listener's voice settings. Speech is off until the listener turns it on; the caption always shows."""

    enabled: bool = False
    volume: float = 0.8  # 0..1
    persona: str | None = None  # speak every line in this persona's voice instead of the stage's own

    @classmethod
    def from_json(cls, raw: Any) -> VoicePrefs:
        """Stored settings, tolerating anything odd in them (a bad value reads as its default)."""
        raw = raw if isinstance(raw, dict) else {}
        enabled = raw.get('enabled') is True
        volume = raw.get('volume')
        usable = isinstance(volume, int | float) and not isinstance(volume, bool) and math.isfinite(volume)
        volume = min(1.0, max(0.0, float(volume))) if usable else 0.8
        persona = raw.get('persona') if raw.get('persona') in PERSONAS else None
        return cls(enabled, volume, persona)

    def to_json(self) -> dict[str, Any]:
        return {'enabled': self.enabled, 'volume': self.volume, 'persona': self.persona}

    def updated(self, changes: dict[str, Any]) -> VoicePrefs:
        """These settings with `changes` applied; BadInput naming the first field that does not fit."""
        unknown = set(changes) - {'enabled', 'volume', 'persona'}
        if unknown:
            raise BadInput(f'{sorted(unknown)[0]}: not a voice setting.')
        values = self.to_json()
        if 'enabled' in changes:
            if not isinstance(changes['enabled'], bool):
                raise BadInput('enabled: true or false.')
            values['enabled'] = changes['enabled']
        if 'volume' in changes:
            volume = changes['volume']
            if isinstance(volume, bool) or not isinstance(volume, int | float) or not 0 <= volume <= 1:
                raise BadInput('volume: a number from 0 to 1.')
            values['volume'] = round(float(volume), 3)
        if 'persona' in changes:
            persona = changes['persona'] or None
            values['persona'] = check_persona(persona) if persona is not None else None
        return VoicePrefs(**values)


def voice_prefs(*, session: Session, user_id: str) -> VoicePrefs:
    return VoicePrefs.from_json((_user(session, user_id).preferences or {}).get('voice'))


def set_voice_prefs(*, session: Session, user_id: str, changes: dict[str, Any]) -> VoicePrefs:
    """Apply `changes` to the user's voice settings; read and written in the caller's one (write) transaction."""
    user = _user(session, user_id)
    preferences = dict(user.preferences or {})
    prefs = VoicePrefs.from_json(preferences.get('voice')).updated(changes)
    user.preferences = {**preferences, 'voice': prefs.to_json()}  # a new dict: the JSON column sees the change
    session.add(user)
    return prefs


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound('No such user.')
    return user
