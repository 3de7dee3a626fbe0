"""Spec 9.2: make a beat for a project over the JSON API, and Beatoven's credits."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app
from pydantic import BaseModel, ConfigDict, Field

from liab import jobs, media
from liab.config import get_settings
from liab.errors import ProviderUnavailable
from liab.providers import beats as beatoven
from liab.services import beats
from liab.web.api.common import api, current_user, docs, ok, read_body, session_project
from liab.web.bridge import in_session


class BeatRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    prompt: str = Field('', max_length=300)
    mood: str | None = Field(None, max_length=40)
    genre: str | None = Field(None, max_length=40)
    key: str | None = Field(None, max_length=20)
    bpm: int | None = None
    duration_sec: float | None = None
    seed: int | None = None
    session_id: str | None = Field(None, max_length=36)  # the project's id


def register() -> None:
    app.add_api_route('/api/beats/create', create_beat, methods=['POST'], tags=['beats'], **docs(BeatRequest))
    app.add_api_route('/api/beats/credits', credits, methods=['GET'], tags=['beats'], **docs())


@api
async def create_beat(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, BeatRequest)
    spec = beats.beat_spec(prompt=body.prompt, genre=body.genre, mood=body.mood, bpm=body.bpm, key=body.key,
                           length_s=body.duration_sec, seed=body.seed)
    project = await session_project(user, body.session_id)
    folder = media.project_dir(project.id, create=True) / beats.FOLDER
    folder.mkdir(exist_ok=True)
    fields = {'genre': spec.genre, 'mood': spec.mood, 'bpm': spec.bpm, 'key': spec.key, 'length_s': spec.length_s,
              'seed': spec.seed}
    notice = None
    made = None
    service = beats.beatoven_settings()
    if service:
        job = jobs.runner.start(project.id, 'Composing at Beatoven', media.project_dir(project.id))
        try:
            made = await jobs.runner.run(job, beats.make_beatoven_beat, body.prompt or _describe(fields), fields,
                                         str(folder), service)
            beatoven.remember_credits(service[1], made.get('credits'))
        except ProviderUnavailable as exc:
            notice = f'{exc.message} The local beat engine made this beat instead.'
    if made is None:
        job = jobs.runner.start(project.id, 'Making your beat', media.project_dir(project.id))
        made = await jobs.runner.run(job, beats.make_local_beat, fields, str(folder))
    stored = await in_session(beats.store_beat, write=True, project_id=project.id, made=made)
    asset = stored.data['assets']['beat']
    return ok(data={'url': asset['url'], 'metadata': {**asset['metadata'], 'mood': spec.mood, 'genre': spec.genre,
                                                       'source': asset['source']},
                    'session_id': project.id, 'notice': notice})


@api
async def credits(request: Request) -> JSONResponse:
    await current_user(request)
    service = beats.beatoven_settings()
    provider = 'beatoven' if service else 'local'
    return ok(data={'credits': beatoven.last_credits(get_settings().beatoven_base_url) if service else None,
                    'provider': provider})


def _describe(fields: dict) -> str:
    return f'{fields["mood"]} {fields["genre"]} beat, {fields["bpm"]} bpm, {fields["key"]}'
