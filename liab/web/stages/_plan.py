"""What a stage says while its own issue has not built it yet: plainly what it will do, and no controls."""

from __future__ import annotations

from nicegui import ui

from liab.web.stages import StageContext


def planned(ctx: StageContext, summary: str, steps: list[str], needs: str | None = None) -> None:
    with ui.card().classes('liab-plan').mark('stage-plan'):
        ui.label(f'{ctx.stage.persona} will take care of this stage').classes('liab-plan__kicker')
        ui.label(summary).classes('liab-plan__summary')
        with ui.element('ul').classes('liab-plan__steps'):
            for step in steps:
                with ui.element('li').classes('liab-plan__step'):
                    ui.label(step)
        if needs:
            ui.label(needs).classes('liab-plan__needs')
        ui.label(
            'This stage is not built yet in this version. You can still tick it as done below '
            'if you handled it elsewhere.'
        ).classes('liab-plan__status').mark('stage-not-built')
