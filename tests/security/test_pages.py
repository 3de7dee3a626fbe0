import io
import json
from urllib.parse import quote, urlsplit

import httpx
import numpy as np
import soundfile
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.security.conftest import PASSWORD, Account, LiveApp, bearer, open_page, sign_up

# The name also tries to end the script that carries the page's first elements, and to run a template literal in it.
PROJECT_NAME = '<img src=x onerror=alert(1)></script><script>alert(5)</script>`${alert(6)}`'
BEAT_FILE = '<svg onload=alert(2)>\u202egnp.wav'  # a file name holds no '/', so no closing tags here
BEAT_TITLE = '<svg onload=alert(2)>gnp.wav'  # shown without the right-to-left override
RELEASE_TITLE = '<script>alert(3)</script>'
RELEASE_ARTIST = 'javascript:alert(4)'
RTL_ARTIST = 'Ama\u202eenuL'
# Elements the titles would have made as markup. Run as script, they would have opened alert dialogs instead.
INJECTED = """() => [...document.querySelectorAll('img[src="x"], [onerror], [onload], a[href^="javascript:"]')]
    .map(element => element.outerHTML.slice(0, 120))"""
OPEN_REDIRECTS = ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(document.domain)',
                  '/\t/evil.example', '\\\\evil.example']


