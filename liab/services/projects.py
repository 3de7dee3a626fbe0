"""Projects: the working project of a browser, its project memory (spec 5.3), ticks and assets."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import update
from sqlmodel import Session, col, select

from liab import workflow
from liab.errors import BadInput, Conflict, NotFound
from liab.models import Project, ProjectPublic, utcnow
from liab.release.details import hidden_character

SourceKind = Literal['uploaded', 'local', 'service']
_ASSET_KEY = re.compile(r'^[a-z0-9][a-z0-9_./-]{0,119}$')
MAX_NAME = 120


@dataclass(frozen=True)
class AssetSource:
    """Where an asset came from, so a release can disclose AI involvement per part."""

    kind: SourceKind
    name: str | None = None  # the local generator or outside service, e.g. 'beat engine', 'openai'

    def to_json(self) -> dict[str, str | None]:
        if self.kind not in {'uploaded', 'local', 'service'}:
            raise BadInput(f'Unknown asset source {self.kind!r}.')
        if self.kind != 'uploaded' and not self.name:
            raise BadInput('A generated asset must name the generator or service that made it.')
        return {'kind': self.kind, 'name': self.name}


@dataclass(frozen=True)
class TickResult:
    project: ProjectPublic
    cycle_complete: bool  # True only for the tick that completed the cycle for the first time


def new_project_data() -> dict[str, Any]:
    now = utcnow().isoformat()
    return {
        'created_at': now,
        'updated_at': now,
        'metadata': {},
        'assets': {},
        'workflow': workflow.new_workflow(),
        'mix': {},
        'beat': {},
        'release': {},
        'content': {},
        'analytics': {},
        'chat_log': [],
        'voice_prompts': [],
    }


def get_working_project(*, session: Session, browser_id: str) -> ProjectPublic | None:
    row = session.exec(select(Project).where(Project.browser_id == browser_id, col(Project.owner_id).is_(None))
                       .order_by(col(Project.updated_at).desc())).first()
    return ProjectPublic.model_validate(row) if row else None


def ensure_working_project(*, session: Session, browser_id: str) -> ProjectPublic:
    """The browser's working project, created on its first change (never on a bare page view)."""
    if not browser_id:
        raise BadInput('This browser has no session yet; reload the page.')
    existing = get_working_project(session=session, browser_id=browser_id)
    if existing:
        return existing
    row = Project(browser_id=browser_id, data=new_project_data())
    session.add(row)
    session.flush()
    return ProjectPublic.model_validate(row)


def get_project(*, session: Session, project_id: str) -> ProjectPublic:
    """A project already known to be this caller's (e.g. the working project found in the same transaction)."""
    row = session.get(Project, project_id)
    if row is None:
        raise NotFound('No such project.')
    return ProjectPublic.model_validate(row)


def get_owned_project(*, session: Session, project_id: str, browser_id: str | None = None,
                      user_id: str | None = None) -> ProjectPublic:
    """The project, if this browser or user owns it; NotFound otherwise (so ids of others are not confirmed)."""
    row = session.get(Project, project_id)
    if row is None or not _owns(row, browser_id=browser_id, user_id=user_id):
        raise NotFound('No such project.')
    return ProjectPublic.model_validate(row)


