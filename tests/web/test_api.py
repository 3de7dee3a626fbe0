from pathlib import Path

import httpx
import pytest
from nicegui.testing import User

from liab import db, media
from tests.web.conftest import only_project


async def _project_with_file(user: User) -> tuple[str, bytes]:
    await user.open('/')
    user.find(marker='stage-beat').click()
    await user.should_see('with Echo')
    user.find(marker='stage-done').click()
    await user.should_see('Done ✓ (click to reopen)')
    project_id = only_project().id
    payload = bytes(range(256)) * 64
    media.write_bytes(media.project_dir(project_id, create=True) / 'beat' / 'beat.mp3', payload)
    return project_id, payload


async def test_health_reports_database_ffmpeg_and_providers(user: User) -> None:
    response = await user.http_client.get('/api/health')
    assert response.status_code == 200
    body = response.json()
    assert body['status'] == 'ok'
    assert body['database'] == 'ok'
    assert body['ffmpeg'][0].isalnum() and not body['ffmpeg'].startswith('error')
    assert body['providers'] == {'text': 'local', 'images': 'local', 'speech': 'gtts', 'transcribe': 'pocketsphinx',
                                 'beats': 'local', 'social': 'local'}
    assert response.headers['x-content-type-options'] == 'nosniff'


async def test_health_is_503_naming_ffmpeg_when_it_cannot_run(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('IMAGEIO_FFMPEG_EXE', '/nonexistent/ffmpeg')
    response = await user.http_client.get('/api/health')
    assert response.status_code == 503
    assert response.json()['status'] == 'unavailable: ffmpeg'
    assert response.json()['ffmpeg'].startswith('error: ffmpeg at /nonexistent/ffmpeg cannot run')


async def test_health_is_503_naming_the_database_when_it_is_unusable(user: User, data_dir: Path) -> None:
    await user.open('/')
    db.reset_engine()
    for suffix in ('-wal', '-shm'):
        (data_dir / f'liab.sqlite3{suffix}').unlink(missing_ok=True)
    (data_dir / 'liab.sqlite3').write_bytes(b'broken' * 2000)
    response = await user.http_client.get('/api/health')
    assert response.status_code == 503
    assert response.json()['status'] == 'unavailable: database'
    assert response.json()['database'] == 'error: file is not a database'


async def test_media_is_served_to_the_owning_browser_with_ranges(user: User) -> None:
    project_id, payload = await _project_with_file(user)
    url = f'/media/{project_id}/beat/beat.mp3'
    whole = await user.http_client.get(url)
    assert whole.status_code == 200
    assert whole.content == payload
    assert whole.headers['accept-ranges'] == 'bytes'
    assert whole.headers['x-content-type-options'] == 'nosniff'
    part = await user.http_client.get(url, headers={'Range': 'bytes=100-199'})
    assert part.status_code == 206
    assert part.content == payload[100:200]
    assert part.headers['content-range'] == f'bytes 100-199/{len(payload)}'


async def test_media_is_hidden_from_other_browsers_and_outside_paths(user: User, create_user) -> None:
    project_id, _ = await _project_with_file(user)
    stranger = create_user()
    await stranger.open('/')
    refused = await stranger.http_client.get(f'/media/{project_id}/beat/beat.mp3')
    assert refused.status_code == 404
    anonymous = httpx.AsyncClient(transport=user.http_client._transport, base_url='http://test')
    assert (await anonymous.get(f'/media/{project_id}/beat/beat.mp3')).status_code == 404
    await anonymous.aclose()
    for path in (f'/media/{project_id}/%2e%2e/%2e%2e/liab.sqlite3', f'/media/{project_id}/..%2F..%2Fliab.sqlite3',
                 '/media/not-a-uuid/beat/beat.mp3', f'/media/{project_id}/beat/missing.mp3',
                 '/static/../data/liab.sqlite3', '/data/liab.sqlite3', '/media/liab.sqlite3'):
        response = await user.http_client.get(path, follow_redirects=True)
        assert response.status_code == 404, path
        assert b'SQLite format' not in response.content


async def test_request_bodies_over_the_cap_get_413(user: User) -> None:
    big = b'x' * (1024 * 1024 + 1)
    declared = await user.http_client.post('/api/health', content=big)
    assert declared.status_code == 413
    assert declared.json()['error'] == 'That upload is too large: the limit here is 1 MB.'
    small = await user.http_client.post('/api/health', content=b'{}')
    assert small.status_code == 405


@pytest.fixture
def small_upload_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_MAX_UPLOAD_MB', '1')
    monkeypatch.setenv('LIAB_MAX_VIDEO_MB', '2')


async def test_uploads_are_capped_at_their_setting_on_the_server(small_upload_caps: None, user: User) -> None:
    mb = 1024 * 1024
    over_video = await user.http_client.post('/_nicegui/client/abc/upload/7', content=b'z' * (2 * mb + 1))
    assert over_video.status_code == 413
    assert over_video.json()['error'] == 'That upload is too large: the limit here is 2 MB.'
    under = await user.http_client.post('/_nicegui/client/abc/upload/7', content=b'z' * (3 * mb // 2))
    assert under.status_code == 404  # past the cap; no such upload box
    over_audio = await user.http_client.post('/api/recordings/upload', content=b'z' * (3 * mb // 2))
    assert over_audio.status_code == 413
    assert over_audio.json()['error'] == 'That upload is too large: the limit here is 1 MB.'
