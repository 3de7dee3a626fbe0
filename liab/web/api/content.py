"""Spec 9.7 (first part): ideas, the viral score, the text pack and the local post schedule over the JSON API.

Fields the caller leaves out are filled from the project (`session_id`) when one is given: its title, lyrics, mood
and genre. The video routes come with the video issue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from liab.content import plan, schedule, score
from liab.errors import BadInput
from liab.models import ProjectPublic, User
from liab.providers import text
from liab.services import content, projects
from liab.web.api.common import api, current_user, ok, read_body
from liab.web.bridge import in_session


class SongFields(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str | None = Field(None, max_length=36)
    title: str | None = Field(None, max_length=200)
    lyrics: str | None = Field(None, max_length=20_000)
    mood: str | None = Field(None, max_length=40)
    genre: str | None = Field(None, max_length=40)
    seed: int | None = None


class AnalyzeRequest(SongFields):
    transcript: str = Field('', max_length=20_000)
    caption: str = Field('', max_length=2200)
    hashtags: list[str] | str = Field('', max_length=600)
    hook: str = Field('', max_length=500)


class TextRequest(SongFields):
    transcript: str = Field('', max_length=20_000)


class ScheduleRequest(BaseModel):
    """The spec's `schedule_time` (ISO 8601; without an offset it is read in `time_zone`), or `date` and `time`."""

    model_config = ConfigDict(extra='ignore', populate_by_name=True)

    session_id: str = Field(max_length=36, validation_alias=AliasChoices('session_id', 'sessionId'))
    platform: str = Field(max_length=40)
    schedule_time: str | None = Field(None, max_length=40,
                                      validation_alias=AliasChoices('schedule_time', 'dateTime', 'datetime'))
    date: str | None = Field(None, max_length=10)  # YYYY-MM-DD in `time_zone`
    time: str | None = Field(None, max_length=5)  # HH:MM in `time_zone`
    time_zone: str = Field('UTC', max_length=64, validation_alias=AliasChoices('time_zone', 'timezone', 'tz'))
    caption: str = Field('', max_length=2200)
    hashtags: list[str] | str = Field('', max_length=600)
    video_url: str | None = Field(None, max_length=600, validation_alias=AliasChoices('video_url', 'media'))

    def form(self, session_id: str) -> dict[str, Any]:
        day, clock = self.date, self.time
        if self.schedule_time:
            day, clock = _local_parts(self.schedule_time, self.time_zone, clock)
        return {'platform': self.platform, 'date': day, 'time': clock, 'caption': self.caption,
                'hashtags': self.hashtags, 'media': _media_path(session_id, self.video_url)}


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str = Field(max_length=36)
    time_zone: str = Field('UTC', max_length=64)
    release_date: str | None = Field(None, max_length=10)
    items: list[dict[str, Any]] | None = Field(None, max_length=len(plan.STEPS))  # to accept; None proposes


