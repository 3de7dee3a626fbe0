"""`say(persona, text)`: every stage's guide line, shown as a caption and, once the listener turns voice on, spoken.

The caption always shows (for everyone who cannot or will not listen). Speech is off until the listener turns it
on in the header's voice control; that choice, the volume and a persona override are kept on the account for a
logged-in user and in this browser's storage otherwise. With an override the caption says 'Nova (as Echo)': Nova's
line in Echo's voice. Clips are made off the event loop (liab.services.voice) and played by the one <audio>
element of this tab (static/voice.js); a newer line replaces an older one, and a line repeated within 10 seconds is
not played again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from nicegui import app, background_tasks, context, run, ui
from nicegui.events import GenericEventArguments

from liab.errors import LiabError
from liab.services import voice
from liab.services.voice import PERSONAS, VoicePrefs
from liab.web.bridge import as_user
from liab.web.timeline import toggle_class
from liab.web.visitor import TOKEN

__all__ = ['PERSONAS', 'VoiceCaption', 'VoiceControl', 'VoicePlayer', 'say']

CAPTION_SECONDS = 6.0
STORAGE_KEY = 'voice'  # app.storage.user[STORAGE_KEY]: a visitor's voice settings (VoicePrefs.to_json())
SAVE_AFTER_S = 0.4  # a volume drag saves once, when it settles
_VOICE_JS = Path(__file__).resolve().parents[2] / 'static' / 'voice.js'
_ENGINES = {'gtts': 'Speaking with Google\u2019s voices.', 'espeak': 'Speaking with the offline voice (eSpeak NG).'}
_log = logging.getLogger('liab.voice')
_captions: weakref.WeakValueDictionary[str, VoiceCaption] = weakref.WeakValueDictionary()
_controls: weakref.WeakValueDictionary[str, VoiceControl] = weakref.WeakValueDictionary()


def say(persona: str, text: str) -> str:
    """Show what `persona` says in this browser tab's caption, and speak it if voice is on; returns the caption."""
    if persona not in PERSONAS:
        raise ValueError(f'unknown persona {persona!r}')
    try:
        client_id = context.client.id
    except RuntimeError:  # called after the element it was called from was removed (a closed stage): no caption
        return f'{persona}: {text}'
    control = _controls.get(client_id)
    speaker = control.speaker_for(persona) if control is not None else None
    shown = persona if speaker in {None, persona} else f'{persona} (as {speaker})'
    caption = _captions.get(client_id)
    if caption is not None:
        with caption:
            caption.show(shown, text)
    if control is not None and speaker is not None:
        control.speak(speaker, text)
    _log.debug('say persona=%s voice=%s text=%r', persona, speaker, text)
    return f'{persona}: {text}'


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


class VoicePlayer(ui.element, component=_VOICE_JS):
    """This tab's one <audio> element. Emits 'speaking' ({speaking, blocked}) as playback starts and stops."""

    def __init__(self, volume: float = 0.8) -> None:
        super().__init__()
        self._props['src'] = ''
        self._props['nonce'] = 0
        self._props['volume'] = volume

    @property
    def src(self) -> str:
        return self._props['src']

    @property
    def volume(self) -> float:
        return self._props['volume']

    def play(self, url: str) -> None:
        self._props['src'] = url
        self._props['nonce'] += 1
        self.update()

    def stop(self) -> None:
        self._props['src'] = ''
        self._props['nonce'] += 1
        self.update()

    def set_volume(self, volume: float) -> None:
        self._props['volume'] = max(0.0, min(1.0, float(volume)))
        self.update()


