"""Vocal takes (spec 2.3): uploaded or recorded in the browser, checked by the intake, kept under `stems/`.

The project memory keeps the spec's list `assets.stems` (each entry `{url, added_at, metadata: {filename, size}}`
plus our fields), `vocals.lead` (the id of the lead vocal) and `assets.vocal`, the lead take's file for the mix.
The first take becomes the lead vocal and ticks the Upload stage.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np
from sqlmodel import Session

from liab import media, quota
from liab.audio import ingest, io
from liab.audio.ingest import IngestedAudio
from liab.audio.peaks import peaks_path
from liab.errors import BadInput, NotFound
from liab.models import ProjectPublic, utcnow
from liab.services import projects
from liab.services.projects import AssetSource

Origin = Literal['uploaded', 'recorded']
Progress = Callable[[float, str], None]

FOLDER = 'stems'
FORMATS = ingest.AUDIO_FORMATS  # wav, mp3, aiff, flac, m4a
MAX_TAKES = 50
MAX_NAME = 120
MAX_LATENCY_MS = 2000.0
CLIP_DBFS = -0.1  # a sample peak this close to full scale is taken as clipping
CLIP_LEVEL = 0.999  # |sample| at or above this counts as full scale ...
CLIP_RUN = 3  # ... and this many such samples in a row as a clipped run
QUIET_PEAK_DBFS = -30.0
QUIET_LUFS = -40.0
_BROWSER_UNPLAYABLE = {'aiff'}  # Chromium and Firefox play no AIFF: such takes get a WAV copy to listen to
_AUDIO_SUFFIX = re.compile(r'\.(wav|wave|mp3|aif|aiff|aifc|flac|m4a|mp4|aac)$', re.IGNORECASE)


@dataclass(frozen=True)
class TakeResult:
    project: ProjectPublic
    take: dict[str, Any]


def intake(*, project_id: str, source: Path | BinaryIO, original_name: str, max_bytes: int) -> IngestedAudio:
    """Check an upload with the safe intake and keep it under a generated name, in a hidden folder of the project's
    stems folder until store_take moves it into place: an upload that is refused, or dies with the server before
    the project records it, never leaves a file of its own in the project.

    Sync and slow (ffmpeg decodes the whole file): the web layer runs it on a worker thread.
    """
    return staged_ingest(project_id, FOLDER, source, original_name=original_name, max_bytes=max_bytes,
                         allowed=FORMATS, stem='take')


def staged_ingest(project_id: str, folder: str, source: Any, *, original_name: str, max_bytes: int,
                  allowed: tuple[str, ...], stem: str) -> IngestedAudio:
    """The safe intake of an upload into a new hidden folder inside the project's `folder`, after the storage quota
    allows it; the caller moves the file out when the project records it. Nothing is left when it is refused."""
    quota.check_upload(project_id, source)
    staging = media.temp_dir(media.project_dir(project_id, create=True) / folder, stem)
    try:
        return ingest.ingest_audio(source, original_name=original_name, dest_dir=staging, max_bytes=max_bytes,
                                   allowed=allowed, stem=stem)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def preview_path(taken: IngestedAudio) -> Path | None:
    """Where a take the browser cannot play gets its WAV copy; None when the browser plays the take itself."""
    return taken.path.with_name(f'{taken.path.stem}-listen.wav') if taken.format in _BROWSER_UNPLAYABLE else None


def measure_take(path: str, audio_format: str, preview: str | None = None, *, progress: Progress) -> dict[str, Any]:
    """Job: loudness and clipped runs of a stored take, and its WAV copy for listening when `preview` is given."""
    from liab.audio import analysis

    progress(0.1, 'Reading the take')
    samples, rate = io.decode(Path(path), sample_rate=None, channels=None, input_format=audio_format)
    progress(0.4, 'Measuring the level')
    lufs = analysis.integrated_loudness(samples, rate)
    mean_square = float(np.mean(np.square(samples, dtype=np.float64))) if samples.size else 0.0
    rms_db = 10 * math.log10(mean_square) if mean_square > 0 else float('-inf')
    runs = _clipped_runs(samples)
    if preview:
        progress(0.7, 'Making a copy to listen to')
        with media.atomic_path(Path(preview)) as tmp:
            io.write_wav(samples, rate, tmp, bits=24)
    progress(1.0, 'Done')
    return {'lufs': _rounded(lufs), 'rms_db': _rounded(rms_db), 'clipped_runs': runs}


def store_take(*, session: Session, project_id: str, taken: IngestedAudio, origin: Origin,
               latency_ms: float | None = None, levels: dict[str, Any] | None = None,
               preview: Path | None = None) -> TakeResult:
    """Add a take the intake stored (and measure_take measured) to the project and move its files into the stems
    folder; the first becomes the lead vocal and every take ticks the Upload stage. On a refusal the take's files
    are removed."""
    try:
        if origin not in ('uploaded', 'recorded'):
            raise BadInput(f'Unknown take origin {origin!r}.')
        preview = preview if preview is not None and preview.exists() else None
        placed = {path: _placed(path) for path in (taken.path, preview) if path is not None}
        entry = _entry(project_id, dataclasses.replace(taken, path=placed[taken.path]), origin=origin,
                       latency_ms=_latency(latency_ms), levels=levels or {},
                       preview=placed[preview] if preview is not None else None)

        def add(data: dict[str, Any]) -> None:
            stems = _stems(data)
            if len(stems) >= MAX_TAKES:
                raise BadInput(f'A project keeps at most {MAX_TAKES} takes. Remove one you no longer need first.')
            entry['name'] = _default_name(taken, origin, stems)
            stems.append(entry)
            if lead_id(data) is None:
                _set_lead(data, project_id, entry)

        projects.change_project(session=session, project_id=project_id, change=add)
        project = projects.complete_stage(session=session, project_id=project_id, stage_id='upload').project
        for staged, target in placed.items():  # NOTE: last: the caller's transaction commits right after
            if staged != target:
                os.replace(staged, target)
        _remove_staging(taken.path)
    except BaseException:
        discard_files(project_id, taken.path, preview)
        raise
    return TakeResult(project, entry)


def rename_take(*, session: Session, project_id: str, take_id: str, name: str) -> ProjectPublic:
    cleaned = clean_take_name(name)

    def rename(data: dict[str, Any]) -> None:
        _find(data, take_id)['name'] = cleaned
        if lead_id(data) == take_id and isinstance(data['assets'].get('vocal'), dict):
            data['assets']['vocal']['name'] = cleaned

    return projects.change_project(session=session, project_id=project_id, change=rename)


def choose_lead(*, session: Session, project_id: str, take_id: str) -> ProjectPublic:
    return projects.change_project(session=session, project_id=project_id,
                                   change=lambda data: _set_lead(data, project_id, _find(data, take_id)))


def remove_take(*, session: Session, project_id: str, take_id: str) -> ProjectPublic:
    """Remove a take and its files; when it was the lead vocal, the take after it (else the one before) leads."""
    removed: dict[str, Any] = {}

    def remove(data: dict[str, Any]) -> None:
        stems = _stems(data)
        entry = _find(data, take_id)
        index = stems.index(entry)
        stems.pop(index)
        removed.update(entry)
        if lead_id(data) is None:  # it was the lead (or there was none)
            following = stems[index] if index < len(stems) else (stems[index - 1] if stems else None)
            if following is None:
                data['vocals'] = {'lead': None}
                data['assets'].pop('vocal', None)
            else:
                _set_lead(data, project_id, following)

    project = projects.change_project(session=session, project_id=project_id, change=remove)
    folder = media.project_dir(project_id)
    discard_files(project_id, *(folder / removed[key] for key in ('path', 'preview') if removed.get(key)))
    return project


def takes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The project's takes, oldest first."""
    stems = (data.get('assets') or {}).get('stems')
    return [take for take in stems if isinstance(take, dict) and take.get('id')] if isinstance(stems, list) else []


