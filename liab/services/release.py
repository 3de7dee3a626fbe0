"""The Release stage (spec 2.5): details, cover art, copy, pre-flight and the release pack.

Project memory: `release` holds `details` (the form, as JSON), `candidates` (cover art to choose from), `cover`
(the chosen one's finals), `copy`, `pack` (the last ZIP built) and `released_at` (when this project's pack first
counted as the free plan's release of the day). Heavy work (art, masters, PDFs, the ZIP) runs as jobs: paths in,
paths out, hidden files moved into place by the store_* functions in one transaction.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from liab import media
from liab.errors import BadInput
from liab.models import ProjectPublic, utcnow
from liab.services import paywall, projects
from liab.services.projects import AssetSource

FOLDER = 'release'
COVER_DIR = 'release/cover'
COPY_FILES = {'description': 'release_description.txt', 'pitch': 'press_pitch.txt', 'tagline': 'tagline.txt'}
PACK = 'release/release_pack.zip'
PACK_NAME = 'release_pack.zip'
# What a pack build makes besides metadata.json, relative to the release folder; the ZIP last, so it is never newer
# than the files beside it.
PACK_FILES = ('audio/mixed_mastered.wav', 'audio/mixed_mastered_16bit.wav', 'audio/mixed_mastered.mp3',
              'docs/lyrics.pdf', 'docs/split_sheet.pdf', PACK_NAME)
MAX_COPY = 5000


def release_state(data: dict[str, Any]) -> dict[str, Any]:
    return data.get('release') or {}


def missing_for_pack(data: dict[str, Any]) -> list[str]:
    """What the artist must finish first, each naming its stage; empty when the pack can be built."""
    assets = data.get('assets') or {}
    state = release_state(data)
    missing = []
    if not assets.get('mix'):
        missing.append('Finish the Mix stage first: the pack needs a mixed and mastered track.')
    if not assets.get('lyrics'):
        missing.append('Write or paste lyrics in the Lyrics stage first: the pack includes a lyrics PDF.')
    if not state.get('details'):
        missing.append('Fill in and save the release details below.')
    if not state.get('cover'):
        missing.append('Choose a cover below.')
    return missing


# details ---------------------------------------------------------------------------------------------------------


def save_details(*, session: Session, project_id: str, values: dict[str, Any]) -> ProjectPublic:
    from liab.release import details as release_details

    parsed = release_details.parse_details(values)
    stored = details_json(parsed)

    def change(data: dict[str, Any]) -> None:
        data.setdefault('release', {})['details'] = stored
        data['release'].update(title=parsed.title, artist=parsed.artist, genre=parsed.genre, mood=parsed.mood,
                               explicit=parsed.explicit, release_date=parsed.release_date.isoformat())

    return projects.change_project(session=session, project_id=project_id, change=change)


def details_json(parsed: Any) -> dict[str, Any]:
    values = {name: getattr(parsed, name) for name in parsed.__dataclass_fields__}
    values['release_date'] = parsed.release_date.isoformat()
    values['credits'] = [{'name': c.name, 'role': c.role, 'share': c.share} for c in parsed.credits]
    return values


def stored_details(data: dict[str, Any]) -> Any | None:
    from liab.release import details as release_details

    values = release_state(data).get('details')
    return release_details.parse_details(values) if values else None


def default_details(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """What the form starts with: the saved details, else what the project already knows."""
    from liab.release import details as release_details

    saved = release_state(data).get('details')
    if saved:
        return saved
    meta = data.get('metadata') or {}
    lyrics = (data.get('lyrics') or {}).get('versions') or [{}]
    title = lyrics[-1].get('title') or data.get('name') or ''
    return {'title': title, 'artist': '', 'genre': meta.get('genre') or 'hip hop', 'mood': meta.get('mood') or
            'energetic', 'release_date': release_details.suggest_release_date(today or date.today()).isoformat(),
            'explicit': False, 'language': 'en', 'label': '', 'p_line': '', 'c_line': '', 'isrc': '', 'upc': '',
            'credits': []}


# cover -----------------------------------------------------------------------------------------------------------


def cover_fields(*, title: str, artist: str, genre: str, mood: str, seed: int | None = None) -> dict[str, Any]:
    """What art.candidates_job takes: the words, the look, a seed, and the image service if one is configured."""
    import dataclasses
    import random

    from liab.providers import images

    service = images.image_service()
    return {'title': title or 'Untitled', 'artist': artist or '', 'genre': genre, 'mood': mood,
            'seed': seed if seed is not None else random.SystemRandom().randrange(1, 2**31),
            'openai': dataclasses.astuple(service) if service else None}


def store_candidates(*, session: Session, project_id: str, made: list[dict[str, Any]]) -> ProjectPublic:
    root = media.project_dir(project_id)
    entries = [{**item, 'path': media.relative(project_id, Path(item['path'])),
                'preview': media.relative(project_id, Path(item['preview']))} for item in made]

    def change(data: dict[str, Any]) -> None:
        old = release_state(data).get('candidates') or []
        data.setdefault('release', {})['candidates'] = entries
        keep = {e['path'] for e in entries} | {e['preview'] for e in entries}
        for entry in old:
            for key in ('path', 'preview'):
                if entry.get(key) and entry[key] not in keep:
                    (root / entry[key]).unlink(missing_ok=True)

    return projects.change_project(session=session, project_id=project_id, change=change)


def finalize_job(source: str, folder: str, title: str, artist: str, *, progress: Any) -> dict[str, str]:
    """Job: the chosen art into the three finals (3000, 1500, vertical)."""
    from liab import art

    progress(0.2, 'Preparing the finals')
    finals = art.finalize_cover(Path(source), Path(folder), title=title, artist=artist)
    return {name: str(path) for name, path in finals.items()}


def store_cover(*, session: Session, project_id: str, finals: dict[str, str], source: dict[str, Any],
                chosen: str) -> ProjectPublic:
    paths = {name: media.relative(project_id, Path(path)) for name, path in finals.items()}
    main = next(p for p in paths.values() if p.endswith('3000.jpg'))
    entry = {'files': paths, 'source': source, 'chosen': chosen, 'created_at': utcnow().isoformat()}

    def change(data: dict[str, Any]) -> None:
        data.setdefault('release', {})['cover'] = entry
        data['release']['cover_art'] = media.url(project_id, main)
        data.setdefault('assets', {})['cover_art'] = {'path': main, 'url': media.url(project_id, main),
                                                      'source': source, 'created_at': entry['created_at']}

    return projects.change_project(session=session, project_id=project_id, change=change)


# copy ------------------------------------------------------------------------------------------------------------


def store_copy(*, session: Session, project_id: str, copy: dict[str, str], source: AssetSource) -> ProjectPublic:
    """The three texts (as written, or as edited) into the project and `release/copy/*.txt`."""
    cleaned = {}
    for key in COPY_FILES:
        text = ' '.join(str(copy.get(key) or '').replace('\r', '').split(' ')).strip()
        if not text:
            raise BadInput(f'The {key} is empty.')
        if len(text) > MAX_COPY:
            raise BadInput(f'The {key} can be at most {MAX_COPY} characters.')
        cleaned[key] = text
    folder = media.project_dir(project_id, create=True) / FOLDER / 'copy'
    entry = {**cleaned, 'source': source.to_json(), 'created_at': utcnow().isoformat()}
    project = projects.change_project(session=session, project_id=project_id,
                                      change=lambda data: data.setdefault('release', {}).__setitem__('copy', entry))
    for key, name in COPY_FILES.items():
        media.write_text(folder / name, cleaned[key] + '\n')
    return project


# the pack --------------------------------------------------------------------------------------------------------


def pack_job(inputs: dict[str, Any], folder: str, *, progress: Any) -> dict[str, Any]:
    """Job: masters, PDFs, metadata and the ZIP for `folder` (the project's release folder), built in a hidden
    folder there that store_pack moves into place: a build that fails or is killed leaves the last pack as it was."""
    stage = media.temp_dir(Path(folder), 'pack')
    try:
        return {**_build_pack(inputs, Path(folder), stage, progress), 'staged': str(stage)}
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _build_pack(inputs: dict[str, Any], release_dir: Path, work: Path, progress: Any) -> dict[str, Any]:
    from liab.release import details as release_details
    from liab.release import documents, masters, pack

    (work / 'audio').mkdir(parents=True, exist_ok=True)
    (work / 'docs').mkdir(parents=True, exist_ok=True)
    parsed = release_details.parse_details(inputs['details'])
    progress(0.05, 'Making the masters')
    made = masters.make_masters(Path(inputs['master']), work / 'audio', tags=masters.Tags(
        parsed.title, parsed.artist, parsed.title, parsed.genre, parsed.release_date.year, parsed.isrc),
        cover_jpeg=Path(inputs['cover']['cover_1500']), progress=lambda f, m: progress(0.05 + 0.6 * f, m),
        mp3_ceiling_dbtp=inputs['ceiling_dbtp'])
    progress(0.7, 'Setting the lyrics and the split sheet')
    lyrics_pdf = documents.lyrics_pdf(work / 'docs' / 'lyrics.pdf', title=parsed.title, artist=parsed.artist,
                                      lyrics_text=inputs['lyrics_text'], credits=list(parsed.credits))
    split_pdf = documents.split_sheet_pdf(work / 'docs' / 'split_sheet.pdf', details=parsed)
    files = {'audio/mixed_mastered.wav': made['wav'], 'audio/mixed_mastered_16bit.wav': made['wav16'],
             'audio/mixed_mastered.mp3': made['mp3'], 'cover/cover_3000.jpg': Path(inputs['cover']['cover_3000']),
             'cover/cover_1500.jpg': Path(inputs['cover']['cover_1500']),
             'cover/cover_vertical.jpg': Path(inputs['cover']['cover_vertical']), 'lyrics/lyrics.pdf': lyrics_pdf,
             'metadata/split_sheet.pdf': split_pdf}
    for name in COPY_FILES.values():
        if (release_dir / 'copy' / name).exists():
            files[f'copy/{name}'] = release_dir / 'copy' / name
    metadata = {**inputs['metadata'], 'masters': made['report']}
    progress(0.8, 'Packing the ZIP')
    built = pack.build_pack(files, metadata, work / PACK_NAME, progress=lambda f, m: progress(0.8 + 0.2 * f, m))
    return {'path': str(release_dir / PACK_NAME), 'bytes': built['bytes'], 'entries': built['entries'],
            'metadata': built['metadata']}


def preflight(data: dict[str, Any], project_id: str, *, today: date | None = None) -> list[tuple[str, str, str]]:
    """The checklist shown before a pack is built: audio, cover and details, each pass, warn or fail."""
    from liab import art
    from liab.release import details as release_details
    from liab.release import preflight as audio_preflight

    root = media.project_dir(project_id)
    rows: list[tuple[str, str, str]] = []
    mix = (data.get('assets') or {}).get('mix')
    if mix:
        report = (data.get('mix') or {}).get('report') or {}
        target = float(report.get('target_lufs') or -14.0)
        ceiling = float(report.get('ceiling_dbtp') or -1.0)
        rows += [(c.name, c.status, c.reason) for c in audio_preflight.audio_checks(root / mix['path'],
                                                                                  target_lufs=target,
                                                                                  ceiling_dbtp=ceiling)]
    else:
        rows.append(('Master', 'fail', 'There is no master yet: finish the Mix stage first.'))
    cover = release_state(data).get('cover')
    if cover:
        main = next(p for p in cover['files'].values() if p.endswith('3000.jpg'))
        rows += art.check_cover(root / main)
    else:
        rows.append(('Cover', 'fail', 'No cover chosen yet.'))
    parsed = stored_details(data)
    if parsed is None:
        rows.append(('Release details', 'fail', 'The release details are not saved yet.'))
    else:
        rows += release_details.detail_checks(parsed, today or date.today())
    if not (data.get('assets') or {}).get('lyrics'):
        rows.append(('Lyrics', 'fail', 'No lyrics yet: finish the Lyrics stage first (the pack has a lyrics PDF).'))
    return rows


def pack_inputs(data: dict[str, Any], project_id: str) -> dict[str, Any]:
    """Everything the pack job needs, as plain values and paths; BadInput naming what to finish first."""
    missing = missing_for_pack(data)
    if missing:
        raise BadInput(' '.join(missing))
    root = media.project_dir(project_id)
    state = release_state(data)
    assets = data.get('assets') or {}
    covers = {Path(path).stem.replace('final_', ''): str(root / path) for path in state['cover']['files'].values()}
    lyrics_file = root / assets['lyrics']['path']
    metadata = metadata_document(data)
    return {'details': state['details'], 'master': str(root / assets['mix']['path']), 'cover': covers,
            'lyrics_text': lyrics_file.read_text(encoding='utf-8') if lyrics_file.exists() else '',
            'metadata': metadata, 'ceiling_dbtp': float(((data.get('mix') or {}).get('report') or {}).get(
                'ceiling_dbtp') or -1.0)}


def metadata_document(data: dict[str, Any]) -> dict[str, Any]:
    """metadata.json without the pack's file hashes: every release field, credits, audio facts, AI disclosure."""
    from liab.release import details as release_details

    parsed = stored_details(data)
    if parsed is None:
        raise BadInput('Fill in and save the release details first.')
    assets = data.get('assets') or {}
    report = (data.get('mix') or {}).get('report') or {}
    meta = data.get('metadata') or {}
    after = report.get('after') or {}
    return {**details_json(parsed), 'duration_seconds': after.get('duration_s'), 'bpm': meta.get('tempo'),
            'key': meta.get('key'), 'loudness': {'integrated_lufs': after.get('integrated_lufs'),
                                                 'true_peak_dbtp': after.get('true_peak_dbtp'),
                                                 'target_lufs': report.get('target_lufs')},
            'ai_disclosure': release_details.ai_disclosure(assets), 'generator': 'Label-in-a-Box'}


def store_pack(*, session: Session, project_id: str, user_id: str, made: dict[str, Any]) -> ProjectPublic:
    """Record the pack and move the files pack_job built into place; the free plan counts this project's first pack
    in 24 hours as the day's release. When it is refused, the files built are removed and the last pack stays."""
    staged = Path(made['staged']) if made.get('staged') else None
    try:
        project = _record_pack(session=session, project_id=project_id, user_id=user_id, made=made)
        if staged is not None:
            _place_pack(staged, media.project_dir(project_id) / FOLDER)
    finally:
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)
    return project


