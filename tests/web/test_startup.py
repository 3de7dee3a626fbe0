import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, app_env


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, 'app.py'], cwd=ROOT, env=app_env(**env), capture_output=True, text=True,
                          timeout=60, check=False, stdin=subprocess.DEVNULL)


def _one_clear_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert 'Traceback' not in done.stderr
    return lines[0]


def test_an_unwritable_data_dir_stops_the_app_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / 'file'
    blocker.write_text('')
    line = _one_clear_line(_start(LIAB_DATA_DIR=str(blocker / 'data')))
    assert line.startswith(f'Label-in-a-Box cannot start: the data dir {blocker / "data"} is not writable')


def test_a_corrupt_database_stops_the_app_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / 'data'
    data.mkdir()
    (data / 'liab.sqlite3').write_bytes(b'\x00garbage' * 512)
    line = _one_clear_line(_start(LIAB_DATA_DIR=str(data)))
    assert line == (f'Label-in-a-Box cannot start: the database at {data / "liab.sqlite3"} cannot be used '
                    '(file is not a database); restore it from a backup or move it away to start fresh')


def test_a_port_in_use_stops_the_app_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_clear_line(_start(LIAB_DATA_DIR=str(tmp_path / 'data'), LIAB_PORT=str(port)))
    assert line == (f'Label-in-a-Box cannot start: port {port} on 127.0.0.1 is already in use; '
                    'stop the other server or set LIAB_PORT to a free port')


def test_a_short_secret_and_a_bad_setting_stop_the_app_with_one_line(tmp_path: Path) -> None:
    short = _one_clear_line(_start(LIAB_DATA_DIR=str(tmp_path / 'a'), LIAB_JWT_SECRET='short'))
    assert short.startswith('Label-in-a-Box cannot start: LIAB_JWT_SECRET is too short: 5 bytes')
    bad = _one_clear_line(_start(LIAB_DATA_DIR=str(tmp_path / 'b'), LIAB_PORT='eighty'))
    assert bad.startswith('Label-in-a-Box cannot start: bad setting (port: ')
