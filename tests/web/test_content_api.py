from datetime import timedelta

from nicegui.testing import User

from liab.models import utcnow

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
    assert made.json()['data']['scheduled_time'].endswith('+00:00')
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
