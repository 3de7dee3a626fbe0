"""`say(persona, text)`: every stage's guide line. It always shows as a caption; the voices issue adds speech."""

from __future__ import annotations

import logging
import time
import weakref

from nicegui import context, ui

from liab.workflow import STAGES

PERSONAS: tuple[str, ...] = tuple(stage.persona for stage in STAGES)
CAPTION_SECONDS = 6.0
_log = logging.getLogger('liab.voice')
_captions: weakref.WeakValueDictionary[str, VoiceCaption] = weakref.WeakValueDictionary()


class VoiceCaption(ui.row):
    """The caption area in the header: who is speaking and what they say, for a few seconds."""

    def __init__(self) -> None:
        super().__init__(wrap=False, align_items='center')
        self.classes('liab-caption').props('role=status aria-live=polite').mark('voice-caption')
        with self:
            self._persona_label = ui.label().classes('liab-caption__persona')
            self._text_label = ui.label().classes('liab-caption__text')
        self._hide_at = 0.0
        ui.timer(0.5, self._fade)
        self.set_visibility(False)
        _captions[self.client.id] = self

    def show(self, persona: str, text: str) -> None:
        self._persona_label.set_text(persona)
        self._text_label.set_text(text)
        self.set_visibility(True)
        self._hide_at = time.monotonic() + CAPTION_SECONDS

    def _fade(self) -> None:
        if self.visible and time.monotonic() >= self._hide_at:
            self.set_visibility(False)


def say(persona: str, text: str) -> str:
    """Show what `persona` says in this browser tab's caption; returns the caption text."""
    if persona not in PERSONAS:
        raise ValueError(f'unknown persona {persona!r}')
    caption = _captions.get(context.client.id)
    if caption is not None:
        with caption:
            caption.show(persona, text)
    _log.debug('say persona=%s text=%r', persona, text)
    return f'{persona}: {text}'
