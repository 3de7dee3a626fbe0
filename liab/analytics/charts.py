"""ECharts options for the Analytics stage: a figure over time per platform with the release day and the posts
marked on it, and the platforms side by side with their save rate.

Options are plain dicts (JSON-safe, no JavaScript functions). Text that came from the artist (post titles) is
only ever an item name, drawn on the canvas; it is still stripped of markup and template characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from liab.analytics.figures import METRIC_LABELS, PLATFORMS, Point
from liab.analytics.summary import Summary, daily_totals

# NOTE: the house colours of static/liab.css (:root) on its dark background.
TEXT, MUTED, LINE, GOLD, PURPLE = '#f3eefc', '#b5abcf', 'rgba(255, 255, 255, 0.14)', '#f5b942', '#8b5cf6'
GRID_LINE = 'rgba(255, 255, 255, 0.06)'
TOOLTIP_BG = '#1a142c'
COLORS = {'spotify': '#34d399', 'apple_music': '#f472b6', 'youtube': '#f87171', 'tiktok': '#22d3ee',
          'instagram': '#c4b5fd', 'other': '#b5abcf'}
ALL_PLATFORMS = 'All platforms'
MARKERS = 'Release and posts'
MARKER_REACH = timedelta(days=14)  # posts this far outside the figures' days are still drawn
_UNSAFE = re.compile(r'[<>&{}|\x00-\x1f]')


@dataclass(frozen=True)
class Marker:
    day: date
    label: str  # what the line is, e.g. 'Release' or 'TikTok post: Teaser'
    kind: str  # 'release' or 'post'


def timeline_option(points: Sequence[Point], *, metric: str = 'streams', markers: Iterable[Marker] = ()) -> dict:
    """`metric` over time: a line per platform (and the sum of them all when there are several), with a gold line
    on the release day and a purple dashed line on each post day."""
    label = METRIC_LABELS[metric]
    series: list[dict[str, Any]] = []
    platforms = [platform for platform in PLATFORMS
                 if any(p.platform == platform and p.value(metric) is not None for p in points)]
    for platform in platforms:
        data = [[p.day.isoformat(), p.value(metric)] for p in sorted(points, key=lambda p: p.day)
                if p.platform == platform and p.value(metric) is not None]
        series.append(_line(PLATFORMS[platform], data, COLORS[platform]))
    totals = [[day.isoformat(), round(value, 2)] for day, value in daily_totals(points, metric)]
    if len(platforms) > 1 and len(totals) > 1:  # only days no platform skipped (see daily_totals)
        series.append({**_line(ALL_PLATFORMS, totals, TEXT), 'lineStyle': {'width': 2, 'type': 'dashed'}})
    days = [p.day for p in points if p.value(metric) is not None] or [p.day for p in points]
    shown = _markers_within(markers, days)
    if shown:
        series.append(_marker_series(shown))
    span = days + [marker.day for marker in shown]
    x_axis: dict[str, Any] = {'type': 'time', 'name': 'Day', 'nameLocation': 'middle', 'nameGap': 30,
                              'nameTextStyle': {'color': MUTED}, 'axisLabel': {'color': MUTED, 'hideOverlap': True},
                              'axisLine': {'lineStyle': {'color': LINE}}, 'splitLine': {'show': False}}
    if span:  # the release day and the posts widen the axis; the figures alone would not reach them
        x_axis.update(min=min(span).isoformat(), max=max(span).isoformat())
    return {
        **_base(),
        'legend': {**_legend(), 'data': [entry['name'] for entry in series]},
        'grid': {'left': 12, 'right': 20, 'top': 56, 'bottom': 34, 'containLabel': True},
        'tooltip': {**_tooltip(), 'trigger': 'axis'},
        'xAxis': x_axis,
        'yAxis': {'type': 'value', 'name': label if metric == 'followers' else f'{label} per day',
                  'nameTextStyle': {'color': MUTED, 'align': 'left'}, 'minInterval': 1,
                  'axisLabel': {'color': MUTED}, 'splitLine': {'lineStyle': {'color': GRID_LINE}}},
        'series': series,
    }


def platforms_option(summary: Summary, *, metric: str = 'streams') -> dict:
    """Each platform's figure for the whole time (bars, left axis) and its save rate in % (dots, right axis)."""
    label = METRIC_LABELS[metric]
    platforms = [platform for platform in summary.platforms
                 if summary.by_platform[platform][metric].total is not None]
    names = [PLATFORMS[platform] for platform in platforms]
    bars = [{'value': round(summary.by_platform[platform][metric].total or 0, 2),
             'itemStyle': {'color': COLORS[platform], 'borderRadius': [6, 6, 0, 0]}} for platform in platforms]
    rates = [None if summary.save_rate_by_platform.get(platform) is None
             else round(100 * (summary.save_rate_by_platform[platform] or 0), 2) for platform in platforms]
    total_name = {'listeners': 'Listeners a day (average)', 'followers': 'Followers (latest)'}.get(
        metric, f'{label}, all days')
    series: list[dict[str, Any]] = [{'name': total_name, 'type': 'bar', 'data': bars, 'barMaxWidth': 56,
                                     'itemStyle': {'color': PURPLE}}]
    y_axes: list[dict[str, Any]] = [{'type': 'value', 'name': total_name, 'minInterval': 1,
                                     'nameTextStyle': {'color': MUTED, 'align': 'left'},
                                     'axisLabel': {'color': MUTED}, 'splitLine': {'lineStyle': {'color': GRID_LINE}}}]
    if any(rate is not None for rate in rates):
        series.append({'name': 'Save rate (%)', 'type': 'line', 'yAxisIndex': 1, 'data': rates, 'symbolSize': 10,
                       'symbol': 'circle', 'lineStyle': {'width': 0}, 'itemStyle': {'color': GOLD},
                       'label': {'show': True, 'position': 'top', 'color': GOLD, 'formatter': '{c} %'}})
        y_axes.append({'type': 'value', 'name': 'Save rate (%)', 'min': 0,
                       'nameTextStyle': {'color': MUTED, 'align': 'right'}, 'axisLabel': {'color': MUTED},
                       'splitLine': {'show': False}})
    return {
        **_base(),
        'legend': {**_legend(), 'data': [entry['name'] for entry in series]},
        'grid': {'left': 12, 'right': 12, 'top': 56, 'bottom': 20, 'containLabel': True},
        'tooltip': {**_tooltip(), 'trigger': 'axis', 'axisPointer': {'type': 'shadow'}},
        'xAxis': {'type': 'category', 'data': names,
                  'axisLabel': {'color': TEXT, 'interval': 0, 'width': 96, 'overflow': 'break'},
                  'axisLine': {'lineStyle': {'color': LINE}}},
        'yAxis': y_axes,
        'series': series,
    }


