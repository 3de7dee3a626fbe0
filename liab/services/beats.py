"""Beats (spec 2.1): make one (local engine or Beatoven), or take the artist's own; keep a short history.

The make_* functions are jobs: top-level, run in a worker process, paths in and paths out. They write hidden
`.part` files; `store_beat` moves them into place and records the beat in one transaction, so a failed job leaves
the previous beat exactly as it was.
"""

from __future__ import annotations

import math
import os
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session

from liab import media
from liab.audio import analysis, synth
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import Project, ProjectPublic, utcnow
from liab.providers import beats as beatoven
from liab.services import projects
from liab.services.projects import AssetSource

HISTORY = 5
FOLDER = 'beats'
Progress = Callable[[float, str], None]


def beat_spec(*, prompt: str = '', genre: str | None = None, mood: str | None = None, bpm: int | None = None,
              key: str | None = None, length_s: float | None = None, seed: int | None = None) -> synth.BeatSpec:
    """Fields the artist set win; the prompt fills the ones it mentions; sensible defaults fill the rest."""
    said = synth.parse_prompt(prompt or '')
    genre = genre or str(said.get('genre') or 'hip hop')
    mood = mood or str(said.get('mood') or 'energetic')
    minor = mood in {'dark', 'sad', 'aggressive', 'dreamy'} or genre in {'trap', 'drill'}
    try:
        return synth.BeatSpec(
            genre=genre, mood=mood,
            bpm=int(bpm or said.get('bpm') or synth.DEFAULT_BPM.get(genre, 100)),
            key=key or str(said.get('key') or ('A minor' if minor else 'C major')),
            length_s=float(length_s or said.get('length_s') or 60),
            seed=seed if seed is not None else random.SystemRandom().randrange(1, 2**31))
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def make_local_beat(fields: dict[str, Any], folder: str, *, progress: Progress) -> dict[str, Any]:
    """Job: render with the local engine into hidden files in `folder`; returns what store_beat needs."""
    spec = synth.BeatSpec(**fields)
    beat_id = uuid.uuid4().hex[:12]
    wav, mp3 = _part(folder, beat_id, 'wav'), _part(folder, beat_id, 'mp3')
    try:
        result = synth.render_beat(spec, wav, mp3, progress=lambda f, m: progress(0.85 * f, m))
        progress(0.9, 'Measuring the beat')
        measured = analysis.analyze(wav, input_format='wav')
    except BaseException:
        _remove(wav, mp3)
        raise
    return {'id': beat_id, 'wav': str(wav), 'mp3': str(mp3), 'duration_s': round(result.duration_s, 2),
            'bpm': spec.bpm, 'key': spec.key, 'lufs': _round(measured.lufs), 'sections': [
                {'name': s.name, 'start_s': s.start_s, 'end_s': s.end_s} for s in result.sections],
            'progression': list(result.progression), 'pattern': result.pattern,
            'spec': {'genre': spec.genre, 'mood': spec.mood, 'bpm': spec.bpm, 'key': spec.key,
                     'length_s': spec.length_s, 'seed': spec.seed},
            'source': {'kind': 'local', 'name': 'beat engine'}}


def make_beatoven_beat(prompt: str, fields: dict[str, Any], folder: str, service: tuple[str, str | None, float], *,
                       progress: Progress) -> dict[str, Any]:
    """Job: compose at Beatoven (`service` is beatoven_settings()), check the download like any upload, measure."""
    from liab.audio import ingest

    api_key, base_url, poll_s = service
    beat_id = uuid.uuid4().hex[:12]
    raw = Path(folder) / f'.{beat_id}.download.part'
    try:
        composed = beatoven.compose(api_key=api_key, base_url=base_url, prompt=prompt, dest=raw,
                                    progress=progress, poll_every_s=poll_s)
        progress(0.85, 'Checking the track')
        with raw.open('rb') as handle:
            taken = ingest.ingest_audio(handle, original_name='beatoven.mp3', dest_dir=Path(folder),
                                        max_bytes=beatoven.MAX_TRACK_BYTES, allowed=('mp3', 'wav'),
                                        stem=f'.{beat_id}')
        measured = analysis.analyze(taken.path, input_format=taken.format)
    finally:
        raw.unlink(missing_ok=True)
    return {'id': beat_id, 'wav': None, 'mp3': str(taken.path), 'duration_s': round(taken.duration_s, 2),
            'bpm': round(measured.bpm) if measured.bpm else fields.get('bpm'), 'key': measured.key or fields.get('key'),
            'lufs': _round(measured.lufs), 'sections': [], 'progression': [], 'pattern': 'beatoven',
            'spec': {**fields, 'prompt': prompt}, 'source': {'kind': 'service', 'name': 'beatoven'},
            'credits': composed.credits}


