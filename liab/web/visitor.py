"""Who is at this browser: its id, and the logged-in user if its stored token is still good."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nicegui import app

from liab.errors import LiabError
from liab.models import UserPublic
from liab.services import auth
from liab.web.bridge import in_session

TOKEN = 'token'
PROJECT = 'project_id'


@dataclass
class Visitor:
    """Holds this browser's server-side storage, taken once at page load, so later event handlers read and write
    this browser's log-in whatever request context they run in."""

    browser_id: str
    user: UserPublic | None
    storage: MutableMapping[str, Any]

    @property
    def token(self) -> str | None:
        return self.storage.get(TOKEN)

    @property
    def user_id(self) -> str | None:
        return self.user.id if self.user else None

    @property
    def project_hint(self) -> str | None:
        return self.storage.get(PROJECT)

    def remember(self, token: str, project_id: str | None = None) -> None:
        self.storage[TOKEN] = token
        if project_id:
            self.storage[PROJECT] = project_id

    def remember_project(self, project_id: str) -> None:
        self.storage[PROJECT] = project_id

    def forget(self) -> None:
        self.storage.pop(TOKEN, None)
        self.storage.pop(PROJECT, None)


async def load_visitor() -> Visitor:
    """Checks the stored token on every page load: a 'log out everywhere' elsewhere ends this session too."""
    visitor = Visitor(app.storage.browser['id'], None, app.storage.user)
    if visitor.token:
        try:
            visitor.user = await in_session(auth.me, token=visitor.token)
        except LiabError:
            visitor.forget()
    return visitor


def safe_next(target: str | None) -> str:
    """Where to go after log-in: only a path on this site; anything else (another host, a scheme) goes home."""
    if not target or not target.startswith('/') or target.startswith('//') or '\\' in target:
        return '/'
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return '/'
    return target
