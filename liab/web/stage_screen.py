"""The stage screen (spec 3.1): a stage full screen with its persona, Close, a done toggle and Next."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from liab import workflow
from liab.web import stages
from liab.web.timeline import toggle_class
from liab.workflow import Stage

Handler = Callable[[], Awaitable[None]]


class StageScreen(ui.element):
    def __init__(self, *, on_close: Handler, on_next: Handler, on_toggle_done: Handler) -> None:
        super().__init__('section')
        self.classes('liab-stage-screen').props('role=dialog aria-modal=false').mark('stage-screen')
        self.stage: Stage | None = None
        with self:
            with ui.row(wrap=False, align_items='center').classes('liab-stage-screen__bar'):
                self._icon_label = ui.label().classes('liab-stage-screen__icon').props('aria-hidden=true')
                with ui.column().classes('gap-0'):
                    self._title_label = ui.label().classes('liab-stage-screen__title').mark('stage-title')
                    self._persona_label = ui.label().classes('liab-stage-screen__persona').mark('stage-persona')
                ui.space()
                ui.button('Close', icon='close', on_click=on_close).props('flat no-caps').mark('stage-close') \
                    .tooltip('Back to the timeline (Esc)')
            self._body_column = ui.column().classes('liab-stage-screen__body')
            with ui.row(align_items='center').classes('liab-stage-screen__footer'):
                self._done_button = ui.button(on_click=on_toggle_done).props('no-caps outline').mark('stage-done')
                ui.space()
                self._next_button = ui.button(on_click=on_next).props('no-caps unelevated icon-right=arrow_forward') \
                    .mark('stage-next')
        self.set_visibility(False)

    def show(self, stage: Stage, *, project_id: str | None, data: dict[str, Any], workspace: Any = None) -> None:
        self.stage = stage
        self._icon_label.set_text(stage.icon)
        self._title_label.set_text(stage.label)
        self._persona_label.set_text(f'with {stage.persona}')
        self._body_column.clear()
        with self._body_column:
            stages.module(stage.id).create(stages.StageContext(stage, project_id, data, workspace))
        following = workflow.next_stage(stage.id)
        self._next_button.set_text(f'Next: {following.label}' if following else 'Back to the timeline')
        self.show_done(stage.id in workflow.completed(data.get('workflow', {})))
        self.set_visibility(True)

    def show_done(self, done: bool) -> None:
        self._done_button.set_text('Done ✓ (click to reopen)' if done else 'Mark stage as done')
        self._done_button.props(remove='outline') if done else self._done_button.props(add='outline')
        toggle_class(self._done_button, 'is-done', done)

    def hide(self) -> None:
        self.stage = None
        self._body_column.clear()
        self.set_visibility(False)
