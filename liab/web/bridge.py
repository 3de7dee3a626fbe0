"""The one small bridge from the web layer to services: a database session on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import run

from liab import db
from liab.services import projects

T = TypeVar('T')


async def in_session(fn: Callable[..., T], /, *, write: bool = False, **kwargs: Any) -> T:
    """Run `fn(session=..., **kwargs)` in one transaction on a worker thread, off the event loop."""
    return await run.io_bound(_call, fn, write, kwargs)


async def on_working_project(fn: Callable[..., T], /, *, browser_id: str, **kwargs: Any) -> T:
    """Run `fn(session=..., project_id=..., **kwargs)` on the browser's working project, creating it if needed,
    all in one write transaction."""
    return await in_session(_on_working_project, write=True, fn=fn, browser_id=browser_id, kwargs=kwargs)


def _on_working_project(*, session, fn: Callable[..., T], browser_id: str, kwargs: dict[str, Any]) -> T:
    project = projects.ensure_working_project(session=session, browser_id=browser_id)
    return fn(session=session, project_id=project.id, **kwargs)


def _call(fn: Callable[..., T], write: bool, kwargs: dict[str, Any]) -> T:
    with db.session_scope(write=write) as session:
        return fn(session=session, **kwargs)
