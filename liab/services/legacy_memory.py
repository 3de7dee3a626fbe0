"""The old app's project memory (spec 5.3) in this app's shape, its media URLs pointing at the copied files.

Pure: no database, no files. What a stage reads is carried over in the shape that stage expects; the original of
every other section, and of each section that changed shape, is kept under data['legacy']['kept'], so nothing the
old app stored is lost. Where an asset came from is not recorded by the old app and is not guessed (a wrong AI
disclosure is worse than none): the release pack asks for such parts again.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from liab import media, workflow
from liab.errors import LiabError
from liab.services import projects

CARRIED = ('metadata', 'chat_log', 'voice_prompts')  # the same meaning and shape in both apps
IMPORT_NOTE = 'Imported from the old version'
MAX_TAKE_NAME = 120  # liab.services.recordings.MAX_NAME
_AUDIO_SUFFIX = re.compile(r'\.(wav|mp3|m4a|aac|flac|ogg|aiff?|webm)$', re.IGNORECASE)
_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')
_PLATFORMS = {'tiktok': 'tiktok', 'youtube_shorts': 'youtube_shorts', 'youtube': 'youtube_shorts',
              'shorts': 'youtube_shorts', 'instagram_reels': 'instagram_reels', 'instagram': 'instagram_reels',
              'reels': 'instagram_reels'}


@dataclass(frozen=True)
class MediaMap:
    """The copied files of one old session folder, and how the old app's URLs name them."""

    user: str
    session: str | None
    files: dict[str, str]  # path under the old session folder -> path under the new project's folder

    def parts(self, value: Any) -> tuple[str, ...] | None:
        """The path under this session's folder a legacy media URL or path names ('/media/{session}/beat.mp3',
        '/media/{user}/{session}/...', with or without a host); None when it names no file of this session."""
        if not isinstance(value, str) or not self.session or len(value) > 4096:
            return None
        text = value.strip()
        if text.startswith(('http://', 'https://')):
            text = urlsplit(text).path
        text = unquote(text.split('?', 1)[0].split('#', 1)[0])
        if text.startswith('media/'):
            parts = tuple(text.split('/')[1:])
        elif '/media/' in text:
            parts = tuple(text.split('/media/', 1)[1].split('/'))
        else:
            return None
        if parts[:2] == (self.user, self.session):
            return parts[2:] or None
        if parts[:1] == (self.session,):
            return parts[1:] or None
        return None

    def locate(self, value: Any) -> str | None:
        """The new path of the copied file that a legacy URL or path names, if there is one."""
        parts = self.parts(value)
        if parts is None or not _safe(parts):
            return None
        return self.files.get('/'.join(parts))

    def why_missing(self, value: Any) -> str:
        parts = self.parts(value)
        if parts is not None and not _safe(parts):
            return f'its path leaves the session folder: {_shown(value)}'
        if parts is not None:
            return f'its file is not in the old media folder (or was refused): {_shown(value)}'
        return f'it names no file of this session: {_shown(value)}'


@dataclass(frozen=True)
class Mapped:
    data: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (what, why), e.g. ("asset 'mix'", 'its file ...')


