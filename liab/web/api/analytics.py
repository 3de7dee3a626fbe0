"""The Analytics stage over the JSON API: the figures with their summary, a CSV import, and the CSV export.

- `GET /api/analytics?session_id=...`: every figure, the totals, the 7- and 28-day change, the save rate, Pulse's
  line on the last week and the chart markers (release day, posts).
- `POST /api/analytics/import` (multipart `file`, optional `session_id`): a CSV in our columns or a Spotify for
  Artists timeline export, all or nothing (400 naming the bad lines).
- `GET /api/analytics/export?session_id=...`: the figures as CSV.

Without a `session_id` the user's working project is used. NOTE: the import's body falls under the general body
cap of liab/web/middleware.py (LIAB_MAX_BODY_KB, 1 MB by default), below the stage's own 2 MB for CSV files.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from nicegui import app
from starlette.datastructures import UploadFile

from liab import logs
from liab.analytics import csvfile, summary
from liab.analytics.figures import METRICS
from liab.errors import BadInput
from liab.models import ProjectPublic, User
from liab.services import analytics, library
from liab.web.api.common import api, current_user, docs, form_session_id, ok, owned_project, read_form, session_project
from liab.web.bridge import in_session

CSV_HEADERS = {'Cache-Control': 'no-store', 'Content-Disposition': 'attachment; filename="figures.csv"'}


def register() -> None:
    app.add_api_route('/api/analytics', figures, methods=['GET'], tags=['analytics'],
                      **docs(summary='The figures, their summary and the chart markers'))
    app.add_api_route('/api/analytics/import', import_csv, methods=['POST'], tags=['analytics'], **docs(form={
        'file': {'type': 'string', 'format': 'binary'}, 'session_id': {'type': 'string', 'maxLength': 36}},
        summary='Import a CSV (our columns or a Spotify for Artists timeline export)'))
    app.add_api_route('/api/analytics/export', export_csv, methods=['GET'], tags=['analytics'],
                      **docs(summary='The figures as CSV', produces='text/csv'))


@api
async def figures(request: Request, session_id: str = '') -> JSONResponse:
    user = await current_user(request)
    project = await _project(user, session_id)
    found = await in_session(analytics.points, project_id=project.id) if project else []
    made = summary.summarise(found)
    return ok(data={
        'session_id': project.id if project else None,
        'first_day': made.first_day.isoformat() if made.first_day else None,
        'as_of': made.as_of.isoformat() if made.as_of else None, 'days': made.days,
        'platforms': list(made.platforms),
        'totals': {metric: made.overall[metric].total for metric in METRICS},
        'last_7_days': {metric: _change(made.overall[metric].week) for metric in METRICS},
        'last_28_days': {metric: _change(made.overall[metric].month) for metric in METRICS},
        'save_rate': made.save_rate, 'save_rate_7_days': made.save_rate_week,
        'pulse': summary.pulse_line(made),
        'points': [{'date': point.day.isoformat(), 'platform': point.platform, **point.figures(),
                    'source': point.source} for point in found],
        'markers': [{'date': marker.day.isoformat(), 'label': marker.label, 'kind': marker.kind}
                    for marker in analytics.markers(project.data)] if project else [],
    })


@api
async def import_csv(request: Request) -> JSONResponse:
    user = await current_user(request)
    async with read_form(request, max_files=1, max_fields=4) as form:
        file = form.get('file')
        if not isinstance(file, UploadFile):
            raise BadInput('Send the CSV as a file in the form field "file".')
        session_id = form_session_id(form)
        text = csvfile.decode(await file.read(csvfile.MAX_BYTES + 1))
    project = await session_project(user, session_id)
    with logs.action('api_analytics_import', project.id):
        stored = await in_session(analytics.import_csv, write=True, project_id=project.id, text=text)
    return ok(data={'session_id': project.id, 'kind': stored.kind, 'added': stored.added, 'updated': stored.updated,
                    'days': len(stored.points), 'pulse': summary.pulse_line(summary.summarise(stored.points))})


@api
async def export_csv(request: Request, session_id: str = '') -> Response:
    user = await current_user(request)
    project = await _project(user, session_id)
    text = await in_session(analytics.export_csv, project_id=project.id) if project else csvfile.to_csv([])
    return Response(text, media_type='text/csv; charset=utf-8', headers=CSV_HEADERS)


async def _project(user: User, session_id: str) -> ProjectPublic | None:
    """The project `session_id` names or, with no id, the caller's working project if there is one."""
    if session_id.strip():
        return await owned_project(user, session_id)
    return await in_session(library.working_project, browser_id='', user_id=user.id)


def _change(change: summary.Change) -> dict[str, Any]:
    return {'current': change.current, 'previous': change.previous, 'change_percent': change.percent}
