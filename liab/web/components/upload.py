"""`Upload`: ui.upload that lets go of its page when it is deleted."""

from __future__ import annotations

from nicegui import app, ui


class Upload(ui.upload):
    """NiceGUI serves each upload element on a route of its own whose function closes over the element, and FastAPI
    (0.16x) keeps every route function it has classified in an lru_cache of 4096 (`fastapi.dependencies.models`).
    A deleted ui.upload, and with its parents the whole page it was on, therefore stayed in memory until 4096 later
    routes pushed it out: with every stage having one, each stage opened pinned its tab's elements, the heap grew
    without bound and each full garbage collection took longer (tests/bench/bench_load.py). Emptying the closure
    when the route goes leaves FastAPI holding a bare function."""

    def _handle_delete(self) -> None:
        endpoints = [route.endpoint for route in app.routes
                     if getattr(route, 'path', None) == self._registered_url and hasattr(route, 'endpoint')]
        super()._handle_delete()  # removes the route
        for endpoint in endpoints:
            for cell in getattr(endpoint, '__closure__', None) or ():
                cell.cell_contents = None