def map_memory(raw: dict[str, Any], *, project_id: str, files: MediaMap, source: str, now: datetime,
               lyrics_text: str | None = None, schedule: Any = None,
               saved_as: dict[str, Any] | None = None) -> Mapped:
    """This app's project memory for an old one. `source` marks where it came from (the import's idempotence key),
    `lyrics_text` is the old lyrics.txt, `schedule` the old schedule.json, `saved_as` a saved project's wrapper."""
    data = projects.new_project_data()
    problems: list[tuple[str, str]] = []
    carried: set[str] = set()
    for key in CARRIED:
        if isinstance(raw.get(key), type(data[key])):
            data[key] = _rewrite(raw[key], files, project_id)
            carried.add(key)
    for key in ('created_at', 'updated_at'):
        if isinstance(raw.get(key), str) and raw[key].strip():
            data[key] = raw[key].strip()
            carried.add(key)
    data['workflow'] = _workflow(raw)
    data['assets'], missing = _assets(raw.get('assets'), files, project_id, problems)
    _add_takes(data, raw.get('assets'), files, project_id=project_id, now=now, problems=problems, missing=missing)
    tempo = (raw.get('beat') or {}).get('tempo') if isinstance(raw.get('beat'), dict) else None
    if isinstance(tempo, int | float) and not isinstance(tempo, bool) and 20 <= tempo <= 400:
        data['beat'] = {'tempo': tempo}
    data['release'] = _release(raw.get('release'), files, project_id)
    _add_lyrics(data, lyrics_text, files, project_id, now)
    posts = _posts(schedule, files, project_id)
    if posts:
        data['content'] = {'posts': posts}
    legacy: dict[str, Any] = {'source': source, 'imported_at': now.isoformat(),
                              'kept': {key: value for key, value in raw.items() if key not in carried}}
    if saved_as:
        legacy['saved_as'] = saved_as
    if missing:
        legacy['missing_assets'] = missing
    if schedule is not None:
        legacy['schedule'] = schedule
    data['legacy'] = legacy
    return Mapped(data, problems)


def project_name(raw: dict[str, Any], saved_as: dict[str, Any] | None, default: str) -> str:
    """The release title, else the old project's name, else `default`; within this app's limits."""
    release = raw.get('release') if isinstance(raw.get('release'), dict) else {}
    for candidate in (release.get('title'), (saved_as or {}).get('name')):
        if isinstance(candidate, str):
            cleaned = ' '.join(_CONTROL.sub(' ', candidate).split())[:projects.MAX_NAME].strip()
            if cleaned:
                return cleaned
    return default


def parse_time(value: Any) -> datetime | None:
    """An ISO time from the old files as an aware UTC datetime (naive ones were UTC); None if it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace('Z', '+00:00'))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# sections --------------------------------------------------------------------------------------------------------


def _workflow(raw: dict[str, Any]) -> dict[str, Any]:
    """Ticks from every form the old app used: a list or an object of completed stages, and `workflow_state`."""
    flow = raw.get('workflow') if isinstance(raw.get('workflow'), dict) else {}
    ticked: set[str] = set()
    for marks in (flow.get('completed_stages'), raw.get('completedStages'), raw.get('completed_stages')):
        if isinstance(marks, list):
            ticked.update(mark for mark in marks if isinstance(mark, str))
        elif isinstance(marks, dict):
            ticked.update(key for key, value in marks.items() if value is True)
    state = raw.get('workflow_state')
    if isinstance(state, dict):
        ticked.update(key.removesuffix('_done') for key, value in state.items()
                      if isinstance(key, str) and key.endswith('_done') and value is True)
    done = workflow.completed({'completed_stages': sorted(ticked)})
    current = flow.get('current_stage')
    complete = len(done) == len(workflow.STAGES)
    return {'current_stage': current if current in workflow.STAGE_IDS else workflow.STAGE_IDS[0],
            'completed_stages': done, 'goal_shown': complete, 'cycles_completed': int(complete)}


def _assets(raw: Any, files: MediaMap, project_id: str,
            problems: list[tuple[str, str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(assets whose file was copied, rewritten; the others as they were). Stems and lyrics are handled apart."""
    assets: dict[str, Any] = {}
    missing: dict[str, Any] = {}
    if not isinstance(raw, dict):
        return assets, missing
    copied = set(files.files.values())
    for key, entry in raw.items():
        if key in {'stems', 'lyrics'} or not isinstance(key, str):
            continue
        mapped = _rewrite(entry, files, project_id) if isinstance(entry, dict) else None
        if mapped is not None and isinstance(mapped.get('path'), str) and mapped['path'] in copied:
            assets[key] = mapped
        else:
            missing[key] = entry
            problems.append((f'asset {key!r}', _why(entry, files)))
    return assets, missing