class VoiceControl(ui.element):
    """The header's voice button and its menu: on/off, volume, persona override, stop."""

    def __init__(self) -> None:
        super().__init__('div')
        self.classes('liab-voice')
        self._storage = _browser_storage()  # taken at page load: handlers run in other request contexts
        self._token: str | None = self._storage.get(TOKEN)
        self.prefs = VoicePrefs() if self._token else VoicePrefs.from_json(self._storage.get(STORAGE_KEY))
        self._line = 0  # bumped by every new line and by stop: a clip made for an older line is not played
        self._quiet = False
        self._told_blocked = False
        self._save_task: asyncio.Task | None = None
        self._pending: dict[str, Any] = {}
        with self:
            self.player = VoicePlayer(self.prefs.volume).on('speaking', self._on_speaking,
                                                                 args=['speaking', 'blocked'])
            with ui.button(color=None).props('round flat dense').classes('liab-voice__button').mark('voice-control') \
                    as self.button:
                self._icon = ui.icon('voice_over_off')
                ui.tooltip('Voice')
                with ui.menu().props('anchor="bottom right" self="top right"') \
                        .classes('liab-menu liab-voice__menu').mark('voice-menu'):
                    self._menu()
        self._show(self.prefs)
        _controls[self.client.id] = self
        if self._token:
            background_tasks.create(self._load_account_prefs(), name='voice prefs')

    @property
    def enabled(self) -> bool:
        return self.prefs.enabled

    def speaker_for(self, persona: str) -> str | None:
        """Whose voice speaks `persona`'s line here: None while voice is off."""
        return (self.prefs.persona or persona) if self.prefs.enabled else None

    def speak(self, persona: str, text: str) -> None:
        """Make (or find) the clip in the background and play it in this tab, if it is still open and still on."""
        self._line += 1
        background_tasks.create(self._speak(persona, text, self._line), name='voice line')

    def stop(self) -> None:
        self._line += 1
        self.player.stop()

    def _menu(self) -> None:
        with ui.column().classes('liab-voice__panel'):
            ui.label('Voice').classes('liab-voice__title')
            self.switch = ui.switch('Speak the guide\u2019s lines', value=self.prefs.enabled,
                                    on_change=lambda e: self._change(enabled=bool(e.value))).mark('voice-enabled')
            with ui.row(wrap=False, align_items='center').classes('liab-voice__volume'):
                ui.icon('volume_down').props('aria-hidden=true')
                self.volume = ui.slider(min=0, max=100, step=5, value=round(self.prefs.volume * 100),
                                        on_change=self._on_volume).props('label aria-label=Volume') \
                    .classes('liab-voice__slider').mark('voice-volume')
                ui.icon('volume_up').props('aria-hidden=true')
            options = {'': 'Each stage\u2019s own voice', **{name: name for name in PERSONAS}}
            self.persona = ui.select(options, value=self.prefs.persona or '', label='Whose voice',
                                     on_change=lambda e: self._change(persona=e.value or None)) \
                .props('dense options-dense').classes('liab-voice__persona').mark('voice-persona')
            ui.button('Stop', icon='stop', on_click=self.stop).props('flat dense no-caps').mark('voice-stop')
            self._engine = ui.label().classes('liab-note').mark('voice-engine')
            self._engine.set_visibility(False)
            ui.label('Captions always show what is said.').classes('liab-note')

    async def _speak(self, persona: str, text: str, line: int) -> None:
        try:
            clip = await run.io_bound(voice.speak, persona, text, listener=self.client.id)
        except LiabError as exc:
            _log.warning('voice line not spoken: %s', exc.message)
            return
        if self.is_deleted:
            return
        if clip.provider:  # made just now: say which voice made it (and why the offline one, if it stood in)
            self._engine.set_text(clip.notice or _ENGINES.get(clip.provider, ''))
            self._engine.set_visibility(True)
        if clip.debounced or line != self._line or not self.prefs.enabled:
            return
        self.player.play(clip.url)

    def _change(self, **changes: Any) -> None:
        if self._quiet:
            return
        try:
            self.prefs = self.prefs.updated(changes)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        if changes.get('enabled') is False:
            self.stop()
        self._show(self.prefs)
        self._pending.update(changes)
        if self._save_task is None or self._save_task.done():
            self._save_task = background_tasks.create(self._save_soon(), name='voice prefs save')

    def _on_volume(self, event: Any) -> None:
        if event.value is not None:
            self.player.set_volume(float(event.value) / 100)
            self._change(volume=float(event.value) / 100)

    async def _save_soon(self) -> None:
        """Save what changed, once things settle; changes made while saving are saved in the next round."""
        while self._pending:
            await asyncio.sleep(SAVE_AFTER_S)
            changes, self._pending = self._pending, {}
            if not self._token:
                self._storage[STORAGE_KEY] = self.prefs.to_json()
                continue
            try:
                await as_user(voice.set_voice_prefs, token=self._token, changes=changes)
            except LiabError as exc:
                _log.warning('voice settings not saved: %s', exc.message)
                if not self.is_deleted:
                    with self:
                        ui.notify(f'Your voice settings were not saved: {exc.message}', type='warning')

    async def _load_account_prefs(self) -> None:
        try:
            prefs = await as_user(voice.voice_prefs, token=self._token, write=False)
        except LiabError:
            return  # a stale token: the page treats the visitor as logged out anyway
        if self._pending or self.is_deleted:
            return  # the listener changed something while this was loading: theirs wins
        self.prefs = prefs
        self._quiet = True
        try:
            self.switch.value = prefs.enabled
            self.volume.value = round(prefs.volume * 100)
            self.persona.value = prefs.persona or ''
        finally:
            self._quiet = False
        self.player.set_volume(prefs.volume)
        self._show(prefs)

    def _show(self, prefs: VoicePrefs) -> None:
        self._icon.name = 'record_voice_over' if prefs.enabled else 'voice_over_off'
        state = 'on' if prefs.enabled else 'off'
        self.button.props(f'aria-label="Voice {state}: settings"')
        toggle_class(self.button, 'is-on', prefs.enabled)

    def _on_speaking(self, event: GenericEventArguments) -> None:
        args = event.args if isinstance(event.args, dict) else {}
        toggle_class(self.button, 'is-speaking', bool(args.get('speaking')))
        if args.get('blocked') and not self._told_blocked:
            self._told_blocked = True
            ui.notify('Your browser keeps pages quiet until you click on them; the voice speaks from the next line.')


def _browser_storage() -> MutableMapping[str, Any]:
    try:
        return app.storage.user
    except RuntimeError:  # no browser behind this page (e.g. a page built outside a request): nothing is kept
        return {}
