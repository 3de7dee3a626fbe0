"""One day's figures on one platform, and the checks every figure passes whether it was typed in or imported."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from liab.errors import BadInput

PLATFORMS: dict[str, str] = {'spotify': 'Spotify', 'apple_music': 'Apple Music', 'youtube': 'YouTube',
                             'tiktok': 'TikTok', 'instagram': 'Instagram', 'other': 'Other'}
# Names people write for the same platforms (after lower-casing and turning spaces and hyphens into '_').
ALIASES = {'apple': 'apple_music', 'applemusic': 'apple_music', 'itunes': 'apple_music', 'youtube_music': 'youtube',
           'youtube_shorts': 'youtube', 'yt': 'youtube', 'instagram_reels': 'instagram', 'ig': 'instagram',
           'reels': 'instagram'}
METRICS: tuple[str, ...] = ('streams', 'saves', 'listeners', 'followers', 'playlist_adds')
METRIC_LABELS = {'streams': 'Streams', 'saves': 'Saves', 'listeners': 'Listeners', 'followers': 'Followers',
                 'playlist_adds': 'Playlist adds'}
SOURCES = ('manual', 'csv', 'spotify_csv')
MAX_VALUE = 10 ** 12  # more than any song's streams on any day; keeps every figure a 64-bit integer
EARLIEST = date(2000, 1, 1)

_ISO_DAY = re.compile(r'^\d{4}-\d{2}-\d{2}$')
_COUNT = re.compile(r'^(\d+|\d{1,3}(,\d{3})+)$')  # 1234 or 1,234 (Spotify for Artists shows thousands so)


@dataclass(frozen=True)
class Point:
    """What is known of one day on one platform; None where the figure is unknown (never 0 for unknown)."""

    day: date
    platform: str  # a key of PLATFORMS
    streams: int | None = None
    saves: int | None = None
    listeners: int | None = None  # unique listeners that day
    followers: int | None = None  # followers on that day (a level, not a daily flow)
    playlist_adds: int | None = None
    source: str = 'manual'  # one of SOURCES

    def value(self, metric: str) -> int | None:
        return getattr(self, metric)

    def figures(self) -> dict[str, int | None]:
        return {metric: self.value(metric) for metric in METRICS}

    def merged(self, newer: Point) -> Point:
        """This day updated by `newer`: its known figures win, its unknown ones keep what was known."""
        known = {metric: value for metric, value in newer.figures().items() if value is not None}
        return replace(self, **known, source=newer.source)

    def to_json(self) -> dict[str, Any]:
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return {**values, 'day': self.day.isoformat()}


def check_point(values: Mapping[str, Any], *, today: date, source: str = 'manual') -> Point:
    """A Point from raw values ('date' or 'day', 'platform', the metrics); BadInput naming the first bad field."""
    day = parse_day(values.get('date', values.get('day')), today=today)
    platform = parse_platform(values.get('platform'))
    figures = {metric: parse_count(metric, values.get(metric)) for metric in METRICS}
    if all(value is None for value in figures.values()):
        raise BadInput('no figures: give at least one of streams, saves, listeners, followers, playlist adds.',
                       feature='figures')
    if source not in SOURCES:
        raise ValueError(f'unknown source {source!r}')
    return Point(day, platform, **figures, source=source)


def parse_day(raw: Any, *, today: date) -> date:
    if isinstance(raw, date):
        day = raw
    else:
        text = str(raw or '').strip()
        if not text:
            raise BadInput('the date is missing.', feature='date')
        try:
            if not _ISO_DAY.match(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise BadInput(f'date {_shown(text)} is not a date written as YYYY-MM-DD.', feature='date') from None
    if day > today:
        raise BadInput(f'date {day.isoformat()} is in the future.', feature='date')
    if day < EARLIEST:
        raise BadInput(f'date {day.isoformat()} is before {EARLIEST.year}.', feature='date')
    return day


def parse_platform(raw: Any) -> str:
    text = re.sub(r'[\s-]+', '_', str(raw or '').strip().lower())
    if not text:
        raise BadInput('the platform is missing.', feature='platform')
    platform = ALIASES.get(text, text)
    if platform not in PLATFORMS:
        raise BadInput(f'platform {_shown(str(raw))} is not one of {", ".join(PLATFORMS)}.', feature='platform')
    return platform


def parse_count(metric: str, raw: Any) -> int | None:
    """A whole number of at least 0, or None when blank; BadInput otherwise."""
    label = METRIC_LABELS[metric].lower()
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise BadInput(f'{label} must be a whole number.', feature=metric)
    if isinstance(raw, float):
        if not raw.is_integer():  # a fraction, NaN or infinity
            raise BadInput(f'{label} {raw:g} is not a whole number.', feature=metric)
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if text.startswith('-') and _COUNT.match(text[1:].strip()):
            raise BadInput(f'{label} cannot be negative ({text[:24]}).', feature=metric)
        if not _COUNT.match(text):
            raise BadInput(f'{label} {_shown(text)} is not a whole number.', feature=metric)
        value = int(text.replace(',', ''))
    if value < 0:
        raise BadInput(f'{label} cannot be negative ({value}).', feature=metric)
    if value > MAX_VALUE:
        raise BadInput(f'{label} {value} is more than any platform counts in a day.', feature=metric)
    return value


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else f'{text[:limit - 3]}...')
