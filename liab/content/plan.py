"""A release plan: posts counted back and forward from the release date, for the artist to edit and accept.

The shape follows common practice for independent releases: announce about three weeks out, tease the hook, push
pre-saves in the last week, make release day loud, then keep the song moving for two weeks with reactions and the
story behind it. Times are evening slots in the artist's own time zone, when short-video audiences are largest;
release day starts in the morning, since the song is out from midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from liab.content import schedule


@dataclass(frozen=True)
class Step:
    id: str
    offset_days: int  # from the release date
    kind: str  # 'teaser' | 'presave' | 'release' | 'followup'
    label: str
    platform: str
    clock: time
    caption: str  # a template: {title}, {artist}, {hook} and {when} are filled in
    without_hook: str = ''  # the template when the song has no hook or lyric line yet


STEPS = (
    Step('announce', -21, 'teaser', 'Announce the release', 'instagram_reels', time(18, 0),
         '{title} is coming {when}. Here is the cover. {artist}'),
    Step('teaser-hook', -14, 'teaser', 'Teaser: the hook', 'tiktok', time(19, 0),
         '"{hook}" \u2026 {title}, out {when}.', 'Ten seconds of {title}. The rest is out {when}.'),
    Step('presave', -7, 'presave', 'Pre-save push', 'instagram_reels', time(18, 30),
         'One week left. Pre-save {title} so it is in your library the moment it lands.'),
    Step('behind', -3, 'teaser', 'Behind the song', 'youtube_shorts', time(18, 0),
         'Why I wrote {title}, in under a minute. Out {when}.'),
    Step('last-call', -1, 'presave', 'Tomorrow: last pre-save call', 'tiktok', time(20, 0),
         'Tomorrow. {title}. Pre-save it tonight.'),
    Step('release-day', 0, 'release', 'Release day: out now', 'tiktok', time(9, 0),
         '{title} is out now everywhere. Play it loud. {artist}'),
    Step('release-evening', 0, 'release', 'Release day: the lyric clip', 'instagram_reels', time(19, 0),
         '"{hook}" \u2026 {title} is out now.', 'Sing it back to me: {title} is out now.'),
    Step('thanks', 1, 'followup', 'Thank you + first reactions', 'tiktok', time(18, 0),
         'Thank you for the first day of {title}. Use the sound and tag me.'),
    Step('story', 3, 'followup', 'The story of the song', 'youtube_shorts', time(18, 0),
         'The story behind {title}.'),
    Step('one-week', 7, 'followup', 'One week out: duet or challenge', 'tiktok', time(19, 0),
         'One week of {title}. Duet this with your best line.'),
    Step('two-weeks', 14, 'followup', 'Two weeks: stripped-back take', 'instagram_reels', time(18, 0),
         '{title}, stripped back. Which version wins?'),
)
KIND_LABELS = {'teaser': 'Teaser', 'presave': 'Pre-save', 'release': 'Release day', 'followup': 'Follow-up'}


@dataclass(frozen=True)
class PlanItem:
    step: str
    kind: str
    label: str
    platform: str
    day: date  # local date in the artist's time zone
    clock: time  # local time
    caption: str
    passed: bool  # its time is already past: shown, but it cannot be scheduled
    accepted: bool  # already in the schedule (accepted earlier and not cancelled)

    def to_json(self) -> dict:
        return {'step': self.step, 'kind': self.kind, 'label': self.label, 'platform': self.platform,
                'date': self.day.isoformat(), 'time': self.clock.strftime('%H:%M'), 'caption': self.caption,
                'passed': self.passed, 'accepted': self.accepted}


def propose(release: date, *, title: str, artist: str = '', hook: str = '', tz: str, now: datetime,
            accepted_steps: frozenset[str] = frozenset()) -> list[PlanItem]:
    """The plan's posts for a release on `release`, oldest first, each marked passed or already accepted."""
    zone = ZoneInfo(tz)
    title = title.strip() or 'my new song'
    hook = ' '.join(hook.split())[:80]
    items = []
    for step in STEPS:
        day = release + timedelta(days=step.offset_days)
        when = datetime.combine(day, step.clock, tzinfo=zone)
        template = step.caption if hook or not step.without_hook else step.without_hook
        caption = ' '.join(template.format(title=title, artist=artist.strip(), hook=hook,
                                           when=_when(step, release)).split())
        items.append(PlanItem(step.id, step.kind, step.label, step.platform, day, step.clock,
                              caption[:1].upper() + caption[1:], when <= now, step.id in accepted_steps))
    return items


def _when(step: Step, release: date) -> str:
    """How a post names the release day: 'Friday' in the last week, 'on 14 March' further out."""
    if -6 <= step.offset_days < 0:
        return 'tomorrow' if step.offset_days == -1 else f'on {release:%A}'
    return f'on {release.day} {release:%B}'


def platform_name(platform: str) -> str:
    return schedule.PLATFORMS[platform]
