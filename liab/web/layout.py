"""Shared chrome: the header with the product name, voice caption and account area, and the mist layer."""

from __future__ import annotations

from nicegui import ui

from liab.web.timeline import toggle_class
from liab.web.voice_control import VoiceCaption, VoiceControl
from liab.workflow import Stage

PRODUCT = 'Label-in-a-Box'


def header() -> ui.row:
    """Draw the header; returns the account area on the right, to be filled by the caller."""
    with ui.header(elevated=False).classes('liab-header'):
        with ui.row(wrap=False, align_items='center').classes('liab-brand'):
            ui.label('📦').classes('liab-brand__mark').props('aria-hidden=true')
            with ui.column().classes('gap-0'):
                ui.label(PRODUCT).classes('liab-brand__name')
                ui.label('from an empty page to a finished release').classes('liab-brand__tagline')
        VoiceCaption()
        VoiceControl()
        account = ui.row(wrap=False, align_items='center').classes('liab-account').mark('account-area')
    return account


class Mist(ui.element):
    """The purple and gold mist behind everything; it glides to the open stage (spec 3.2)."""

    def __init__(self) -> None:
        super().__init__('div')
        self.classes('liab-mist').props('aria-hidden=true')
        with self:
            ui.element('div').classes('liab-mist__purple')
            ui.element('div').classes('liab-mist__gold')
        self.follow(None)

    def follow(self, stage: Stage | None) -> None:
        x = stage.mist_x if stage else '50%'
        y = '40%' if stage else '55%'
        self.style(f'--mist-x: {x}; --mist-y: {y}')
        toggle_class(self, 'is-focused', stage is not None)
