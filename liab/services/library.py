"""A user's projects (spec 5): the working project, the saved list, open, rename, delete, new, adopt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from liab import db, media, workflow
from liab.errors import BadInput, NotFound
from liab.models import Project, ProjectPublic, User, utcnow
from liab.services import paywall, projects
from liab.services.projects import clean_name

DEFAULT_NAME = 'Untitled project'


@dataclass(frozen=True)
class ProjectSummary:
    id: str
    name: str
    saved: bool
    updated_at: datetime
    progress: workflow.Progress


def working_project(*, session: Session, browser_id: str, user_id: str | None,
                    project_id: str | None = None) -> ProjectPublic | None:
    """The project this browser works on: the one it last opened if the user owns it, else the user's most
    recently changed one; for a visitor, the browser's own. None until the first change creates one."""
    if user_id is None:
        return projects.get_working_project(session=session, browser_id=browser_id)
    if project_id:
        row = session.get(Project, project_id)
        if row is not None and row.owner_id == user_id:
            return ProjectPublic.model_validate(row)
    row = session.exec(select(Project).where(Project.owner_id == user_id)
                       .order_by(col(Project.updated_at).desc())).first()
    return ProjectPublic.model_validate(row) if row else None


def ensure_working_project(*, session: Session, browser_id: str, user_id: str | None,
                           project_id: str | None = None) -> ProjectPublic:
    existing = working_project(session=session, browser_id=browser_id, user_id=user_id, project_id=project_id)
    if existing:
        return existing
    if user_id is None:
        return projects.ensure_working_project(session=session, browser_id=browser_id)
    return new_project(session=session, user_id=user_id)


def new_project(*, session: Session, user_id: str, discard_project_id: str | None = None) -> ProjectPublic:
    """A fresh draft; `discard_project_id` names an unsaved draft the user agreed to throw away."""
    if discard_project_id:
        doomed = _owned_row(session, user_id, discard_project_id)
        if doomed.saved:
            raise BadInput('Saved projects are deleted from Manage projects, not replaced.')
        _delete(session, doomed)
    row = Project(owner_id=user_id, data=projects.new_project_data())
    session.add(row)
    session.flush()
    return ProjectPublic.model_validate(row)


def adopt_browser_project(*, session: Session, browser_id: str, user_id: str) -> str | None:
    """On sign-up or log-in, the visitor's working project becomes the user's. Returns its id, if there was one."""
    row = session.exec(select(Project).where(Project.browser_id == browser_id, col(Project.owner_id).is_(None))
                       .order_by(col(Project.updated_at).desc())).first()
    if row is None:
        return None
    row.owner_id = user_id
    row.browser_id = None
    session.add(row)
    session.flush()
    return row.id


def save_project(*, session: Session, user_id: str, project_id: str, name: str | None = None) -> ProjectPublic:
    """Put the project in the user's saved list under a name (default: the release title, else 'Untitled n')."""
    user = _user(session, user_id)
    row = _owned_row(session, user_id, project_id)
    paywall.check_can_save_project(session=session, user=user, project_id=project_id)
    chosen = clean_name(name) if name else _default_name(session, user_id, row)
    return projects.change_project(session=session, project_id=project_id, change=lambda _data: None,
                                   name=chosen, saved=True)


def save_new_project(*, session: Session, user_id: str, data: dict[str, Any],
                     name: str | None = None) -> ProjectPublic:
    """The spec's save with no projectId: a new saved project holding `data`."""
    user = _user(session, user_id)
    paywall.check_can_save_project(session=session, user=user, project_id=None)
    memory = projects.new_project_data()
    memory.update({key: value for key, value in data.items() if key in memory and isinstance(value, type(memory[key]))})
    row = Project(owner_id=user_id, data=memory, name=clean_name(name) if name else DEFAULT_NAME, saved=True)
    session.add(row)
    session.flush()
    if not name:
        row.name = _default_name(session, user_id, row)
        session.add(row)
        session.flush()
    return ProjectPublic.model_validate(row)


def list_projects(*, session: Session, user_id: str) -> list[ProjectSummary]:
    rows = session.exec(select(Project).where(Project.owner_id == user_id)
                        .order_by(col(Project.updated_at).desc())).all()
    return [ProjectSummary(row.id, row.name, row.saved, row.updated_at,
                           workflow.progress(row.data.get('workflow', {}))) for row in rows]


def rename(*, session: Session, user_id: str, project_id: str, name: str) -> ProjectPublic:
    _owned_row(session, user_id, project_id)
    return projects.rename_project(session=session, project_id=project_id, name=name)


def delete_project(*, session: Session, user_id: str, project_id: str) -> None:
    _delete(session, _owned_row(session, user_id, project_id))


def purge_anonymous(older_than_days: float, *, dry_run: bool = False, now: datetime | None = None) -> list[str]:
    """Delete anonymous working projects (no account) untouched for `older_than_days`, with their media; the ids.

    The rows go in one transaction; each folder is removed after it commits (renamed away first, so nothing
    half-deleted is served), so a crash in between leaves a folder without a project, never the reverse.
    """
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    with db.session_scope(write=not dry_run) as session:
        rows = session.exec(select(Project).where(col(Project.owner_id).is_(None),
                                                  col(Project.updated_at) < cutoff)).all()
        doomed = [row.id for row in rows]
        if not dry_run:
            for row in rows:
                session.delete(row)
    if not dry_run:
        for project_id in doomed:
            media.remove_project_dir(project_id)
    return doomed


def advance(*, session: Session, user_id: str, project_id: str) -> str:
    """Tick the project's current stage and move on to the next (spec route /advance); returns the new stage."""
    row = _owned_row(session, user_id, project_id)
    current = row.data.get('workflow', {}).get('current_stage', workflow.STAGE_IDS[0])
    following = workflow.next_stage(current) if current in workflow.STAGE_IDS else None
    new_stage = following.id if following else current
    projects.complete_stage(session=session, project_id=project_id, stage_id=current)
    projects.set_current_stage(session=session, project_id=project_id, stage_id=new_stage)
    return new_stage


def _default_name(session: Session, user_id: str, row: Project) -> str:
    title = str((row.data.get('release') or {}).get('title') or '').strip()
    if title:
        return clean_name(title)
    if row.name and row.name != DEFAULT_NAME:
        return row.name
    taken = set(session.exec(select(Project.name).where(Project.owner_id == user_id)).all())
    n = 1
    while f'Untitled {n}' in taken:
        n += 1
    return f'Untitled {n}'


def _owned_row(session: Session, user_id: str, project_id: str) -> Project:
    row = session.get(Project, project_id) if isinstance(project_id, str) else None
    if row is None or row.owner_id != user_id:
        raise NotFound('No such project.')
    return row


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound('No such account.')
    return user


def _delete(session: Session, row: Project) -> None:
    project_id = row.id
    session.delete(row)
    session.flush()
    media.remove_project_dir(project_id)
