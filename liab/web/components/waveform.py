"""WaveformPlayer: an audio player drawn as the track's waveform (peaks from the /peaks route), seekable by click.

The browser streams the audio itself (Range requests on /media) and draws precomputed peaks: it never decodes the
whole file. See waveform.js beside this file.
"""

from __future__ import annotations

from typing import Any, Self

from nicegui import events, ui

from liab import media
from liab.web.api import peaks as peaks_api


class WaveformPlayer(ui.element, component='waveform.js'):
    def __init__(self, src: str, peaks: str, title: str = '') -> None:
        """A player for the audio at URL `src`, drawing the peaks file at URL `peaks`; `title` is shown as text.

        Emits 'play', 'pause' and 'ended' (args: {'time': seconds}); subscribe with on_play() etc. or .on().
        """
        super().__init__()
        self._props['src'] = src
        self._props['peaks'] = peaks
        self._props['title'] = title

    @classmethod
    def for_media(cls, project_id: str, relpath: str, title: str = '') -> WaveformPlayer:
        """A player for a project's audio file, e.g. `WaveformPlayer.for_media(project.id, 'beat/beat.mp3')`."""
        return cls(media.url(project_id, relpath), peaks_api.url(project_id, relpath), title)

    @property
    def src(self) -> str:
        return self._props['src']

    @property
    def title(self) -> str:
        return self._props['title']

    def set_source(self, src: str, peaks: str, title: str = '') -> None:
        """Play another file: the browser stops the current one, loads the new peaks and resets the playhead."""
        self._props['src'] = src
        self._props['peaks'] = peaks
        self._props['title'] = title
        self.update()

    def set_volume(self, volume: float) -> None:
        """0..1: the level the browser plays at (used to compare files at equal loudness)."""
        self._props['volume'] = max(0.0, min(1.0, float(volume)))
        self.update()

    def play(self) -> None:
        self.run_method('play')

    def pause(self) -> None:
        self.run_method('pause')

    def seek(self, seconds: float) -> None:
        self.run_method('seek', seconds)

    def on_play(self, handler: events.Handler[events.GenericEventArguments]) -> Self:
        return self._on('play', handler)

    def on_pause(self, handler: events.Handler[events.GenericEventArguments]) -> Self:
        return self._on('pause', handler)

    def on_ended(self, handler: events.Handler[events.GenericEventArguments]) -> Self:
        return self._on('ended', handler)

    def _on(self, event: str, handler: Any) -> Self:
        return self.on(event, handler, args=['time'])