def register() -> None:
    app.add_api_route('/api/content/idea', idea, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/analyze', analyze, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/generate-text', generate_text, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/schedule', add_post, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/save-scheduled', save_post, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/get-scheduled', get_scheduled, methods=['GET'], tags=['content'])
    app.add_api_route('/api/content/release-plan', release_plan, methods=['POST'], tags=['content'])


@api
async def idea(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, SongFields)
    song = await _song(user, body)
    written = await run.io_bound(text.write_video_ideas, song, 1, body.seed)
    if body.session_id:
        await in_session(content.store_ideas, write=True, project_id=body.session_id,
                         ideas=[item.to_json() for item in written.value], source=written.provider)
    return ok(data={**written.value[0].to_json(), 'provider': written.provider, 'notice': written.notice})


@api
async def analyze(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, AnalyzeRequest)
    song = await _song(user, body)
    result = score.viral_score(transcript=body.transcript, title=song['title'], lyrics=song['lyrics'],
                               mood=song['mood'], genre=song['genre'], caption=body.caption, hashtags=body.hashtags,
                               hook=body.hook)
    if body.session_id:
        await in_session(content.store_analysis, write=True, project_id=body.session_id, analysis=result.to_json())
    return ok(data=result.to_json())


@api
async def generate_text(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, TextRequest)
    song = {**await _song(user, body), 'transcript': body.transcript}
    written = await run.io_bound(text.write_text_pack, song, body.seed)
    if body.session_id:
        await in_session(content.store_text_pack, write=True, project_id=body.session_id,
                         pack=written.value.to_json(), source=written.provider)
    return ok(data={**written.value.to_json(), 'provider': written.provider, 'notice': written.notice})


@api
async def add_post(request: Request) -> JSONResponse:
    """Schedule a post: through GetLate when GETLATE_API_KEY is set (a failure keeps it local, with a notice)."""
    user = await current_user(request)
    body = await read_body(request, ScheduleRequest)
    project = await _owned(user, body.session_id)
    prepared = await run.io_bound(content.prepare_post, project_id=project.id, data=project.data,
                                  values=body.form(project.id), tz=body.time_zone)
    await in_session(content.store_post, write=True, project_id=project.id, post=prepared.post)
    post = prepared.post
    return ok(data={'post_id': post.id, 'platform': post.platform, 'scheduled_time': _iso(post.when),
                    'status': post.status, 'provider': post.provider, 'notice': prepared.notice})


@api
async def save_post(request: Request) -> JSONResponse:
    """Keep a post in the local schedule only (the spec's save-scheduled): the artist posts it."""
    user = await current_user(request)
    body = await read_body(request, ScheduleRequest)
    project = await _owned(user, body.session_id)
    stored = await in_session(content.add_post, write=True, project_id=project.id, tz=body.time_zone,
                              values=body.form(project.id))
    newest = stored.data['content']['posts'][-1]
    return ok(data={'post_id': newest['id'], 'status': newest['status'], 'scheduled_time': newest['when']})


@api
async def get_scheduled(request: Request, session_id: str = '') -> JSONResponse:
    """The schedule, soonest first; GetLate's posts are asked for their news first."""
    user = await current_user(request)
    project = await _owned(user, session_id)
    statuses, notice = await run.io_bound(content.remote_statuses, project.data)
    if statuses:
        project = await in_session(content.store_remote_statuses, write=True, project_id=project.id,
                                   statuses=statuses)
    return ok(data=[{'post_id': post.id, 'platform': post.platform, 'platform_name': schedule.PLATFORMS[post.platform],
                     'scheduled_time': _iso(post.when), 'caption': post.caption, 'hashtags': list(post.hashtags),
                     'status': post.status, 'provider': post.provider, 'title': post.title}
                    for post in content.posts(project.data)], notice=notice)


@api
async def release_plan(request: Request) -> JSONResponse:
    """Without `items`: the proposed release plan. With `items` (as proposed, edited): add them to the schedule."""
    user = await current_user(request)
    body = await read_body(request, PlanRequest)
    project = await _owned(user, body.session_id)
    if body.items is not None:
        project = await in_session(content.accept_plan, write=True, project_id=project.id, items=body.items,
                                   tz=body.time_zone)
    proposed = await run.io_bound(content.release_plan, project.data, project.id, tz=body.time_zone,
                                  release_date=_date(body.release_date))
    return ok(data={'release_date': proposed.release_date.isoformat(), 'from_details': proposed.from_details,
                    'items': [item.to_json() for item in proposed.items]})


async def _owned(user: User, session_id: str | None) -> ProjectPublic:
    if not session_id:
        raise BadInput('session_id: the project id is required.')
    return await in_session(projects.get_owned_project, project_id=session_id, user_id=user.id)


async def _song(user: User, body: SongFields) -> dict[str, Any]:
    """The fields given, with the project's own filling the gaps."""
    known: dict[str, Any] = {'title': '', 'artist': '', 'lyrics': '', 'mood': '', 'genre': '', 'bpm': None}
    if body.session_id:
        project = await _owned(user, body.session_id)
        known = await run.io_bound(content.song_of, project.data, project.id)
    given = {key: getattr(body, key) for key in ('title', 'lyrics', 'mood', 'genre') if getattr(body, key)}
    return {**known, **given}


def _local_parts(moment: str, tz: str, clock: str | None) -> tuple[str, str | None]:
    """An ISO date-time as date and time in `tz` (a bare date keeps `clock`); BadInput when it is not one."""
    try:
        if len(moment.strip()) == 10:
            return date.fromisoformat(moment.strip()).isoformat(), clock
        parsed = datetime.fromisoformat(moment.strip().replace('Z', '+00:00'))
    except ValueError:
        raise BadInput('schedule_time: give an ISO 8601 date and time, such as 2026-03-06T18:30.') from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(schedule.zone(tz)).replace(tzinfo=None)
    return parsed.date().isoformat(), parsed.strftime('%H:%M')


def _media_path(project_id: str, value: str | None) -> str | None:
    """A project file from its media URL (`/media/{id}/...`, any host) or its path in the project."""
    if not value:
        return None
    path = unquote(urlsplit(value).path)
    prefix = f'/media/{project_id}/'
    return path.removeprefix(prefix) if path.startswith(prefix) else value


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise BadInput('release_date: give the date as YYYY-MM-DD.') from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace('+00:00', 'Z')
