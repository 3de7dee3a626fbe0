import io
from pathlib import Path

from nicegui.testing import User

from liab import media
from tests.fakes.openai_server import FakeOpenAI
from tests.sounds import click_track

pytest_plugins = ['tests.fakes.openai_server']
PASSWORD = 'night-drive-42-echo'


async def _auth(user: User, email: str = 'lyrica@example.com') -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def test_songs_write_returns_structured_lyrics_and_saves_lyrics_txt(user: User) -> None:
    headers = await _auth(user)
    response = await user.http_client.post('/api/songs/write', headers=headers, json={
        'genre': 'boom bap', 'mood': 'dark', 'theme': 'the corner store that closed', 'seed': 8,
        'beat_context': {'bpm': 88}})
    assert response.status_code == 200, response.text
    data = response.json()['data']
    assert data['provider'] == 'local' and data['notice'] is None and data['path'] == 'lyrics.txt'
    names = [section['name'] for section in data['lyrics']['sections']]
    assert 'Verse 1' in names and 'Chorus' in names
    assert data['lyrics_text'].startswith('[')
    stored = await user.http_client.get(data['url'], headers=headers)
    assert stored.status_code == 200 and stored.text == data['lyrics_text'] + '\n'


async def test_free_and_refine_routes(user: User) -> None:
    headers = await _auth(user)
    free = await user.http_client.post('/api/lyrics/free', headers=headers,
                                       json={'theme': 'summer nights with my friends', 'seed': 2})
    assert free.status_code == 200, free.text
    written = free.json()['data']
    refined = await user.http_client.post('/api/lyrics/refine', headers=headers, json={
        'lyrics': written['lyrics_text'], 'instruction': 'replace summer with winter', 'history': [],
        'session_id': written['session_id']})
    assert refined.status_code == 200, refined.text
    data = refined.json()['data']
    assert data['understood'] is True
    assert 'winter' in data['lyrics'].lower()
    assert data['structured_lyrics']['sections']
    saved = await user.http_client.get(data['url'], headers=headers)
    assert 'winter' in saved.text.lower()
    puzzled = await user.http_client.post('/api/lyrics/refine', headers=headers, json={
        'lyrics': written['lyrics_text'], 'instruction': 'order me a pizza'})
    answer = puzzled.json()['data']
    assert answer['understood'] is False and answer['message']
    assert answer['lyrics'] == written['lyrics_text']


async def test_from_beat_analyses_an_uploaded_file_and_keeps_nothing_of_it(user: User, tmp_path: Path) -> None:
    headers = await _auth(user)
    wav = click_track(tmp_path, bpm=96)
    with wav.open('rb') as handle:
        response = await user.http_client.post('/api/lyrics/from_beat', headers=headers,
                                               files={'file': ('my beat.wav', handle, 'audio/wav')}, timeout=120)
    assert response.status_code == 200, response.text
    data = response.json()['data']
    assert abs(data['bpm'] - 96) <= 2
    assert data['mood'] in {'chill', 'romantic', 'energetic', 'happy', 'dark', 'sad'}
    assert data['lyrics']['sections']
    project_files = sorted(p.name for p in media.project_dir(data['session_id']).iterdir())
    assert project_files == ['lyrics.txt']


async def test_from_beat_refuses_a_renamed_non_audio_file_and_stores_nothing(user: User) -> None:
    headers = await _auth(user)
    fake = io.BytesIO(b'#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n')
    response = await user.http_client.post('/api/lyrics/from_beat', headers=headers,
                                           files={'file': ('beat.mp3', fake, 'audio/mpeg')})
    assert response.status_code == 400
    assert response.json()['ok'] is False and 'audio' in response.json()['error'].lower()


async def test_from_beat_without_a_file_needs_a_beat_in_the_project(user: User) -> None:
    headers = await _auth(user)
    response = await user.http_client.post('/api/lyrics/from_beat', headers=headers, data={})
    assert response.status_code == 400 and 'beat' in response.json()['error']


async def test_lyrics_routes_need_a_token_and_check_fields(user: User) -> None:
    assert (await user.http_client.post('/api/songs/write', json={'genre': 'pop', 'mood': 'happy'})).status_code == 401
    headers = await _auth(user)
    bad = await user.http_client.post('/api/songs/write', headers=headers, json={'genre': 'polka', 'mood': 'happy'})
    assert bad.status_code == 400 and 'genre' in bad.json()['error'].lower()
    missing = await user.http_client.post('/api/lyrics/refine', headers=headers, json={'lyrics': 'la la'})
    assert missing.status_code == 400 and missing.json()['error'].startswith('instruction')
    other = await _auth(user, 'stranger@example.com')
    mine = await user.http_client.post('/api/lyrics/free', headers=headers, json={'theme': 'rain'})
    theirs = await user.http_client.post('/api/lyrics/free', headers=other,
                                         json={'theme': 'rain', 'session_id': mine.json()['data']['session_id']})
    assert theirs.status_code == 404


async def test_hostile_themes_get_lyrics_without_markup(user: User) -> None:
    headers = await _auth(user)
    for theme in ('<script>alert(1)</script> neon city', 'любовь и ночь 🌙 夜の街 الليل', 'storm ' * 1600):
        response = await user.http_client.post('/api/songs/write', headers=headers,
                                               json={'genre': 'pop', 'mood': 'dreamy', 'theme': theme})
        assert response.status_code == 200, response.text
        assert '<script>' not in response.json()['data']['lyrics_text']


async def test_a_failing_openai_server_gives_local_lyrics_with_a_notice(user: User, fake_openai: FakeOpenAI) -> None:
    fake_openai.mode = 'error'
    headers = await _auth(user)
    response = await user.http_client.post('/api/songs/write', headers=headers,
                                           json={'genre': 'afrobeats', 'mood': 'happy', 'theme': 'lagos sunset'})
    data = response.json()['data']
    assert data['provider'] == 'local' and 'HTTP 500' in data['notice']
    fake_openai.mode = 'ok'
    fake_openai.content = {'title': 'Lagos', 'sections': [{'name': 'Chorus', 'lines': ['sun goes down in Lagos']}]}
    served = await user.http_client.post('/api/songs/write', headers=headers,
                                         json={'genre': 'afrobeats', 'mood': 'happy', 'theme': 'lagos sunset'})
    assert served.json()['data']['provider'] == 'openai'
    assert served.json()['data']['lyrics_text'] == '[Chorus]\nsun goes down in Lagos'
