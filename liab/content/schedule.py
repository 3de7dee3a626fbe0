"""Posts planned for social video platforms, kept locally: parsed from the form, honest statuses, a calendar file.

A post's time is typed in the user's own time zone and kept in UTC. Its status never claims more than we know:
'scheduled' before its time, 'due' once the time has passed, 'posted' only when the user says so, or 'cancelled'.
A post scheduled through GetLate (liab.providers.social) keeps GetLate's own word instead: scheduled, 'published' or
'failed' as GetLate reports it; nothing here pretends a post went out.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from liab.errors import BadInput
from liab.writers.content import normalise_hashtags

PLATFORMS = {'tiktok': 'TikTok', 'youtube_shorts': 'YouTube Shorts', 'instagram_reels': 'Instagram Reels'}
STATUSES = ('scheduled', 'due', 'posted', 'cancelled', 'published', 'failed')
MAX_CAPTION = 2200  # characters: TikTok's and Instagram's caption limit
MAX_HASHTAGS = 30  # Instagram's limit
EVENT_MINUTES = 15
_CONTROL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')


@dataclass(frozen=True)
class Post:
    id: str
    platform: str  # a key of PLATFORMS
    when: datetime  # aware, UTC
    caption: str
    hashtags: tuple[str, ...]
    media: str | None  # a project file (video or image), by its id or path
    status: str  # one of STATUSES
    title: str = ''  # what the post is, for lists and the calendar; the caption's start when empty
    provider: str = 'local'  # 'local' (kept here, the artist posts it) or 'getlate' (GetLate publishes it)
    external_id: str | None = None  # GetLate's post id
    account: str = ''  # the GetLate account it goes out from
    plan_step: str = ''  # the release-plan step it was accepted from, if any

    def to_json(self) -> dict:
        return {'id': self.id, 'platform': self.platform, 'when': self.when.isoformat().replace('+00:00', 'Z'),
                'caption': self.caption, 'hashtags': list(self.hashtags), 'media': self.media,
                'status': self.status, 'title': self.title, 'provider': self.provider, 'account': self.account,
                'plan_step': self.plan_step}


def parse_post(values: dict, *, tz: str, now: datetime) -> Post:
    """A new post from form values: 'platform', 'date' ('YYYY-MM-DD') and 'time' ('HH:MM') in the time zone `tz`,
    'caption', 'hashtags' (a list or a '#a #b' string), 'media' and 'title' (optional). BadInput names the field."""
    local_zone = zone(tz)
    platform = str(values.get('platform') or '').strip().lower().replace(' ', '_').replace('-', '_')
    if platform not in PLATFORMS:
        raise BadInput(f'Choose a platform: {", ".join(PLATFORMS.values())}.', feature='platform')
    local = _local_time(values.get('date'), values.get('time'))
    when = local.replace(tzinfo=local_zone)
    if when.astimezone(UTC).astimezone(local_zone).replace(tzinfo=None) != local:
        raise BadInput(f'{local:%H:%M} does not exist on {local:%d %B %Y} in {tz}: the clocks go forward then. '
                       'Choose another time.', feature='time')
    when = when.astimezone(UTC)
    if when <= _aware(now):
        raise BadInput('That time has already passed: choose a time in the future.', feature='date')
    caption = clean_caption(values.get('caption'))
    if len(caption) > MAX_CAPTION:
        raise BadInput(f'The caption has {len(caption)} characters; the platforms allow {MAX_CAPTION}.',
                       feature='caption')
    hashtags = normalise_hashtags(values.get('hashtags'), MAX_HASHTAGS + 1)
    if len(hashtags) > MAX_HASHTAGS:
        raise BadInput(f'Use at most {MAX_HASHTAGS} hashtags.', feature='hashtags')
    media = str(values.get('media') or '').strip() or None
    title = ' '.join(clean_caption(values.get('title')).split())[:120]
    plan_step = str(values.get('plan_step') or '')[:40]
    return Post(str(values.get('id') or uuid.uuid4()), platform, when, caption, hashtags, media, 'scheduled', title,
                plan_step=plan_step)


def status_at(post: Post, now: datetime) -> str:
    """'posted' or 'cancelled' as the user marked it; GetLate's word for its posts; otherwise 'due' from its time
    on, 'scheduled' before."""
    if post.status != 'scheduled' or post.provider != 'local':
        return post.status
    return 'due' if _aware(now) >= post.when else 'scheduled'


def mark(post: Post, status: str) -> Post:
    """The user marks a post 'posted' or 'cancelled' (or back to 'scheduled')."""
    if status not in ('scheduled', 'posted', 'cancelled'):
        raise BadInput('A post can be marked posted, cancelled or scheduled.', feature='status')
    return replace(post, status=status)


def local_time(post: Post, tz: str) -> datetime:
    """The post's time in the user's time zone, for display."""
    return post.when.astimezone(zone(tz))


def clean_caption(text: object) -> str:
    """Control and direction characters removed (line breaks and tabs kept), trailing space trimmed."""
    text = str(text or '').replace('\r\n', '\n').replace('\r', '\n')
    return _CONTROL.sub('', text).strip()


def to_ics(posts: list[Post], *, calendar_name: str, stamp: datetime | None = None) -> str:
    """RFC 5545 calendar: one event per post that is not cancelled, each with a display alarm at the post time."""
    stamp_text = _utc_text(_aware(stamp) if stamp else datetime.now(UTC))
    lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Label-in-a-Box//Content schedule//EN',
             'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', f'X-WR-CALNAME:{_escape(calendar_name)}']
    for post in posts:
        if post.status == 'cancelled':
            continue
        platform = PLATFORMS.get(post.platform, post.platform)
        summary = f'{platform}: {post.title or _start(post.caption) or "post"}'
        description = '\n\n'.join(part for part in (post.caption, ' '.join(post.hashtags)) if part)
        lines += ['BEGIN:VEVENT', f'UID:{post.id}@label-in-a-box', f'DTSTAMP:{stamp_text}',
                  f'DTSTART:{_utc_text(post.when)}', f'DTEND:{_utc_text(post.when + timedelta(minutes=EVENT_MINUTES))}',
                  f'SUMMARY:{_escape(summary)}', f'DESCRIPTION:{_escape(description)}',
                  'STATUS:CONFIRMED', 'BEGIN:VALARM', 'ACTION:DISPLAY', f'DESCRIPTION:{_escape(summary)}',
                  'TRIGGER;RELATED=START:PT0M', 'END:VALARM', 'END:VEVENT']
    lines.append('END:VCALENDAR')
    return ''.join(_fold(line) + '\r\n' for line in lines)


def _local_time(day: object, clock: object) -> datetime:
    try:
        parsed_day = date.fromisoformat(str(day or '').strip())
    except ValueError:
        raise BadInput('Give the date as YYYY-MM-DD.', feature='date') from None
    try:
        parsed_time = time.fromisoformat(str(clock or '').strip())
    except ValueError:
        raise BadInput('Give the time as HH:MM.', feature='time') from None
    if parsed_time.tzinfo is not None:
        raise BadInput('Give the time without a time zone: it is read in yours.', feature='time')
    return datetime.combine(parsed_day, parsed_time.replace(second=0, microsecond=0))


def zone(tz: str) -> ZoneInfo:
    """The time zone named `tz`; BadInput when there is none by that name."""
    try:
        return ZoneInfo(str(tz or '').strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f'Unknown time zone {tz!r}: use a name such as Europe/Berlin.', feature='tz') from None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError('Times must carry a time zone (for example datetime.now(UTC)).')
    return moment.astimezone(UTC)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')


def _start(caption: str, limit: int = 50) -> str:
    first = ' '.join(caption.split())
    return first if len(first) <= limit else first[:limit].rsplit(' ', 1)[0] + '\u2026'


def _escape(text: str) -> str:
    """TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    text = text.replace('\\', '\\\\').replace(';', '\\;').replace(',', '\\,')
    return text.replace('\r\n', '\n').replace('\n', '\\n')


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (RFC 5545 3.1), never inside a UTF-8 character."""
    parts, current, size = [], '', 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):  # a continuation line starts with one space
            parts.append(current)
            current, size = '', 0
        current += char
        size += width
    parts.append(current)
    return '\r\n '.join(parts)
