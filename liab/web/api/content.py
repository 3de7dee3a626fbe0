"""Spec 9.7 (first part): ideas, the viral score, the text pack and the local post schedule over the JSON API.

Fields the caller leaves out are filled from the project (`session_id`) when one is given: its title, lyrics, mood
and genre. The video routes come with the video issue.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from pydantic import BaseModel, ConfigDict, Field

from liab.content import schedule, score
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
    model_config = ConfigDict(extra='ignore')

    session_id: str = Field(max_length=36)
    platform: str = Field(max_length=40)
    date: str = Field(max_length=10)  # YYYY-MM-DD in `time_zone`
    time: str = Field(max_length=5)  # HH:MM in `time_zone`
    time_zone: str = Field('UTC', max_length=64)
    caption: str = Field('', max_length=2200)
    hashtags: list[str] | str = Field('', max_length=600)
    video_url: str | None = Field(None, max_length=600)


def register() -> None:
    app.add_api_route('/api/content/idea', idea, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/analyze', analyze, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/generate-text', generate_text, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/schedule', add_post, methods=['POST'], tags=['content'])
    app.add_api_route('/api/content/get-scheduled', get_scheduled, methods=['GET'], tags=['content'])


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
    user = await current_user(request)
    body = await read_body(request, ScheduleRequest)
    await _owned(user, body.session_id)
    stored = await in_session(content.add_post, write=True, project_id=body.session_id, tz=body.time_zone, values={
        'platform': body.platform, 'date': body.date, 'time': body.time, 'caption': body.caption,
        'hashtags': body.hashtags, 'media': body.video_url})
    post_id = stored.data['content']['posts'][-1]['id']
    newest = next(post for post in content.posts(stored.data) if post.id == post_id)
    return ok(data={'post_id': newest.id, 'platform': newest.platform, 'scheduled_time': newest.when.isoformat(),
                    'status': newest.status})


@api
async def get_scheduled(request: Request, session_id: str = '') -> JSONResponse:
    user = await current_user(request)
    project = await _owned(user, session_id)
    return ok(data=[{'post_id': post.id, 'platform': post.platform, 'platform_name': schedule.PLATFORMS[post.platform],
                     'scheduled_time': post.when.isoformat(), 'caption': post.caption,
                     'hashtags': list(post.hashtags), 'status': post.status}
                    for post in content.posts(project.data)])


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