def _add_takes(data: dict[str, Any], raw: Any, files: MediaMap, *, project_id: str, now: datetime,
               problems: list[tuple[str, str]], missing: dict[str, Any]) -> None:
    """The old `assets.stems` (uploaded vocals) as takes of the Upload stage; the first is the lead vocal."""
    stems = raw.get('stems') if isinstance(raw, dict) else None
    if not isinstance(stems, list):
        return
    takes, lost = [], []
    for entry in stems:
        relpath = None
        if isinstance(entry, dict):
            relpath = files.locate(entry.get('path')) or files.locate(entry.get('url'))
        if relpath is None:
            lost.append(entry)
            problems.append(('a vocal take', _why(entry, files)))
            continue
        meta = entry.get('metadata') if isinstance(entry.get('metadata'), dict) else {}
        # NOTE: the take shape of liab.services.recordings (_entry, _set_lead).
        takes.append({'id': uuid.uuid4().hex[:12], 'url': media.url(project_id, relpath),
                      'added_at': entry.get('added_at') if isinstance(entry.get('added_at'), str) else now.isoformat(),
                      'metadata': meta, 'path': relpath, 'preview': None,
                      'name': _take_name(meta.get('filename') or relpath.rsplit('/', 1)[-1], len(takes) + 1),
                      'origin': 'uploaded', 'latency_ms': None, 'warnings': [],
                      'source': {'kind': 'uploaded', 'name': None}})
    if lost:
        missing['stems'] = lost
    if not takes:
        return
    lead = takes[0]
    data['assets']['stems'] = takes
    data['vocals'] = {'lead': lead['id']}
    data['assets']['vocal'] = {'take_id': lead['id'], 'path': lead['path'], 'url': lead['url'], 'name': lead['name'],
                               'source': lead['source'], 'origin': 'uploaded', 'latency_ms': None,
                               'created_at': lead['added_at'], 'metadata': {}}


