from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import db, media
from liab.models import utcnow
from liab.services import analytics, projects
from tests.web.conftest import only_project, project_count, until

EXAMPLE = (Path(__file__).resolve().parents[1] / 'data' / 'analytics-example.csv').read_bytes()


async def _open(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-analytics').click()
    await user.should_see('with Pulse')


async def _upload(user: User, name: str, data: bytes) -> None:
    upload = user.find(marker='analytics-upload').elements.pop()
    await upload.handle_uploads([SmallFileUpload(name, 'text/csv', data)])


def _points() -> list:
    if not project_count():
        return []
    with db.session_scope() as session:
        return analytics.points(session=session, project_id=only_project().id)


def _chart(user: User, marker: str) -> dict:
    [chart] = user.find(kind=ui.echart, marker=marker).elements
    return chart.options


async def test_the_empty_stage_says_what_to_do_and_creates_nothing(user: User) -> None:
    await _open(user)
    await user.should_see('No figures yet', marker='analytics-empty')
    await user.should_see('enter a day by hand', marker='analytics-empty')
    await user.should_see('date,platform,streams,saves,listeners,followers,playlist_adds', marker='analytics-columns')
    await user.should_not_see(marker='analytics-timeline')
    assert project_count() == 0


async def test_an_imported_csv_is_drawn_summed_up_by_pulse_and_downloaded_again(user: User) -> None:
    await _open(user)
    await _upload(user, 'figures.csv', EXAMPLE)
    await until(lambda: len(_points()) == 5)
    await user.should_see('Imported 5 rows from figures.csv: 5 new, 0 updated.')
    await user.should_see('Week to 7 Mar: 3,350 streams; save rate 7.0%.', marker='voice-caption')
    assert 'analytics' in only_project().data['workflow']['completed_stages']
    await user.should_see('Done ✓ (click to reopen)')
    await user.should_see('3,350', marker='analytics-total')
    await user.should_see('7.0%', marker='analytics-save-rate')
    await user.should_see('06 Mar 2026 to 07 Mar 2026 · 2 days · Spotify, Apple Music, TikTok',
                          marker='analytics-span')
    timeline = _chart(user, 'analytics-timeline')
    assert [series['name'] for series in timeline['series']] == ['Spotify', 'Apple Music', 'All platforms']
    assert timeline['series'][0]['data'] == [['2026-03-06', 1200], ['2026-03-07', 1450]]
    await user.should_see(marker='analytics-row-spotify')

    user.find(marker='analytics-metric').elements.pop().set_value('followers')
    await user.should_see('Followers, latest', marker='analytics-total')
    assert [series['name'] for series in _chart(user, 'analytics-timeline')['series']] == ['Spotify', 'TikTok']
    await user.should_not_see(marker='analytics-row-apple_music')  # it knows no followers

    navigated: list[str] = []
    user.navigate.to = navigated.append  # type: ignore[method-assign]
    user.find(marker='analytics-download').click()
    await until(lambda: bool(navigated))
    project_id = only_project().id
    assert navigated == [f'/media/{project_id}/analytics/figures.csv?download=1']
    exported = (media.project_dir(project_id) / 'analytics' / 'figures.csv').read_text()
    assert exported.splitlines()[1] == '2026-03-06,spotify,1200,84,950,310,12'


async def test_a_file_with_a_bad_row_is_refused_with_its_line_and_nothing_is_stored(user: User) -> None:
    await _open(user)
    await _upload(user, 'bad.csv', b'date,platform,streams\n2026-03-01,spotify,12\n2026-03-02,spotify,-3\n')
    await user.should_see('bad.csv: Nothing was imported. line 3: streams cannot be negative (-3).',
                          marker='analytics-import-error')
    await user.should_see('No figures yet', marker='analytics-empty')
    assert project_count() == 0


async def test_a_day_entered_by_hand_ticks_the_stage_and_shows_the_week(user: User) -> None:
    await _open(user)
    day = (utcnow() - timedelta(days=1)).date()
    user.find(marker='analytics-date').elements.pop().set_value(day.isoformat())
    user.find(marker='analytics-platform').elements.pop().set_value('tiktok')
    user.find(marker='analytics-streams').elements.pop().set_value(420)
    user.find(marker='analytics-saves').elements.pop().set_value(21)
    user.find(marker='analytics-save').click()
    await until(lambda: len(_points()) == 1)
    [point] = _points()
    assert (point.day, point.platform, point.streams, point.saves, point.source) == (day, 'tiktok', 420, 21, 'manual')
    await user.should_see(f'Saved: TikTok on {day.isoformat()}.')
    await user.should_see(f'Week to {day.day} {day:%b}: 420 streams; save rate 5.0%.', marker='voice-caption')
    await user.should_see('420', marker='analytics-total')
    assert only_project().data['workflow']['completed_stages'] == ['analytics']
    assert user.find(marker='analytics-streams').elements.pop().value is None  # ready for the next day

    user.find(marker='analytics-clear').click()
    await user.should_see(marker='confirm-dialog')
    user.find(marker='confirm-ok').click()
    await user.should_see('No figures yet', marker='analytics-empty')
    assert _points() == []


async def test_a_future_day_is_refused(user: User) -> None:
    await _open(user)
    user.find(marker='analytics-date').elements.pop().set_value((utcnow() + timedelta(days=5)).date().isoformat())
    user.find(marker='analytics-streams').elements.pop().set_value(5)
    user.find(marker='analytics-save').click()
    await user.should_see('is in the future')
    assert _points() == []


async def test_figures_that_complete_the_cycle_show_the_goal_dialog(user: User) -> None:
    await _open(user)
    user.find(marker='analytics-streams').elements.pop().set_value(10)
    user.find(marker='analytics-save').click()
    await until(lambda: len(_points()) == 1)
    # The figures are stored before the stage is ticked: wait for the page to show it done, or the click ticks it.
    await user.should_see('Done ✓ (click to reopen)', marker='stage-done', retries=100)
    user.find(marker='stage-done').click()  # reopen analytics, and tick every other stage
    await until(lambda: only_project().data['workflow']['completed_stages'] == [])
    with db.session_scope(write=True) as session:
        for stage_id in ('beat', 'lyrics', 'upload', 'mix', 'release', 'content'):
            projects.complete_stage(session=session, project_id=only_project().id, stage_id=stage_id)
    await _upload(user, 'figures.csv', EXAMPLE)
    await user.should_see('Cycle complete!')
    assert len(only_project().data['workflow']['completed_stages']) == 7
