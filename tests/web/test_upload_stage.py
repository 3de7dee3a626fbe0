
import numpy as np
import pytest
import soundfile
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import media
from liab.services import recordings
from tests.web.conftest import only_project, project_count, until

RATE = 44100


@pytest.fixture(scope='module')
def takes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp('stage-takes')
    t = np.arange(2 * RATE) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    soundfile.write(str(folder / 'stereo.wav'), np.stack([tone, tone], axis=1), RATE, subtype='PCM_16')
    soundfile.write(str(folder / 'mono.flac'), tone[: RATE * 3 // 2], RATE, subtype='PCM_16', format='FLAC')
    soundfile.write(str(folder / 'record.wav'), np.stack([tone], axis=1), 48000, subtype='PCM_24')
    return {path.name: path.read_bytes() for path in folder.iterdir()}


async def _open_upload_stage(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-upload').click()
    await user.should_see('with Nova')


def _takes() -> list[dict]:
    return recordings.takes(only_project().data) if project_count() else []


async def _upload(user: User, name: str, data: bytes) -> None:
    upload = user.find(marker='upload-files').elements.pop()
    await upload.handle_uploads([SmallFileUpload(name, 'audio/wav', data)])


async def test_the_empty_stage_says_what_to_do_and_creates_nothing(user: User) -> None:
    await _open_upload_stage(user)

    await user.should_see('No takes yet', marker='upload-empty')
    await user.should_see('Upload a vocal take or record one above', marker='upload-empty')
    await user.should_see('WAV, MP3, AIFF, FLAC or M4A, up to 50 MB each')
    await user.should_see(marker='recorder')
    assert project_count() == 0


async def test_uploaded_takes_are_listed_with_their_facts_and_the_first_is_the_lead(
        user: User, takes: dict[str, bytes]) -> None:
    await _open_upload_stage(user)

    await _upload(user, '../../Verse <i>one</i> & "two".wav'.replace('</i>', '<i>'), takes['stereo.wav'])
    await until(lambda: len(_takes()) == 1)
    first = _takes()[0]
    await user.should_see(marker=f'take-{first["id"]}')
    await user.should_see('Upload complete', marker='voice-caption')
    await user.should_see(marker=f'take-{first["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{first["id"]}'):
        assert user.find(marker='take-name').elements.pop().value == 'Verse <i>one<i> & "two"'  # text, not markup
        await user.should_see('Lead vocal', marker='take-lead')
        await user.should_see('0:02.0', marker='take-fact-length')
        await user.should_see('44.1 kHz', marker='take-fact-sample-rate')
        await user.should_see('Stereo', marker='take-fact-channels')
        await user.should_see('-6.0 dBFS', marker='take-fact-peak')
        await user.should_see('WAV 16-bit', marker='take-fact-format')
        await user.should_see(marker='take-player')
    assert '..' not in first['path'] and 'Verse' not in first['path']
    await user.should_see('Done ✓ (click to reopen)')

    await _upload(user, 'Harmony.flac', takes['mono.flac'])
    await until(lambda: len(_takes()) == 2)
    second = _takes()[1]
    await user.should_see(marker=f'take-{second["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{second["id"]}'):
        await user.should_see('Mono', marker='take-fact-channels')
        await user.should_see('0:01.5', marker='take-fact-length')
        await user.should_see(marker='take-choose-lead')
    await user.should_see('2 takes', marker='upload-count')
    await user.should_not_see(marker='upload-empty')
    assert only_project().data['vocals'] == {'lead': first['id']}


async def test_the_artist_chooses_the_lead_renames_and_removes_takes(user: User, takes: dict[str, bytes]) -> None:
    await _open_upload_stage(user)
    await _upload(user, 'One.wav', takes['stereo.wav'])
    await until(lambda: len(_takes()) == 1)
    await _upload(user, 'Two.flac', takes['mono.flac'])
    await until(lambda: len(_takes()) == 2)
    first, second = _takes()

    await user.should_see(marker=f'take-{second["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{second["id"]}'):
        user.find(marker='take-choose-lead').click()
    await until(lambda: only_project().data['vocals'] == {'lead': second['id']})
    await user.should_see('“Two” is your lead vocal now.')
    await user.should_see(marker=f'take-{second["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{second["id"]}'):
        await user.should_see('Lead vocal', marker='take-lead')
    assert only_project().data['assets']['vocal']['path'] == second['path']

    await user.should_see(marker=f'take-{first["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{first["id"]}'):
        user.find(marker='take-name').clear().type('  Verse   take\t3 ').trigger('blur')
    await until(lambda: _takes()[0]['name'] == 'Verse take 3')
    await user.should_see('Take renamed.')

    file = media.project_dir(only_project().id) / second['path']
    assert file.is_file()
    await user.should_see(marker=f'take-{second["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{second["id"]}'):
        user.find(marker='take-remove').click()
    await user.should_see('Remove this take?')
    user.find(marker='confirm-ok').click()
    await until(lambda: len(_takes()) == 1)
    assert not file.exists()
    assert only_project().data['vocals'] == {'lead': first['id']}
    await user.should_see(marker=f'take-{first["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{first["id"]}'):
        await user.should_see('Lead vocal', marker='take-lead')


async def test_a_refused_file_is_notified_and_nothing_is_stored(user: User) -> None:
    await _open_upload_stage(user)

    await _upload(user, 'hit.mp3', b'#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n')

    await user.should_see('“hit.mp3” was not added. That file is not audio we can use')
    assert _takes() == []
    assert not [p for p in (media.project_dir(only_project().id) / 'stems').iterdir() if not p.name.startswith('.')]
    assert 'upload' not in only_project().data['workflow']['completed_stages']
    await user.should_see('No takes yet', marker='upload-empty')


async def test_a_recording_kept_in_the_browser_is_stored_with_its_ticket_and_shown(
        user: User, takes: dict[str, bytes]) -> None:
    await _open_upload_stage(user)
    recorder = user.find(marker='recorder').elements.pop()

    user.find(marker='recorder').trigger('keep', {'seconds': 2.0, 'latency_ms': 21.4})  # what the page sends
    await until(lambda: bool(recorder.props['ticket']))
    ticket = recorder.props['ticket']
    response = await user.http_client.post('/api/recordings/record', headers={'X-Recorder-Ticket': ticket},
                                           files={'file': ('recording.wav', takes['record.wav'], 'audio/wav')},
                                           data={'latency_ms': '21.4'}, timeout=60)
    assert response.status_code == 200, response.text
    take = response.json()['data']['take']
    assert (take['origin'], take['latency_ms'], take['name'], take['sample_rate']) == ('recorded', 21.4, 'Take 1',
                                                                                       48000)
    user.find(marker='recorder').trigger('stored', {'take': take})  # the page tells the stage it is stored
    await user.should_see(marker=f'take-{take["id"]}')
    await user.should_see('Upload complete', marker='voice-caption')
    await user.should_see(marker=f'take-{take["id"]}', retries=100)  # the card is drawn after the take is stored
    with user.scope(marker=f'take-{take["id"]}'):
        await user.should_see('21.4 ms', marker='take-fact-latency')
        assert user.find(marker='take-player').elements.pop().props['title'] == 'Recorded in the browser'
        await user.should_see('Lead vocal', marker='take-lead')

    again = await user.http_client.post('/api/recordings/record', headers={'X-Recorder-Ticket': ticket},
                                        files={'file': ('recording.wav', takes['record.wav'], 'audio/wav')})
    assert again.status_code == 403  # one ticket, one take
    assert len(_takes()) == 1

