import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from nicegui.testing import User

from liab import media
from liab.config import get_settings
from liab.errors import BadInput, Forbidden
from liab.services import recordings
from liab.web.api import recordings as recordings_api
from tests.web.conftest import only_project

PASSWORD = 'night-drive-42-echo'
RATE = 44100
NOT_AUDIO = 'That file is not audio we can use (WAV, MP3, AIFF, FLAC or M4A).'


@pytest.fixture(scope='module')
def take(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp('api-take') / 'take.wav'
    tone = 0.4 * np.sin(2 * np.pi * 330 * np.arange(RATE) / RATE)
    soundfile.write(str(path), tone.astype(np.float32), RATE, subtype='PCM_16')
    return path.read_bytes()


@pytest.fixture
def one_mb_cap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv('LIAB_MAX_UPLOAD_MB', '1')
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _token(user: User, email: str = 'nova@example.com') -> str:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()['token']


def _bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


async def test_an_upload_answers_the_spec_shape_and_stores_the_take(user: User, take: bytes) -> None:
    token = await _token(user)

    response = await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                           files={'file': ('My Vocal.wav', take, 'audio/wav')}, timeout=60)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body['ok'] is True
    data = body['data']
    stored = data['take']
    assert data['file_url'] == stored['url'] == media.url(data['session_id'], stored['path'])
    assert data['filename'] == Path(stored['path']).name and data['filename'].startswith('take-')
    assert stored['name'] == 'My Vocal' and stored['metadata'] == {'filename': 'My Vocal.wav', 'size': len(take)}
    assert stored['duration_s'] == pytest.approx(1.0, abs=0.01) and stored['origin'] == 'uploaded'
    project = only_project()
    assert project.id == data['session_id']
    assert recordings.takes(project.data) == [stored]
    assert project.data['vocals'] == {'lead': stored['id']}
    assert 'upload' in project.data['workflow']['completed_stages']
    audio = await user.http_client.get(data['file_url'], headers=_bearer(token))
    assert audio.status_code == 200 and audio.content == take
    assert response.headers['cache-control'] == 'no-store'


async def test_an_upload_goes_to_the_named_project_only_for_its_owner(user: User, take: bytes) -> None:
    owner = await _token(user)
    first = await user.http_client.post('/api/recordings/upload', headers=_bearer(owner),
                                        files={'file': ('a.wav', take, 'audio/wav')}, timeout=60)
    project_id = first.json()['data']['session_id']
    second = await user.http_client.post('/api/recordings/upload', headers=_bearer(owner),
                                         files={'file': ('b.wav', take, 'audio/wav')},
                                         data={'session_id': project_id}, timeout=60)
    assert second.status_code == 200 and second.json()['data']['session_id'] == project_id
    assert len(recordings.takes(only_project().data)) == 2

    stranger = await _token(user, 'stranger@example.com')
    refused = await user.http_client.post('/api/recordings/upload', headers=_bearer(stranger),
                                          files={'file': ('c.wav', take, 'audio/wav')},
                                          data={'session_id': project_id})
    assert refused.status_code == 404
    assert refused.json() == {'ok': False, 'error': 'No such project.', 'feature': None}
    anonymous = await user.http_client.post('/api/recordings/upload', files={'file': ('d.wav', take, 'audio/wav')})
    assert anonymous.status_code == 401 and anonymous.json()['ok'] is False
    assert len(recordings.takes(only_project().data)) == 2


async def test_refusals_answer_400_in_our_shape_and_store_nothing(user: User, take: bytes) -> None:
    token = await _token(user)

    not_audio = await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                            files={'file': ('take.mp3', b'#EXTM3U\nfile:///etc/passwd\n',
                                                            'audio/mpeg')})
    no_file = await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                          data={'session_id': ''})
    as_json = await user.http_client.post('/api/recordings/upload', headers=_bearer(token), json={'file': 'x'})
    truncated = await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                            files={'file': ('cut.wav', take[: len(take) // 2], 'audio/wav')})

    assert (not_audio.status_code, not_audio.json()) == (400, {'ok': False, 'error': NOT_AUDIO, 'feature': None})
    assert no_file.status_code == 400 and 'form field "file"' in no_file.json()['error']
    assert as_json.status_code == 400 and as_json.json()['ok'] is False
    assert (truncated.status_code, truncated.json()['error']) == (400, 'That audio file is damaged or cut short.')
    project = only_project()
    assert recordings.takes(project.data) == []
    assert not [p for p in (media.project_dir(project.id) / 'stems').iterdir() if not p.name.startswith('.')]


async def test_a_body_over_the_upload_cap_is_refused_with_413(one_mb_cap: None, user: User, take: bytes) -> None:
    token = await _token(user)
    big = np.zeros(RATE * 7, dtype=np.float32)
    big[::100] = 0.5
    buffer = io.BytesIO()
    soundfile.write(buffer, big, RATE, subtype='PCM_16', format='WAV')  # 600 kB: under the cap
    small = await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                        files={'file': ('ok.wav', buffer.getvalue(), 'audio/wav')}, timeout=60)
    over = await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                       files={'file': ('big.wav', buffer.getvalue() * 2, 'audio/wav')})
    recorded = await user.http_client.post('/api/recordings/record', headers={'X-Recorder-Ticket': 'x'},
                                           files={'file': ('big.wav', buffer.getvalue() * 2, 'audio/wav')})

    assert small.status_code == 200, small.text
    assert over.status_code == 413 and over.json()['ok'] is False
    assert recorded.status_code == 413


async def test_the_recorder_route_needs_a_live_ticket_from_the_same_browser(user: User, take: bytes) -> None:
    await user.open('/')
    token = await _token(user)
    project_id = (await user.http_client.post('/api/recordings/upload', headers=_bearer(token),
                                              files={'file': ('a.wav', take, 'audio/wav')}, timeout=60)
                  ).json()['data']['session_id']
    other_browser = recordings_api.tickets.issue(project_id, 'some-other-browser-id')

    missing = await user.http_client.post('/api/recordings/record', files={'file': ('r.wav', take, 'audio/wav')})
    forged = await user.http_client.post('/api/recordings/record', headers={'X-Recorder-Ticket': 'guess'},
                                         files={'file': ('r.wav', take, 'audio/wav')})
    elsewhere = await user.http_client.post('/api/recordings/record', headers={'X-Recorder-Ticket': other_browser},
                                            files={'file': ('r.wav', take, 'audio/wav')})

    for response in (missing, forged, elsewhere):
        assert response.status_code == 403
        assert response.json() == {'ok': False, 'error': recordings_api.EXPIRED, 'feature': None}
    assert len(recordings.takes(only_project().data)) == 1


def test_tickets_are_single_use_and_expire() -> None:
    project_id = '2f1c7c36-8b6e-4c2a-9d51-0a3b8c1d2e3f'
    tickets = recordings_api.RecorderTickets(ttl_s=60)
    ticket = tickets.issue(project_id, 'browser')
    assert len(ticket) >= 40
    assert tickets.redeem(ticket, 'browser') == project_id
    with pytest.raises(Forbidden, match='Press Keep again'):
        tickets.redeem(ticket, 'browser')
    expiring = recordings_api.RecorderTickets(ttl_s=0)
    stale = expiring.issue(project_id, 'browser')
    with pytest.raises(Forbidden, match='Press Keep again'):
        expiring.redeem(stale, 'browser')
    with pytest.raises(BadInput, match='not a project id'):
        tickets.issue('../etc', 'browser')
