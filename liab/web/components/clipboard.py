"""Copy to the clipboard from a button, with feedback that says whether it worked."""

from __future__ import annotations

import json

from nicegui import ui


async def copy_text(text: str, what: str) -> None:
    """Copy with the Clipboard API, or the older selection way on plain-HTTP self-hosted addresses, and say which."""
    try:
        copied = await ui.run_javascript(_COPY_JS % json.dumps(text), timeout=3)
    except TimeoutError:
        copied = False
    if copied:
        ui.notify(f'{what} copied to the clipboard.', type='positive', timeout=1500)
    else:
        ui.notify('This browser would not let us copy. Select the text and press Ctrl+C instead.', type='warning')


_COPY_JS = """
const text = %s;
if (navigator.clipboard && window.isSecureContext) {
  try { await navigator.clipboard.writeText(text); return true; } catch (error) {}
}
const area = Object.assign(document.createElement('textarea'), {value: text, readOnly: true});
area.style.position = 'fixed'; area.style.opacity = '0';
document.body.appendChild(area); area.select();
let done = false;
try { done = document.execCommand('copy'); } catch (error) {}
area.remove();
return done;
"""
