from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from liab import db
from liab.errors import BadInput
from liab.models import AnalyticsPoint, Project, User
from liab.services import analytics, archive, content, projects

TODAY = date(2026, 3, 20)
EXAMPLE = (Path(__file__).resolve().parents[1] / 'data' / 'analytics-example.csv').read_text(encoding='utf-8')


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


@pytest.fixture
def project(database: Path) -> str:
    return _call(projects.ensure_working_project, browser_id='browser-1').id


def _rows() -> list[AnalyticsPoint]:
    with db.session_scope() as session:
        return list(session.exec(select(AnalyticsPoint)).all())


def test_a_day_entered_by_hand_is_stored_ticks_analytics_and_updates_the_memory(project: str) -> None:
    stored = _call(analytics.record_day, project_id=project, today=TODAY,
                   values={'date': '2026-03-18', 'platform': 'spotify', 'streams': 120, 'saves': 6})
    assert (stored.added, stored.updated, stored.kind) == (1, 0, 'manual')
    assert stored.project.data['workflow']['completed_stages'] == ['analytics']
    memory = stored.project.data['analytics']
    assert (memory['streams'], memory['saves'], memory['save_rate'], memory['last_day']) == (120, 6, 0.05,
                                                                                         '2026-03-18')
    again = _call(analytics.record_day, project_id=project, today=TODAY,
                  values={'date': '2026-03-18', 'platform': 'Spotify', 'streams': None, 'listeners': 90})
    assert (again.added, again.updated) == (0, 1)
    [point] = again.points
    assert (point.streams, point.saves, point.listeners, point.source) == (120, 6, 90, 'manual')  # blanks kept
    assert len(_rows()) == 1


def test_a_bad_hand_entry_says_what_is_wrong_and_stores_nothing(project: str) -> None:
    with pytest.raises(BadInput, match=r'^Date 2026-03-21 is in the future\.$'):
        _call(analytics.record_day, project_id=project, today=TODAY,
              values={'date': '2026-03-21', 'platform': 'spotify', 'streams': 1})
    with pytest.raises(BadInput, match=r'^No figures'):
        _call(analytics.record_day, project_id=project, today=TODAY, values={'date': '2026-03-01',
                                                                             'platform': 'spotify'})
    assert _rows() == []
    assert 'analytics' not in _call(projects.get_project, project_id=project).data['workflow']['completed_stages']


def test_an_import_adds_and_updates_days_and_exports_them_again(project: str) -> None:
    _call(analytics.record_day, project_id=project, today=TODAY,
          values={'date': '2026-03-06', 'platform': 'spotify', 'followers': 999, 'streams': 1})
    stored = _call(analytics.import_csv, project_id=project, text=EXAMPLE, today=TODAY)
    assert (stored.added, stored.updated, stored.kind) == (4, 1, 'ours')
    spotify_day = next(p for p in stored.points if p.platform == 'spotify' and p.day == date(2026, 3, 6))
    assert (spotify_day.streams, spotify_day.followers, spotify_day.source) == (1200, 310, 'csv')
    exported = _call(analytics.export_csv, project_id=project)
    assert exported.splitlines()[1:3] == ['2026-03-06,spotify,1200,84,950,310,12',
                                          '2026-03-06,apple_music,340,,290,,3']
    spotify = _call(analytics.import_csv, project_id=project, text='date,streams\n2026-03-08,1600\n', today=TODAY)
    assert spotify.kind == 'spotify' and spotify.points[-1].source == 'spotify_csv'
    assert _call(analytics.weekly_summary, project_id=project) == \
        'Week to 8 Mar: 4,950 streams; save rate 7.0%.'


def test_a_file_with_one_bad_row_changes_nothing(project: str) -> None:
    _call(analytics.import_csv, project_id=project, text=EXAMPLE, today=TODAY)
    before = [(row.day, row.platform, row.streams) for row in _rows()]
    version = _call(projects.get_project, project_id=project).version
    bad = 'date,platform,streams\n2026-03-06,spotify,5\n2026-03-09,spotify,x\n'
    with pytest.raises(BadInput, match=r"^Nothing was imported\. line 3: streams 'x' is not a whole number\.$"):
        _call(analytics.import_csv, project_id=project, text=bad, today=TODAY)
    assert [(row.day, row.platform, row.streams) for row in _rows()] == before
    assert _call(projects.get_project, project_id=project).version == version


