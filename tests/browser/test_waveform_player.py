from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import numpy as np
import pytest
import soundfile
from playwright.sync_api import Page, Response, expect

from liab.audio.peaks import ensure_peaks
from tests.browser.conftest import REPO_ROOT
from tests.conftest import app_env, free_port, serving

if TYPE_CHECKING:
    from tests.browser.conftest import BrowserPage

ARTIFACTS = Path(__file__).resolve().parents[1] / 'artifacts'
PLAYER_APP = Path(__file__).resolve().parent / 'player_app.py'
RATE = 44100
MINUTES = 10
AUDIO = 'document.querySelector(".liab-wave audio")'
# Columns of the canvas whose painted pixels reach more than `band` px from the middle: bars, not a flat line.
TALL_COLUMNS_JS = """band => {
    const canvas = document.querySelector('.liab-wave__canvas');
    if (!canvas || canvas.width < 10) return 0;
    const {width, height} = canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let tall = 0;
    for (let x = 0; x < width; x++) {
        for (let y = 0; y < height / 2 - band; y++) {
            if (pixels[4 * (y * width + x) + 3] > 0) { tall++; break; }
        }
    }
    return tall;
}"""


@pytest.fixture(scope='module')
def long_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten minutes of 44.1 kHz 16-bit stereo (about 106 MB): a quiet 220 Hz tone that swells and fades."""
    path = tmp_path_factory.mktemp('player-media') / 'long.wav'
    second = np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE).astype(np.float32)  # whole cycles: tiles seamlessly
    steps = np.arange(MINUTES * 60 * 20) / 20
    envelope = (0.3 + 0.22 * np.sin(2 * np.pi * steps / 41) * np.sin(2 * np.pi * steps / 6.1)).astype(np.float32)
    tone = np.tile(second, MINUTES * 60) * np.repeat(envelope, RATE // 20)
    soundfile.write(path, np.stack([tone, 0.8 * tone], axis=1), RATE, subtype='PCM_16')
    short = np.tile(second, 5) * np.linspace(0.9, 0.1, 5 * RATE, dtype=np.float32)  # the 'Second track' button
    soundfile.write(path.with_name('short.wav'), short, RATE, subtype='PCM_16')
    started = time.perf_counter()
    ensure_peaks(path)
    print(f'peaks of {MINUTES} min 44.1 kHz stereo WAV: {time.perf_counter() - started:.2f} s')
    return path


@pytest.fixture
def player_app(long_wav: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = app_env(PLAYER_MEDIA_DIR=str(long_wav.parent), PLAYER_FILE=long_wav.name, PLAYER_PORT=str(port),
                  PYTHONPATH=str(REPO_ROOT))
    with serving([sys.executable, str(PLAYER_APP)], cwd=tmp_path, env=env, ready_url=f'{base_url}/test/sent',
                 log_path=tmp_path / 'player.log'):
        yield base_url


def test_player_draws_streams_plays_and_seeks_a_ten_minute_track(
        player_app: str, long_wav: Path, browser_page: BrowserPage) -> None:
    page = browser_page.page
    audio_size = long_wav.stat().st_size
    peaks_sizes: list[int] = []
    audio_ranges: list[str | None] = []
    page.on('response', lambda response: _note_peaks(response, peaks_sizes))
    page.on('request', lambda request: audio_ranges.append(request.headers.get('range'))
            if '/testmedia/' in request.url else None)

    page.goto(f'{player_app}/')
    page.wait_for_function(TALL_COLUMNS_JS, arg=8, timeout=1000)  # drawn within a second of load
    assert peaks_sizes == [MINUTES * 60 * 20 * 2 + 16], peaks_sizes  # 24 kB for ten minutes
    expect(page.locator('.liab-wave__duration')).to_have_text('10:00')
    player = page.locator('.liab-wave')
    expect(player.locator('.liab-wave__title')).to_have_text('Night Drive <b>demo</b> & "friends"')
    expect(player.locator('b')).to_have_count(0)
    page.wait_for_function('window.did_handshake === true')

    page.get_by_role('button', name='Play').click()
    page.wait_for_function(f'!{AUDIO}.paused && {AUDIO}.currentTime > 0', timeout=1000)
    sent = httpx.get(f'{player_app}/test/sent').json()['bytes']
    assert sent < audio_size / 2, f'{sent} of {audio_size} bytes sent before playing: not streamed'
    assert audio_ranges and all(audio_ranges), audio_ranges  # every audio request asked for a range
    expect(page.locator('.liab-wave__current')).to_have_text('0:01', timeout=3000)
    expect(page.locator('.test-events')).to_have_text('events: play')
    expect(page.get_by_role('button', name='Pause')).to_be_visible()

    box = page.locator('.liab-wave__canvas').bounding_box()
    assert box is not None
    page.mouse.click(box['x'] + box['width'] / 2, box['y'] + box['height'] / 2)
    page.wait_for_function(f'Math.abs({AUDIO}.currentTime - 300) < 5 && !{AUDIO}.paused', timeout=2000)
    expect(page.locator('.liab-wave__current')).to_have_text(re.compile(r'^(4:5\d|5:0\d)$'))
    starts = [int(match.group(1)) for match in map(re.compile(r'bytes=(\d+)-').match, filter(None, audio_ranges))
              if match]
    assert any(start > audio_size / 3 for start in starts), audio_ranges  # the seek fetched from the middle

    page.mouse.move(box['x'] + box['width'] * 0.72, box['y'] + 8)  # the hover line, for the screenshot
    player.screenshot(path=_artifact('waveform-player-only.png'))
    page.screenshot(path=_artifact('waveform-player.png'))

    before = page.evaluate(f'{AUDIO}.currentTime')
    player.focus()
    page.keyboard.press('ArrowRight')
    assert page.evaluate(f'{AUDIO}.currentTime') >= before + 4.5
    page.keyboard.press('Space')
    page.wait_for_function(f'{AUDIO}.paused', timeout=1000)
    expect(page.get_by_role('button', name='Play')).to_be_visible()
    expect(page.locator('.test-events')).to_have_text('events: play pause')

    assert not browser_page.errors, 'console errors:\n' + '\n'.join(browser_page.errors)


def test_player_without_peaks_draws_a_flat_line_and_still_plays(player_app: str, browser_page: BrowserPage) -> None:
    page = browser_page.page
    page.goto(f'{player_app}/broken')
    page.wait_for_selector('.liab-wave:not(.is-loading) .liab-wave__canvas')
    expect(page.locator('.liab-wave__duration')).to_have_text('10:00')  # from the audio's own metadata
    assert page.evaluate(TALL_COLUMNS_JS, 3) == 0
    page.wait_for_function('window.did_handshake === true')

    page.get_by_role('button', name='Play').click()
    page.wait_for_function(f'!{AUDIO}.paused && {AUDIO}.currentTime > 0', timeout=1000)
    page.locator('.liab-wave').screenshot(path=_artifact('waveform-player-flat.png'))

    unexpected = [error for error in browser_page.errors if '/testpeaks/missing.wav' not in error]
    assert not unexpected, 'console errors:\n' + '\n'.join(unexpected)


def test_python_seeks_and_switches_the_source(player_app: str, browser_page: BrowserPage) -> None:
    page = browser_page.page
    page.goto(f'{player_app}/')
    page.wait_for_function(TALL_COLUMNS_JS, arg=8)
    page.wait_for_function('window.did_handshake === true')

    page.get_by_role('button', name='Jump to 1:00').click()
    expect(page.locator('.liab-wave__current')).to_have_text('1:00')
    assert page.evaluate(f'{AUDIO}.currentTime') == pytest.approx(60, abs=0.5)

    page.get_by_role('button', name='Second track').click()
    expect(page.locator('.liab-wave__title')).to_have_text('Second <i>take</i>')
    expect(page.locator('.liab-wave__duration')).to_have_text('0:05')
    expect(page.locator('.liab-wave__current')).to_have_text('0:00')
    page.wait_for_function(TALL_COLUMNS_JS, arg=20)  # the new, louder waveform
    assert page.evaluate(f'{AUDIO}.src').endswith('/testmedia/short.wav')
    page.get_by_role('button', name='Play').click()
    page.wait_for_function(f'!{AUDIO}.paused && {AUDIO}.currentTime > 0', timeout=1000)
    assert not browser_page.errors, 'console errors:\n' + '\n'.join(browser_page.errors)


def test_player_fits_a_phone_screen(player_app: str, browser_page: BrowserPage) -> None:
    page = browser_page.page
    page.set_viewport_size({'width': 390, 'height': 844})
    page.goto(f'{player_app}/')
    page.wait_for_function(TALL_COLUMNS_JS, arg=8)
    box = page.locator('.liab-wave').bounding_box()
    assert box is not None and box['x'] >= 0 and box['x'] + box['width'] <= 390, box
    assert page.evaluate('document.documentElement.scrollWidth') <= 391
    _assert_not_clipped(page, '.liab-wave__time')
    page.screenshot(path=_artifact('waveform-player-phone.png'))
    assert not browser_page.errors, 'console errors:\n' + '\n'.join(browser_page.errors)


def _note_peaks(response: Response, sizes: list[int]) -> None:
    if '/testpeaks/' in response.url:
        sizes.append(len(response.body()))


def _assert_not_clipped(page: Page, selector: str) -> None:
    scroll, client = page.locator(selector).evaluate('el => [el.scrollWidth, el.clientWidth]')
    assert scroll <= client, f'{selector} is clipped: {scroll} > {client}'


def _artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / name)
