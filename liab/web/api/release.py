"""Spec 9.6: the Release routes. Every one needs the owner's bearer token and a `session_id` (the project's id)."""

from __future__ import annotations

import json
from urllib.parse import unquote

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from pydantic import BaseModel, ConfigDict, Field

from liab import media
from liab.errors import BadInput
from liab.models import ProjectPublic
from liab.providers import text
from liab.services import release
from liab.services.projects import AssetSource
from liab.web.api.common import api, current_user, docs, ok, owned_project, read_body, run_job
from liab.web.bridge import in_session


class Session(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str = Field(max_length=36)


class CoverRequest(Session):
    track_title: str = Field('', max_length=200)
    artist_name: str = Field('', max_length=100)
    genre: str = Field('hip hop', max_length=40)
    mood: str = Field('energetic', max_length=40)
    style: str | None = Field(None, max_length=200)
    seed: int | None = None


class SelectCover(Session):
    cover_url: str = Field(max_length=600)


class CopyRequest(Session):
    track_title: str = Field('', max_length=200)
    artist_name: str = Field('', max_length=100)
    genre: str = Field('hip hop', max_length=40)
    mood: str = Field('energetic', max_length=40)
    lyrics: str | None = Field(None, max_length=20_000)
    seed: int | None = None


class LyricsPdf(Session):
    title: str = Field(max_length=200)
    artist: str = Field(max_length=100)
    lyrics: str = Field(max_length=20_000)


class MetadataRequest(Session):
    model_config = ConfigDict(extra='allow')  # every other release field (isrc, upc, credits, label, ...) too

    track_title: str = Field(max_length=200)
    artist_name: str = Field(max_length=100)
    mood: str = Field('', max_length=40)
    genre: str = Field(max_length=40)
    explicit: bool = False
    release_date: str = Field(max_length=10)


def register() -> None:
    for path, handler, body in (('/api/release/cover', cover, CoverRequest),
                                ('/api/release/select-cover', select_cover, SelectCover),
                                ('/api/release/copy', write_copy, CopyRequest),
                                ('/api/release/lyrics', lyrics_pdf, LyricsPdf),
                                ('/api/release/metadata', metadata, MetadataRequest),
                                ('/api/release/download-all', download_all, Session)):
        app.add_api_route(path, handler, methods=['POST'], tags=['release'], **docs(body))
    app.add_api_route('/api/release/files', files, methods=['GET'], tags=['release'], **docs())
    app.add_api_route('/api/release/pack', pack, methods=['GET'], tags=['release'], **docs())


@api
async def cover(request: Request) -> JSONResponse:
    from liab import art
    user = await current_user(request)
    body = await read_body(request, CoverRequest)
    project = await owned_project(user, body.session_id)
    folder = media.project_dir(project.id, create=True) / release.COVER_DIR / 'candidates'
    fields = release.cover_fields(title=body.track_title, artist=body.artist_name, genre=body.genre,
                                  mood=body.mood, seed=body.seed)
    made = await run_job(project.id, 'Making cover art', art.candidates_job, fields, str(folder))
    stored = await in_session(release.store_candidates, write=True, project_id=project.id, made=made)
    candidates = release.release_state(stored.data)['candidates']
    return ok(data={'images': [media.url(project.id, c['path']) for c in candidates],
                    'previews': [media.url(project.id, c['preview']) for c in candidates],
                    'notice': next((c.get('notice') for c in made if c.get('notice')), None)})


@api
async def select_cover(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, SelectCover)
    project = await owned_project(user, body.session_id)
    relpath = _relpath(project, body.cover_url)
    chosen = next((c for c in release.release_state(project.data).get('candidates') or [] if c['path'] == relpath),
                  None)
    if chosen is None:
        raise BadInput('cover_url must be one of the cover images made for this project.')
    details = release.release_state(project.data).get('details') or {}
    root = media.project_dir(project.id)
    finals = await run_job(project.id, 'Preparing the cover', release.finalize_job, str(root / relpath),
                        str(root / release.COVER_DIR), details.get('title') or 'Untitled', details.get('artist', ''))
    stored = await in_session(release.store_cover, write=True, project_id=project.id, finals=finals,
                              source=chosen['source'], chosen=relpath)
    return ok(data={'final_cover': release.release_state(stored.data)['cover_art'],
                    'files': {name: media.url(project.id, path)
                              for name, path in release.release_state(stored.data)['cover']['files'].items()}})


@api
async def write_copy(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, CopyRequest)
    project = await owned_project(user, body.session_id)
    values = {'title': body.track_title, 'artist': body.artist_name, 'genre': body.genre, 'mood': body.mood}
    meta = project.data.get('metadata') or {}
    written = await run.io_bound(text.write_release_copy, values, body.lyrics or '',
                                 {'bpm': meta.get('tempo'), 'key': meta.get('key')}, body.seed)
    source = AssetSource('service', 'openai') if written.provider == 'openai' else AssetSource('local', 'copy writer')
    await in_session(release.store_copy, write=True, project_id=project.id, copy={
        'description': written.value.description, 'pitch': written.value.pitch, 'tagline': written.value.tagline},
        source=source)
    base = f'{release.FOLDER}/copy'
    return ok(data={f'{key}_url': media.url(project.id, f'{base}/{name}')
                    for key, name in release.COPY_FILES.items()} | {'notice': written.notice})


@api
async def lyrics_pdf(request: Request) -> JSONResponse:
    from liab.release import documents

    user = await current_user(request)
    body = await read_body(request, LyricsPdf)
    project = await owned_project(user, body.session_id)
    parsed = release.stored_details(project.data)
    path = media.project_dir(project.id, create=True) / release.FOLDER / 'lyrics' / 'lyrics.pdf'
    path.parent.mkdir(parents=True, exist_ok=True)
    await run.io_bound(documents.lyrics_pdf, path, title=body.title, artist=body.artist, lyrics_text=body.lyrics,
                       credits=list(parsed.credits) if parsed else [])
    return ok(data={'pdf_url': media.url(project.id, media.relative(project.id, path))})


@api
async def metadata(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, MetadataRequest)
    project = await owned_project(user, body.session_id)
    values = {**(body.model_extra or {}), 'title': body.track_title, 'artist': body.artist_name, 'mood': body.mood,
              'genre': body.genre, 'explicit': body.explicit, 'release_date': body.release_date}
    values.setdefault('language', 'en')
    stored = await in_session(release.save_details, write=True, project_id=project.id, values=values)
    path = media.project_dir(project.id) / release.FOLDER / 'metadata' / 'metadata.json'
    document = release.metadata_document(stored.data)
    media.write_text(path, json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
    return ok(data={'metadata_url': media.url(project.id, media.relative(project.id, path)), 'metadata': document})


@api
async def download_all(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, Session)
    project = await owned_project(user, body.session_id)
    inputs = release.pack_inputs(project.data, project.id)
    await in_session(release.check_release_allowed, project_id=project.id, user_id=user.id)
    made = await run_job(project.id, 'Building the release pack', release.pack_job, inputs,
                      str(media.project_dir(project.id) / release.FOLDER))
    await in_session(release.store_pack, write=True, project_id=project.id, user_id=user.id, made=made)
    await in_session(release.mark_downloaded, write=True, project_id=project.id)
    return ok(data={'zip_url': media.url(project.id, release.PACK), 'entries': made['entries'],
                    'bytes': made['bytes']})


@api
async def files(request: Request, session_id: str = '') -> JSONResponse:
    user = await current_user(request)
    project = await owned_project(user, session_id)
    folder = media.project_dir(project.id) / release.FOLDER
    found = [] if not folder.exists() else sorted(
        p for p in folder.rglob('*') if p.is_file() and not any(part.startswith('.') for part in p.parts))
    return ok(data={'files': [{'name': media.relative(project.id, p), 'bytes': p.stat().st_size,
                               'url': media.url(project.id, media.relative(project.id, p))} for p in found]})


@api
async def pack(request: Request, session_id: str = '') -> JSONResponse:
    user = await current_user(request)
    project = await owned_project(user, session_id)
    state = release.release_state(project.data)
    return ok(data={'coverArt': state.get('cover_art'), 'metadataFile': state.get('metadata_path'),
                    'details': state.get('details'), 'copy': state.get('copy'), 'pack': state.get('pack'),
                    'missing': release.missing_for_pack(project.data)})


def _relpath(project: ProjectPublic, url: str) -> str:
    prefix = f'/media/{project.id}/'
    if not url.startswith(prefix):
        raise BadInput('cover_url must be a /media address of this project.')
    relpath = unquote(url[len(prefix):].split('?', 1)[0])
    media.resolve(project.id, relpath)
    return relpath
