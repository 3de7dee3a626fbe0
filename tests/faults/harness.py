"""The real app in a subprocess that a test can SIGKILL (with its workers) and start again on the same data dir,
and the checks that a crash left nothing broken behind: the database, the files the user can reach, temp files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile

from tests.conftest import ROOT, STARTUP_TIMEOUT_S, app_env, free_port

PASSWORD = 'night-drive-42-echo'
# Temporary names of writes in progress (atomic writes, job outputs, uploads, job progress, folders being deleted).
TEMP_NAME = re.compile(r'\.part(\.\w+)?$|^\.job-.*\.json$|^\.progress-|^\.deleting-|^\.ingest-')


class Server:
    """`python app.py` in its own session, so a SIGKILL to its process group takes the job workers with it."""

    def __init__(self, data: Path, log: Path) -> None:
        self.data = data
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ''

    @property
    def media(self) -> Path:
        return self.data / 'media'

    @property
    def database(self) -> Path:
        return self.data / 'liab.sqlite3'

    def start(self) -> None:
        port = free_port()
        self.base_url = f'http://127.0.0.1:{port}'
        env = app_env(LIAB_DATA_DIR=str(self.data), LIAB_HOST='127.0.0.1', LIAB_PORT=str(port),
                      LIAB_API_RATE_PER_MIN='100000', LIAB_JOB_WORKERS='1')
        with self.log.open('ab') as log:
            log.write(f'\n=== start on port {port} ===\n'.encode())
            self.process = subprocess.Popen([sys.executable, 'app.py'], cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f'the app exited with code {self.process.returncode} at start:\n{self.tail()}')
            try:
                if httpx.get(f'{self.base_url}/api/health', timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail(f'the app did not answer within {STARTUP_TIMEOUT_S} s:\n{self.tail()}')

    def kill(self) -> None:
        """SIGKILL to the app and every process of its group (job workers, ffmpeg), then wait until all are gone."""
        assert self.process is not None
        pgid = self.process.pid
        _signal_group(pgid, signal.SIGKILL)
        self.process.wait()
        wait_for(lambda: not _group_members(pgid), 10, 'the killed process group to go away')
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {'Authorization': f'Bearer {token}'} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=180)

    def signup(self, email: str) -> str:
        with self.client() as client:
            answer = client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
        assert answer.status_code == 200, answer.text
        return answer.json()['token']

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding='utf-8', errors='replace') if self.log.exists() else '(no log)'
        return '\n'.join(text.splitlines()[-lines:])


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of the group: a zombie whose parent died may wait for a reaper that never comes."""
    members = []
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / 'stat').read_text()
        except OSError:
            continue
        fields = stat.rpartition(')')[2].split()
        if int(fields[2]) == pgid and fields[0] != 'Z':
            members.append(int(entry.name))
    return members


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f'timed out waiting for {what}')
        time.sleep(0.002)


# what a crash must not break -------------------------------------------------------------------------------------


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return ';'.join(row[0] for row in connection.execute('PRAGMA integrity_check'))


def visible_files(folder: Path) -> dict[str, str]:
    """sha256 of every file a user can reach in a project folder (hidden names are never served)."""
    found = {}
    for path in sorted(folder.rglob('*')):
        relpath = path.relative_to(folder)
        if path.is_file() and not any(part.startswith('.') for part in relpath.parts):
            found[relpath.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(media: Path) -> list[str]:
    """Temporary files and folders of writes that never finished, anywhere under the media dir."""
    return sorted(str(path.relative_to(media)) for path in media.rglob('*') if TEMP_NAME.search(path.name))


def job_progress(folder: Path) -> float | None:
    """The highest fraction any running job of the project reports in its progress file, None when none runs."""
    fractions = []
    for path in folder.glob('.job-*.json'):
        try:
            fractions.append(float(json.loads(path.read_text(encoding='utf-8'))['fraction']))
        except (OSError, ValueError, KeyError):
            continue
    return max(fractions, default=None)


def temp_files(folder: Path, *needles: str) -> list[Path]:
    """Hidden `.part` files under `folder` (in hidden folders too) whose name holds one of `needles`."""
    return [path for path in folder.rglob('*.part*') if path.is_file() and any(n in path.name for n in needles)]


def snapshot(server: Server, token: str, project_id: str) -> dict[str, Any]:
    """The project as the API answers it and the bytes of every file the user can reach in it."""
    with server.client(token) as client:
        answer = client.get(f'/api/projects/{project_id}')
    assert answer.status_code == 200, answer.text
    return {'project': answer.json()['project'], 'files': visible_files(server.media / project_id)}


def assert_served_whole(server: Server, token: str, project_id: str, files: dict[str, str]) -> None:
    """Every file is served by its media URL with the bytes on disk, and each is a complete file of its kind."""
    with server.client(token) as client:
        for relpath, digest in files.items():
            answer = client.get(f'/media/{project_id}/{relpath}')
            assert answer.status_code == 200, (relpath, answer.text)
            assert hashlib.sha256(answer.content).hexdigest() == digest, relpath
            assert_complete(relpath, answer.content)


def assert_complete(name: str, content: bytes) -> None:
    suffix = Path(name).suffix
    assert content, f'{name} is empty'
    if suffix == '.wav':
        with soundfile.SoundFile(io.BytesIO(content)) as audio:
            assert audio.frames > 0 and len(audio.read()) == audio.frames, f'{name} is cut short'
    elif suffix == '.zip':
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert archive.testzip() is None, f'{name} is damaged'
    elif suffix == '.json':
        json.loads(content)
    elif suffix == '.pdf':
        assert content.startswith(b'%PDF-') and content.rstrip().endswith(b'%%EOF'), f'{name} is cut short'
    elif suffix == '.jpg':
        assert content.startswith(b'\xff\xd8') and content.rstrip(b'\0').endswith(b'\xff\xd9'), f'{name} is cut'
    elif suffix == '.mp3':
        assert content.startswith(b'ID3') and len(content) > 10_000, f'{name} is cut short'
    elif suffix == '.txt':
        content.decode('utf-8')