def _place_pack(staged: Path, release_dir: Path) -> None:
    for relpath in PACK_FILES:
        target = release_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / relpath, target)


def _record_pack(*, session: Session, project_id: str, user_id: str, made: dict[str, Any]) -> ProjectPublic:
    project = projects.get_project(session=session, project_id=project_id)
    released_at = release_state(project.data).get('released_at')
    now = utcnow()
    if not _within_day(released_at, now):
        paywall.record_release(session=session, user_id=user_id, now=now)
        released_at = now.isoformat()
    entry = {'path': PACK, 'url': media.url(project_id, PACK), 'bytes': made['bytes'], 'entries': made['entries'],
             'built_at': now.isoformat()}
    media_dir = media.project_dir(project_id)
    metadata_path = media_dir / FOLDER / 'metadata' / 'metadata.json'
    media.write_text(metadata_path, json.dumps(made['metadata'], indent=2, sort_keys=True, ensure_ascii=False))

    def change(data: dict[str, Any]) -> None:
        state = data.setdefault('release', {})
        state.update(pack=entry, released_at=released_at, metadata_path=media.url(project_id,
                                                                                 media.relative(project_id,
                                                                                                metadata_path)),
                     files=[media.url(project_id, PACK)])
        data.setdefault('assets', {})['release_pack'] = {'path': PACK, 'url': entry['url'],
                                                         'source': AssetSource('local', 'release packer').to_json(),
                                                         'created_at': entry['built_at']}

    return projects.change_project(session=session, project_id=project_id, change=change)


def check_release_allowed(*, session: Session, project_id: str, user_id: str | None) -> bool:
    """Before a pack is built: a log-in, and on the free plan the daily limit (a rebuild the same day is free)."""
    from liab.errors import Forbidden
    from liab.models import User

    if user_id is None:
        raise Forbidden('Log in to build a release pack. Your project is kept while you do.')
    project = projects.get_project(session=session, project_id=project_id)
    if _within_day(release_state(project.data).get('released_at'), utcnow()):
        return True
    user = session.get(User, user_id)
    if user is not None:
        paywall.check_release_allowed(user)
    return True


def mark_downloaded(*, session: Session, project_id: str) -> ProjectPublic:
    return projects.complete_stage(session=session, project_id=project_id, stage_id='release').project


def _within_day(moment: str | None, now: datetime) -> bool:
    if not moment:
        return False
    then = datetime.fromisoformat(moment)
    then = then if then.tzinfo else then.replace(tzinfo=UTC)
    return now - then < timedelta(hours=24)

