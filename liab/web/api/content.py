"""Spec 9.7: ideas, the viral score, the text pack, the post schedule, the release plan and video over the JSON API.

Fields the caller leaves out are filled from the project (`session_id`) when one is given: its title, lyrics, mood
and genre. Video: `upload-video` (multipart) stores a clip and its transcript; `visualizer` and `canvas` render videos.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from liab import media
from liab.config import get_settings
from liab.content import plan, schedule, score
from liab.errors import BadInput
from liab.models import User
from liab.providers import text
from liab.services import content, videos
from liab.web.api.common import (
    api,
    current_user,
    docs,
    form_session_id,
    ok,
    owned_project,
    read_body,
    read_form,
    run_job,
    session_project,
)
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


class VisualizerRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str = Field(max_length=36)
    start_s: float | None = Field(None, ge=0, le=3600)  # None: the suggested part (the loudest sustained stretch)
    length_s: float = Field(15, ge=10, le=60)


class CanvasRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str = Field(max_length=36)
    seconds: float = Field(6, ge=3, le=8)
    height: int = Field(1080, ge=720, le=1080)
    seed: int = Field(0, ge=0, le=2**31)


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str = Field(max_length=36)
    time_zone: str = Field('UTC', max_length=64)
    release_date: str | None = Field(None, max_length=10)
    items: list[dict[str, Any]] | None = Field(None, max_length=len(plan.STEPS))  # to accept; None proposes


def register() -> None:
    app.add_api_route('/api/content/idea', idea, methods=['POST'], tags=['content'], **docs(SongFields))
    app.add_api_route('/api/content/analyze', analyze, methods=['POST'], tags=['content'], **docs(AnalyzeRequest))
    app.add_api_route('/api/content/generate-text', generate_text, methods=['POST'], tags=['content'],
                      **docs(TextRequest))
    app.add_api_route('/api/content/schedule', add_post, methods=['POST'], tags=['content'], **docs(ScheduleRequest))
    app.add_api_route('/api/content/save-scheduled', save_post, methods=['POST'], tags=['content'],
                      **docs(ScheduleRequest))
    app.add_api_route('/api/content/get-scheduled', get_scheduled, methods=['GET'], tags=['content'], **docs())
    app.add_api_route('/api/content/release-plan', release_plan, methods=['POST'], tags=['content'],
                      **docs(PlanRequest))
    app.add_api_route('/api/content/upload-video', upload_video, methods=['POST'], tags=['content'], **docs(form={
        'file': {'type': 'string', 'format': 'binary'}, 'session_id': {'type': 'string', 'maxLength': 36}}))
    app.add_api_route('/api/content/visualizer', make_visualizer, methods=['POST'], tags=['content'],
                      **docs(VisualizerRequest))
    app.add_api_route('/api/content/canvas', make_canvas, methods=['POST'], tags=['content'], **docs(CanvasRequest))


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
    project = await owned_project(user, body.session_id)
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
    project = await owned_project(user, body.session_id)
    stored = await in_session(content.add_post, write=True, project_id=project.id, tz=body.time_zone,
                              values=body.form(project.id))
    newest = stored.data['content']['posts'][-1]
    return ok(data={'post_id': newest['id'], 'status': newest['status'], 'scheduled_time': newest['when']})


@api
async def get_scheduled(request: Request, session_id: str = '') -> JSONResponse:
    """The schedule, soonest first; GetLate's posts are asked for their news first."""
    user = await current_user(request)
    project = await owned_project(user, session_id)
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
    project = await owned_project(user, body.session_id)
    if body.items is not None:
        project = await in_session(content.accept_plan, write=True, project_id=project.id, items=body.items,
                                   tz=body.time_zone)
    proposed = await run.io_bound(content.release_plan, project.data, project.id, tz=body.time_zone,
                                  release_date=_date(body.release_date))
    return ok(data={'release_date': proposed.release_date.isoformat(), 'from_details': proposed.from_details,
                    'items': [item.to_json() for item in proposed.items]})


