"""Content for social video (spec 2.6): ideas, the viral score, the text pack, the post schedule and a release plan.

Project memory: `content` holds `ideas` (newest first), `analysis`, `text_pack` and `posts` (the schedule; statuses
are honest: scheduled, due, posted by the artist, or cancelled; GetLate's own scheduled, published or failed for the
posts it publishes; never a pretend "published").

The schedule lives in the project memory rather than a table of its own: posts belong to one project, travel with
it in project exports and backups, and change in the same versioned transaction as the rest of the project.
Calls to GetLate happen before that transaction, never inside it (`prepare_post`, then `store_post`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from liab import media
from liab.content import plan, schedule
from liab.errors import BadInput, NotFound, ProviderUnavailable
from liab.models import ProjectPublic, utcnow
from liab.providers import social
from liab.services import lyrics, projects

MAX_IDEAS = 20
MAX_POSTS = 200


def song_of(data: dict[str, Any], project_id: str | None) -> dict[str, Any]:
    """What the writers know of the song: title, artist, lyrics, mood, genre, tempo."""
    release = data.get('release') or {}
    meta = data.get('metadata') or {}
    versions = (data.get('lyrics') or {}).get('versions') or [{}]
    lyrics_text = lyrics.lyrics_text(data, project_id)
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


@dataclass(frozen=True)
class Prepared:
    post: schedule.Post
    notice: str | None  # why GetLate did not take it, when it was meant to


def add_post(*, session: Session, project_id: str, values: dict[str, Any], tz: str,
             now: datetime | None = None) -> ProjectPublic:
    """A post kept in the local schedule only (the spec's save-scheduled)."""
    return store_post(session=session, project_id=project_id, post=schedule.parse_post(values, tz=tz,
                                                                                        now=now or utcnow()))


def prepare_post(*, project_id: str, data: dict[str, Any], values: dict[str, Any], tz: str,
                 now: datetime | None = None) -> Prepared:
    """Check a new post and, when GetLate is configured, schedule it there; no database work (store it next).

    A GetLate failure keeps the post local with a notice that says why; bad values raise BadInput."""
    post = schedule.parse_post(values, tz=tz, now=now or utcnow())
    _room_for(data, 1)
    service = social.getlate_service()
    if service is None:
        return Prepared(post, None)
    try:
        made = social.schedule_post(service, platform=post.platform, when=post.when, caption=post.caption,
                                    hashtags=post.hashtags, media_file=media_file(project_id, data, post.media),
                                    title=post.title)
    except ProviderUnavailable as exc:
        return Prepared(post, f'{exc.message} The post is kept in your own schedule instead: post it yourself.')
    return Prepared(replace(post, provider='getlate', external_id=made.external_id, status=made.status,
                            account=made.account), None)


def store_post(*, session: Session, project_id: str, post: schedule.Post) -> ProjectPublic:
    def change(data: dict[str, Any]) -> None:
        _room_for(data, 1)
        data.setdefault('content', {}).setdefault('posts', []).append(_post_json(post))

    return projects.change_project(session=session, project_id=project_id, change=change)


def withdraw_remote(data: dict[str, Any], post_id: str) -> None:
    """Before a GetLate post is marked cancelled here, withdraw it at GetLate (ProviderUnavailable if that fails)."""
    entry = _post_entry(data, post_id)
    if entry.get('provider') == 'getlate' and entry.get('external_id') and entry.get('status') == 'scheduled':
        service = social.getlate_service()
        if service is None:
            raise ProviderUnavailable('This post was scheduled through GetLate, which is no longer configured: '
                                      'withdraw it in GetLate itself.')
        social.cancel_post(service, entry['external_id'])


def set_post_status(*, session: Session, project_id: str, post_id: str, status: str) -> ProjectPublic:
    """The artist marks a post posted or cancelled (a GetLate post is withdrawn there first: `withdraw_remote`)."""
    if status not in {'posted', 'cancelled'}:
        raise BadInput('A post can be marked posted or cancelled.')

    def change(data: dict[str, Any]) -> None:
        entry = _post_entry(data, post_id)
        if entry.get('provider') == 'getlate' and status == 'posted':
            raise BadInput('GetLate publishes this post; its status comes from GetLate.')
        entry['status'] = status

    return projects.change_project(session=session, project_id=project_id, change=change)


def remote_statuses(data: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    """GetLate's current word on this project's GetLate posts still waiting to go out, and a notice on failure."""
    waiting = [entry for entry in (data.get('content') or {}).get('posts') or []
               if entry.get('provider') == 'getlate' and entry.get('status') == 'scheduled'
               and entry.get('external_id')]
    service = social.getlate_service()
    if not waiting or service is None:
        return {}, None
    found: dict[str, str] = {}
    try:
        for entry in waiting[:20]:
            found[entry['id']] = social.post_status(service, entry['external_id'])
    except ProviderUnavailable as exc:
        return found, f'{exc.message} The statuses shown are the last ones GetLate gave.'
    return found, None


def store_remote_statuses(*, session: Session, project_id: str, statuses: dict[str, str]) -> ProjectPublic:
    def change(data: dict[str, Any]) -> None:
        for entry in (data.get('content') or {}).get('posts') or []:
            if entry['id'] in statuses and entry.get('provider') == 'getlate':
                entry['status'] = statuses[entry['id']]

    return projects.change_project(session=session, project_id=project_id, change=change)


def media_file(project_id: str, data: dict[str, Any], chosen: str | None) -> Path | None:
    """The project file a post carries: one of `media_choices`, by its path in the project."""
    if not chosen:
        return None
    if chosen not in media_choices(data):
        raise BadInput('Choose a video or image from this project for the post.', feature='media')
    path = media.resolve(project_id, chosen)
    return path if path.is_file() else None


def media_choices(data: dict[str, Any]) -> dict[str, str]:
    """The project's videos and images a post can carry: path in the project -> label."""
    choices: dict[str, str] = {}
    for video in ((data.get('content') or {}).get('videos') or [])[:20]:
        if video.get('path'):
            choices[video['path']] = f'Video: {video.get("name") or video["path"].rsplit("/", 1)[-1]}'
    for made in ((data.get('content') or {}).get('renders') or [])[:20]:
        if made.get('kind') == 'visualizer':
            start = int(made.get('start_s') or 0)
            choices[made['path']] = f'Visualizer: {made.get("length_s", 0):g} s from {start // 60}:{start % 60:02d}'
    files = (((data.get('release') or {}).get('cover') or {}).get('files') or {})
    for path in sorted(files.values()):
        if path.endswith('vertical.jpg'):
            choices[path] = 'Cover art, vertical (1080 x 1920)'
        elif path.endswith('3000.jpg'):
            choices[path] = 'Cover art, square (3000 px)'
    return choices


# release plan ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleasePlan:
    release_date: date
    from_details: bool  # the release date was saved in the Release stage (else a suggested one)
    items: list[plan.PlanItem]


def release_plan(data: dict[str, Any], project_id: str | None, *, tz: str, now: datetime | None = None,
                 release_date: date | None = None) -> ReleasePlan:
    """The proposed plan around the saved release date (or `release_date`, or the suggested next Friday)."""
    from liab.release.details import suggest_release_date

    now = now or utcnow()
    saved = (data.get('release') or {}).get('release_date')
    from_details = release_date is None and bool(saved)
    if release_date is None:
        release_date = date.fromisoformat(saved) if saved else suggest_release_date(now.date())
    song = song_of(data, project_id)
    pack = (data.get('content') or {}).get('text_pack') or {}
    hook = (pack.get('hooks') or [''])[0] or _first_line(song['lyrics'])
    accepted = frozenset(entry.get('plan_step') for entry in (data.get('content') or {}).get('posts') or []
                         if entry.get('plan_step') and entry.get('status') != 'cancelled')
    items = plan.propose(release_date, title=song['title'], artist=song['artist'], hook=hook, tz=_tz(tz), now=now,
                         accepted_steps=accepted)
    return ReleasePlan(release_date, from_details, items)


def accept_plan(*, session: Session, project_id: str, items: list[dict[str, Any]], tz: str,
                now: datetime | None = None) -> ProjectPublic:
    """Add the chosen plan items (each: step, platform, date, time, caption) to the schedule in one change.

    Every item is checked first; one bad item refuses them all, naming it. Steps already in the schedule are
    skipped, so accepting twice adds nothing twice."""
    if not items:
        raise BadInput('Tick at least one post of the plan to add it to the schedule.')
    now = now or utcnow()
    known = {step.id: step for step in plan.STEPS}
    parsed = []
    for item in items:
        step = known.get(str(item.get('step')))
        if step is None:
            raise BadInput('That plan step is not one of ours.')
        try:
            parsed.append(schedule.parse_post({**item, 'title': step.label, 'plan_step': step.id,
                                               'hashtags': item.get('hashtags') or ''}, tz=tz, now=now))
        except BadInput as exc:
            raise BadInput(f'{step.label}: {exc.message}', feature=exc.feature) from None

    def change(data: dict[str, Any]) -> None:
        posts = data.setdefault('content', {}).setdefault('posts', [])
        taken = {entry.get('plan_step') for entry in posts if entry.get('status') != 'cancelled'}
        fresh = [post for post in parsed if post.plan_step not in taken]
        _room_for(data, len(fresh))
        posts.extend(_post_json(post) for post in fresh)

    return projects.change_project(session=session, project_id=project_id, change=change)


def posts(data: dict[str, Any], now: datetime | None = None) -> list[schedule.Post]:
    """The schedule, soonest first, each with its status as of `now`."""
    found = []
    for entry in (data.get('content') or {}).get('posts') or []:
        post = schedule.Post(entry['id'], entry['platform'], datetime.fromisoformat(entry['when']), entry['caption'],
                             tuple(entry.get('hashtags') or ()), entry.get('media'), entry.get('status', 'scheduled'),
                             entry.get('title', ''), entry.get('provider', 'local'), entry.get('external_id'),
                             entry.get('account', ''), entry.get('plan_step', ''))
        found.append(replace(post, status=schedule.status_at(post, now or utcnow())))
    return sorted(found, key=lambda post: post.when)


def calendar(data: dict[str, Any], *, name: str) -> str:
    return schedule.to_ics(posts(data), calendar_name=name)


def _post_json(post: schedule.Post) -> dict[str, Any]:
    values = asdict(post)
    values['when'] = post.when.isoformat()
    values['hashtags'] = list(post.hashtags)
    return values


def _post_entry(data: dict[str, Any], post_id: str) -> dict[str, Any]:
    for entry in (data.get('content') or {}).get('posts') or []:
        if entry['id'] == post_id:
            return entry
    raise NotFound('That post is no longer in the schedule.')


def _room_for(data: dict[str, Any], count: int) -> None:
    if len((data.get('content') or {}).get('posts') or []) + count > MAX_POSTS:
        raise BadInput(f'A project keeps at most {MAX_POSTS} scheduled posts. Remove some old ones first.')


def _tz(tz: str) -> str:
    schedule.zone(tz)  # BadInput when unknown
    return tz


def _first_line(lyrics: str) -> str:
    lines = (line.strip() for line in lyrics.splitlines())
    return next((line for line in lines if line and not line.startswith('[')), '')
