"""Alembic environment: the app passes its own connection in (see liab.db.init_db)."""

from alembic import context
from sqlmodel import SQLModel

import liab.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from liab.db import get_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get('connection')
    if connection is None:
        with get_engine().begin() as own:
            _run(own)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == 'sqlite')
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
