import re
from datetime import timedelta

from nicegui.testing import User

from liab import media
from liab.models import utcnow
from tests.web.conftest import only_project, project_count, until


def _content() -> dict:
    return (only_project().data.get('content') or {}) if project_count() else {}


async def _open_content(user: User) -> None:
    user.javascript_rules[re.compile(r'[\s\S]*clipboard[\s\S]*')] = lambda _match: True
    user.javascript_rules[re.compile(r'.*resolvedOptions.*')] = lambda _match: 'Europe/Berlin'
    await user.open('/')
    user.find(marker='stage-lyrics').click()
    await user.should_see('with Lyrica')
    user.find(marker='lyrics-theme').type('harbour lights at night')
    user.find(marker='lyrics-run').click()
    await until(lambda: project_count() == 1 and bool(only_project().data.get('lyrics')), 30)
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
