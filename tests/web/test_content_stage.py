from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from nicegui.testing import User
from PIL import Image

from liab import db, media
from liab.models import utcnow
from liab.services import projects
from tests.web.conftest import only_project, project_count, until

if TYPE_CHECKING:
    from tests.fakes.getlate_server import FakeGetLate

pytest_plugins = ['tests.fakes.getlate_server']
VERTICAL = 'release/cover/final_cover_vertical.jpg'


def _content() -> dict:
    return (only_project().data.get('content') or {}) if project_count() else {}


async def _open_content(user: User, release: dict | None = None) -> None:
    user.javascript_rules[re.compile(r'[\s\S]*clipboard[\s\S]*')] = lambda _match: True
    user.javascript_rules[re.compile(r'.*resolvedOptions.*')] = lambda _match: 'Europe/Berlin'
    await user.open('/')
    user.find(marker='stage-lyrics').click()
    await user.should_see('with Lyrica')
    user.find(marker='lyrics-theme').type('harbour lights at night')
    user.find(marker='lyrics-run').click()
    await until(lambda: project_count() == 1 and bool(only_project().data.get('lyrics')), 30)
    if release is not None:
        _give_release(release)
    user.find(marker='stage-close').click()
    user.find(marker='stage-content').click()
    await user.should_see('with Vee')


async def test_ideas_score_and_text_pack_use_the_songs_own_words_and_tick_content(user: User) -> None:
    await _open_content(user)
    user.find(marker='content-ideas-run').click()
    await user.should_see('Generating video idea...', marker='voice-caption')
    await until(lambda: len(_content().get('ideas') or []) == 3)
    await user.should_see(marker='content-idea-2')
    user.find(marker='content-caption').type('Late night drive with the windows down, this one is for you all')
    user.find(marker='content-hashtags').type('#newmusic #nightdrive')
    user.find(marker='content-analyze').click()
    await until(lambda: bool(_content().get('analysis')))
    analysis = _content()['analysis']
    assert analysis['score'] == 65 and analysis['max_score'] == 80
    await user.should_see('65 / 80', marker='content-score-value')
    user.find(marker='content-pack-run').click()
    await until(lambda: bool(_content().get('text_pack')))
    pack = _content()['text_pack']
    assert len(pack['captions']) == 3 and 5 <= len(pack['hashtags']) <= 10
    assert 'content' in only_project().data['workflow']['completed_stages']
    await user.should_see(marker='content-hashtag-line')


async def test_a_post_is_scheduled_in_the_users_time_zone_and_exported_as_a_calendar(user: User) -> None:
    await _open_content(user)
    await user.should_see('Europe/Berlin', marker='content-tz')
    day = (utcnow() + timedelta(days=3)).strftime('%Y-%m-%d')
    user.find(marker='content-date').elements.pop().set_value(day)
    user.find(marker='content-time').elements.pop().set_value('18:30')
    user.find(marker='content-post-caption').type('Out Friday. Turn it up.')
    user.find(marker='content-schedule').click()
    await until(lambda: len(_content().get('posts') or []) == 1)
    post = _content()['posts'][0]
    assert post['when'].startswith(day) and post['when'][11:16] in {'16:30', '17:30'}  # Berlin is UTC+1 or +2
    await user.should_see(marker='content-post-scheduled')
    navigated: list[str] = []
    user.navigate.to = navigated.append  # type: ignore[method-assign]
    user.find(marker='content-ics').click()
    await until(lambda: bool(navigated))
    ics = (media.project_dir(only_project().id) / 'content' / 'schedule.ics').read_text()
    assert 'BEGIN:VALARM' in ics and 'Out Friday' in ics
    user.find(marker='content-cancel').click()
    await until(lambda: _content()['posts'][0]['status'] == 'cancelled')


async def test_a_past_time_is_refused_and_nothing_is_scheduled(user: User) -> None:
    await _open_content(user)
    user.find(marker='content-date').elements.pop().set_value('2020-01-01')
    user.find(marker='content-schedule').click()
    await user.should_see('already passed')
    assert not _content().get('posts')


def _give_release(release: dict) -> None:
    """What the Release stage leaves behind: details and a vertical cover (made here, quicker than the stage)."""
    project_id = only_project().id
    cover = media.project_dir(project_id) / VERTICAL
    cover.parent.mkdir(parents=True, exist_ok=True)
    Image.new('RGB', (108, 192), (40, 20, 90)).save(cover, 'JPEG')

    def change(data: dict) -> None:
        data['release'] = {**release, 'cover': {'files': {'cover_vertical': VERTICAL}}}

    with db.session_scope(write=True) as session:
        projects.change_project(session=session, project_id=project_id, change=change)


async def test_the_release_plan_is_proposed_edited_and_accepted_into_the_schedule(user: User) -> None:
    release = (utcnow() + timedelta(days=10)).date()
    await _open_content(user, {'title': 'Harbour Lights', 'artist': 'Mara Vale', 'release_date': release.isoformat()})
    await user.should_see('Edit any of them', marker='content-plan-note')
    user.find(marker='content-plan-run').click()
    await user.should_see(f'Release day: {release:%A %d %B %Y}', marker='content-plan-release', retries=100)
    with user.scope(marker='content-plan-announce'):  # 21 days before a release 10 days out: already past
        await user.should_see('time has passed')
    user.find(marker='content-plan-caption-release-day').elements.pop().set_value('It is out. Go!')
    user.find(marker='content-plan-accept').click()
    await until(lambda: len(_content().get('posts') or []) >= 5)
    posts = _content()['posts']
    steps = [post['plan_step'] for post in posts]
    assert 'announce' not in steps and 'teaser-hook' not in steps  # past steps are not scheduled
    assert {'presave', 'release-day', 'two-weeks'} <= set(steps)
    release_day = next(post for post in posts if post['plan_step'] == 'release-day')
    assert release_day['caption'] == 'It is out. Go!' and release_day['when'].startswith(release.isoformat())
    await user.should_see('already in the schedule', marker='content-plan-release-day', retries=100)
    await user.should_see(marker='content-post-scheduled')


async def test_a_post_with_the_cover_goes_out_through_getlate_and_cancel_withdraws_it(
        fake_getlate: FakeGetLate, user: User) -> None:
    await _open_content(user, {'title': 'Harbour Lights', 'artist': 'Mara Vale'})
    await user.should_see(marker='content-getlate')
    user.find(marker='content-post-media').elements.pop().set_value(VERTICAL)
    user.find(marker='content-post-caption').type('Cover reveal')
    user.find(marker='content-schedule').click()
    await until(lambda: len(_content().get('posts') or []) == 1)
    post = _content()['posts'][0]
    assert (post['provider'], post['account']) == ('getlate', '@artist')
    assert fake_getlate.posts[post['external_id']]['content'] == 'Cover reveal'
    await user.should_see('via GetLate (@artist)', retries=100)
    user.find(marker='content-cancel').click()
    await until(lambda: _content()['posts'][0]['status'] == 'cancelled')
    assert fake_getlate.posts[post['external_id']]['status'] == 'cancelled'
