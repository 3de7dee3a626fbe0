"""Run quick blocking work (a text service, a writer) off the event loop while its button shows it is busy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from liab.errors import LiabError


async def while_busy(button: ui.button, call: Callable[[], Any]) -> Any:
    """`call()` on a worker thread; None (with the reason shown) when it raises a LiabError."""
    button.props('loading')
    try:
        return await run.io_bound(call)
    except LiabError as exc:
        ui.notify(exc.message, type='negative')
        return None
    finally:
        button.props(remove='loading')