def _release(raw: Any, files: MediaMap, project_id: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {key: ' '.join(raw[key].split())[:200] for key in
                           ('title', 'artist', 'genre', 'mood', 'release_date') if isinstance(raw.get(key), str)}
    if isinstance(raw.get('explicit'), bool):
        out['explicit'] = raw['explicit']
    cover = files.locate(raw.get('cover_art'))
    if cover:
        out['cover_art'] = media.url(project_id, cover)
    try:
        from liab.release import details as release_details
        from liab.services.release import details_json

        out['details'] = details_json(release_details.parse_details(
            {'language': 'en', **{key: raw.get(key) for key in ('title', 'artist', 'genre', 'mood', 'release_date',
                                                               'explicit') if raw.get(key) is not None}}))
    except (LiabError, ValueError, TypeError):
        pass  # the Release stage's form starts from its defaults and the artist fills in the rest
    return out


def _add_lyrics(data: dict[str, Any], text: str | None, files: MediaMap, project_id: str, now: datetime) -> None:
    """The old lyrics.txt as the first lyrics version; its file is kept as it was."""
    from liab.services import lyrics as lyric_service
    from liab.writers.lyrics import Lyrics, parse_lyrics

    relpath = files.files.get(lyric_service.FILE)
    if text is None or relpath != lyric_service.FILE:
        return
    parsed = lyric_service.clean(parse_lyrics(text[:lyric_service.MAX_TEXT]))
    if not any(section.lines for section in parsed.sections):
        return
    entry = {'id': uuid.uuid4().hex[:12], **Lyrics('', parsed.sections).to_json(), 'kind': 'import',
             'note': IMPORT_NOTE, 'source': None, 'created_at': now.isoformat(), 'details': {}}
    data['lyrics'] = {'versions': [entry], 'current': 0}
    # NOTE: the shape of liab.services.lyrics._point_asset; `source` None: the old app did not record who wrote them.
    data['assets']['lyrics'] = {'path': relpath, 'url': media.url(project_id, relpath), 'source': None,
                                'version': entry['id'], 'created_at': entry['created_at'], 'metadata': {}}


def _posts(schedule: Any, files: MediaMap, project_id: str) -> list[dict[str, Any]]:
    """The old schedule.json's posts that name a known platform and a time, as this app's posts (kept locally)."""
    entries = schedule
    if isinstance(schedule, dict):
        lists = [value for value in schedule.values() if isinstance(value, list)]
        entries = lists[0] if lists else [value for value in schedule.values() if isinstance(value, dict)]
    if not isinstance(entries, list):
        return []
    posts = []
    for entry in entries[:200]:  # liab.services.content.MAX_POSTS
        if not isinstance(entry, dict):
            continue
        platform = _PLATFORMS.get(str(entry.get('platform') or '').strip().lower().replace(' ', '_').replace('-', '_'))
        when = next((parse_time(entry.get(key)) for key in ('schedule_time', 'scheduled_time', 'dateTime',
                                                             'datetime', 'when', 'time') if parse_time(entry.get(key))),
                    None)
        if platform is None or when is None:
            continue
        hashtags = entry.get('hashtags') or []
        if isinstance(hashtags, str):
            hashtags = hashtags.replace(',', ' ').split()
        status = str(entry.get('status') or '').lower()
        video = files.locate(entry.get('video_url')) or files.locate(entry.get('media'))
        # NOTE: the post shape of liab.content.schedule.Post as liab.services.content stores it.
        posts.append({'id': str(uuid.uuid4()), 'platform': platform, 'when': when.isoformat(),
                      'caption': _CONTROL.sub('', str(entry.get('caption') or ''))[:2200],
                      'hashtags': [str(tag) for tag in hashtags if isinstance(tag, str | int)][:30],
                      'media': video, 'status': {'posted': 'posted', 'published': 'posted', 'cancelled': 'cancelled',
                                                 'canceled': 'cancelled'}.get(status, 'scheduled'),
                      'title': '', 'provider': 'local', 'external_id': None, 'account': '', 'plan_step': ''})
    return posts


# helpers ---------------------------------------------------------------------------------------------------------


def _rewrite(value: Any, files: MediaMap, project_id: str) -> Any:
    """A copy with every legacy media URL of a copied file made this app's URL; a dict whose `url` or `path` names a
    copied file gets its `path` (relative to the project's folder), as this app's assets have."""
    if isinstance(value, dict):
        out = {key: _rewrite(item, files, project_id) for key, item in value.items() if key != 'path'}
        relpath = files.locate(value.get('path')) or files.locate(value.get('url'))
        if relpath:
            out['path'] = relpath
        elif 'path' in value:
            out['path'] = value['path']
        return out
    if isinstance(value, list):
        return [_rewrite(item, files, project_id) for item in value]
    relpath = files.locate(value)
    return media.url(project_id, relpath) if relpath else value


def _why(entry: Any, files: MediaMap) -> str:
    if not isinstance(entry, dict):
        return f'it is not an object: {_shown(entry)}'
    for key in ('path', 'url'):
        if isinstance(entry.get(key), str):
            return files.why_missing(entry[key])
    return 'it names no file'


def _safe(parts: tuple[str, ...]) -> bool:
    return all(part not in {'', '.', '..'} and '\\' not in part and '\0' not in part for part in parts)


def _take_name(filename: Any, number: int) -> str:
    stem = _AUDIO_SUFFIX.sub('', str(filename).replace('\\', '/').rsplit('/', 1)[-1])
    cleaned = ' '.join(_CONTROL.sub(' ', stem).split())[:MAX_TAKE_NAME].strip()
    return cleaned or f'Take {number}'


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 100 else f'{text[:97]}...'
