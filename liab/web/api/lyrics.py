"""Spec 9.3: write, write from a beat, write from a theme, and refine lyrics over the JSON API.

Each answer carries the structured lyrics, the plain text, which provider wrote them and, when the outside service
failed and the local writer stood in, a notice saying so. With a `session_id` (or, without one, the user's working
project) the result is stored as the project's current lyrics version.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from liab import jobs, media
from liab.audio import ingest
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import ProjectPublic, User
from liab.providers.text import Written
from liab.services import beats
from liab.services import lyrics as lyric_service
from liab.services.projects import AssetSource
from liab.web.api.common import api, current_user, docs, ok, read_body, read_form, session_project
from liab.web.bridge import in_session
from liab.writers.lyrics import Lyrics, parse_lyrics

BEAT_FORMATS = ('wav', 'mp3', 'aiff', 'flac', 'm4a')


class BeatHints(BaseModel):
    model_config = ConfigDict(extra='ignore')

    bpm: float | None = None
    mood: str | None = Field(None, max_length=40)


class WriteRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    genre: str = Field(max_length=40)
    mood: str = Field(max_length=40)
    theme: str = Field('', max_length=lyric_service.MAX_THEME)
    seed: int | None = None
    session_id: str | None = Field(None, max_length=36)
    beat_context: BeatHints | None = None


class FreeRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    theme: str = Field(max_length=lyric_service.MAX_THEME)
    seed: int | None = None
    session_id: str | None = Field(None, max_length=36)


class RefineRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    lyrics: str = Field(max_length=lyric_service.MAX_TEXT)
    instruction: str = Field(max_length=lyric_service.MAX_INSTRUCTION)
    bpm: float | None = None
    history: list[str] = Field(default_factory=list, max_length=50)
    structured_lyrics: dict[str, Any] | None = None
    rhythm_map: Any = None  # accepted for compatibility with the older front end; not used
    genre: str | None = Field(None, max_length=40)
    mood: str | None = Field(None, max_length=40)
    seed: int | None = None
    session_id: str | None = Field(None, max_length=36)


def register() -> None:
    app.add_api_route('/api/songs/write', write_song, methods=['POST'], tags=['lyrics'], **docs(WriteRequest))
    app.add_api_route('/api/lyrics/from_beat', from_beat, methods=['POST'], tags=['lyrics'], **docs(form={
        'file': {'type': 'string', 'format': 'binary'}, 'session_id': {'type': 'string', 'maxLength': 36},
        'theme': {'type': 'string', 'maxLength': 200}}))
    app.add_api_route('/api/lyrics/free', free, methods=['POST'], tags=['lyrics'], **docs(FreeRequest))
    app.add_api_route('/api/lyrics/refine', refine, methods=['POST'], tags=['lyrics'], **docs(RefineRequest))


@api
async def write_song(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, WriteRequest)
    bpm = body.beat_context.bpm if body.beat_context else None
    written = await run.io_bound(lyric_service.write, genre=body.genre, mood=body.mood, theme=body.theme, bpm=bpm,
                                 seed=body.seed)
    project = await _store(user, body.session_id, written, kind='write', note=f'Wrote {body.mood} {body.genre}',
                           details={'genre': body.genre, 'mood': body.mood, 'bpm': bpm})
    return ok(data=_answer(written, project))


@api
async def free(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, FreeRequest)
    written = await run.io_bound(lyric_service.write_free, theme=body.theme, seed=body.seed)
    project = await _store(user, body.session_id, written, kind='free', note='Wrote from a theme', details={})
    return ok(data=_answer(written, project))


@api
async def from_beat(request: Request) -> JSONResponse:
    """Multipart: `file` (a beat to analyse on the spot) and/or `session_id` (use that project's beat)."""
    user = await current_user(request)
    async with read_form(request, max_files=1, max_fields=10) as form:
        upload = form.get('file')
        session_id = form.get('session_id')
        session_id = session_id if isinstance(session_id, str) and session_id else None
        theme = form.get('theme')
        theme = theme if isinstance(theme, str) else ''
        project = await session_project(user, session_id)
        if isinstance(upload, UploadFile):
            context = await _analyse(project, upload)
        else:
            context = lyric_service.beat_context(project.data)
            if context is None:
                raise BadInput('Send a beat file, or make a beat in this project first.')
        genre = context.genre or 'hip hop'
        mood = context.mood or 'energetic'
        written = await run.io_bound(lyric_service.write, genre=genre, mood=mood, theme=theme, bpm=context.bpm)
        stored = await _store(user, project.id, written, kind='from_beat', note=f'Wrote to the beat ({mood} {genre})',
                              details={'genre': genre, 'mood': mood, 'bpm': context.bpm})
    return ok(data={**_answer(written, stored), 'bpm': context.bpm, 'mood': mood, 'genre': genre,
                    'key': context.key})


@api
async def refine(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, RefineRequest)
    original = _given_lyrics(body)
    written = await run.io_bound(lyric_service.refine, original, body.instruction, history=body.history,
                                 genre=body.genre, mood=body.mood, bpm=body.bpm, seed=body.seed)
    result = written.value
    data: dict[str, Any] = {'understood': result.understood, 'message': result.message,
                            'provider': written.provider, 'notice': written.notice}
    if result.lyrics is None:
        return ok(data={**data, 'lyrics': original.text(), 'structured_lyrics': original.to_json()})
    if body.session_id and result.lyrics.text() != original.text():
        project = await _store(user, body.session_id, Written(result.lyrics, written.provider, written.notice),
                               kind='refine', note=body.instruction, details={'genre': body.genre, 'mood': body.mood})
        data.update(path=lyric_service.FILE, url=media.url(project.id, lyric_service.FILE), session_id=project.id)
    return ok(data={**data, 'lyrics': result.lyrics.text(), 'structured_lyrics': result.lyrics.to_json()})


def _given_lyrics(body: RefineRequest) -> Lyrics:
    if body.structured_lyrics:
        try:
            return lyric_service.clean(Lyrics.from_json(body.structured_lyrics))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise BadInput('structured_lyrics: not in the shape {title, sections: [{name, lines}]}') from None
    return lyric_service.clean(parse_lyrics(body.lyrics))


async def _store(user: User, session_id: str | None, written: Written[Lyrics], *, kind: str, note: str,
                 details: dict[str, Any]) -> ProjectPublic:
    project = await session_project(user, session_id)
    source = AssetSource('service' if written.provider == 'openai' else 'local', written.source_name)
    return await in_session(lyric_service.store_version, write=True, project_id=project.id, lyrics=written.value,
                            kind=kind, note=note, source=source,
                            details={k: v for k, v in details.items() if v is not None})


def _answer(written: Written[Lyrics], project: ProjectPublic) -> dict[str, Any]:
    return {'lyrics': written.value.to_json(), 'lyrics_text': written.value.text(), 'path': lyric_service.FILE,
            'url': media.url(project.id, lyric_service.FILE), 'session_id': project.id, 'provider': written.provider,
            'notice': written.notice}


async def _analyse(project: ProjectPublic, upload: UploadFile) -> lyric_service.BeatContext:
    """Take the beat through the safe intake into a temporary folder, measure it, and keep nothing."""
    settings = get_settings()
    scratch = settings.data_dir / 'tmp'
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        taken = await run.io_bound(ingest.ingest_audio, upload.file, original_name=upload.filename or 'beat',
                                   dest_dir=Path(folder), max_bytes=settings.max_upload_bytes,
                                   allowed=BEAT_FORMATS, stem='beat')
        job = jobs.runner.start(project.id, 'Listening to the beat', Path(folder))
        measured = await jobs.runner.run(job, beats.analyse_upload, str(taken.path), taken.format)
    bpm = measured.get('bpm')
    key = measured.get('key')
    return lyric_service.BeatContext(float(bpm) if bpm else None, lyric_service.mood_of_beat(bpm, key),
                              lyric_service.genre_of_beat(bpm, key), key)
