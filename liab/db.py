"""The database engine, sessions and migrations. All SQLite- and PostgreSQL-specific SQL lives in this file.

Write transactions (`session_scope(write=True)`) run one at a time on both databases: SQLite's BEGIN IMMEDIATE and,
on PostgreSQL, a transaction-level advisory lock. Services may therefore read, decide and then write in one
transaction (the log-in throttle, the free-plan limits) without losing updates, on either database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, create_engine

from liab.config import Settings, get_settings
from liab.errors import BadInput, StartupError

BUSY_TIMEOUT_MS = 15_000
_WRITE_OPTION = 'liab_write'
_WRITE_LOCK_KEY = 0x6C696162  # 'liab': the PostgreSQL advisory lock that write transactions take
_MIGRATIONS = Path(__file__).parent / 'migrations'

_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    global _engine  # noqa: PLW0603
    with _engine_lock:
        if _engine is None:
            _engine = make_engine(get_settings().db_url)
        return _engine


def reset_engine() -> None:
    """Drop the engine (tests, restarts); the next call to get_engine() opens a fresh one."""
    global _engine  # noqa: PLW0603
    with _engine_lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None


def make_engine(url: str) -> Engine:
    backend = make_url(url).get_backend_name()
    if backend == 'postgresql':
        # Times come back in UTC whatever the server's TimeZone, so dates and ISO strings match SQLite's.
        engine = create_engine(url, pool_pre_ping=True, connect_args={'options': '-c timezone=UTC'})
        event.listen(engine, 'begin', _postgres_on_begin)
        event.listen(engine, 'before_cursor_execute', _postgres_refuse_nul)
        return engine
    if backend != 'sqlite':
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={'check_same_thread': False, 'timeout': BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, 'connect', _sqlite_on_connect)
    event.listen(engine, 'begin', _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's 'begin' event emit BEGIN itself, so writes can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.close()


def _sqlite_on_begin(connection) -> None:
    # A deferred transaction that reads and then writes fails at once with "database is locked" when another
    # writer got in between; BEGIN IMMEDIATE takes the write lock up front and waits for busy_timeout instead.
    write = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql('BEGIN IMMEDIATE' if write else 'BEGIN')


def _postgres_on_begin(connection) -> None:
    # READ COMMITTED lets two transactions read the same rows and both write (twelve simultaneous guesses would all
    # pass the log-in throttle); one advisory lock per write transaction serializes writers as BEGIN IMMEDIATE does.
    if connection.get_execution_options().get(_WRITE_OPTION, False):
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
        connection.exec_driver_sql(f'SELECT pg_advisory_xact_lock({_WRITE_LOCK_KEY})')


def _postgres_refuse_nul(_connection, _cursor, _statement, parameters, _context, executemany) -> None:
    # PostgreSQL text cannot hold NUL (SQLite can): a NUL in, say, a project id from a request would be a DataError
    # and a 500. Such text can match no row and is never ours to keep, so it is refused as bad input instead.
    rows = parameters if executemany else [parameters]
    for row in rows or ():
        values = row.values() if isinstance(row, Mapping) else row
        if any(isinstance(value, str) and '\x00' in value for value in values or ()):
            raise BadInput('Text with a NUL character (\\0) cannot be used here: remove it and try again.')


@contextmanager
def session_scope(*, write: bool = False) -> Iterator[Session]:
    """One transaction per action: commit when the block ends, roll back on any error."""
    engine = get_engine()
    bind = engine.execution_options(**{_WRITE_OPTION: True}) if write else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def check_database() -> str:
    """'ok', or a short description of why the database cannot be used."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text('SELECT 1'))
    except Exception as exc:  # any failure here is reported, not raised
        return f'error: {_short(exc)}'
    return 'ok'


def init_db(settings: Settings | None = None) -> None:
    """Bring the database to the newest schema, or stop with one clear line naming the problem."""
    settings = settings or get_settings()
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option('script_location', str(_MIGRATIONS))
    try:
        # A write transaction, so two app instances starting at once migrate one after the other.
        with get_engine().execution_options(**{_WRITE_OPTION: True}).begin() as connection:
            config.attributes['connection'] = connection
            command.upgrade(config, 'head')
    except (DatabaseError, OperationalError) as exc:
        reset_engine()
        url = settings.db_url
        where = url.removeprefix('sqlite:///') if url.startswith('sqlite') else 'DATABASE_URL'
        raise StartupError(f'the database at {where} cannot be used ({_short(exc)}); '
                           'restore it from a backup or move it away to start fresh') from exc


def _short(exc: Exception) -> str:
    orig = getattr(exc, 'orig', None)
    return str(orig or exc).splitlines()[0]