def _line(name: str, data: list[list[Any]], color: str) -> dict[str, Any]:
    return {'name': name, 'type': 'line', 'data': data, 'showSymbol': len(data) <= 45, 'symbolSize': 6,
            'itemStyle': {'color': color}, 'lineStyle': {'width': 2}, 'emphasis': {'focus': 'series'}}


def _marker_series(markers: list[Marker]) -> dict[str, Any]:
    """An empty series that only carries the marker lines, so the legend can hide them like any other line."""
    lines = []
    for marker in markers:
        release = marker.kind == 'release'
        lines.append({
            'xAxis': marker.day.isoformat(), 'name': _safe(marker.label),
            'lineStyle': {'color': GOLD if release else PURPLE, 'width': 2 if release else 1.5,
                          'type': 'solid' if release else 'dashed'},
            'label': {'show': release, 'formatter': '{b}', 'color': GOLD if release else TEXT,
                      'position': 'insideEndTop'},
            'emphasis': {'label': {'show': True, 'formatter': '{b}', 'position': 'insideEndTop'}},
        })
    return {'name': MARKERS, 'type': 'line', 'data': [], 'itemStyle': {'color': PURPLE}, 'tooltip': {'show': False},
            'markLine': {'symbol': ['none', 'none'], 'animation': False, 'data': lines}}


def _markers_within(markers: Iterable[Marker], days: list[date]) -> list[Marker]:
    if not days:
        return []
    first, last = min(days) - MARKER_REACH, max(days) + MARKER_REACH
    return sorted((m for m in markers if first <= m.day <= last), key=lambda m: (m.day, m.kind != 'release'))


def _base() -> dict[str, Any]:
    return {'backgroundColor': 'transparent', 'animationDuration': 400,
            'textStyle': {'color': TEXT, 'fontFamily': 'Inter, Segoe UI, system-ui, sans-serif'}}


def _legend() -> dict[str, Any]:
    return {'type': 'scroll', 'top': 0, 'textStyle': {'color': MUTED}, 'inactiveColor': '#4b4462',
            'pageIconColor': TEXT, 'pageTextStyle': {'color': MUTED}}


def _tooltip() -> dict[str, Any]:
    return {'backgroundColor': TOOLTIP_BG, 'borderColor': LINE, 'textStyle': {'color': TEXT}}


def _safe(text: str) -> str:
    return ' '.join(_UNSAFE.sub('', text).split())[:60]
