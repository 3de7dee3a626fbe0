import hashlib
from pathlib import Path

import pytest
from nicegui.testing import User

from liab.config import get_settings

PASSWORD = 'night-drive-42-echo'


@pytest.fixture(autouse=True)
def offline_voice(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_SPEECH_PROVIDER', 'espeak')
    get_settings.cache_clear()


async def _auth(user: User, email: str = 'echo@example.com') -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def test_say_answers_the_clips_url_and_the_clip_is_served_as_mp3_with_ranges(user: User) -> None:
    headers = await _auth(user)
    said = await user.http_client.post('/api/voices/say', headers=headers,
                                       json={'persona': 'Echo', 'text': 'Creating a dark beat for you...'})
    assert said.status_code == 200, said.text
    body = said.json()
    name = hashlib.sha256(b'Echo:Creating a dark beat for you...').hexdigest()
    assert body['ok'] is True
    assert body['data'] | {'provider': None} == {'url': f'/voices/{name}.mp3', 'persona': 'Echo', 'cached': False,
                                                  'debounced': False, 'provider': None, 'notice': None}
    assert body['data']['provider'] == 'espeak'
    clip = await user.http_client.get(body['data']['url'])
    assert clip.status_code == 200 and clip.headers['content-type'] == 'audio/mpeg'
    assert clip.headers['x-content-type-options'] == 'nosniff' and 'max-age' in clip.headers['cache-control']
    assert clip.content[:3] == b'ID3' or clip.content[0] == 0xFF
    part = await user.http_client.get(body['data']['url'], headers={'Range': 'bytes=0-99'})
    assert part.status_code == 206 and part.content == clip.content[:100]


async def test_a_repeat_within_ten_seconds_is_debounced_per_session_and_other_sessions_hit_the_cache(
        user: User) -> None:
    headers = await _auth(user)
    line = {'persona': 'Nova', 'text': 'Upload complete', 'session_id': 'tab-a'}
    first = (await user.http_client.post('/api/voices/say', headers=headers, json=line)).json()['data']
    again = (await user.http_client.post('/api/voices/say', headers=headers, json=line)).json()['data']
    other = (await user.http_client.post('/api/voices/say', headers=headers,
                                         json={**line, 'session_id': 'tab-b'})).json()['data']
    assert (first['cached'], first['debounced']) == (False, False)
    assert (again['cached'], again['debounced'], again['url']) == (True, True, first['url'])
    assert (other['cached'], other['debounced'], other['url']) == (True, False, first['url'])


@pytest.mark.parametrize(('body', 'message'), [
    ({'persona': 'Bob', 'text': 'hello'}, 'persona'),
    ({'persona': 'Echo', 'text': '   '}, 'text'),
    ({'persona': 'Echo', 'text': 'x' * 401}, 'text'),
    ({'persona': 'Echo'}, 'text'),
    ({'text': 'hello'}, 'persona'),
])
async def test_say_refuses_unknown_personas_and_missing_or_long_text(user: User, body: dict, message: str) -> None:
    headers = await _auth(user)
    response = await user.http_client.post('/api/voices/say', headers=headers, json=body)
    assert response.status_code == 400 and response.json()['ok'] is False
    assert response.json()['error'].startswith(message)


async def test_stop_pause_and_mute_acknowledge_and_every_voice_route_needs_a_login(user: User) -> None:
    headers = await _auth(user)
    for action in ('stop', 'pause', 'mute'):
        answer = await user.http_client.post(f'/api/voices/{action}', headers=headers, json={'session_id': 'tab-a'})
        assert answer.status_code == 200
        assert answer.json() == {'ok': True, 'data': {'action': action, 'session_id': 'tab-a'}}
    for route in ('say', 'stop', 'pause', 'mute'):
        refused = await user.http_client.post(f'/api/voices/{route}', json={'persona': 'Echo', 'text': 'hi'})
        assert refused.status_code == 401 and refused.json()['ok'] is False


@pytest.mark.parametrize('name', [
    'abc.mp3', f'{"a" * 64}.wav', f'{"a" * 64}.mp3', f'{"A" * 64}.mp3', f'{"a" * 64}', '..%2Fliab.sqlite3',
    f'.{"a" * 64}.mp3.x.part',
])
async def test_the_clip_route_serves_nothing_but_cached_clips(user: User, name: str) -> None:
    response = await user.http_client.get(f'/voices/{name}')
    assert response.status_code == 404 and response.headers['x-content-type-options'] == 'nosniff'