def analyse_upload(path: str, audio_format: str, *, progress: Progress) -> dict[str, Any]:
    """Job: measure an uploaded beat (tempo, key, loudness)."""
    progress(0.1, 'Listening to your beat')
    measured = analysis.analyze(Path(path), input_format=audio_format)
    return {'bpm': round(measured.bpm) if measured.bpm else None, 'key': measured.key,
            'duration_s': round(measured.duration_s, 2), 'lufs': _round(measured.lufs)}


def store_beat(*, session: Session, project_id: str, made: dict[str, Any]) -> ProjectPublic:
    """Move a finished job's files into place and make it the project's beat; ticks the Beat stage."""
    folder = media.project_dir(project_id, create=True) / FOLDER
    final: dict[str, str | None] = {}
    for kind in ('wav', 'mp3'):
        if made.get(kind):
            target = folder / f'{made["id"]}.{kind}'
            os.replace(made[kind], target)
            final[kind] = media.relative(project_id, target)
        else:
            final[kind] = None
    entry = {key: made[key] for key in ('id', 'duration_s', 'bpm', 'key', 'lufs', 'sections', 'progression',
                                        'pattern', 'spec', 'source') if key in made}
    entry.update(wav=final['wav'], mp3=final['mp3'], created_at=utcnow().isoformat())
    return _make_current(session, project_id, entry)


def store_upload(*, session: Session, project_id: str, path: Path, display_name: str,
                 measured: dict[str, Any]) -> ProjectPublic:
    relpath = media.relative(project_id, path)
    entry = {'id': uuid.uuid4().hex[:12], 'wav': relpath if path.suffix == '.wav' else None, 'mp3': relpath,
             'duration_s': measured['duration_s'], 'bpm': measured['bpm'], 'key': measured['key'],
             'lufs': measured['lufs'], 'sections': [], 'progression': [], 'pattern': 'uploaded',
             'spec': {'name': display_name}, 'source': {'kind': 'uploaded', 'name': None},
             'created_at': utcnow().isoformat()}
    return _make_current(session, project_id, entry)


def choose_beat(*, session: Session, project_id: str, beat_id: str) -> ProjectPublic:
    row = session.get(Project, project_id)
    for entry in ((row.data if row else {}).get('beat') or {}).get('history', []):
        if entry.get('id') == beat_id:
            return _make_current(session, project_id, entry)
    raise BadInput('That beat is no longer in the history.')


def playback_path(entry: dict[str, Any]) -> str | None:
    return entry.get('mp3') or entry.get('wav')


def _make_current(session: Session, project_id: str, entry: dict[str, Any]) -> ProjectPublic:
    """The entry becomes the project's beat and moves to the front of the history; older ones beyond it go."""
    dropped: list[dict[str, Any]] = []

    def change(data: dict[str, Any]) -> None:
        beat = data.setdefault('beat', {})
        history = [entry, *[e for e in beat.get('history', []) if e.get('id') != entry['id']]]
        dropped.extend(history[HISTORY:])
        beat.update(current=entry['id'], history=history[:HISTORY], tempo=entry.get('bpm'))
        spec = entry.get('spec') or {}
        data.setdefault('metadata', {}).update(
            {k: v for k, v in {'tempo': entry.get('bpm'), 'key': entry.get('key'), 'mood': spec.get('mood'),
                               'genre': spec.get('genre')}.items() if v is not None})
        source = entry['source']
        data.setdefault('assets', {})['beat'] = {
            'path': playback_path(entry), 'wav': entry.get('wav'), 'url': media.url(project_id, playback_path(entry)),
            'source': AssetSource(source['kind'], source.get('name')).to_json(), 'created_at': entry['created_at'],
            'metadata': {'bpm': entry.get('bpm'), 'key': entry.get('key'), 'duration': entry.get('duration_s')}}

    projects.change_project(session=session, project_id=project_id, change=change)
    project = projects.complete_stage(session=session, project_id=project_id, stage_id='beat').project
    for old in dropped:
        for kind in ('wav', 'mp3'):
            if old.get(kind):
                (media.project_dir(project_id) / old[kind]).unlink(missing_ok=True)
    return project


def _part(folder: str, beat_id: str, suffix: str) -> Path:
    return Path(folder) / f'.{beat_id}.{suffix}.part'


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _round(value: float) -> float | None:
    return round(value, 1) if math.isfinite(value) else None


def beatoven_settings() -> tuple[str, str | None, float] | None:
    settings = get_settings()
    if settings.beats_provider == 'local' or settings.beatoven_api_key is None:
        return None
    return settings.beatoven_api_key.get_secret_value(), settings.beatoven_base_url, settings.beatoven_poll_s
