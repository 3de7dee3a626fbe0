from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[1] / 'artifacts'
# Chromium's fake microphone (a beep every second) and no permission prompt; audio may start without a gesture.
MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
              '--autoplay-policy=no-user-gesture-required']
RECORD_S = 3.0
STOP_AT_JS = """seconds => {
    const clock = document.querySelector('.liab-rec.is-recording .liab-rec__clock');
    if (!clock || parseFloat(clock.textContent.split(':')[1]) < seconds) return false;
    [...document.querySelectorAll('.liab-rec button')].find(b => b.textContent.trim() === 'Stop').click();
    return true;
}"""
WAV_FACTS_JS = """async src => {
    const buffer = await (await fetch(src, {credentials: 'same-origin'})).arrayBuffer();
    const view = new DataView(buffer);
    return {channels: view.getUint16(22, true), rate: view.getUint32(24, true), bits: view.getUint16(34, true),
            bytes: buffer.byteLength};
}"""


@pytest.fixture
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                              args=[*CHROMIUM_ARGS, *MEDIA_ARGS])
        try:
            yield launched
        finally:
            launched.close()


def test_a_take_recorded_with_the_fake_microphone_is_stored_at_its_length(live_app: str, browser: Browser) -> None:
    page, errors = _page(browser)
    _open_upload_stage(page, live_app)
    recorder = page.locator('.liab-rec')
    expect(recorder.get_by_text('Record a take here')).to_be_visible()
    expect(recorder.get_by_text('Wear headphones so the beat does not bleed into your vocal.')).to_be_visible()

    recorder.get_by_role('button', name='Turn on microphone').click()
    expect(recorder.get_by_text('Microphone on: check your level')).to_be_visible(timeout=10_000)
    expect(recorder.get_by_text('There is no beat yet, so Record counts in with 4 clicks at 90 BPM.')).to_be_visible()
    expect(recorder.locator('.liab-rec__level')).to_have_text(re.compile(r'^-?\d+ dB$'), timeout=5_000)

    recorder.get_by_role('button', name='Record').click()
    expect(recorder.locator('.liab-rec__count')).to_be_visible()
    expect(recorder.get_by_text('Recording', exact=True)).to_be_visible(timeout=6_000)  # after 4 clicks at 90 BPM
    # Stop from the page as soon as its clock (the audio clock) says 3 s: a loaded machine may delay a mouse click.
    page.wait_for_function(STOP_AT_JS, arg=RECORD_S, polling=20, timeout=20_000)
    expect(recorder.get_by_text('Listen back, then keep or discard')).to_be_visible(timeout=5_000)
    hint = recorder.locator('.liab-rec__hint').inner_text()
    seconds = float(re.match(r'([\d.]+) s recorded', hint).group(1))
    assert RECORD_S <= seconds <= RECORD_S + 0.4, hint  # tenths, rounded
    expect(recorder.locator('audio')).to_be_visible()
    page.screenshot(path=_artifact('recorder-review.png'))

    recorder.get_by_role('button', name='Keep').click()
    take = page.locator('.liab-take')
    expect(take).to_have_count(1, timeout=20_000)
    expect(page.locator('.liab-caption')).to_contain_text('Upload complete')
    expect(take.get_by_text('Recorded in the browser')).to_be_visible()
    expect(take.get_by_text('Lead vocal')).to_be_visible()
    expect(take.locator('.liab-take__name input')).to_have_value('Take 1')
    length = take.locator('.liab-fact__value').first.inner_text()
    minutes, secs = length.split(':')
    assert abs(60 * int(minutes) + float(secs) - seconds) <= 0.15, (length, seconds)
    expect(take.get_by_text(re.compile(r'^\d+(\.\d)? ms$'))).to_be_visible()  # the latency noted for the mix
    src = take.locator('audio').get_attribute('src')
    wav = page.evaluate(WAV_FACTS_JS, src)
    stored_s = (wav['bytes'] - 44) / (wav['rate'] * wav['channels'] * wav['bits'] / 8)
    assert (wav['channels'], wav['bits']) == (1, 24)
    assert abs(stored_s - seconds) <= 0.06 and RECORD_S - 0.05 <= stored_s <= RECORD_S + 0.4, (stored_s, seconds)
    expect(recorder.get_by_text('Microphone on: check your level')).to_be_visible()
    page.screenshot(path=_artifact('recorder-kept.png'), full_page=True)

    recorder.get_by_role('button', name='Record').click()
    expect(recorder.get_by_text('Recording', exact=True)).to_be_visible(timeout=6_000)
    page.wait_for_timeout(500)
    recorder.get_by_role('button', name='Stop').click()
    recorder.get_by_role('button', name='Discard').click()
    expect(recorder.get_by_text('Microphone on: check your level')).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.locator('.liab-take')).to_have_count(1)
    assert not errors, 'console errors:\n' + '\n'.join(errors)


def test_a_refused_microphone_is_explained(live_app: str, browser: Browser) -> None:
    page, _errors = _page(browser)
    page.add_init_script("""navigator.mediaDevices.getUserMedia =
        () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));""")
    _open_upload_stage(page, live_app)
    recorder = page.locator('.liab-rec')

    recorder.get_by_role('button', name='Turn on microphone').click()

    expect(recorder.get_by_role('alert')).to_contain_text('Microphone access was refused.')
    expect(recorder.get_by_text('The microphone is not available')).to_be_visible()
    expect(recorder.get_by_role('button', name='Turn on microphone')).to_be_enabled()


def _page(browser: Browser) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == 'error':
            errors.append(f'console: {message.text}')

    page.on('console', on_console)
    page.on('pageerror', lambda error: errors.append(f'pageerror: {error.message}'))
    return page, errors


def _open_upload_stage(page: Page, base_url: str) -> None:
    page.goto(f'{base_url}/')
    expect(page.locator('.liab-timeline')).to_be_visible()
    page.wait_for_function('window.did_handshake === true')
    page.locator('[data-stage=upload]').click()
    expect(page.locator('.liab-stage-screen').get_by_text('with Nova')).to_be_visible()


def _artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / name)
