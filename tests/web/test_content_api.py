from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from nicegui.testing import User

from liab.models import utcnow

if TYPE_CHECKING:
    from tests.fakes.getlate_server import FakeGetLate

pytest_plugins = ['tests.fakes.getlate_server']

PASSWORD = 'night-drive-42-echo'


async def _auth(user: User, email: str = 'vee@example.com') -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def _project(user: User, headers: dict[str, str]) -> str:
    made = await user.http_client.post('/api/lyrics/free', headers=headers, json={'theme': 'harbour lights', 'seed': 3})
    return made.json()['data']['session_id']


async def test_idea_and_text_pack_read_the_projects_song(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    idea = await user.http_client.post('/api/content/idea', headers=headers, json={'session_id': project_id})
    assert idea.status_code == 200, idea.text
    data = idea.json()['data']
    assert set(data) >= {'idea', 'hook', 'script', 'visual'} and data['provider'] == 'local'
    pack = await user.http_client.post('/api/content/generate-text', headers=headers,
                                       json={'session_id': project_id, 'title': 'Harbour Lights'})
    body = pack.json()['data']
    assert len(body['captions']) == 3 and 5 <= len(body['hashtags']) <= 10 and len(body['ideas']) == 3
    assert '#HarbourLights' in body['hashtags']


async def test_analyze_scores_the_chosen_caption_hashtags_and_hook(user: User) -> None:
    headers = await _auth(user)
    response = await user.http_client.post('/api/content/analyze', headers=headers, json={
        'transcript': 'hello', 'title': 'For You', 'caption': 'x' * 61, 'hashtags': '#one', 'hook': 'y' * 21})
    data = response.json()['data']
    assert data['score'] == 80 and data['max_score'] == 80
    low = await user.http_client.post('/api/content/analyze', headers=headers, json={'transcript': ''})
    assert low.json()['data']['score'] == 50 and low.json()['data']['improvements']


async def test_schedule_and_list_posts(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    day = (utcnow() + timedelta(days=2)).strftime('%Y-%m-%d')
    made = await user.http_client.post('/api/content/schedule', headers=headers, json={
        'session_id': project_id, 'platform': 'tiktok', 'date': day, 'time': '09:15', 'time_zone': 'Asia/Tokyo',
        'caption': 'Out now', 'hashtags': ['#newmusic']})
    assert made.status_code == 200, made.text
    assert made.json()['data']['status'] == 'scheduled'
    assert made.json()['data']['scheduled_time'] == f'{day}T00:15:00Z'  # 09:15 in Tokyo is 00:15 UTC
    assert made.json()['data']['provider'] == 'local' and made.json()['data']['notice'] is None
    listed = await user.http_client.get('/api/content/get-scheduled', headers=headers,
                                        params={'session_id': project_id})
    assert [p['post_id'] for p in listed.json()['data']] == [made.json()['data']['post_id']]
    past = await user.http_client.post('/api/content/schedule', headers=headers, json={
        'session_id': project_id, 'platform': 'tiktok', 'date': '2020-01-01', 'time': '09:15'})
    assert past.status_code == 400 and 'passed' in past.json()['error']
    stranger = await _auth(user, 'stranger@example.com')
    theirs = await user.http_client.get('/api/content/get-scheduled', headers=stranger,
                                        params={'session_id': project_id})
    assert theirs.status_code == 404


async def test_spec_shapes_schedule_time_and_save_scheduled(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    day = (utcnow() + timedelta(days=3)).date()
    made = await user.http_client.post('/api/content/schedule', headers=headers, json={
        'session_id': project_id, 'platform': 'youtube_shorts', 'schedule_time': f'{day}T18:00:00-05:00',
        'caption': 'Premiere', 'video_url': None})
    assert made.json()['data']['scheduled_time'] == f'{day}T23:00:00Z', made.text
    saved = await user.http_client.post('/api/content/save-scheduled', headers=headers, json={
        'sessionId': project_id, 'platform': 'instagram_reels', 'dateTime': f'{day}', 'time': '07:30',
        'timezone': 'Europe/Berlin', 'caption': 'Morning drop'})
    assert saved.status_code == 200, saved.text
    assert set(saved.json()['data']) >= {'post_id', 'status'} and saved.json()['data']['status'] == 'scheduled'
    listed = (await user.http_client.get('/api/content/get-scheduled', headers=headers,
                                         params={'session_id': project_id})).json()['data']
    assert [p['caption'] for p in listed] == ['Morning drop', 'Premiere']
    bad = await user.http_client.post('/api/content/save-scheduled', headers=headers, json={
        'sessionId': project_id, 'platform': 'tiktok', 'dateTime': 'soon'})
    assert bad.status_code == 400 and 'ISO 8601' in bad.json()['error']


async def test_schedule_goes_through_getlate_when_a_key_is_set(fake_getlate: FakeGetLate, user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    day = (utcnow() + timedelta(days=2)).strftime('%Y-%m-%d')
    form = {'session_id': project_id, 'platform': 'tiktok', 'date': day, 'time': '12:00', 'caption': 'Hi'}
    no_media = await user.http_client.post('/api/content/schedule', headers=headers, json=form)
    data = no_media.json()['data']
    assert data['provider'] == 'local' and 'needs a video or an image' in data['notice']
    hostile = await user.http_client.post('/api/content/schedule', headers=headers,
                                          json={**form, 'video_url': '/media/../../liab.sqlite3'})
    assert hostile.status_code == 400 and not fake_getlate.posts
    saved = await user.http_client.post('/api/content/save-scheduled', headers=headers, json=form)
    assert saved.status_code == 200 and not fake_getlate.seen('POST', '/api/v1/posts')  # saving stays local


async def test_release_plan_is_proposed_and_accepted(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    release = (utcnow() + timedelta(days=30)).date()
    proposed = await user.http_client.post('/api/content/release-plan', headers=headers, json={
        'session_id': project_id, 'release_date': release.isoformat(), 'time_zone': 'UTC'})
    body = proposed.json()['data']
    assert body['release_date'] == release.isoformat() and not body['from_details']
    release_day = next(item for item in body['items'] if item['step'] == 'release-day')
    assert release_day['date'] == release.isoformat() and release_day['kind'] == 'release'
    accepted = await user.http_client.post('/api/content/release-plan', headers=headers, json={
        'session_id': project_id, 'release_date': release.isoformat(), 'items': [release_day]})
    assert [item['step'] for item in accepted.json()['data']['items'] if item['accepted']] == ['release-day']
    listed = (await user.http_client.get('/api/content/get-scheduled', headers=headers,
                                         params={'session_id': project_id})).json()['data']
    assert [p['title'] for p in listed] == ['Release day: out now']
