"""setup(): everything the app needs before it serves: data dir, secrets, logging, database, pages and routes."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from nicegui import app, run, ui
from nicegui.storage import Storage

from liab import __version__, db, jobs, quota
from liab import media as media_files
from liab.config import Settings, get_secrets, get_settings, prepare_data_dir
from liab.errors import StartupError
from liab.logs import configure_logging
from liab.providers import check_provider_settings
from liab.services import library
from liab.web import auth_pages, billing_pages, home, loop_probe, ratelimit, speedups
from liab.web.api import analytics as analytics_api
from liab.web.api import auth as auth_api
from liab.web.api import beats as beats_api
from liab.web.api import billing as billing_api
from liab.web.api import content as content_api
from liab.web.api import health, media, peaks
from liab.web.api import lyrics as lyrics_api
from liab.web.api import mix as mix_api
from liab.web.api import projects as projects_api
from liab.web.api import recordings as recordings_api
from liab.web.api import release as release_api
from liab.web.api import voices as voices_api
from liab.web.api.common import install_openapi
from liab.web.middleware import RequestGuard, body_limits
from liab.web.ratelimit import RateLimit

HOUSEKEEPING_FIRST_S, HOUSEKEEPING_EVERY_S = 60, 6 * 3600
STATIC_DIR = Path(__file__).resolve().parents[2] / 'static'


@dataclass(frozen=True)
class RunConfig:
    settings: Settings
    storage_secret: str


def setup() -> RunConfig:
    """Prepare the app; raises StartupError with one line naming the problem when it cannot start."""
    settings = get_settings()
    check_provider_settings(settings)
    prepare_data_dir(settings)
    get_secrets.cache_clear()
    secrets = get_secrets()
    configure_logging(settings)
    Storage.path = settings.nicegui_dir  # NiceGUI's own storage lives in the data dir too
    db.reset_engine()
    db.init_db(settings)
    _sweep_tmp(settings)
    media_files.sweep_dead_writes(settings.media_dir)  # temp files of writes a crash cut short

    app.docs_url, app.redoc_url, app.openapi_url = '/api/docs', '/api/redoc', '/openapi.json'  # ui.run serves them
    install_openapi(app, version=__version__)
    speedups.install()  # a third less CPU per element built, on the event loop
    app.add_static_files('/static', STATIC_DIR)
    ui.add_head_html(f'<link rel="stylesheet" href="/static/liab.css?v={_asset_version()}">', shared=True)
    app.add_middleware(RequestGuard, limit=body_limits(settings))
    ratelimit.install(settings)
    app.add_middleware(RateLimit, limits=ratelimit.limits)  # added last, so it runs first: a 429 reads no body
    health.register()
    media.register()
    peaks.register()
    auth_api.register()
    projects_api.register()
    billing_api.register()
    beats_api.register()
    lyrics_api.register()
    recordings_api.register()
    mix_api.register()
    release_api.register()
    content_api.register()
    analytics_api.register()
    voices_api.register()
    home.create()
    auth_pages.create()
    billing_pages.create()
    jobs.runner.owner_of = quota.owner_key  # one running heavy job per account (or anonymous browser)
    jobs.runner.before_run = quota.check
    app.on_startup(_housekeeping)
    app.on_startup(_tune_gc)
    app.on_startup(jobs.runner.warm)  # worker processes load the audio code now, not on the first request
    app.on_startup(loop_probe.start)  # how late the event loop runs, reported by /api/health
    app.on_shutdown(jobs.runner.stop)  # the worker processes end with the app, not after it
    app.on_shutdown(db.reset_engine)
    return RunConfig(settings, secrets.storage)


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(f'port {port} on {host} is already in use; stop the other server '
                                   'or set LIAB_PORT to a free port') from exc
            raise StartupError(f'cannot listen on {host}:{port} ({exc.strerror}); check LIAB_HOST') from exc


def _asset_version() -> int:
    return int(max(path.stat().st_mtime for path in STATIC_DIR.rglob('*') if path.is_file()))


def _tune_gc() -> None:
    """Shorter and rarer pauses of Python's garbage collector, which stops the event loop while it runs.

    What the app loaded at start (NiceGUI, FastAPI, numpy...) is frozen out of collections, and the young
    generation is collected every 20,000 allocations instead of 700, so the elements of a stage, which live for
    seconds, mostly die young instead of swelling the old generation whose full collections took 230 to 360 ms.
    Measured with tests/bench/bench_load.py (20 browsers, two heavy jobs): see tests/bench/RESULTS.md.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


async def _housekeeping() -> None:
    """Every few hours, off the event loop: anonymous working projects untouched for LIAB_ANONYMOUS_PURGE_DAYS go."""
    await asyncio.sleep(HOUSEKEEPING_FIRST_S)  # not in the busy first minute
    while True:
        days = get_settings().anonymous_purge_days
        if days > 0:
            try:
                doomed = await run.io_bound(library.purge_anonymous, days)
            except Exception:  # a busy or broken database: try again next round, and say so in the log
                logging.getLogger(__name__).exception('purging old anonymous projects failed')
            else:
                if doomed:
                    logging.getLogger(__name__).info('purged %d anonymous projects untouched for %g days',
                                                     len(doomed), days)
        await asyncio.sleep(HOUSEKEEPING_EVERY_S)


def _sweep_tmp(settings: Settings, max_age_s: float = 3600) -> None:
    """Exports and imports leave temporary files in data/tmp; anything older than an hour is finished with."""
    cutoff = time.time() - max_age_s
    for path in (settings.data_dir / 'tmp').glob('*'):
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
