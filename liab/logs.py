"""Logging: one line per user action (action, project id, outcome, milliseconds) to stderr and a rotating file."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler

from liab.config import Settings
from liab.errors import LiabError

ACTIONS = logging.getLogger('liab.actions')
_FORMAT = '%(asctime)s %(levelname)s %(name)s %(message)s'
_OWN = '_liab_handler'


def configure_logging(settings: Settings) -> None:
    """Attach our handlers once per process (setup may run again, as it does in tests)."""
    root = logging.getLogger('liab')
    for handler in [h for h in root.handlers if getattr(h, _OWN, False)]:
        root.removeHandler(handler)
        handler.close()
    file_handler = RotatingFileHandler(settings.log_dir / 'liab.log', maxBytes=5 * 1024 * 1024, backupCount=5,
                                       encoding='utf-8')
    for handler in (logging.StreamHandler(sys.stderr), file_handler):
        handler.setFormatter(logging.Formatter(_FORMAT))
        setattr(handler, _OWN, True)
        root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    root.propagate = True


@dataclass
class ActionRecord:
    name: str
    project_id: str | None = None
    outcome: str = 'ok'


@contextmanager
def action(name: str, project_id: str | None = None) -> Iterator[ActionRecord]:
    """Time a user action and log it as one line; errors are logged with their kind and re-raised."""
    record = ActionRecord(name, project_id)
    started = time.perf_counter()
    try:
        yield record
    except LiabError as exc:
        record.outcome = type(exc).__name__
        raise
    except BaseException as exc:
        record.outcome = f'failed:{type(exc).__name__}'
        raise
    finally:
        ms = round((time.perf_counter() - started) * 1000)
        ACTIONS.info('action=%s project=%s outcome=%s ms=%d', record.name, record.project_id or '-',
                     record.outcome, ms)
