from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Locator, Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import BrowserPage

ARTIFACTS = Path(__file__).resolve().parents[1] / 'artifacts'
STAGE_IDS = ['beat', 'lyrics', 'upload', 'mix', 'release', 'content', 'analytics']
PHONE_WIDTH = 390
OVERFLOWING_JS = """width => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width)
    .slice(0, 20)
    .map(el => `${el.tagName.toLowerCase()}.${el.classList.value} right=${el.getBoundingClientRect().right}`)
"""


def test_timeline_loads_opens_a_stage_and_logs_no_errors(live_app: str, browser_page: BrowserPage) -> None:
    page = browser_page.page
    _open_home(page, live_app)

    stages = page.locator('button.liab-stage')
    expect(stages).to_have_count(7)
    assert [stages.nth(i).get_attribute('data-stage') for i in range(7)] == STAGE_IDS
    expect(page.get_by_text('0 of 7 stages done')).to_be_visible()
    page.screenshot(path=_artifact('shell-home.png'))

    page.locator('[data-stage=lyrics]').click()
    screen = page.locator('.liab-stage-screen')
    expect(screen).to_be_visible()
    expect(screen.get_by_text('Lyrics', exact=True)).to_be_visible()
    expect(screen.get_by_text('with Lyrica')).to_be_visible()
    expect(page.locator('button.liab-stage[data-stage=lyrics]')).to_have_class(_has_word('is-active'))
    _wait_for_animations(screen)
    page.screenshot(path=_artifact('shell-lyrics.png'))

    page.keyboard.press('Escape')  # the keyboard way back to the timeline
    expect(screen).to_be_hidden()
    expect(page.locator('button.liab-stage.is-active')).to_have_count(0)

    assert not browser_page.errors, 'console errors:\n' + '\n'.join(browser_page.errors)


def test_timeline_stays_usable_at_phone_width(live_app: str, browser_page: BrowserPage) -> None:
    page = browser_page.page
    page.set_viewport_size({'width': PHONE_WIDTH, 'height': 844})
    _open_home(page, live_app)
    for stage_id in STAGE_IDS:  # the timeline turns vertical: no stage is off to the side
        box = page.locator(f'[data-stage={stage_id}]').bounding_box()
        assert box is not None and 0 <= box['x'] and box['x'] + box['width'] <= PHONE_WIDTH, (stage_id, box)
    page.screenshot(path=_artifact('shell-phone-home.png'))

    analytics = page.locator('[data-stage=analytics]')
    analytics.scroll_into_view_if_needed()
    analytics.click()
    screen = page.locator('.liab-stage-screen')
    expect(screen).to_be_visible()
    expect(screen.get_by_text('Analytics', exact=True)).to_be_visible()
    _wait_for_animations(screen)
    page.screenshot(path=_artifact('shell-phone.png'))

    scroll_width = page.evaluate('document.documentElement.scrollWidth')
    assert scroll_width <= PHONE_WIDTH + 1, f'page is {scroll_width}px wide; overflowing: {_overflowing(page)}'


def _open_home(page: Page, base_url: str) -> None:
    page.goto(f'{base_url}/')
    expect(page.locator('.liab-timeline')).to_be_visible()
    # Clicks only reach the server once the NiceGUI socket handshake is done.
    page.wait_for_function('window.did_handshake === true')


def _wait_for_animations(locator: Locator) -> None:
    # The stage screen fades in; a screenshot taken mid-fade shows the timeline through it.
    locator.evaluate('el => Promise.all(el.getAnimations().map(animation => animation.finished))')


def _artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / name)


def _has_word(word: str) -> re.Pattern[str]:
    return re.compile(rf'(^|\s){re.escape(word)}(\s|$)')


def _overflowing(page: Page) -> list[str]:
    return page.evaluate(OVERFLOWING_JS, PHONE_WIDTH + 1)
