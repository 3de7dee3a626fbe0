"""Recorder: records a vocal take in the browser over the project's beat, and sends it to the server on Keep.

The browser does the audio work (recorder.js beside this file): microphone permission, an input level meter, a
count-in, the beat in the headphones from the count-in's end, raw PCM capture (AudioWorklet, or ScriptProcessor
where there is none) with echo cancellation, noise suppression and auto gain off, a WAV made in the page, listen
back, Keep or Discard. On Keep the server hands the page a one-time ticket for its project (see
liab/web/api/recordings.py) and the page posts the WAV with it; the server checks it like any upload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from liab.web.api import recordings as recordings_api

NO_BEAT_BPM = 90  # the count-in without a beat: four clicks at 90 BPM
WAV_HEADER_MARGIN = 64 * 1024  # room for the WAV header and the multipart wrapping under the body cap


class Recorder(ui.element, component='recorder.js'):
    def __init__(self, *, bpm: float | None, beat_src: str | None, max_bytes: int,
                 on_keep: Callable[[], Awaitable[str | None]],
                 on_stored: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        """`bpm` and `beat_src` (a media URL) are the project's beat, or None; `max_bytes` caps one take's WAV.

        `on_keep()` returns a ticket for the page's upload (or None to cancel: it has shown why); `on_stored(take)`
        runs once the server stored it. A refusal is shown in the recorder and by a notification.
        """
        super().__init__()
        self._props['bpm'] = float(bpm) if bpm else None
        self._props['beatSrc'] = beat_src
        self._props['countInBpm'] = float(bpm) if bpm else NO_BEAT_BPM
        self._props['maxBytes'] = max(0, int(max_bytes) - WAV_HEADER_MARGIN)
        self._props['uploadUrl'] = recordings_api.RECORD_PATH
        self._props['ticket'] = ''
        self._on_keep = on_keep
        self._on_stored = on_stored
        self.on('keep', self._keep, args=['seconds', 'latency_ms'])
        self.on('stored', self._stored, args=['take'])
        self.on('failed', self._failed, args=['error'])

    async def _keep(self) -> None:
        ticket = await self._on_keep()
        if ticket is None:
            self.run_method('cancelSend')
        else:
            self._props['ticket'] = ticket  # the page sends the take as soon as it sees a new ticket
            self.update()

    async def _stored(self, event: Any) -> None:
        take = event.args.get('take') if isinstance(event.args, dict) else None
        await self._on_stored(take if isinstance(take, dict) else {})

    @staticmethod
    def _failed(event: Any) -> None:
        error = event.args.get('error') if isinstance(event.args, dict) else None
        ui.notify(str(error or 'The recording could not be saved.')[:300], type='negative')
