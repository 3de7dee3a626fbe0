from nicegui.testing import User

from liab import media

PASSWORD = 'night-drive-42-echo'


async def _token(user: User, email: str = 'echo@example.com') -> str:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()['token']


async def test_create_makes_a_beat_for_the_token_users_project(user: User) -> None:
    token = await _token(user)
    response = await user.http_client.post('/api/beats/create', headers={'Authorization': f'Bearer {token}'},
                                           json={'prompt': 'happy afrobeats 105 bpm in G major', 'duration_sec': 15,
                                                 'userId': 'someone-else'}, timeout=120)
    assert response.status_code == 200, response.text
    data = response.json()['data']
    assert data['metadata']['bpm'] == 105 and data['metadata']['key'] == 'G major'
    assert data['metadata']['genre'] == 'afrobeats' and data['metadata']['mood'] == 'happy'
    assert data['metadata']['source'] == {'kind': 'local', 'name': 'beat engine'}
    audio = await user.http_client.get(data['url'], headers={'Authorization': f'Bearer {token}'})
    assert audio.status_code == 200 and len(audio.content) > 10_000
    assert media.project_dir(data['session_id']).exists()


async def test_create_refuses_bad_fields_and_other_users_projects(user: User) -> None:
    owner = await _token(user)
    made = await user.http_client.post('/api/beats/create', headers={'Authorization': f'Bearer {owner}'},
                                       json={'duration_sec': 15}, timeout=120)
    project_id = made.json()['data']['session_id']
    stranger = await _token(user, 'stranger@example.com')
    refused = await user.http_client.post('/api/beats/create', headers={'Authorization': f'Bearer {stranger}'},
                                          json={'session_id': project_id, 'duration_sec': 15})
    assert refused.status_code == 404
    assert refused.json() == {'ok': False, 'error': 'No such project.', 'feature': None}
    too_fast = await user.http_client.post('/api/beats/create', headers={'Authorization': f'Bearer {owner}'},
                                           json={'bpm': 400})
    assert too_fast.status_code == 400
    assert 'BPM' in too_fast.json()['error'] or 'bpm' in too_fast.json()['error']
    anonymous = await user.http_client.post('/api/beats/create', json={})
    assert anonymous.status_code == 401


async def test_credits_say_which_provider_makes_beats(user: User) -> None:
    token = await _token(user)
    response = await user.http_client.get('/api/beats/credits', headers={'Authorization': f'Bearer {token}'})
    assert response.json() == {'ok': True, 'data': {'credits': None, 'provider': 'local'}}
