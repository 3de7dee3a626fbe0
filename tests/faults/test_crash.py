"""SIGKILL in the middle of the work: mastering, a release pack build, a run of project saves, an upload.

Each test runs the real app (`python app.py`) in its own process group, does the thing once so there is a previous
result, starts it again and kills the app and its job workers while the second run is under way (seen in the job's
progress file, a `.part` file or a request body half sent), then starts the app again on the same data dir.
Afterwards the database must be sound, the previous result whole and served as before, and no temporary file of the
killed write may be left behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.harness import (
    Server,
    assert_served_whole,
    integrity,
    job_progress,
    leftovers,
    snapshot,
    temp_files,
    wait_for,
)
from tests.sounds import vocal_line

RELEASE = {'track_title': 'Harbour Lights', 'artist_name': 'Ama Lune', 'genre': 'afrobeats', 'mood': 'happy'}
CHUNK = 64 * 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    app = Server(tmp_path / 'app-data', tmp_path / 'app.log')
    app.start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture
def background() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as pool:
        yield pool


def test_a_kill_while_mastering_keeps_the_previous_master(server: Server, background: ThreadPoolExecutor,
                                                          tmp_path: Path) -> None:
    token = server.signup('master@example.com')
    project_id, song_url = _mastered_project(server, token, tmp_path)
    before = snapshot(server, token, project_id)
    assert 'mix/mixed_mastered.wav' in before['files']

    again = _post(server, token, background, '/api/mix/process', json={
        'session_id': project_id, 'file_url': song_url, 'target_lufs': -10, 'eq_high': 2})
    wait_for(lambda: (job_progress(server.media / project_id) or 0) >= 0.4 or again.done(), 60, 'mastering')
    _kill_before_it_ends(server, again, 'mastering')

    _restart_and_check(server, token, project_id, before)
    with server.client(token) as client:  # the project is not stuck: mastering it again works
        redone = client.post('/api/mix/process', json={'session_id': project_id, 'file_url': song_url})
    assert redone.status_code == 200, redone.text


def test_a_kill_while_the_release_pack_is_built_keeps_the_previous_pack(server: Server, background: ThreadPoolExecutor,
                                                                         tmp_path: Path) -> None:
    token = server.signup('pack@example.com')
    project_id = _project_ready_for_release(server, token, tmp_path)
    with server.client(token) as client:
        built = client.post('/api/release/download-all', json={'session_id': project_id})
        assert built.status_code == 200, built.text
        # New copy texts after the first pack: the pack built next holds three more entries than the one kept.
        copy = client.post('/api/release/copy', json={'session_id': project_id, **RELEASE, 'seed': 2})
        assert copy.status_code == 200, copy.text
        pack_before = client.get('/api/release/pack', params={'session_id': project_id}).json()['data']
        listed_before = client.get('/api/release/files', params={'session_id': project_id}).json()['data']
    before = snapshot(server, token, project_id)
    assert 'release/release_pack.zip' in before['files'] and 'release/audio/mixed_mastered.mp3' in before['files']

    again = _post(server, token, background, '/api/release/download-all', json={'session_id': project_id})
    # Late in the build: the masters are made, the documents or the ZIP are being written.
    release = server.media / project_id / 'release'
    wait_for(lambda: bool(temp_files(release, 'split_sheet', 'release_pack'))
             or 0.7 <= (job_progress(server.media / project_id) or 0) < 1 or again.done(), 60, 'the pack build')
    _kill_before_it_ends(server, again, 'the pack build')

    _restart_and_check(server, token, project_id, before)
    with server.client(token) as client:
        assert client.get('/api/release/pack', params={'session_id': project_id}).json()['data'] == pack_before
        assert client.get('/api/release/files', params={'session_id': project_id}).json()['data'] == listed_before


def test_a_kill_during_a_run_of_project_saves_keeps_one_whole_save(server: Server,
                                                                   background: ThreadPoolExecutor) -> None:
    other = server.signup('bystander@example.com')
    with server.client(other) as client:
        kept = client.post('/api/projects/save', json={'name': 'Kept', 'projectData': {'release': {'title': 'Kept'}}})
    assert kept.status_code == 200, kept.text
    kept_id = kept.json()['data']['projectId']
    kept_before = snapshot(server, other, kept_id)
    token = server.signup('saver@example.com')
    with server.client(token) as client:
        first = client.post('/api/projects/save', json=_save_body(0))
    assert first.status_code == 200, first.text
    project_id = first.json()['data']['projectId']

    acknowledged: list[int] = []
    sending: list[int] = []
    loop = background.submit(_save_until_killed, server, token, project_id, acknowledged, sending)
    wait_for(lambda: (len(acknowledged) >= 5 and bool(sending)) or loop.done(), 60, 'a save under way')
    assert not loop.done(), loop.exception()
    server.kill()
    in_flight = list(sending)
    loop.result()
    assert integrity(server.database) == 'ok'

    server.start()
    assert integrity(server.database) == 'ok'
    with server.client(token) as client:
        project = client.get(f'/api/projects/{project_id}').json()['project']
        stored = project['projectData']['release']['n']
        assert stored in {acknowledged[-1], *in_flight}  # the last save answered, or the one under way: never less
        assert project['projectData'] == {**project['projectData'], **_save_body(stored)['projectData']}
        assert project['name'] == f'Take {stored}'
        saved = client.post('/api/projects/save', json={**_save_body(stored + 1), 'projectId': project_id})
        assert saved.status_code == 200, saved.text
        assert client.get(f'/api/projects/{project_id}').json()['project']['version'] > project['version']
    assert snapshot(server, other, kept_id) == kept_before


def test_a_kill_during_an_upload_keeps_the_takes_as_they_were(server: Server, background: ThreadPoolExecutor,
                                                             tmp_path: Path) -> None:
    token = server.signup('upload@example.com')
    (tmp_path / 'short').mkdir()
    verse = vocal_line(tmp_path / 'short', seconds=4).read_bytes()
    with server.client(token) as client:
        first = client.post('/api/recordings/upload', files={'file': ('verse.wav', verse, 'audio/wav')})
    assert first.status_code == 200, first.text
    project_id = first.json()['data']['session_id']
    before = snapshot(server, token, project_id)
    assert len(before['project']['projectData']['assets']['stems']) == 1

    (tmp_path / 'long').mkdir()
    big = vocal_line(tmp_path / 'long', seconds=45).read_bytes()
    halfway, go_on = threading.Event(), threading.Event()
    boundary = 'crash-test-boundary-7f3a'
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="session_id"\r\n\r\n{project_id}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="long take.wav"\r\n'
            'Content-Type: audio/wav\r\n\r\n').encode()
    tail = f'\r\n--{boundary}--\r\n'.encode()

    def body() -> Iterator[bytes]:
        yield head
        for offset in range(0, len(big), CHUNK):
            if offset >= len(big) // 2 and not halfway.is_set():
                halfway.set()  # everything before this chunk is on its way to the server; the rest waits
                go_on.wait(30)
            yield big[offset:offset + CHUNK]
        yield tail

    upload = _post(server, token, background, '/api/recordings/upload', content=body(), headers={
        'Content-Type': f'multipart/form-data; boundary={boundary}',
        'Content-Length': str(len(head) + len(big) + len(tail))})
    wait_for(lambda: halfway.is_set() or upload.done(), 30, 'half the upload to be sent')
    _kill_before_it_ends(server, upload, 'the upload', then=go_on.set)
    _restart_and_check(server, token, project_id, before)

    # Again, the whole body sent this time: killed while the server checks the take, before the project has it.
    upload = _post(server, token, background, '/api/recordings/upload', data={'session_id': project_id},
                   files={'file': ('long take.wav', big, 'audio/wav')})
    wait_for(lambda: job_progress(server.media / project_id) is not None or upload.done(), 60, 'the take check')
    _kill_before_it_ends(server, upload, 'the take check')
    _restart_and_check(server, token, project_id, before)


# helpers -----------------------------------------------------------------------------------------------------------


def _post(server: Server, token: str, pool: ThreadPoolExecutor, path: str, **kwargs: Any) -> Future[httpx.Response]:
    def send() -> httpx.Response:
        with server.client(token) as client:
            return client.post(path, **kwargs)

    return pool.submit(send)


def _kill_before_it_ends(server: Server, pending: Future[httpx.Response], what: str,
                         then: Callable[[], None] = lambda: None) -> None:
    if pending.done():
        then()
        answer = pending.result()
        pytest.fail(f'{what} ended before the kill ({answer.status_code}): {answer.text[:300]}')
    server.kill()
    then()
    with pytest.raises(httpx.HTTPError):
        pending.result(timeout=30)


def _restart_and_check(server: Server, token: str, project_id: str, before: dict[str, Any]) -> None:
    assert integrity(server.database) == 'ok'  # as the killed app left it
    server.start()
    assert integrity(server.database) == 'ok'
    assert leftovers(server.media) == []
    after = snapshot(server, token, project_id)
    assert after['project'] == before['project']
    assert after['files'] == before['files']
    assert_served_whole(server, token, project_id, after['files'])


def _mastered_project(server: Server, token: str, tmp_path: Path, project_id: str | None = None) -> tuple[str, str]:
    """(project id, URL of the uploaded song) after a first mix of a 12 s sung line."""
    song = vocal_line(tmp_path, seconds=12).read_bytes()
    with server.client(token) as client:
        made = client.post('/api/mix/process', data={'session_id': project_id} if project_id else {},
                           files={'file': ('song.wav', song, 'audio/wav')})
        assert made.status_code == 200, made.text
        project_id = made.json()['data']['session_id']
        project = client.get(f'/api/projects/{project_id}').json()['project']
    song_path = project['projectData']['mix']['inputs'][0]['path']
    return project_id, f'/media/{project_id}/{song_path}'


def _project_ready_for_release(server: Server, token: str, tmp_path: Path) -> str:
    """Lyrics, a master, the release details and a chosen cover: all a pack needs."""
    with server.client(token) as client:
        lyrics = client.post('/api/lyrics/free', json={'theme': 'harbour lights', 'seed': 1})
        assert lyrics.status_code == 200, lyrics.text
        project_id = lyrics.json()['data']['session_id']
    _mastered_project(server, token, tmp_path, project_id)
    with server.client(token) as client:
        details = client.post('/api/release/metadata', json={
            'session_id': project_id, **RELEASE, 'release_date': '2027-01-08',
            'credits': [{'name': 'Ama Lune', 'role': 'main', 'share': 100}]})
        assert details.status_code == 200, details.text
        covers = client.post('/api/release/cover', json={'session_id': project_id, **RELEASE, 'seed': 4})
        assert covers.status_code == 200, covers.text
        chosen = client.post('/api/release/select-cover', json={
            'session_id': project_id, 'cover_url': covers.json()['data']['images'][0]})
        assert chosen.status_code == 200, chosen.text
    return project_id


def _save_body(n: int) -> dict[str, Any]:
    """A save of about 400 kB whose every part names its number, so a save that landed in part would show."""
    log = [{'role': 'user', 'text': f'save {n} line {i} ' + 'la ' * 300} for i in range(400)]
    return {'name': f'Take {n}', 'projectData': {'release': {'title': f'Take {n}', 'n': n}, 'chat_log': log}}


def _save_until_killed(server: Server, token: str, project_id: str, acknowledged: list[int],
                       sending: list[int]) -> None:
    """Save the project again and again (each save a new number) until the server goes away."""
    with server.client(token) as client:
        n = 1
        while True:
            sending.append(n)
            try:
                answer = client.post('/api/projects/save', json={**_save_body(n), 'projectId': project_id})
            except httpx.HTTPError:
                return
            assert answer.status_code == 200, answer.text
            sending.remove(n)
            acknowledged.append(n)
            n += 1
