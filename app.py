"""Label-in-a-Box: the composition root. `python app.py` sets the app up and serves it."""

import os
import sys

from pydantic import ValidationError

from liab.config import get_settings
from liab.errors import StartupError


def main() -> None:
    try:
        settings = get_settings()
    except ValidationError as exc:
        problems = '; '.join(f'{"/".join(map(str, e["loc"])) or "setting"}: {e["msg"]}' for e in exc.errors())
        _stop(f'bad setting ({problems})')
    # NiceGUI reads this when it is first imported, so it must be set before that import.
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(settings.nicegui_dir))

    from nicegui import helpers, ui

    from liab.web import check_port, setup

    try:
        run = setup()
        if not helpers.is_user_simulation() and __name__ == '__main__':
            check_port(settings.host, settings.port)
    except StartupError as exc:
        _stop(str(exc))
    ui.run(
        host=settings.host,
        port=settings.port,
        title='Label-in-a-Box',
        favicon='📦',
        dark=True,
        reload=settings.reload,
        show=False,
        storage_secret=run.storage_secret,
        uvicorn_logging_level=settings.log_level,
        reconnect_timeout=10,
        fastapi_docs=True,  # the API's pages at /api/docs and its schema at /openapi.json (liab.web.setup)
    )


def _stop(message: str) -> None:
    print(f'Label-in-a-Box cannot start: {message}', file=sys.stderr)
    sys.exit(1)


if __name__ in {'__main__', '__mp_main__'}:
    main()