def test_a_project_keeps_a_bounded_number_of_days(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analytics, 'MAX_POINTS', 4)
    with pytest.raises(BadInput, match='at most 4 days'):
        _call(analytics.import_csv, project_id=project, text=EXAMPLE, today=TODAY)
    assert _rows() == []


def test_clearing_removes_the_figures_and_deleting_the_project_removes_its_rows(project: str) -> None:
    _call(analytics.import_csv, project_id=project, text=EXAMPLE, today=TODAY)
    cleared = _call(analytics.clear_figures, project_id=project)
    assert _rows() == [] and cleared.data['analytics'] == {}
    _call(analytics.import_csv, project_id=project, text=EXAMPLE, today=TODAY)
    with db.session_scope(write=True) as session:
        session.delete(session.get(Project, project))
    assert _rows() == []


def test_a_day_is_stored_once_per_platform(project: str) -> None:
    with pytest.raises(IntegrityError), db.session_scope(write=True) as session:
        for _ in range(2):
            session.add(AnalyticsPoint(project_id=project, day=date(2026, 3, 1), platform='spotify', streams=1))
            session.flush()


def test_markers_are_the_release_day_and_the_posts_not_cancelled(project: str) -> None:
    def change(data: dict) -> None:
        data['release'] = {'release_date': '2026-03-06'}

    _call(projects.change_project, project_id=project, change=change)
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for day, caption in (('2026-03-04', 'Teaser'), ('2026-03-09', 'Out now')):
        _call(content.add_post, project_id=project, tz='UTC', now=now,
              values={'platform': 'tiktok', 'date': day, 'time': '18:00', 'caption': caption})
    data = _call(projects.get_project, project_id=project).data
    _call(content.set_post_status, project_id=project, post_id=data['content']['posts'][1]['id'], status='cancelled')
    found = analytics.markers(_call(projects.get_project, project_id=project).data)
    assert [(m.day.isoformat(), m.label, m.kind) for m in found] == [('2026-03-06', 'Release', 'release'),
                                                                     ('2026-03-04', 'TikTok post: Teaser', 'post')]


def test_figures_travel_with_a_project_archive(project: str) -> None:
    with db.session_scope(write=True) as session:
        owner = User(email='owner@example.com', password_hash='x')
        session.add(owner)
        session.flush()
        owner_id = owner.id
        session.get(Project, project).owner_id = owner_id
    _call(analytics.import_csv, project_id=project, text=EXAMPLE, today=TODAY)
    _call(analytics.record_day, project_id=project, today=TODAY,
          values={'date': '2026-03-08', 'platform': 'youtube', 'streams': 7})
    with db.session_scope() as session:
        path = archive.export_project(session=session, project_id=project, user_id=owner_id)
    with db.session_scope(write=True) as session:
        copy = archive.import_project(session=session, user_id=owner_id, archive=path)
    with db.session_scope() as session:
        original = analytics.points(session=session, project_id=project)
        copied = analytics.points(session=session, project_id=copy.id)
    assert copied == original and len(copied) == 6
    assert {point.source for point in copied} == {'csv', 'manual'}


def test_an_archive_with_odd_figures_is_refused_whole(project: str) -> None:
    with pytest.raises(BadInput, match='not valid'):
        _call(analytics.restore_entries, project_id=project, entries=[{'day': '2026-03-01', 'platform': 'spotify',
                                                                      'streams': -1}])
    with pytest.raises(BadInput, match='a day twice'):
        _call(analytics.restore_entries, project_id=project, entries=[{'day': '2026-03-01', 'platform': 'spotify',
                                                                      'streams': 1}] * 2)
    assert _rows() == []
