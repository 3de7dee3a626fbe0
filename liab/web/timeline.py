"""The timeline (spec 3.3): the seven stages on a baseline, the goal at the end, progress below."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from liab import workflow
from liab.workflow import STAGES, Stage

OnOpen = Callable[[str], Awaitable[None] | None]


class Timeline(ui.column):
    """Built once per page; `show()` updates ticks, the glowing stage and the progress text in place."""

    def __init__(self, on_open: OnOpen) -> None:
        super().__init__(align_items='center')
        self.classes('liab-timeline-wrap w-full').mark('timeline')
        self._stage_nodes: dict[str, _StageNode] = {}
        with self:
            with ui.element('nav').classes('liab-timeline').props('aria-label="Release cycle"'):
                ui.element('div').classes('liab-timeline__line').props('aria-hidden=true')
                with ui.element('ol').classes('liab-timeline__stages'):
                    for index, stage in enumerate(STAGES):
                        self._stage_nodes[stage.id] = _StageNode(stage, index, on_open)
                    with ui.element('li').classes('liab-goal').mark('goal') as self._goal_item:
                        ui.label(workflow.GOAL_ICON).classes('liab-goal__icon').props('aria-hidden=true')
                        ui.label('Goal').classes('liab-stage__label')
                        ui.tooltip('Goal: the whole cycle done')
            self._progress_label = ui.label().classes('liab-progress').mark('progress').props('aria-live=polite')
            self._progress_bar = ui.linear_progress(value=0, show_value=False, size='6px').classes('liab-progress__bar')

    def show(self, flow: dict, open_stage: str | None) -> None:
        done = set(workflow.completed(flow))
        for stage_id, node in self._stage_nodes.items():
            node.show(done=stage_id in done, active=stage_id == open_stage)
        progress = workflow.progress(flow)
        self._progress_label.set_text(progress.text)
        self._progress_bar.set_value(progress.done / progress.total)
        toggle_class(self._goal_item, 'is-reached', progress.complete)


class _StageNode:
    def __init__(self, stage: Stage, index: int, on_open: OnOpen) -> None:
        self.stage = stage
        side = 'is-above' if index % 2 == 0 else 'is-below'
        with ui.element('li').classes(f'liab-stage-slot {side}'):
            with ui.element('button').classes('liab-stage').mark(f'stage-{stage.id}') as self.button:
                self.button.props(f'type=button data-stage={stage.id}')
                self.button.on('click', lambda: on_open(stage.id))
                ui.label(stage.icon).classes('liab-stage__icon').props('aria-hidden=true')
                self.tick = ui.label('✓').classes('liab-stage__tick').props('aria-hidden=true')
            ui.label(stage.label).classes('liab-stage__label')
            ui.label(stage.persona).classes('liab-stage__persona')  # shown on hover and focus (CSS)

    def show(self, *, done: bool, active: bool) -> None:
        self.tick.set_visibility(done)
        toggle_class(self.button, 'is-done', done)
        toggle_class(self.button, 'is-active', active)
        state = ', done' if done else ''
        self.button.props(f'aria-label="{self.stage.label} with {self.stage.persona}{state}" '
                          f'aria-pressed={"true" if active else "false"}')


def toggle_class(element: ui.element, name: str, on: bool) -> None:
    element.classes(add=name) if on else element.classes(remove=name)
