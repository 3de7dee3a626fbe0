"""Real-browser fixtures: headless Debian Chromium (the app in a subprocess is `live_app` in tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
]


@dataclass
class BrowserPage:
    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope='session')
def chromium_path() -> str:
    path = _find_chromium()
    if path is None and _can_apt_install():
        _apt_install_chromium()
        path = _find_chromium()
    if path is None:
        reason = (f'Chromium not found (looked for `chromium` on PATH and {DEBIAN_CHROMIUM}); '
                  'install it with `apt-get install chromium fonts-noto-color-emoji`')
        if os.environ.get('CI'):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
def browser_page(chromium_path: str) -> Iterator[BrowserPage]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={'width': 1280, 'height': 800})
            result = BrowserPage(page)

            def on_console(message: ConsoleMessage) -> None:
                if message.type == 'error':
                    result.errors.append(f'console: {message.text} ({message.location.get("url", "")})')

            def on_page_error(error: Error) -> None:
                result.errors.append(f'pageerror: {error.message}')

            page.on('console', on_console)
            page.on('pageerror', on_page_error)
            yield result
        finally:
            browser.close()


def _find_chromium() -> str | None:
    found = shutil.which('chromium')
    if found:
        return found
    return DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None


def _can_apt_install() -> bool:
    return hasattr(os, 'geteuid') and os.geteuid() == 0 and shutil.which('apt-get') is not None


def _apt_install_chromium() -> None:
    env = {**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'}
    subprocess.run(['apt-get', 'update', '-qq'], env=env, check=False)
    subprocess.run(['apt-get', 'install', '-y', '-qq', 'chromium', 'fonts-noto-color-emoji'], env=env, check=False)
