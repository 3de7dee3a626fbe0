"""Totals, the change over the last 7 and 28 days, the save rate, and Pulse's line on the last week.

Figures are not all alike. Streams, saves and playlist adds happen each day, so a period's figure is their sum.
Listeners are unique per day and cannot be added up over days (the same person listens on Monday and Tuesday), so
a period's figure is the average day. Followers are a level (how many follow you on that day), so a period's
figure is the last one known in it. Across platforms the per-platform figures are added up.

Periods end on the last day with figures (`as_of`), not today: imports lag a day or more behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from liab.analytics.figures import METRIC_LABELS, METRICS, PLATFORMS, Point

FLOWS = ('streams', 'saves', 'playlist_adds')
WINDOWS = (7, 28)


@dataclass(frozen=True)
class Change:
    """A period against the one just before it, e.g. the last 7 days against the 7 before those."""

    days: int
    current: float | None
    previous: float | None

    @property
    def percent(self) -> float | None:
        """The change in %; None when there is nothing to compare (either period unknown, or the earlier one 0)."""
        if self.current is None or not self.previous:
            return None
        return (self.current - self.previous) / self.previous * 100


@dataclass(frozen=True)
class MetricSummary:
    metric: str
    total: float | None  # flows: the sum of every day; listeners: the average day; followers: the latest
    week: Change
    month: Change


@dataclass(frozen=True)
class Summary:
    as_of: date | None  # the last day with figures; None without any
    first_day: date | None
    days: int  # days with figures
    platforms: tuple[str, ...]  # in PLATFORMS order
    overall: dict[str, MetricSummary]
    by_platform: dict[str, dict[str, MetricSummary]]
    save_rate: float | None  # saves per stream, over the days where both are known
    save_rate_week: float | None
    save_rate_by_platform: dict[str, float | None]

    @property
    def empty(self) -> bool:
        return self.as_of is None


def summarise(points: Iterable[Point]) -> Summary:
    points = list(points)
    if not points:
        empty = {metric: _metric([], metric, None, None) for metric in METRICS}
        return Summary(None, None, 0, (), empty, {}, None, None, {})
    as_of = max(point.day for point in points)
    first = min(point.day for point in points)
    platforms = tuple(platform for platform in PLATFORMS if any(point.platform == platform for point in points))
    by_platform = {platform: [point for point in points if point.platform == platform] for platform in platforms}
    week_start = as_of - timedelta(days=6)
    return Summary(
        as_of=as_of, first_day=first, days=len({point.day for point in points}), platforms=platforms,
        overall={metric: _metric(points, metric, first, as_of) for metric in METRICS},
        by_platform={platform: {metric: _metric(own, metric, first, as_of) for metric in METRICS}
                     for platform, own in by_platform.items()},
        save_rate=save_rate(points),
        save_rate_week=save_rate(point for point in points if point.day >= week_start),
        save_rate_by_platform={platform: save_rate(own) for platform, own in by_platform.items()})


def save_rate(points: Iterable[Point]) -> float | None:
    """Saves per stream, counting only days that know both; None when there are no such streams."""
    saves = streams = 0
    for point in points:
        if point.saves is not None and point.streams is not None:
            saves += point.saves
            streams += point.streams
    return saves / streams if streams else None


def period_value(points: Iterable[Point], metric: str, start: date, end: date) -> float | None:
    """The figure of `metric` over the days start..end (both included), added up across platforms; None if
    no day in the period knows it."""
    known: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for point in points:
        value = point.value(metric)
        if value is not None and start <= point.day <= end:
            known[point.platform].append((point.day, value))
    if not known:
        return None
    if metric in FLOWS:
        return float(sum(value for days in known.values() for _day, value in days))
    if metric == 'listeners':
        return sum(sum(value for _day, value in days) / len(days) for days in known.values())
    return float(sum(max(days)[1] for days in known.values()))  # followers: the latest day of each platform


def daily_totals(points: Iterable[Point], metric: str) -> list[tuple[date, float]]:
    """Each day's figure added up across platforms, oldest first (the chart's 'All platforms' line), for the days
    that at least two platforms reported and that no platform skipped between its first and its last report: a
    skipped day would look like a drop, and a lone entry on one platform like a jump."""
    by_day: dict[date, float] = defaultdict(float)
    reporting: dict[date, set[str]] = defaultdict(set)
    for point in points:
        value = point.value(metric)
        if value is not None:
            by_day[point.day] += value
            reporting[point.day].add(point.platform)
    spans: dict[str, tuple[date, date]] = {}
    for day in sorted(reporting):
        for platform in reporting[day]:
            spans[platform] = (spans.get(platform, (day, day))[0], day)
    return [(day, by_day[day]) for day in sorted(by_day)
            if len(reporting[day]) > 1
            and reporting[day] == {platform for platform, (first, last) in spans.items() if first <= day <= last}]


def pulse_line(summary: Summary) -> str:
    """One short sentence on the last week and how it compares with the week before, for Pulse to say (it must
    fit the header's caption)."""
    if summary.empty or summary.as_of is None:
        return 'No figures yet: import a CSV or enter a day to see how the release is doing.'
    metric = next((m for m in ('streams', 'listeners', 'followers', 'saves', 'playlist_adds')
                   if summary.overall[m].week.current is not None), None)
    when = f'Week to {summary.as_of.day} {summary.as_of:%b}'
    if metric is None:
        return f'{when}: no figures in the last seven days.'
    change = summary.overall[metric].week
    name = {'listeners': 'listeners a day'}.get(metric, METRIC_LABELS[metric].lower())
    line = f'{when}: {number(change.current)} {name}'
    if change.percent is not None:
        line += f', {"unchanged" if abs(change.percent) < 0.5 else trend(change.percent)}'
    if summary.save_rate_week is not None:
        line += f'; save rate {percent(summary.save_rate_week)}'
    return line + '.'


def trend(change: float) -> str:
    if abs(change) < 0.5:
        return 'level'
    return f'{"up" if change > 0 else "down"} {abs(change):.0f}%'


def number(value: float | None) -> str:
    return '\u2013' if value is None else f'{round(value):,}'


def percent(rate: float | None) -> str:
    """A rate (0.042) as a percentage ('4.2%')."""
    return '\u2013' if rate is None else f'{rate * 100:.1f}%'


def _metric(points: list[Point], metric: str, first: date | None, as_of: date | None) -> MetricSummary:
    if as_of is None or first is None:
        nothing = {days: Change(days, None, None) for days in WINDOWS}
        return MetricSummary(metric, None, nothing[7], nothing[28])
    # A sum over the earlier period counts only when the figures reach back to its first day: comparing 28 days with 12
    # that happen to come before them would show a rise that is only the start of the data.
    changes = {days: Change(days, period_value(points, metric, as_of - timedelta(days=days - 1), as_of),
                            period_value(points, metric, as_of - timedelta(days=2 * days - 1),
                                         as_of - timedelta(days=days))
                            if metric not in FLOWS or first <= as_of - timedelta(days=2 * days - 1) else None)
               for days in WINDOWS}
    return MetricSummary(metric, period_value(points, metric, first, as_of), changes[7], changes[28])
