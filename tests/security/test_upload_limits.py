from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from liab.web.api.recordings import EXPIRED, RECORD_PATH
from liab.web.middleware import UPLOAD_ROUTES
from tests.security.conftest import MB, LiveApp, listing, multipart, running_app, send_raw, sign_up, upload_route

# LIAB_MAX_UPLOAD_MB and LIAB_MAX_VIDEO_MB below, by the setting each route names in UPLOAD_ROUTES
LIMITS_MB = {'max_upload_bytes': 1, 'max_video_bytes': 2}
NICEGUI_LIMIT_MB = 2  # NiceGUI's own upload route takes the larger of the two: each upload box checks its kind
CHUNK = 64 * 1024


@pytest.fixture
def small_caps(tmp_path: Path) -> Iterator[LiveApp]:
    with running_app(tmp_path, LIAB_MAX_UPLOAD_MB='1', LIAB_MAX_VIDEO_MB='2') as live:
        yield live


def test_bodies_one_mb_over_each_upload_limit_get_413_and_leave_no_file(small_caps: LiveApp, browser: Browser) -> None:
    account = sign_up(small_caps, 'limits@example.com')
    routes = {path: LIMITS_MB[setting] for path, setting in UPLOAD_ROUTES.items()}
    page = browser.new_page()  # a real upload box: its route exists while the page is open
    nicegui_path = upload_route(page, small_caps.url)
    routes[nicegui_path] = NICEGUI_LIMIT_MB
    assert len(routes) == 7
    temp_before, media_before = listing(small_caps.tmp_dir), listing(small_caps.media_dir)
    for path, limit_mb in routes.items():
        # A real form with a file and the owner's token: past the guard, the route would read and store it.
        padding = b'\0' * ((limit_mb + 1) * MB)
        body, content_type = multipart('file', b'take.wav', b'RIFF' + padding, fields={'session_id': ''})
        headers = {'Authorization': f'Bearer {account.token}', 'Content-Type': content_type}
        for declared in (True, False):
            pieces = [body[start:start + CHUNK] for start in range(0, len(body), CHUNK)]
            answer = send_raw(small_caps.url, 'POST', path, body=pieces, chunked=not declared,
                              headers={**headers, 'Content-Length': str(len(body))} if declared else headers)
            how = 'Content-Length' if declared else 'chunked'
            if path == RECORD_PATH and not declared:
                # The recorder's route checks its one-time ticket before reading a byte: refused unread.
                assert (answer.status, answer.json()['error']) == (403, EXPIRED), answer
            else:
                assert answer.status == 413, (path, how, answer)
                assert answer.json() == {'ok': False,
                                         'error': f'That upload is too large: the limit here is {limit_mb} MB.'}
            assert answer.headers['x-content-type-options'] == 'nosniff'
            assert listing(small_caps.tmp_dir) == temp_before, (path, how)
            assert listing(small_caps.media_dir) == media_before, (path, how)
    with small_caps.client(account.token) as client:
        assert client.get('/api/projects').json()['projects'] == []  # no handler got as far as a project
        # Half the limit reaches each route, which then judges the file for what it is.
        under = client.post('/api/recordings/upload', files={'file': ('take.wav', b'RIFF' + b'\0' * (MB // 2))})
        assert under.status_code == 400
        assert under.json()['error'].startswith('That file is not audio we can use')
        body, content_type = multipart('file', b'take.wav', b'RIFF' + b'\0' * (MB // 2))
        box = client.post(nicegui_path, content=body, headers={'Content-Type': content_type})
        assert box.json() == {'upload': 'success'}
