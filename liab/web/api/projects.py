"""Spec 9.9: a user's projects over the API. Every route needs the owner's bearer token; the user comes from the
token, never from the body, and another user's project answers exactly like a missing one (404)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from liab import workflow
from liab.models import ProjectPublic
from liab.services import library, projects
from liab.web.api.common import api, current_user, docs, ok, read_body
from liab.web.bridge import in_session

MAX_ID = 64


class SaveRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    project_id: str | None = Field(None, alias='projectId', max_length=MAX_ID)
    project_data: dict[str, Any] | None = Field(None, alias='projectData')
    name: str | None = Field(None, max_length=projects.MAX_NAME)


class LoadRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    project_id: str = Field(alias='projectId', max_length=MAX_ID)


def register() -> None:
    # NOTE: the fixed paths come before /api/projects/{project_id}, which would otherwise swallow them.
    app.add_api_route('/api/projects', list_all, methods=['GET'], tags=['projects'], **docs())
    app.add_api_route('/api/projects/list', list_nested, methods=['GET'], tags=['projects'], **docs())
    app.add_api_route('/api/projects/save', save, methods=['POST'], tags=['projects'], **docs(SaveRequest))
    app.add_api_route('/api/projects/load', load, methods=['POST'], tags=['projects'], **docs(LoadRequest))
    app.add_api_route('/api/projects/{project_id}', get_one, methods=['GET'], tags=['projects'], **docs())
    app.add_api_route('/api/projects/{project_id}/advance', advance, methods=['POST'], tags=['projects'],
                      **docs(SaveRequest))


@api
async def list_all(request: Request) -> JSONResponse:
    return ok(projects=await _summaries(request))


@api
async def list_nested(request: Request) -> JSONResponse:
    return ok(data={'projects': await _summaries(request)})


@api
async def get_one(request: Request, project_id: str) -> JSONResponse:
    user = await current_user(request)
    project = await in_session(projects.get_owned_project, project_id=project_id, user_id=user.id)
    return ok(project={
        'projectId': project.id,
        'name': project.name,
        'saved': project.saved,
        'version': project.version,
        'projectData': project.data,
        'createdAt': _iso(project.created_at),
        'updatedAt': _iso(project.updated_at),
    })


@api
async def advance(request: Request, project_id: str) -> JSONResponse:
    user = await current_user(request)
    stage = await in_session(library.advance, write=True, user_id=user.id, project_id=project_id)
    return ok(data={'current_stage': stage})


@api
async def save(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, SaveRequest)
    data = _memory(body.project_data) if body.project_data is not None else None
    if body.project_id:
        project = await in_session(_save_existing, write=True, user_id=user.id, project_id=body.project_id,
                                   data=data, name=body.name)
    else:
        project = await in_session(library.save_new_project, write=True, user_id=user.id, data=data or {},
                                   name=body.name)
    return ok(data={'projectId': project.id, 'name': project.name})


@api
async def load(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, LoadRequest)
    project = await in_session(projects.get_owned_project, project_id=body.project_id, user_id=user.id)
    return ok(data={'projectData': project.data, 'projectId': project.id, 'name': project.name})


async def _summaries(request: Request) -> list[dict[str, Any]]:
    user = await current_user(request)
    summaries = await in_session(library.list_projects, user_id=user.id)
    return [{
        'projectId': summary.id,
        'name': summary.name,
        'saved': summary.saved,
        'updatedAt': _iso(summary.updated_at),
        'progress': {'done': summary.progress.done, 'total': summary.progress.total,
                     'percent': summary.progress.percent},
    } for summary in summaries]


def _save_existing(*, session: Session, user_id: str, project_id: str, data: dict[str, Any] | None,
                   name: str | None) -> ProjectPublic:
    """Replace the memory (if given) and save, in one transaction: a refused save (paywall) changes nothing."""
    projects.get_owned_project(session=session, project_id=project_id, user_id=user_id)
    if data is not None:
        projects.change_project(session=session, project_id=project_id, change=lambda memory: _replace(memory, data))
    return library.save_project(session=session, user_id=user_id, project_id=project_id, name=name)


def _replace(memory: dict[str, Any], data: dict[str, Any]) -> None:
    fresh = projects.new_project_data()
    fresh['created_at'] = memory.get('created_at', fresh['created_at'])
    fresh.update(data)
    memory.clear()
    memory.update(fresh)


def _memory(raw: dict[str, Any]) -> dict[str, Any]:
    """The top-level keys of a project memory that the client may set, each with its expected type.

    The workflow is rebuilt field by field: the timeline and /advance read it, so a malformed one must not land.
    """
    template = projects.new_project_data()
    kept = {key: value for key, value in raw.items() if key in template and isinstance(value, type(template[key]))}
    if 'workflow' in kept:
        kept['workflow'] = _workflow(kept['workflow'])
    return kept


def _workflow(raw: dict[str, Any]) -> dict[str, Any]:
    flow = workflow.new_workflow()
    if raw.get('current_stage') in workflow.STAGE_IDS:
        flow['current_stage'] = raw['current_stage']
    ticked = raw.get('completed_stages')
    if isinstance(ticked, list):
        flow['completed_stages'] = [stage_id for stage_id in workflow.STAGE_IDS if stage_id in ticked]
    if isinstance(raw.get('goal_shown'), bool):
        flow['goal_shown'] = raw['goal_shown']
    cycles = raw.get('cycles_completed')
    if isinstance(cycles, int) and not isinstance(cycles, bool) and cycles >= 0:
        flow['cycles_completed'] = cycles
    return flow


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()  # SQLite hands back naive times
