"""The post schedule through GetLate (against a local fake of its API) and the release plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from liab import db, media
from liab.content import plan
from liab.errors import BadInput, ProviderUnavailable
from liab.services import content, projects

if TYPE_CHECKING:
    from tests.fakes.getlate_server import FakeGetLate

pytest_plugins = ['tests.fakes.getlate_server']

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
FORM = {'platform': 'tiktok', 'date': '2026-03-06', 'time': '18:30', 'caption': 'Out Friday, sound on',
        'hashtags': '#newmusic #harbourlights'}
VERTICAL = 'release/cover/final_cover_vertical.jpg'


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


@pytest.fixture
def project(database: Path) -> str:
    """A project with a saved release (date, title, artist) and a vertical cover image."""
    project_id = _call(projects.ensure_working_project, browser_id='browser-1').id
    cover = media.project_dir(project_id, create=True) / VERTICAL
    cover.parent.mkdir(parents=True)
    Image.new('RGB', (108, 192), (40, 20, 90)).save(cover, 'JPEG')

    def change(data: dict) -> None:
        data['release'] = {'title': 'Harbour Lights', 'artist': 'Mara Vale', 'release_date': '2026-03-27',
                           'cover': {'files': {'cover_vertical': VERTICAL}}}

    _call(projects.change_project, project_id=project_id, change=change)
    return project_id


def _data(project_id: str) -> dict:
    return _call(projects.get_project, project_id=project_id).data


def _publish(project_id: str, **changes: object) -> content.Prepared:
    prepared = content.prepare_post(project_id=project_id, data=_data(project_id), values={**FORM, **changes},
                                    tz='Europe/London', now=NOW)
    _call(content.store_post, project_id=project_id, post=prepared.post)
    return prepared


# GetLate ---------------------------------------------------------------------------------------------------------


def test_without_a_key_posts_stay_local_and_nothing_is_sent(project: str) -> None:
    prepared = _publish(project, media=VERTICAL)
    assert prepared.notice is None and prepared.post.provider == 'local'
    [post] = content.posts(_data(project), now=NOW)
    assert (post.provider, post.status) == ('local', 'scheduled')
    assert content.posts(_data(project), now=post.when)[0].status == 'due'


def test_getlate_schedules_the_post_with_its_media_and_keeps_its_word(project: str,
                                                                      fake_getlate: FakeGetLate) -> None:
    prepared = _publish(project, media=VERTICAL)
    assert prepared.notice is None
    [post] = content.posts(_data(project), now=NOW)
    assert (post.provider, post.status, post.account) == ('getlate', 'scheduled', '@artist')
    [sent] = fake_getlate.seen('POST', '/api/v1/posts')
    body = sent.json()
    assert body['platforms'] == [{'platform': 'tiktok', 'accountId': 'acc_tiktok'}]
    assert body['scheduledFor'] == '2026-03-06T18:30:00Z'  # London is on GMT in early March
    assert body['content'] == 'Out Friday, sound on\n\n#newmusic #harbourlights'
    assert body['mediaItems'][0]['type'] == 'image'
    [upload] = fake_getlate.uploads.values()
    assert upload == (media.project_dir(project) / VERTICAL).read_bytes()
    assert body['mediaItems'][0]['url'].startswith('https://media.example/')
    assert all(r.authorization is None for r in fake_getlate.seen('PUT', '/upload/'))  # the key stays ours
    # After its time a GetLate post is not "due": GetLate posts it. Its status follows GetLate's.
    assert content.posts(_data(project), now=post.when + timedelta(hours=1))[0].status == 'scheduled'
    fake_getlate.posts[post.external_id]['status'] = 'published'
    statuses, notice = content.remote_statuses(_data(project))
    assert (statuses, notice) == ({post.id: 'published'}, None)
    _call(content.store_remote_statuses, project_id=project, statuses=statuses)
    assert content.posts(_data(project), now=NOW)[0].status == 'published'


def test_cancelling_a_getlate_post_withdraws_it_there_first(project: str, fake_getlate: FakeGetLate) -> None:
    _publish(project, media=VERTICAL, platform='youtube_shorts')
    [post] = content.posts(_data(project), now=NOW)
    assert fake_getlate.posts[post.external_id]['title'] == 'Out Friday, sound on'  # YouTube needs a title
    content.withdraw_remote(_data(project), post.id)
    assert fake_getlate.posts[post.external_id]['status'] == 'cancelled'
    _call(content.set_post_status, project_id=project, post_id=post.id, status='cancelled')
    assert content.posts(_data(project), now=NOW)[0].status == 'cancelled'
    with pytest.raises(BadInput, match='GetLate publishes'):
        _call(content.set_post_status, project_id=project, post_id=post.id, status='posted')


@pytest.mark.parametrize(('setup', 'expected'), [
    ('error', 'GetLate answered HTTP 500'),
    ('unauthorized', 'GetLate refused the API key'),
    ('slow', 'did not answer within 0.5 s'),
    ('no-account', 'No Instagram account is connected at GetLate'),
    ('no-media', 'GetLate needs a video or an image'),
])
def test_a_getlate_failure_keeps_the_post_local_and_says_why(project: str, fake_getlate: FakeGetLate,
                                                             monkeypatch: pytest.MonkeyPatch, setup: str,
                                                             expected: str) -> None:
    from liab.config import get_settings

    monkeypatch.setenv('LIAB_GETLATE_TIMEOUT_S', '0.5')
    get_settings.cache_clear()
    fake_getlate.mode = setup if setup in {'error', 'unauthorized', 'slow'} else 'ok'
    fake_getlate.delay_s = 1.5
    fake_getlate.accounts = [a for a in fake_getlate.accounts if setup != 'no-account' or a['platform'] != 'instagram']
    prepared = _publish(project, platform='instagram_reels', media=None if setup == 'no-media' else VERTICAL)
    assert expected in prepared.notice and 'kept in your own schedule' in prepared.notice
    [post] = content.posts(_data(project), now=NOW)
    assert (post.provider, post.status, post.external_id) == ('local', 'scheduled', None)
    assert not fake_getlate.posts


def test_an_unreachable_getlate_keeps_the_post_local(project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from liab.config import get_settings
    from tests.conftest import free_port

    monkeypatch.setenv('GETLATE_API_KEY', 'sk_x')
    monkeypatch.setenv('LIAB_GETLATE_BASE_URL', f'http://127.0.0.1:{free_port()}/api')
    get_settings.cache_clear()
    prepared = _publish(project, media=VERTICAL)
    assert 'GetLate could not be reached (ConnectError)' in prepared.notice
    assert prepared.post.provider == 'local'


def test_media_must_be_one_of_the_projects_own_files(project: str, fake_getlate: FakeGetLate) -> None:
    assert content.media_choices(_data(project)) == {VERTICAL: 'Cover art, vertical (1080 x 1920)'}
    for hostile in ('../../etc/passwd', '/etc/passwd', 'release/cover/../../../x.jpg', 'liab.sqlite3'):
        with pytest.raises(BadInput, match='Choose a video or image from this project'):
            _publish(project, media=hostile)
    assert not fake_getlate.requests and not _data(project).get('content', {}).get('posts')


def test_statuses_survive_a_getlate_outage(project: str, fake_getlate: FakeGetLate) -> None:
    _publish(project, media=VERTICAL)
    fake_getlate.mode = 'error'
    statuses, notice = content.remote_statuses(_data(project))
    assert statuses == {} and 'last ones GetLate gave' in notice
    fake_getlate.mode = 'ok'
    [post] = content.posts(_data(project), now=NOW)
    with pytest.raises(ProviderUnavailable):
        fake_getlate.mode = 'error'
        content.withdraw_remote(_data(project), post.id)


# release plan ----------------------------------------------------------------------------------------------------


def test_the_plan_counts_back_and_forward_from_the_saved_release_date(project: str) -> None:
    proposed = content.release_plan(_data(project), project, tz='America/New_York', now=NOW)
    assert proposed.release_date == date(2026, 3, 27) and proposed.from_details
    by_step = {item.step: item for item in proposed.items}
    assert by_step['announce'].day == date(2026, 3, 6)  # 21 days before
    assert by_step['presave'].day == date(2026, 3, 20)
    assert by_step['last-call'].day == date(2026, 3, 26)
    assert by_step['release-day'].day == date(2026, 3, 27) and by_step['release-day'].kind == 'release'
    assert by_step['two-weeks'].day == date(2026, 4, 10)
    assert [item.day for item in proposed.items] == sorted(item.day for item in proposed.items)
    assert {item.kind for item in proposed.items} == {'teaser', 'presave', 'release', 'followup'}
    assert 'Harbour Lights' in by_step['release-day'].caption and 'Mara Vale' in by_step['release-day'].caption
    assert by_step['last-call'].caption.startswith('Tomorrow.')
    assert 'on 27 March' in by_step['announce'].caption and 'on Friday' in by_step['behind'].caption
    assert not any(item.passed or item.accepted for item in proposed.items)


def test_steps_already_past_are_marked_and_cannot_be_accepted(project: str) -> None:
    late = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)
    proposed = content.release_plan(_data(project), project, tz='UTC', now=late)
    passed = [item.step for item in proposed.items if item.passed]
    assert passed == ['announce', 'teaser-hook', 'presave', 'behind']  # 24 March, 18:00
    item = next(item for item in proposed.items if item.step == 'announce').to_json()
    with pytest.raises(BadInput, match='Announce the release: That time has already passed'):
        _call(content.accept_plan, project_id=project, items=[item], tz='UTC', now=late)


def test_accepting_the_plan_adds_edited_posts_once(project: str) -> None:
    proposed = content.release_plan(_data(project), project, tz='Europe/Paris', now=NOW)
    chosen = [item.to_json() for item in proposed.items[:3]]
    chosen[0] |= {'time': '20:15', 'caption': 'My own words', 'platform': 'youtube_shorts'}
    _call(content.accept_plan, project_id=project, items=chosen, tz='Europe/Paris', now=NOW)
    again = [item.to_json() for item in proposed.items[:4]]
    _call(content.accept_plan, project_id=project, items=again, tz='Europe/Paris', now=NOW)
    posts = content.posts(_data(project), now=NOW)
    assert [post.plan_step for post in posts] == ['announce', 'teaser-hook', 'presave', 'behind']
    first = posts[0]
    assert (first.caption, first.platform, first.title) == ('My own words', 'youtube_shorts', 'Announce the release')
    assert first.when == datetime(2026, 3, 6, 19, 15, tzinfo=UTC)  # 20:15 in Paris (CET)
    refreshed = content.release_plan(_data(project), project, tz='Europe/Paris', now=NOW)
    assert [item.step for item in refreshed.items if item.accepted] == ['announce', 'teaser-hook', 'presave', 'behind']


def test_a_bad_plan_item_refuses_the_whole_acceptance(project: str) -> None:
    items = [item.to_json() for item in content.release_plan(_data(project), project, tz='UTC', now=NOW).items[:2]]
    items[1]['date'] = 'next friday'
    with pytest.raises(BadInput, match='Teaser: the hook: Give the date as YYYY-MM-DD'):
        _call(content.accept_plan, project_id=project, items=items, tz='UTC', now=NOW)
    with pytest.raises(BadInput, match='not one of ours'):
        _call(content.accept_plan, project_id=project, items=[{**items[0], 'step': 'x'}], tz='UTC', now=NOW)
    assert not _data(project).get('content', {}).get('posts')


def test_without_a_saved_date_the_plan_uses_the_suggested_friday(database: Path) -> None:
    project_id = _call(projects.ensure_working_project, browser_id='browser-2').id
    proposed = content.release_plan(_data(project_id), project_id, tz='UTC', now=NOW)
    assert not proposed.from_details and proposed.release_date == date(2026, 3, 13)  # first Friday 7+ days out
    captions = {item.step: item.caption for item in proposed.items}
    assert captions['announce'].startswith('My new song is coming')  # no title yet, still a sentence
    assert captions['teaser-hook'] == 'Ten seconds of my new song. The rest is out on 13 March.'  # no hook yet
    moved = content.release_plan(_data(project_id), project_id, tz='UTC', now=NOW, release_date=date(2026, 5, 1))
    assert moved.items[0].day == date(2026, 4, 10)
    assert len(plan.STEPS) == len(moved.items) == len({step.id for step in plan.STEPS})
