"""Leaving the app for another site (Stripe Checkout and the billing portal)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from nicegui import ui


def leave_for(url: str) -> None:
    """Send this tab to `url`, which must be an http(s) address; the URL reaches the page JSON-escaped."""
    if urlsplit(url).scheme not in {'https', 'http'}:
        raise ValueError(f'refusing to navigate to {url!r}')
    ui.run_javascript('window.location.assign(' + json.dumps(url) + ')')
