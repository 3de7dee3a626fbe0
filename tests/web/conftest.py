import asyncio
from collections.abc import Callable

from sqlmodel import select

from liab import db
from liab.models import Project, ProjectPublic


def only_project() -> ProjectPublic:
    with db.session_scope() as session:
        rows = session.exec(select(Project)).all()
    assert len(rows) == 1, f'expected one project, found {len(rows)}'
    return ProjectPublic.model_validate(rows[0])


def project_count() -> int:
    with db.session_scope() as session:
        return len(session.exec(select(Project)).all())


async def until(condition: Callable[[], object], seconds: float = 90.0) -> None:
    """Wait for `condition()` to hold (jobs run in worker processes); fail with the last check if it never does."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()
