"""Content for social video (spec 2.6): ideas, the viral score, the text pack and a local post schedule.

Project memory: `content` holds `ideas` (newest first), `analysis`, `text_pack` and `posts` (the schedule, kept
here; statuses are honest: scheduled, due, posted by the artist, or cancelled, never a pretend "published").
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlmodel import Session

from liab import media
from liab.content import schedule
from liab.errors import BadInput
from liab.models import ProjectPublic, utcnow
from liab.services import projects

MAX_IDEAS = 20
MAX_POSTS = 200


def song_of(data: dict[str, Any], project_id: str | None) -> dict[str, Any]:
    """What the writers know of the song: title, artist, lyrics, mood, genre, tempo."""
    release = data.get('release') or {}
    meta = data.get('metadata') or {}
    versions = (data.get('lyrics') or {}).get('versions') or [{}]
    lyrics_text = ''
    path = ((data.get('assets') or {}).get('lyrics') or {}).get('path')
    if path and project_id:
        file = media.project_dir(project_id) / path
        lyrics_text = file.read_text(encoding='utf-8') if file.exists() else ''
    return {'title': release.get('title') or versions[-1].get('title') or '', 'artist': release.get('artist') or '',
            'lyrics': lyrics_text, 'mood': release.get('mood') or meta.get('mood') or '',
            'genre': release.get('genre') or meta.get('genre') or '', 'bpm': meta.get('tempo')}


def store_ideas(*, session: Session, project_id: str, ideas: list[dict[str, str]], source: str) -> ProjectPublic:
    stamped = [{**idea, 'source': source, 'created_at': utcnow().isoformat()} for idea in ideas]

    def change(data: dict[str, Any]) -> None:
        content = data.setdefault('content', {})
        content['ideas'] = [*stamped, *(content.get('ideas') or [])][:MAX_IDEAS]

    return projects.change_project(session=session, project_id=project_id, change=change)


def store_analysis(*, session: Session, project_id: str, analysis: dict[str, Any]) -> ProjectPublic:
    return projects.change_project(
        session=session, project_id=project_id,
        change=lambda data: data.setdefault('content', {}).__setitem__('analysis', analysis))


def store_text_pack(*, session: Session, project_id: str, pack: dict[str, Any], source: str) -> ProjectPublic:
    """The text pack; generating it ticks the Content stage (spec 2.6)."""
    entry = {**pack, 'source': source, 'created_at': utcnow().isoformat()}
    projects.change_project(session=session, project_id=project_id,
                            change=lambda data: data.setdefault('content', {}).__setitem__('text_pack', entry))
    return projects.complete_stage(session=session, project_id=project_id, stage_id='content').project


def add_post(*, session: Session, project_id: str, values: dict[str, Any], tz: str,
             now: datetime | None = None) -> ProjectPublic:
    post = schedule.parse_post(values, tz=tz, now=now or utcnow())

    def change(data: dict[str, Any]) -> None:
        posts = data.setdefault('content', {}).setdefault('posts', [])
        if len(posts) >= MAX_POSTS:
            raise BadInput(f'A project keeps at most {MAX_POSTS} scheduled posts. Remove some old ones first.')
        posts.append(_post_json(post))

    return projects.change_project(session=session, project_id=project_id, change=change)


def set_post_status(*, session: Session, project_id: str, post_id: str, status: str) -> ProjectPublic:
    if status not in {'posted', 'cancelled'}:
        raise BadInput('A post can be marked posted or cancelled.')

    def change(data: dict[str, Any]) -> None:
        for post in (data.get('content') or {}).get('posts') or []:
            if post['id'] == post_id:
                post['status'] = status
                return
        raise BadInput('That post is no longer in the schedule.')

    return projects.change_project(session=session, project_id=project_id, change=change)


def posts(data: dict[str, Any], now: datetime | None = None) -> list[schedule.Post]:
    """The schedule, soonest first, each with its status as of `now`."""
    found = []
    for entry in (data.get('content') or {}).get('posts') or []:
        post = schedule.Post(entry['id'], entry['platform'], datetime.fromisoformat(entry['when']), entry['caption'],
                             tuple(entry.get('hashtags') or ()), entry.get('media'), entry.get('status', 'scheduled'),
                             entry.get('title', ''))
        found.append(schedule.mark(post, schedule.status_at(post, now or utcnow())) if post.status == 'scheduled'
                     else post)
    return sorted(found, key=lambda post: post.when)


def calendar(data: dict[str, Any], *, name: str) -> str:
    return schedule.to_ics(posts(data), calendar_name=name)


def _post_json(post: schedule.Post) -> dict[str, Any]:
    values = asdict(post)
    values['when'] = post.when.isoformat()
    values['hashtags'] = list(post.hashtags)
    values['status'] = 'scheduled'
    return values
