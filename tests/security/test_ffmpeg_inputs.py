import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.security.conftest import LiveApp, sign_up

NOT_AUDIO = 'That file is not audio we can use'
NOT_VIDEO = 'That file is not a video we can use (MP4, MOV or WebM).'


class Listener:
    """A TCP port on 127.0.0.1 that notes every connection made to it (and answers none)."""

    def __init__(self) -> None:
        self.connections: list[bytes] = []
        self._socket = socket.create_server(('127.0.0.1', 0))
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(1024))
                except OSError:
                    self.connections.append(b'')

    def __enter__(self) -> 'Listener':
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    with Listener() as listening:
        yield listening


def test_playlists_and_concat_scripts_named_as_audio_are_refused_and_fetch_nothing(server: LiveApp,
                                                                                 listener: Listener) -> None:
    target = f'http://127.0.0.1:{listener.port}/x'
    payloads = {
        'HLS playlist': f'#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{target}\n#EXT-X-ENDLIST\n'.encode(),
        'ffconcat script': f"ffconcat version 1.0\nfile '{target}'\n".encode(),
        'playlist behind an ID3 tag': b'ID3\x04\x00\x00\x00\x00\x00\x00' + f'#EXTM3U\n{target}\n'.encode(),
    }
    account = sign_up(server, 'ffmpeg@example.com')
    with server.client(account.token) as client:
        for kind, payload in payloads.items():
            for name in ('hit.mp3', 'hit.wav', 'hit.m3u8'):
                for route in ('/api/recordings/upload', '/api/lyrics/from_beat', '/api/mix/process'):
                    response = client.post(route, files={'file': (name, payload, 'audio/mpeg')})
                    assert response.status_code == 400, (kind, name, route, response.text)
                    error = response.json()['error']
                    assert error.startswith((NOT_AUDIO, 'That audio file is damaged')), (kind, name, route, error)
            video = client.post('/api/content/upload-video', files={'file': ('clip.mp4', payload, 'video/mp4')})
            assert (video.status_code, video.json()['error']) == (400, NOT_VIDEO), kind
        projects = client.get('/api/projects').json()['projects']
    time.sleep(1)  # anything ffmpeg started would have connected by now
    assert listener.connections == []
    with socket.create_connection(('127.0.0.1', listener.port)) as probe:  # the listener does notice a visit
        probe.sendall(b'GET /x HTTP/1.0\r\n\r\n')
    time.sleep(0.3)
    assert listener.connections == [b'GET /x HTTP/1.0\r\n\r\n']
    for project in projects:  # nothing of the refused files was kept
        folder = server.media_dir / project['projectId']
        assert not [path for path in folder.rglob('*') if path.is_file()], project
