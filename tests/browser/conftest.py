"""Real-browser fixtures: the app served by `python app.py` in a subprocess, and headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, sync_playwright

from tests.conftest import app_env, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = '/usr/bin/chromium'
STARTUP_TIMEOUT_S = 30
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
def live_app(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = app_env(LIAB_DATA_DIR=str(tmp_path / 'data'), LIAB_PORT=str(port), LIAB_HOST='127.0.0.1')
    log_path = tmp_path / 'app.log'
    with log_path.open('wb') as log:
        process = subprocess.Popen([sys.executable, 'app.py'], cwd=REPO_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(process, f'{base_url}/api/health', log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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



def _wait_until_healthy(process: subprocess.Popen[bytes], health_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f'the app exited with code {process.returncode} before it was healthy:\n{_tail(log_path)}')
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f'the app was not healthy at {health_url} within {STARTUP_TIMEOUT_S} s:\n{_tail(log_path)}')


def _tail(log_path: Path, lines: int = 40) -> str:
    text = log_path.read_text(encoding='utf-8', errors='replace') if log_path.exists() else '(no log)'
    return '\n'.join(text.splitlines()[-lines:])