@api
async def upload_video(request: Request) -> JSONResponse:
    """Multipart `file` (MP4, MOV or WebM) and optional `session_id`: stored, transcribed, returned (spec 9.7)."""
    user = await current_user(request)
    async with read_form(request, max_files=1, max_fields=4) as form:
        upload = form.get('file')
        if not isinstance(upload, UploadFile):
            raise BadInput('file: send the video as a multipart file field named "file".')
        project = await session_project(user, form_session_id(form))
        taken = await run.io_bound(videos.take_video, project_id=project.id, source=upload.file,
                                   original_name=upload.filename or 'video',
                                   max_bytes=get_settings().max_video_bytes)
    try:
        heard = await run_job(project.id, 'Transcribing the video', videos.transcribe_job,
                              str(taken.audio_path) if taken.audio_path else None)
    except BaseException:
        taken.path.unlink(missing_ok=True)
        if taken.audio_path:
            taken.audio_path.unlink(missing_ok=True)
        raise
    stored = await in_session(videos.store_video, write=True, project_id=project.id, taken=taken, transcript=heard)
    entry = videos.videos(stored.data)[0]
    return ok(data={'file_url': media.url(project.id, entry['path']), 'transcript': entry['transcript'],
                    'duration': entry['duration'], 'fps': entry['fps'], 'width': entry['width'],
                    'height': entry['height'], 'rough': entry['rough'], 'provider': entry['transcript_source'],
                    'notice': heard.get('notice'), 'video_id': entry['id'], 'session_id': project.id})


@api
async def make_visualizer(request: Request) -> JSONResponse:
    """A 1080x1920 visualizer video of a part of the master (the suggested part unless `start_s` is given)."""
    user = await current_user(request)
    body = await read_body(request, VisualizerRequest)
    project = await owned_project(user, body.session_id)
    inputs = videos.render_inputs(project.data, project.id)
    start = body.start_s
    if start is None:
        start, _end, _length = await run.io_bound(videos.suggest_part, inputs['song'], body.length_s)
    folder = str(media.project_dir(project.id) / videos.MADE)
    made = await run_job(project.id, 'Rendering the visualizer', videos.visualizer_job, inputs, folder, start,
                         body.length_s)
    stored = await in_session(videos.store_render, write=True, project_id=project.id, kind='visualizer', made=made)
    entry = videos.renders(stored.data, 'visualizer')[0]
    return ok(data={'video_url': media.url(project.id, entry['path']), 'start_s': entry['start_s'],
                    'length_s': entry['length_s'], 'captions': entry['captions'], 'song': inputs['song_kind'],
                    'generated_cover': entry['generated_cover']})


@api
async def make_canvas(request: Request) -> JSONResponse:
    """A silent 9:16 Spotify Canvas loop (3 to 8 s) from the cover art."""
    user = await current_user(request)
    body = await read_body(request, CanvasRequest)
    project = await owned_project(user, body.session_id)
    inputs = videos.render_inputs(project.data, project.id)
    folder = str(media.project_dir(project.id) / videos.MADE)
    made = await run_job(project.id, 'Rendering the Canvas loop', videos.canvas_job, inputs, folder, body.seconds,
                         body.height, body.seed)
    stored = await in_session(videos.store_render, write=True, project_id=project.id, kind='canvas', made=made)
    entry = videos.renders(stored.data, 'canvas')[0]
    return ok(data={'video_url': media.url(project.id, entry['path']), 'seconds': entry['seconds'],
                    'height': entry['height'], 'generated_cover': entry['generated_cover']})


async def _song(user: User, body: SongFields) -> dict[str, Any]:
    """The fields given, with the project's own filling the gaps."""
    known: dict[str, Any] = {'title': '', 'artist': '', 'lyrics': '', 'mood': '', 'genre': '', 'bpm': None}
    if body.session_id:
        project = await owned_project(user, body.session_id)
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
