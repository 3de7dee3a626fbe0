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