def change_project(*, session: Session, project_id: str, change: Callable[[dict[str, Any]], None],
                   expected_version: int | None = None, name: str | None = None,
                   saved: bool | None = None) -> ProjectPublic:
    """Apply `change` to a copy of the project memory and store it, guarded by the version number.

    Call inside a write session: the read and the write are one transaction. `expected_version` is the version
    the caller last saw; if someone else saved since, Conflict is raised and nothing changes.
    """
    row = session.exec(select(Project).where(Project.id == project_id).with_for_update()).first()
    if row is None:
        raise NotFound('No such project.')
    if expected_version is not None and row.version != expected_version:
        raise Conflict('This project was changed in another window. Reload to see the latest version.')
    data = copy.deepcopy(row.data)
    change(data)
    now = utcnow()
    data['updated_at'] = now.isoformat()
    values: dict[str, Any] = {'data': data, 'version': row.version + 1, 'updated_at': now}
    if name is not None:
        values['name'] = name
    if saved is not None:
        values['saved'] = saved
    result = session.execute(update(Project).where(col(Project.id) == project_id, col(Project.version) == row.version)
                             .values(**values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict('This project was changed in another window. Reload to see the latest version.')
    session.expire(row)
    session.refresh(row)
    return ProjectPublic.model_validate(row)


def complete_stage(*, session: Session, project_id: str, stage_id: str) -> TickResult:
    stage = _stage(stage_id)
    first_completion = False

    def tick(data: dict[str, Any]) -> None:
        nonlocal first_completion
        flow = data.setdefault('workflow', workflow.new_workflow())
        flow['completed_stages'] = workflow.completed({'completed_stages': [*flow.get('completed_stages', []),
                                                                             stage.id]})
        if workflow.progress(flow).complete and not flow.get('goal_shown'):
            flow['goal_shown'] = True
            flow['cycles_completed'] = flow.get('cycles_completed', 0) + 1
            first_completion = True

    project = change_project(session=session, project_id=project_id, change=tick)
    return TickResult(project, first_completion)


def reopen_stage(*, session: Session, project_id: str, stage_id: str) -> ProjectPublic:
    stage = _stage(stage_id)

    def untick(data: dict[str, Any]) -> None:
        flow = data.setdefault('workflow', workflow.new_workflow())
        flow['completed_stages'] = [s for s in workflow.completed(flow) if s != stage.id]

    return change_project(session=session, project_id=project_id, change=untick)


def set_current_stage(*, session: Session, project_id: str, stage_id: str) -> ProjectPublic:
    stage = _stage(stage_id)
    return change_project(session=session, project_id=project_id,
                          change=lambda data: data.setdefault('workflow', {}).update(current_stage=stage.id))


def restart_cycle(*, session: Session, project_id: str) -> ProjectPublic:
    """Clear the ticks for a new cycle; every file and field stays."""

    def restart(data: dict[str, Any]) -> None:
        flow = data.setdefault('workflow', workflow.new_workflow())
        flow.update(completed_stages=[], goal_shown=False, current_stage=workflow.STAGE_IDS[0])

    return change_project(session=session, project_id=project_id, change=restart)


def rename_project(*, session: Session, project_id: str, name: str) -> ProjectPublic:
    return change_project(session=session, project_id=project_id, change=lambda _data: None,
                          name=clean_name(name))


def clean_name(name: str) -> str:
    cleaned = ' '.join(str(name or '').split())
    if not cleaned:
        raise BadInput('A project needs a name.')
    hidden = hidden_character(cleaned)
    if hidden:
        raise BadInput(f'Project name: remove the invisible or control character {hidden}.')
    if len(cleaned) > MAX_NAME:
        raise BadInput(f'Project names are at most {MAX_NAME} characters.')
    return cleaned


def record_asset(*, session: Session, project_id: str, key: str, relpath: str, source: AssetSource,
                 **details: Any) -> ProjectPublic:
    """Note a file of the project in its memory, with where it came from."""
    if not _ASSET_KEY.match(key):
        raise BadInput(f'Asset key {key!r} is not allowed.')
    entry = {'path': relpath, 'source': source.to_json(), 'created_at': utcnow().isoformat(), **details}
    return change_project(session=session, project_id=project_id,
                          change=lambda data: data.setdefault('assets', {}).__setitem__(key, entry))


def _stage(stage_id: str) -> workflow.Stage:
    try:
        return workflow.stage(stage_id)
    except ValueError:
        raise BadInput(f'There is no stage called {stage_id!r}.') from None


def _owns(row: Project, *, browser_id: str | None, user_id: str | None) -> bool:
    if user_id is not None and row.owner_id == user_id:
        return True
    return row.owner_id is None and browser_id is not None and row.browser_id == browser_id
