"""LyricsSheet: the current lyrics as section cards with Copy buttons, the whole text editable in place, and the
version history with undo and redo. It shows; the stage does every change through its callbacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from nicegui import ui

from liab.web.components.clipboard import copy_text
from liab.writers.lyrics import Lyrics

KIND_LABELS = {'write': 'Written', 'from_beat': 'Written to the beat', 'free': 'Written from a theme',
               'refine': 'Refined', 'edit': 'Edited by hand'}


class LyricsSheet(ui.column):
    def __init__(self, *, on_move: Callable[[int], Awaitable[None]], on_save: Callable[[str], Awaitable[None]]) -> None:
        super().__init__()
        self.classes('w-full gap-3').mark('lyrics-sheet')
        self._on_move = on_move
        self._on_save = on_save
        self.lyrics: Lyrics | None = None
        self.editing = False
        self.editor: ui.textarea | None = None

    def show(self, lyrics: Lyrics | None, versions: list[dict[str, Any]], current: int) -> None:
        self.lyrics = lyrics
        self.editing = False
        self._draw(versions, current)

    def _draw(self, versions: list[dict[str, Any]], current: int) -> None:
        self.clear()
        if self.lyrics is None:
            return
        lyrics = self.lyrics
        with self, ui.card().classes('liab-panel w-full').mark('lyrics-current'):
            with ui.row(align_items='center').classes('w-full'):
                ui.label(lyrics.title or 'Your lyrics').classes('liab-panel__title').mark('lyrics-title')
                ui.space()
                back = ui.button(icon='undo', on_click=lambda: self._on_move(-1)).props('flat round') \
                    .tooltip('Undo: the version before').mark('lyrics-undo')
                back.set_enabled(current > 0)
                ui.label(f'Version {current + 1} of {len(versions)}').classes('liab-note').mark('lyrics-version')
                forward = ui.button(icon='redo', on_click=lambda: self._on_move(1)).props('flat round') \
                    .tooltip('Redo: the version after').mark('lyrics-redo')
                forward.set_enabled(current < len(versions) - 1)
                ui.button('Copy all', icon='content_copy', on_click=lambda: copy_text(lyrics.text(), 'The lyrics')) \
                    .props('flat no-caps').mark('lyrics-copy-all')
                ui.button('Edit', icon='edit', on_click=lambda: self._edit(versions, current)) \
                    .props('outline no-caps').mark('lyrics-edit')
            if self.editing:
                self._draw_editor(versions, current)
            else:
                with ui.element('div').classes('liab-lyrics-grid w-full'):
                    for index, section in enumerate(lyrics.sections):
                        _section_card(index, section.name, section.lines)
        if len(versions) > 1:
            self._draw_history(versions, current)

    def _draw_editor(self, versions: list[dict[str, Any]], current: int) -> None:
        assert self.lyrics is not None
        ui.label('Edit freely. Put section names in square brackets, like [Chorus], each on its own line.') \
            .classes('liab-note')
        self.editor = ui.textarea(value=self.lyrics.text()).props('outlined autogrow autofocus maxlength=20000') \
            .classes('w-full liab-lyrics-editor').mark('lyrics-editor')
        with ui.row().classes('w-full'):
            ui.button('Save as a new version', icon='save', on_click=self._save).props('unelevated no-caps') \
                .mark('lyrics-save')
            ui.button('Cancel', on_click=lambda: self._stop_editing(versions, current)).props('flat no-caps') \
                .mark('lyrics-cancel')

    def _draw_history(self, versions: list[dict[str, Any]], current: int) -> None:
        with self, ui.expansion(f'Version history ({len(versions)})', icon='history').classes('liab-panel w-full') \
                .mark('lyrics-history'):
            for index in reversed(range(len(versions))):
                entry = versions[index]
                with ui.row(align_items='center', wrap=False).classes('liab-history-row w-full') \
                        .mark(f'lyrics-history-{index + 1}'):
                    ui.label(f'{index + 1}.').classes('liab-note')
                    with ui.column().classes('gap-0'):
                        ui.label(entry.get('note') or KIND_LABELS.get(entry.get('kind', ''), 'Version')) \
                            .classes('liab-history__title')
                        ui.label(_when(entry)).classes('liab-note')
                    ui.space()
                    if index == current:
                        ui.label('Showing').classes('liab-chip')
                    else:
                        ui.button('Go to this version', on_click=lambda i=index: self._on_move(i - current)) \
                            .props('flat no-caps')

    def _edit(self, versions: list[dict[str, Any]], current: int) -> None:
        self.editing = True
        self._draw(versions, current)

    def _stop_editing(self, versions: list[dict[str, Any]], current: int) -> None:
        self.editing = False
        self._draw(versions, current)

    async def _save(self) -> None:
        if self.editor is not None:
            await self._on_save(self.editor.value or '')


def _section_card(index: int, name: str, lines: tuple[str, ...]) -> None:
    with ui.card().classes('liab-lyrics-card').props('flat bordered').mark(f'lyrics-section-{name}',
                                                                          f'lyrics-card-{index}'):
        with ui.row(align_items='center', wrap=False).classes('w-full'):
            ui.label(name).classes('liab-lyrics-card__name')
            ui.space()
            ui.button(icon='content_copy', on_click=lambda: copy_text('\n'.join(lines), name)) \
                .props('flat round dense').tooltip(f'Copy {name}').mark('lyrics-copy')
        with ui.column().classes('gap-0'):
            for line in lines:
                ui.label(line).classes('liab-lyrics-line')


def _when(entry: dict[str, Any]) -> str:
    try:
        made = datetime.fromisoformat(entry.get('created_at', ''))
    except ValueError:
        return ''
    source = (entry.get('source') or {}).get('name')
    by = {'openai': ' · by OpenAI', 'lyric writer': ' · by the local lyric writer'}.get(source or '', '')
    return f'{made:%d %b %H:%M} UTC{by}'
