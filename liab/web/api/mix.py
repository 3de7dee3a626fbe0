"""Spec 9.5: `POST /api/mix/run` (beat + lead vocal, then the master) and `POST /api/mix/process` (any project
audio, or an uploaded file, through the mix chain and the master), both answering with the loudness report."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import app, run
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from liab import media
from liab.audio import dsp
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import ProjectPublic, User
from liab.services import mixing
from liab.web.api.common import (
    api,
    current_user,
    docs,
    ok,
    read_body,
    read_form,
    run_job,
    session_project,
    validation_message,
)
from liab.web.bridge import in_session


class RunRequest(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str | None = Field(None, max_length=36)
    vocal_gain: float = 0.0  # dB
    beat_gain: float = 0.0  # dB
    hpf_hz: float = 80.0
    deess_amount: float = 0.3
    offset_ms: float | None = None  # None: minus the recording latency of a take recorded in the browser
    target_lufs: float = -14.0


class ProcessForm(BaseModel):
    model_config = ConfigDict(extra='ignore')

    session_id: str | None = Field(None, max_length=36)
    file_url: str | None = Field(None, max_length=600)
    ai_mix: bool = False
    ai_master: bool = True
    mix_strength: float = 0.7
    master_strength: float = 1.0
    preset: str | None = Field(None, max_length=20)
    eq_low: float = 0.0
    eq_mid: float = 0.0
    eq_high: float = 0.0
    compression: float = 0.3
    reverb: float = 0.0
    limiter: float = 0.0
    target_lufs: float = -14.0
    ceiling_dbtp: float | None = None


def register() -> None:
    app.add_api_route('/api/mix/run', run_mix, methods=['POST'], tags=['mix'], **docs(RunRequest))
    app.add_api_route('/api/mix/process', process_mix, methods=['POST'], tags=['mix'], **docs(ProcessForm))


@api
async def run_mix(request: Request) -> JSONResponse:
    user = await current_user(request)
    body = await read_body(request, RunRequest)
    project = await session_project(user, body.session_id)
    beat, take = mixing.step_one_inputs(project.data)
    offset = mixing.default_offset_ms(take) if body.offset_ms is None else body.offset_ms
    vocal = mixing.vocal_settings({'vocal_gain_db': body.vocal_gain, 'beat_gain_db': body.beat_gain,
                                   'highpass_hz': body.hpf_hz, 'deess': body.deess_amount, 'offset_ms': offset})
    master = {'target_lufs': body.target_lufs}
    mixing.master_settings(master)
    root = media.project_dir(project.id, create=True)
    folder = root / mixing.FOLDER
    folder.mkdir(exist_ok=True)
    made = await run_job(project.id, 'Mixing the vocal over the beat', mixing.vocal_mix_job, str(root / beat),
                      str(root / take['path']), str(folder), asdict(vocal))
    stored = await in_session(mixing.store_vocal_mix, write=True, project_id=project.id, made=made, beat=beat,
                              take_id=take['id'])
    source = mixing.find_source(stored.data, 'vocal_mix')
    mastered = await run_job(project.id, 'Mastering', mixing.master_job, str(root / source.path), str(folder),
                             None, master)
    meta = mixing.spec_metadata(chain=None, preset=None, ai_mix=False, ai_master=True, master=master)
    await in_session(mixing.store_master, write=True, project_id=project.id, made=mastered, source=source, meta=meta)
    return ok(data={'mix_url': media.url(project.id, mixing.VOCAL_MIX), 'master_url': media.url(project.id,
                                                                                                  mixing.MASTER),
                    'report': mastered['report'], 'session_id': project.id})


@api
async def process_mix(request: Request) -> JSONResponse:
    """Multipart (or JSON without a file): `file` or `file_url` (a /media URL of this project) and the controls."""
    user = await current_user(request)
    async with AsyncExitStack() as stack:
        upload, form = await _form(request, stack)
        return await _process(user, upload, form)


async def _process(user: User, upload: Any, form: ProcessForm) -> JSONResponse:
    chain = _chain(form)  # every control is checked before anything is stored
    master = {'target_lufs': form.target_lufs, 'ceiling_dbtp': form.ceiling_dbtp,
              'amount': _unit('master_strength', form.master_strength) if form.ai_master else 0.0}
    mixing.master_settings(master)
    strength = _unit('mix_strength', form.mix_strength)
    project = await session_project(user, form.session_id)
    if isinstance(upload, UploadFile):
        taken = await run.io_bound(mixing.take_input, project_id=project.id, source=upload.file,
                                   original_name=upload.filename or 'song', max_bytes=get_settings().max_upload_bytes)
        project = await in_session(mixing.store_input, write=True, project_id=project.id, taken=taken)
        source = next(s for s in mixing.sources(project.data) if s.key.startswith('input:'))
    elif form.file_url:
        source = _source_from_url(project, form.file_url)
    else:
        sources = mixing.sources(project.data)
        if not sources:
            raise BadInput('Send a file or a file_url, or make a beat or a vocal mix in this project first.')
        source = sources[0]
    root = media.project_dir(project.id)
    if form.ai_mix:
        suggested = await run_job(project.id, 'Listening to the mix', mixing.suggest_job, str(root / source.path),
                               strength)
        chain = suggested['chain']
    folder = root / mixing.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    made = await run_job(project.id, 'Mixing and mastering', mixing.master_job, str(root / source.path), str(folder),
                      chain, master)
    meta = mixing.spec_metadata(chain=chain, preset=form.preset, ai_mix=form.ai_mix, ai_master=form.ai_master,
                                master=master)
    await in_session(mixing.store_master, write=True, project_id=project.id, made=made, source=source, meta=meta)
    return ok(data={'file_url': media.url(project.id, mixing.MASTER), 'report': made['report'], 'chain': chain,
                    'source': source.label, 'session_id': project.id})


def _chain(form: ProcessForm) -> dict[str, float]:
    if form.preset:
        if form.preset not in dsp.PRESETS:
            raise BadInput(f'preset must be one of {", ".join(dsp.PRESETS)}.')
        return asdict(dsp.PRESETS[form.preset])
    values = {name: getattr(form, name) for name in dsp.Chain.RANGES}
    mixing.chain_settings(values)
    return values


def _unit(name: str, value: float) -> float:
    if not 0 <= value <= 1:
        raise BadInput(f'{name} must be a number from 0 to 1, not {value!r}.')
    return value


def _source_from_url(project: ProjectPublic, url: str) -> mixing.Source:
    prefix = f'/media/{project.id}/'
    if not url.startswith(prefix):
        raise BadInput('file_url must be a /media address of this project.')
    relpath = unquote(url[len(prefix):].split('?', 1)[0])
    media.resolve(project.id, relpath)  # NotFound for anything outside the project or missing
    for source in mixing.sources(project.data):
        if source.path == relpath:
            return source
    return mixing.Source('file', Path(relpath).name, relpath)


async def _form(request: Request, stack: AsyncExitStack) -> tuple[Any, ProcessForm]:
    if request.headers.get('content-type', '').startswith('application/json'):
        return None, await read_body(request, ProcessForm)
    form = await stack.enter_async_context(read_form(request, max_files=1, max_fields=40))
    fields = {key: value for key, value in form.items() if isinstance(value, str) and value != ''}
    try:
        return form.get('file'), ProcessForm.model_validate(fields)
    except ValidationError as exc:
        raise BadInput(validation_message(exc)) from None
