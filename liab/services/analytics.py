"""The numbers after release (the Analytics stage): per-day figures per platform, typed in or imported from CSV.

Figures live in their own table (`AnalyticsPoint`, a row per project, day and platform) rather than in the project
memory: a year of six platforms is thousands of rows, and the chart reads them by day. The project memory keeps
only the totals under `analytics` (spec 5.3), updated in the same transaction. Entering or importing figures ticks
the Analytics stage. An import is all or nothing: the file is checked whole before any row is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from liab.analytics import charts, csvfile, figures, summary
from liab.analytics.figures import METRICS, Point
from liab.content import schedule
from liab.errors import BadInput, NotFound
from liab.models import AnalyticsPoint, Project, ProjectPublic, utcnow
from liab.services import content, projects

MAX_POINTS = 50_000  # a project's days x platforms: over 20 years of all six platforms
STAGE = 'analytics'
_HIDDEN_POSTS = {'cancelled', 'failed'}
_ORDER = {platform: index for index, platform in enumerate(figures.PLATFORMS)}


@dataclass(frozen=True)
class Stored:
    project: ProjectPublic
    cycle_complete: bool  # this tick completed the release cycle for the first time (the goal dialog)
    points: list[Point]  # every figure of the project now, oldest first
    added: int  # days (per platform) new to the project
    updated: int  # days it had already, now updated
    kind: str  # 'manual', or the kind of file: 'ours' or 'spotify'


def record_day(*, session: Session, project_id: str, values: dict[str, Any], today: date | None = None) -> Stored:
    """One day on one platform typed in by hand: 'date', 'platform' and any figures; blanks keep what was known."""
    try:
        point = figures.check_point(values, today=_today(today), source='manual')
    except BadInput as exc:
        raise BadInput(_sentence(exc.message), feature=exc.feature) from None
    return _store(session, project_id, [point], kind='manual')


def import_csv(*, session: Session, project_id: str, text: str, today: date | None = None) -> Stored:
    """A whole CSV file (our columns or a Spotify for Artists export); BadInput naming bad lines, nothing stored."""
    parsed = csvfile.parse_csv(text, today=_today(today))
    return _store(session, project_id, parsed.points, kind=parsed.kind)


def points(*, session: Session, project_id: str) -> list[Point]:
    """Every figure of the project, by day and then in the platforms' usual order."""
    rows = session.exec(select(AnalyticsPoint).where(AnalyticsPoint.project_id == project_id)).all()
    return sorted((_point(row) for row in rows), key=lambda point: (point.day, _ORDER.get(point.platform, 99)))


def export_csv(*, session: Session, project_id: str) -> str:
    """The project's figures in our own CSV format (which imports back as it was)."""
    return csvfile.to_csv(points(session=session, project_id=project_id))


def clear_figures(*, session: Session, project_id: str) -> ProjectPublic:
    """Remove every figure of the project (the stage's tick stays as it is)."""
    session.execute(delete(AnalyticsPoint).where(col(AnalyticsPoint.project_id) == project_id))
    return projects.change_project(session=session, project_id=project_id,
                                   change=lambda data: data.__setitem__('analytics', {}))


def weekly_summary(*, session: Session, project_id: str) -> str:
    """Pulse's one sentence on the last week of figures."""
    return summary.pulse_line(summary.summarise(points(session=session, project_id=project_id)))


def markers(data: dict[str, Any]) -> list[charts.Marker]:
    """The release day (Release stage) and the days of the scheduled posts (Content stage), for the charts."""
    found = []
    saved = (data.get('release') or {}).get('release_date')
    if isinstance(saved, str) and saved:
        try:
            found.append(charts.Marker(date.fromisoformat(saved), 'Release', 'release'))
        except ValueError:
            pass
    for post in content.posts(data):
        if post.status not in _HIDDEN_POSTS:
            platform = schedule.PLATFORMS.get(post.platform, post.platform)
            title = post.title or ' '.join(post.caption.split())[:40]
            found.append(charts.Marker(post.when.date(), f'{platform} post' + (f': {title}' if title else ''),
                                       'post'))
    return found


