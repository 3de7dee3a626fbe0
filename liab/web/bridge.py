"""The one small bridge from the web layer to services: a database session on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import run

from liab import db
from liab.services import auth, library

T = TypeVar('T')


async def in_session(fn: Callable[..., T], /, *, write: bool = False, **kwargs: Any) -> T:
    """Run `fn(session=..., **kwargs)` in one transaction on a worker thread, off the event loop."""
    return await run.io_bound(_call, fn, write, kwargs)


async def on_working_project(fn: Callable[..., T], /, *, browser_id: str, token: str | None = None,
                             project_hint: str | None = None, **kwargs: Any) -> T:
    """Run `fn(session=..., project_id=..., **kwargs)` on this browser's working project, creating it if needed,
    all in one write transaction. A logged-in browser's token is checked in that same transaction."""
    return await in_session(_on_working_project, write=True, fn=fn, browser_id=browser_id, token=token,
                            project_hint=project_hint, kwargs=kwargs)


def _on_working_project(*, session, fn: Callable[..., T], browser_id: str, token: str | None,
                        project_hint: str | None, kwargs: dict[str, Any]) -> T:
    user_id = auth.user_from_token(session=session, token=token).id if token else None
    project = library.ensure_working_project(session=session, browser_id=browser_id, user_id=user_id,
                                             project_id=project_hint)
    return fn(session=session, project_id=project.id, **kwargs)


def _call(fn: Callable[..., T], write: bool, kwargs: dict[str, Any]) -> T:
    with db.session_scope(write=write) as session:
        return fn(session=session, **kwargs)


async def as_user(fn: Callable[..., T], /, *, token: str | None, write: bool = True, **kwargs: Any) -> T:
    """Run `fn(session=..., user_id=..., **kwargs)` for the user of `token`, checked in the same transaction."""
    return await in_session(_as_user, write=write, fn=fn, token=token, kwargs=kwargs)


def _as_user(*, session, fn: Callable[..., T], token: str | None, kwargs: dict[str, Any]) -> T:
    user = auth.user_from_token(session=session, token=token)
    return fn(session=session, user_id=user.id, **kwargs)