def lead_id(data: dict[str, Any]) -> str | None:
    lead = (data.get('vocals') or {}).get('lead')
    return lead if lead and any(take['id'] == lead for take in takes(data)) else None


def playback_path(take: dict[str, Any]) -> str:
    return take.get('preview') or take['path']


def clean_take_name(name: str) -> str:
    """Control and format characters removed, whitespace collapsed; 1 to MAX_NAME characters."""
    kept = []
    for char in unicodedata.normalize('NFC', str(name or '')):
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(' ')
        elif category in ('Cc', 'Cs', 'Co') or (category == 'Cf' and char not in '\u200c\u200d'):
            continue
        else:
            kept.append(char)
    cleaned = ' '.join(''.join(kept).split())
    if not cleaned:
        raise BadInput('A take needs a name.')
    if len(cleaned) > MAX_NAME:
        raise BadInput(f'Take names are at most {MAX_NAME} characters.')
    return cleaned


def take_warnings(peak_db: float, levels: dict[str, Any]) -> list[dict[str, str]]:
    """What the artist should know about a take's level: clipping, or too quiet to use well."""
    warnings = []
    runs = int(levels.get('clipped_runs') or 0)
    if peak_db >= CLIP_DBFS or runs:
        where = f' in {runs} place{"s" if runs != 1 else ""}' if runs else ''
        warnings.append({'code': 'clipping', 'message': f'This take clips: it hits full scale{where}. If you hear '
                                                        'distortion, record it again with the input gain lower.'})
    lufs = levels.get('lufs')
    if peak_db < QUIET_PEAK_DBFS or (lufs is not None and lufs < QUIET_LUFS):
        warnings.append({'code': 'quiet', 'message': f'This take is very quiet (peak {peak_db:.1f} dBFS). Turn the '
                                                     'input gain up and record again, or it gets noisy when raised.'})
    return warnings


def discard_files(project_id: str, *paths: Path | None) -> None:
    """Remove a take's files (where the intake left them and where store_take puts them) and the waveform caches
    beside them; missing ones are fine."""
    folder = (media.project_dir(project_id) / FOLDER).resolve()
    for path in paths:
        if path is None or not Path(path).resolve().is_relative_to(folder):
            continue
        for copy in {Path(path), _placed(Path(path))}:
            for doomed in (copy, peaks_path(copy)):
                doomed.unlink(missing_ok=True)
        _remove_staging(Path(path))


