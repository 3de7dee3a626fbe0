import re
from pathlib import Path

from tests.conftest import ROOT
from tests.security.conftest import LiveApp, listing, multipart, send_raw, sign_up

HOSTILE_NAMES = [b'../../x.wav', b'..\\x.wav', b'..', b'x\x00.wav', b'n' * 300 + b'.wav', b'/tmp/x.wav']
STORED = re.compile(r'^take-[0-9a-f]{12}\.wav$')


def test_traversal_file_names_are_stored_under_generated_names_inside_the_project(server: LiveApp, take_wav: bytes,
                                                                                 tmp_path: Path) -> None:
    account = sign_up(server, 'names@example.com')
    outside = [ROOT / 'x.wav', ROOT.parent / 'x.wav', tmp_path.parent / 'x.wav', Path('/tmp/x.wav')]
    existed = {path for path in outside if path.exists()}
    before = listing(tmp_path)
    project_id = None
    for name in HOSTILE_NAMES:
        body, content_type = multipart('file', name, take_wav)
        answer = send_raw(server.url, 'POST', '/api/recordings/upload', body=[body], headers={
            'Authorization': f'Bearer {account.token}', 'Content-Type': content_type,
            'Content-Length': str(len(body))})
        if answer.status == 400:  # refused: then with a sentence, not a trace
            error = answer.json()['error']
            assert error.endswith('.') and 'Traceback' not in error and len(error) < 200, (name, error)
            continue
        assert answer.status == 200, (name, answer)
        data = answer.json()['data']
        project_id = project_id or data['session_id']
        assert data['session_id'] == project_id
        assert STORED.match(data['filename']), (name, data['filename'])
        assert data['take']['path'] == f'stems/{data["filename"]}'
        assert (server.media_dir / project_id / 'stems' / data['filename']).read_bytes() == take_wav
        shown = data['take']['name']
        assert '\x00' not in shown and len(shown) <= 120, (name, shown)
    assert project_id is not None, 'every name was refused; at least the plain ones must be stored'
    made = listing(tmp_path) - before
    allowed = (f'data/media/{project_id}', 'data/logs/', 'data/nicegui/', 'data/liab.sqlite3', 'app-tmp/', 'app.log')
    assert not [path for path in made if not path.startswith(allowed)]
    stems = server.media_dir / project_id / 'stems'
    assert all(STORED.match(path.name) or path.name.endswith('.peaks') for path in stems.iterdir())
    assert not [path for path in listing(server.media_dir) if 'x.wav' in path or path.endswith('..')]
    assert {path for path in outside if path.exists()} == existed