def test_hostile_titles_are_shown_as_text_and_written_to_files_as_text(server: LiveApp, browser: Browser) -> None:
    account = sign_up(server, 'titles@example.com')
    page = browser.new_page()
    dialogs: list[str] = []
    page.on('dialog', lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _log_in(page, server.url, account)
    _enter_hostile_titles(page)

    open_page(page, f'{server.url}/')  # everything again, as stored
    expect(page.get_by_label('Project name')).to_have_value(PROJECT_NAME)
    page.locator('[data-stage=beat]').click()
    expect(page.locator('.liab-stage-screen').get_by_text(BEAT_TITLE, exact=True)).to_be_visible()
    page.keyboard.press('Escape')
    page.locator('[data-stage=release]').click()
    expect(page.get_by_label('Track title')).to_have_value(RELEASE_TITLE)
    expect(page.get_by_label('Artist', exact=True)).to_have_value(RELEASE_ARTIST)
    page.keyboard.press('Escape')
    page.locator('.liab-avatar').click()
    page.get_by_text('Manage projects').click()
    expect(page.locator('.liab-projects').get_by_text(PROJECT_NAME, exact=True)).to_be_visible()
    page.wait_for_timeout(500)  # an injected onerror or onload would have fired by now
    assert page.evaluate(INJECTED) == []
    assert dialogs == []

    with server.client(account.token) as client:
        project_id = client.get('/api/projects').json()['projects'][0]['projectId']
        too_long = client.post('/api/projects/save', json={'projectId': project_id, 'name': 'W' * 5000})
        assert too_long.status_code == 400 and too_long.json()['error'].startswith('name: ')
        rtl = client.post('/api/release/metadata', json=_details(project_id, artist_name=RTL_ARTIST))
        assert rtl.json()['error'] == 'Artist: remove the invisible or control character U+202E.', rtl.text
        made = client.post('/api/release/metadata', json=_details(project_id))
        assert made.status_code == 200, made.text
        stored = json.loads(client.get(made.json()['data']['metadata_url']).content)
        assert (stored['title'], stored['artist']) == (RELEASE_TITLE, RELEASE_ARTIST)
        pdf = client.post('/api/release/lyrics', json={'session_id': project_id, 'title': PROJECT_NAME,
                                                       'artist': RELEASE_TITLE, 'lyrics': f'{BEAT_TITLE}\n<b>x</b>'})
        assert pdf.status_code == 200, pdf.text
        reader = PdfReader(io.BytesIO(client.get(pdf.json()['data']['pdf_url']).content))
    text = '\n'.join(sheet.extract_text() for sheet in reader.pages)
    for literal in (PROJECT_NAME, RELEASE_TITLE, BEAT_TITLE, '<b>x</b>'):
        assert literal in text, literal
    assert reader.metadata.title == f'{PROJECT_NAME} - lyrics' and reader.metadata.author == RELEASE_TITLE


def test_log_in_never_sends_the_browser_to_another_site(server: LiveApp, browser: Browser) -> None:
    account = sign_up(server, 'redirect@example.com')
    requested: list[str] = []
    dialogs: list[str] = []
    with browser.new_context() as context:
        page = _watched(context.new_page(), requested, dialogs)
        for target in OPEN_REDIRECTS:
            context.clear_cookies()  # a new browser session, logged out (the page assets stay cached)
            _log_in(page, server.url, account, next_target=target)
            _assert_home(page, server.url, target)
        for target in OPEN_REDIRECTS:  # logged in already: the log-in page sends the browser on at once
            page.goto(f'{server.url}/login?next={quote(target, safe="")}')
            page.wait_for_url(f'{server.url}/')
            page.wait_for_function('window.did_handshake === true')
            _assert_home(page, server.url, target)
    assert not [url for url in requested if urlsplit(url).hostname != '127.0.0.1']
    assert dialogs == []


def test_session_cookies_are_http_only_and_same_site(server: LiveApp, browser: Browser) -> None:
    account = sign_up(server, 'cookies@example.com')
    set_cookies = []
    with httpx.Client(base_url=server.url) as client:
        for method, url, body in [('GET', '/', None), ('GET', '/login', None),
                                  ('POST', '/api/auth/login', {'email': account.email, 'password': PASSWORD}),
                                  ('GET', '/api/auth/me', None)]:
            response = client.request(method, url, json=body, headers=bearer(account.token))
            assert response.status_code == 200, url
            set_cookies += response.headers.get_list('set-cookie')
    assert set_cookies, 'the pages set the NiceGUI session cookie'
    for cookie in set_cookies:
        attributes = {part.strip().split('=')[0].lower(): part.strip() for part in cookie.split(';')[1:]}
        assert 'httponly' in attributes, cookie
        assert attributes.get('samesite', '').lower() in ('samesite=lax', 'samesite=strict'), cookie

    page = browser.new_page()
    _log_in(page, server.url, account)
    page.locator('.liab-avatar').click()  # the account menu: its page is drawn for the logged-in user
    cookies = page.context.cookies()
    assert {cookie['name'] for cookie in cookies} >= {'session'}
    for cookie in cookies:
        assert cookie['httpOnly'] is True, cookie['name']
        assert cookie['sameSite'] in ('Lax', 'Strict'), cookie['name']
    assert page.evaluate('document.cookie') == ''  # nothing a script on the page could read


def _log_in(page: Page, base_url: str, account: Account, next_target: str | None = None) -> None:
    query = f'?next={quote(next_target, safe="")}' if next_target is not None else ''
    open_page(page, f'{base_url}/login{query}')
    page.get_by_label('E-mail').first.fill(account.email)
    page.get_by_label('Password', exact=True).fill(PASSWORD)
    page.get_by_role('button', name='Log in').click()
    page.wait_for_url(f'{base_url}/')
    page.wait_for_function('window.did_handshake === true')


def _enter_hostile_titles(page: Page) -> None:
    """The project name, an uploaded beat's title (its file name) and the release title, as an artist sets them."""
    name = page.get_by_label('Project name')
    name.fill(PROJECT_NAME)
    name.press('Enter')
    expect(page.get_by_text('Project renamed.')).to_be_visible()
    page.locator('[data-stage=beat]').click()
    page.locator('.q-uploader input[type=file]').first.set_input_files(
        files=[{'name': BEAT_FILE, 'mimeType': 'audio/wav', 'buffer': _tone(3.0)}])
    expect(page.get_by_text(f'"{BEAT_TITLE}" is your beat now.')).to_be_visible(timeout=60_000)
    page.keyboard.press('Escape')
    page.locator('[data-stage=release]').click()
    page.get_by_label('Track title').fill(RELEASE_TITLE)
    page.get_by_label('Artist', exact=True).fill(RTL_ARTIST)
    page.get_by_role('button', name='Save details').click()
    expect(page.get_by_text('Artist: remove the invisible or control character U+202E.')).to_be_visible()
    page.get_by_label('Artist', exact=True).fill(RELEASE_ARTIST)
    page.get_by_role('button', name='Save details').click()
    expect(page.get_by_text('Release details saved.')).to_be_visible()


def _watched(page: Page, requested: list[str], dialogs: list[str]) -> Page:
    page.on('request', lambda request: requested.append(request.url))
    page.on('dialog', lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


def _assert_home(page: Page, base_url: str, target: str) -> None:
    assert page.url == f'{base_url}/', (target, page.url)
    expect(page.locator('.liab-timeline')).to_be_visible()
    assert page.evaluate('location.origin') == base_url, target


def _details(project_id: str, **overrides: str) -> dict[str, str]:
    return {'session_id': project_id, 'track_title': RELEASE_TITLE, 'artist_name': RELEASE_ARTIST,
            'genre': 'hip hop', 'release_date': '2026-12-04', **overrides}


def _tone(seconds: float) -> bytes:
    rate = 44100
    wave = 0.4 * np.sin(2 * np.pi * 110 * np.arange(int(rate * seconds)) / rate)
    buffer = io.BytesIO()
    soundfile.write(buffer, wave.astype(np.float32), rate, subtype='PCM_16', format='WAV')
    return buffer.getvalue()