# project archives ------------------------------------------------------------------------------------------------


def archive_entries(*, session: Session, project_id: str) -> list[dict[str, Any]]:
    """The figures as JSON values for a project archive (liab.services.archive)."""
    return [point.to_json() for point in points(session=session, project_id=project_id)]


def restore_entries(*, session: Session, project_id: str, entries: Any) -> int:
    """Figures from a project archive into a new project; every entry is checked, BadInput for anything odd."""
    if not isinstance(entries, list) or len(entries) > MAX_POINTS:
        raise BadInput('The figures in that archive are not valid.')
    restored: dict[tuple[date, str], Point] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise BadInput('The figures in that archive are not valid.')
        source = entry.get('source') if entry.get('source') in figures.SOURCES else 'csv'
        try:
            point = figures.check_point(entry, today=_today(None), source=source)
        except BadInput as exc:
            raise BadInput(f'The figures in that archive are not valid ({exc.message.rstrip(".")}).') from None
        if (point.day, point.platform) in restored:
            raise BadInput('The figures in that archive hold a day twice.')
        restored[point.day, point.platform] = point
    session.add_all(_row(project_id, point, utcnow()) for point in restored.values())
    return len(restored)


# helpers ---------------------------------------------------------------------------------------------------------


def _store(session: Session, project_id: str, new: list[Point], *, kind: str) -> Stored:
    # The project row is locked first (as change_project does), so two imports into one project take turns.
    if session.exec(select(Project).where(Project.id == project_id).with_for_update()).first() is None:
        raise NotFound('No such project.')
    rows = {(row.day, row.platform): row for row in session.exec(
        select(AnalyticsPoint).where(AnalyticsPoint.project_id == project_id)).all()}
    fresh = [point for point in new if (point.day, point.platform) not in rows]
    if len(rows) + len(fresh) > MAX_POINTS:
        raise BadInput(f'A project keeps at most {MAX_POINTS:,} days of figures. Clear some first.')
    now = utcnow()
    for point in new:
        row = rows.get((point.day, point.platform))
        if row is None:
            session.add(_row(project_id, point, now))
            continue
        merged = _point(row).merged(point)
        for metric in METRICS:
            setattr(row, metric, merged.value(metric))
        row.source, row.updated_at = merged.source, now
        session.add(row)
    session.flush()
    everything = points(session=session, project_id=project_id)
    totals = _memory(everything, now)
    projects.change_project(session=session, project_id=project_id,
                            change=lambda data: data.__setitem__('analytics', totals))
    tick = projects.complete_stage(session=session, project_id=project_id, stage_id=STAGE)
    return Stored(tick.project, tick.cycle_complete, everything, len(fresh), len(new) - len(fresh), kind)


def _memory(all_points: list[Point], now: datetime) -> dict[str, Any]:
    """What the project memory keeps of the figures (spec 5.3's `analytics`): the totals and the span."""
    made = summary.summarise(all_points)
    totals = {metric: made.overall[metric].total for metric in METRICS}
    return {**{metric: None if value is None else round(value, 2) for metric, value in totals.items()},
            'save_rate': None if made.save_rate is None else round(made.save_rate, 4),
            'days': made.days, 'first_day': made.first_day.isoformat() if made.first_day else None,
            'last_day': made.as_of.isoformat() if made.as_of else None, 'platforms': list(made.platforms),
            'updated_at': now.isoformat()}


def today() -> date:
    """The last day figures may be for. Days are counted in UTC (as Spotify for Artists does); a day's grace lets
    places ahead of UTC enter their today."""
    return utcnow().date() + timedelta(days=1)


def _today(given: date | None) -> date:
    return given or today()


def _point(row: AnalyticsPoint) -> Point:
    return Point(row.day, row.platform, row.streams, row.saves, row.listeners, row.followers, row.playlist_adds,
                 row.source)


def _row(project_id: str, point: Point, now: datetime) -> AnalyticsPoint:
    return AnalyticsPoint(project_id=project_id, day=point.day, platform=point.platform, **point.figures(),
                          source=point.source, updated_at=now)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
