import httpx
import numpy as np
from nicegui.testing import User

from liab import db, media
from liab.audio.io import write_wav
from liab.audio.peaks import compute_peaks, peaks_path
from liab.services import projects
from liab.web.api import peaks as peaks_api


async def _project_with_audio(user: User) -> str:
    await user.open('/')
    browser_id = user.client.request.session['id']
    with db.session_scope(write=True) as session:
        project = projects.ensure_working_project(session=session, browser_id=browser_id)
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(44100 * 3) / 44100)
    with media.atomic_path(media.project_dir(project.id, create=True) / 'beat' / 'beat.wav') as tmp:
        write_wav(tone, 44100, tmp)
    return project.id


async def test_the_owner_gets_the_peaks_of_a_project_file(user: User) -> None:
    project_id = await _project_with_audio(user)
    url = peaks_api.url(project_id, 'beat/beat.wav')
    assert url == f'/peaks/{project_id}/beat/beat.wav'
    response = await user.http_client.get(url)
    assert response.status_code == 200
    audio = media.resolve(project_id, 'beat/beat.wav')
    assert response.content == compute_peaks(audio)
    assert len(response.content) == 16 + 2 * 60
    assert response.headers['content-type'] == 'application/octet-stream'
    assert response.headers['cache-control'] == 'private, max-age=0, must-revalidate'
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert peaks_path(audio).exists()

    etag = response.headers['etag']
    unchanged = await user.http_client.get(url, headers={'If-None-Match': etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b''


async def test_peaks_are_hidden_from_other_browsers_and_outside_paths(user: User, create_user) -> None:
    project_id = await _project_with_audio(user)
    assert (await user.http_client.get(f'/peaks/{project_id}/beat/beat.wav')).status_code == 200  # cache exists
    stranger = create_user()
    await stranger.open('/')
    refused = await stranger.http_client.get(f'/peaks/{project_id}/beat/beat.wav')
    assert refused.status_code == 404
    assert refused.json() == {'ok': False, 'error': 'Not found.'}
    anonymous = httpx.AsyncClient(transport=user.http_client._transport, base_url='http://test')
    assert (await anonymous.get(f'/peaks/{project_id}/beat/beat.wav')).status_code == 404
    await anonymous.aclose()
    for path in (f'/peaks/{project_id}/beat/.beat.wav.peaks', f'/media/{project_id}/beat/.beat.wav.peaks',
                 f'/peaks/{project_id}/%2e%2e/%2e%2e/liab.sqlite3', f'/peaks/{project_id}/..%2F..%2Fliab.sqlite3',
                 '/peaks/not-a-uuid/beat/beat.wav', f'/peaks/{project_id}/beat/missing.wav'):
        response = await user.http_client.get(path, follow_redirects=True)
        assert response.status_code == 404, path
        assert response.content.startswith(b'{'), path


async def test_a_file_that_is_not_audio_answers_422_with_the_reason(user: User) -> None:
    project_id = await _project_with_audio(user)
    media.write_bytes(media.project_dir(project_id) / 'notes.txt', b'not audio')
    response = await user.http_client.get(f'/peaks/{project_id}/notes.txt')
    assert response.status_code == 422
    assert response.json()['error'].endswith('not .txt.')
