"""Who is at this browser: its id, and the logged-in user if its stored token is still good."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from nicegui import app

from liab.errors import LiabError
from liab.models import UserPublic
from liab.services import auth
from liab.web.bridge import in_session

TOKEN = 'token'
PROJECT = 'project_id'


@dataclass(frozen=True)
class Visitor:
    browser_id: str
    user: UserPublic | None

    @property
    def token(self) -> str | None:
        return app.storage.user.get(TOKEN)

    @property
    def user_id(self) -> str | None:
        return self.user.id if self.user else None

    @property
    def project_hint(self) -> str | None:
        return app.storage.user.get(PROJECT)


async def load_visitor() -> Visitor:
    """Checks the stored token on every page load: a 'log out everywhere' elsewhere ends this session too."""
    browser_id = app.storage.browser['id']
    user = None
    token = app.storage.user.get(TOKEN)
    if token:
        try:
            user = await in_session(auth.me, token=token)
        except LiabError:
            forget()
    return Visitor(browser_id, user)


def remember(token: str, project_id: str | None = None) -> None:
    app.storage.user[TOKEN] = token
    if project_id:
        app.storage.user[PROJECT] = project_id


def remember_project(project_id: str) -> None:
    app.storage.user[PROJECT] = project_id


def forget() -> None:
    app.storage.user.pop(TOKEN, None)
    app.storage.user.pop(PROJECT, None)


def safe_next(target: str | None) -> str:
    """Where to go after log-in: only a path on this site; anything else (another host, a scheme) goes home."""
    if not target or not target.startswith('/') or target.startswith('//') or '\\' in target:
        return '/'
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return '/'
    return target