# helpers ---------------------------------------------------------------------------------------------------------

def _placed(path: Path) -> Path:
    """Where a take the intake keeps in its hidden folder goes in the stems folder; other paths stay."""
    return path.parent.parent / path.name if _staged(path) else path


def _staged(path: Path) -> bool:
    return path.parent.name.startswith('.take.') and path.parent.name.endswith(media.TEMP_SUFFIX)


def _remove_staging(path: Path) -> None:
    if _staged(path):
        shutil.rmtree(path.parent, ignore_errors=True)


def _entry(project_id: str, taken: IngestedAudio, *, origin: Origin, latency_ms: float | None,
           levels: dict[str, Any], preview: Path | None) -> dict[str, Any]:
    try:
        relpath = media.relative(project_id, taken.path)
    except ValueError:  # checked for another project (the browser switched projects meanwhile)
        raise BadInput('Your project changed while the take was being checked. Add the take again.') from None
    if not relpath.startswith(f'{FOLDER}/'):
        raise BadInput('A take must be stored in the stems folder.')
    peak_db = round(taken.peak_db, 1)
    return {
        'id': uuid.uuid4().hex[:12],
        'url': media.url(project_id, relpath),
        'added_at': utcnow().isoformat(),
        'metadata': {'filename': _base_name(taken.display_name), 'size': taken.size_bytes},
        'path': relpath,
        'preview': media.relative(project_id, preview) if preview else None,
        'name': '',
        'format': taken.format,
        'duration_s': round(taken.duration_s, 3),
        'sample_rate': taken.sample_rate,
        'channels': taken.channels,
        'bit_depth': taken.bit_depth,
        'peak_db': peak_db,
        'lufs': levels.get('lufs'),
        'rms_db': levels.get('rms_db'),
        'warnings': take_warnings(peak_db, levels),
        'origin': origin,
        'latency_ms': latency_ms,
        'source': AssetSource('uploaded').to_json(),
    }


def _default_name(taken: IngestedAudio, origin: Origin, stems: list[dict[str, Any]]) -> str:
    if origin == 'recorded':
        return f'Take {sum(1 for take in stems if take.get("origin") == "recorded") + 1}'
    stem = _AUDIO_SUFFIX.sub('', _base_name(taken.display_name)).strip()
    try:
        return clean_take_name(stem[:MAX_NAME])
    except BadInput:
        return f'Take {len(stems) + 1}'


def _base_name(name: str) -> str:
    """The last part of a name a browser sent with folders in it ('../../Verse.wav' -> 'Verse.wav'); shown only."""
    return name.replace('\\', '/').rstrip('/').rpartition('/')[2] or name


def _set_lead(data: dict[str, Any], project_id: str, take: dict[str, Any]) -> None:
    data['vocals'] = {'lead': take['id']}
    data.setdefault('assets', {})['vocal'] = {
        'take_id': take['id'], 'path': take['path'], 'url': media.url(project_id, take['path']),
        'name': take.get('name'), 'source': take['source'], 'origin': take.get('origin'),
        'latency_ms': take.get('latency_ms'), 'created_at': take['added_at'],
        'metadata': {'duration': take.get('duration_s'), 'sample_rate': take.get('sample_rate'),
                     'channels': take.get('channels')}}


def _stems(data: dict[str, Any]) -> list[dict[str, Any]]:
    assets = data.setdefault('assets', {})
    if not isinstance(assets.get('stems'), list):
        assets['stems'] = []
    return assets['stems']


def _find(data: dict[str, Any], take_id: str) -> dict[str, Any]:
    if not isinstance(take_id, str) or not re.fullmatch(r'[0-9a-f]{12}', take_id):
        raise BadInput('That is not a take id.')
    for take in _stems(data):
        if isinstance(take, dict) and take.get('id') == take_id:
            return take
    raise NotFound('That take is no longer in this project.')


def _latency(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        latency = float(value)
    except (TypeError, ValueError):
        raise BadInput('The recording latency must be a number of milliseconds.') from None
    if not math.isfinite(latency) or not 0 <= latency <= MAX_LATENCY_MS:
        raise BadInput(f'The recording latency must be between 0 and {MAX_LATENCY_MS:g} ms.')
    return round(latency, 1)


def _clipped_runs(samples: np.ndarray) -> int:
    """How many times the signal stays at full scale for CLIP_RUN samples or more, in any channel."""
    full = (samples >= CLIP_LEVEL) | (samples <= -CLIP_LEVEL)
    if full.shape[0] < CLIP_RUN or not full.any():
        return 0
    run = full[: full.shape[0] - CLIP_RUN + 1].copy()
    for offset in range(1, CLIP_RUN):
        run &= full[offset: full.shape[0] - CLIP_RUN + 1 + offset]
    starts = run[1:] & ~run[:-1]
    return int(starts.sum() + run[0].sum())


def _rounded(value: float) -> float | None:
    return round(value, 1) if math.isfinite(value) else None
