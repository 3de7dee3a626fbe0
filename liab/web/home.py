"""The main page: header, mist, project name, timeline and the stage screen, around the working project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui
from nicegui.events import KeyEventArguments

from liab import logs, workflow
from liab.errors import LiabError, UpgradeRequired
from liab.models import ProjectPublic
from liab.security import Unauthorized
from liab.services import library, projects
from liab.web import layout
from liab.web.account import AccountMenu
from liab.web.bridge import in_session, on_working_project
from liab.web.components.dialogs import dismiss
from liab.web.stage_screen import StageScreen
from liab.web.timeline import Timeline
from liab.web.upgrade import show_upgrade
from liab.web.visitor import Visitor, load_visitor
from liab.web.voice_control import say

T = TypeVar('T')


def create() -> None:
    @ui.page('/', title=layout.PRODUCT)
    async def index() -> None:
        ui.colors(primary='#8b5cf6', secondary='#f5b942', accent='#c4b5fd', positive='#34d399')
        visitor = await load_visitor()
        project = await in_session(library.working_project, browser_id=visitor.browser_id, user_id=visitor.user_id,
                                   project_id=visitor.project_hint)
        Workspace(visitor, project)


class Workspace:
    """One browser tab's view of its working project. Every change goes through a service and is saved at once."""

    def __init__(self, visitor: Visitor, project: ProjectPublic | None) -> None:
        self.visitor = visitor
        self.project = project
        self.open_stage: workflow.Stage | None = None
        with layout.header():
            AccountMenu(self)
        self.mist = layout.Mist()
        with ui.column(align_items='center').classes('liab-main'):
            if visitor.user and visitor.user.billing_notice:
                with ui.row(align_items='center', wrap=False).classes('liab-notice').mark('billing-notice'):
                    ui.icon('credit_card_off')
                    ui.label(visitor.user.billing_notice)
            with ui.column(align_items='center').classes('liab-hero'):
                self.name = ui.input('Project name', value=self.project.name if project else 'Untitled project') \
                    .props('dense borderless maxlength=120 input-class="text-center"').classes('liab-project-name') \
                    .mark('project-name')
                self.name.on('keydown.enter', self._rename)
                self.name.on('blur', self._rename)
                ui.label('Open a stage to work on it. Tick it off when it is done.').classes('liab-hint')
            self.timeline = Timeline(on_open=self.open)
        self.screen = StageScreen(on_close=self.close, on_next=self.next, on_toggle_done=self.toggle_done)
        ui.keyboard(on_key=self._on_key, ignore=['input', 'select', 'textarea'])
        self._refresh()

    def show_project(self, project: ProjectPublic) -> None:
        self.project = project
        self.name.value = project.name
        if self.open_stage:
            self.screen.show_done(self.open_stage.id in workflow.completed(self.data['workflow']))
        self._refresh()

    async def ensure_project(self) -> ProjectPublic | None:
        """The working project, created now if this is the browser's first change."""
        project = await self.change('ensure_project', projects.get_project)
        if project:
            self.project = project
        return project

    @property
    def data(self) -> dict[str, Any]:
        return self.project.data if self.project else projects.new_project_data()

    async def open(self, stage_id: str) -> None:
        stage = workflow.stage(stage_id)
        if self.project:  # what another tab (or the API) changed since this page loaded
            fresh = await self.change('reload_project', projects.get_project)
            if fresh:
                self.project = fresh
        with logs.action(f'open_stage:{stage_id}', self.project.id if self.project else None):
            self.open_stage = stage
            self.screen.show(stage, project_id=self.project.id if self.project else None, data=self.data,
                             workspace=self)
            self._refresh()
        say(stage.persona, f'{stage.label} stage. I am {stage.persona}.')

    async def close(self) -> None:
        self.open_stage = None
        self.screen.hide()
        self._refresh()

    async def next(self) -> None:
        following = workflow.next_stage(self.open_stage.id) if self.open_stage else None
        if following:
            await self.open(following.id)
        else:
            await self.close()

    async def toggle_done(self) -> None:
        stage = self.open_stage
        if stage is None:
            return
        if stage.id in workflow.completed(self.data['workflow']):
            project = await self.change(f'reopen:{stage.id}', projects.reopen_stage, stage_id=stage.id)
            if project:
                self.project = project
        else:
            result = await self.change(f'tick:{stage.id}', projects.complete_stage, stage_id=stage.id)
            if result:
                self.project = result.project
                if result.cycle_complete:
                    self._goal_dialog()
        self.screen.show_done(stage.id in workflow.completed(self.data['workflow']))
        self._refresh()

    async def restart_cycle(self, dialog: ui.dialog) -> None:
        project = await self.change('restart_cycle', projects.restart_cycle)
        if project:
            self.project = project
            await self.close()
            ui.notify('New cycle started. Your files and fields are all still here.', type='positive')
        dismiss(dialog)  # last: the dialog's buttons are the context of everything above

    async def _rename(self) -> None:
        name = ' '.join((self.name.value or '').split())
        current = self.project.name if self.project else 'Untitled project'
        if not name:
            self.name.value = current
            return
        if name == current:
            return
        project = await self.change('rename_project', projects.rename_project, name=name)
        if project:
            self.project = project
            self.name.value = project.name
            ui.notify('Project renamed.', type='positive')

    async def change(self, action: str, fn: Callable[..., T], **kwargs: Any) -> T | None:
        """Run one service change on the working project (created on the first change); show errors."""
        with logs.action(action, self.project.id if self.project else None) as record:
            try:
                result = await on_working_project(fn, browser_id=self.visitor.browser_id, token=self.visitor.token,
                                                  project_hint=self.visitor.project_hint, **kwargs)
            except Unauthorized:
                record.outcome = 'Unauthorized'
                self.visitor.forget()
                ui.notify('You were logged out. Log in again to keep working on your projects.', type='warning')
                ui.navigate.reload()
                return None
            except UpgradeRequired as exc:
                record.outcome = 'UpgradeRequired'
                show_upgrade(exc.feature, exc.message, token=self.visitor.token if self.visitor.user else None)
                return None
            except LiabError as exc:
                record.outcome = type(exc).__name__
                ui.notify(exc.message, type='negative')
                return None
            project = result if isinstance(result, ProjectPublic) else getattr(result, 'project', None)
            if project:
                record.project_id = project.id
                if self.visitor.user:
                    self.visitor.remember_project(project.id)
            return result

    def _goal_dialog(self) -> None:
        with ui.dialog().props('persistent') as dialog, ui.card().classes('liab-goal-dialog').mark('goal-dialog'):
            ui.label(workflow.GOAL_ICON).classes('liab-goal-dialog__icon')
            ui.label('Cycle complete!').classes('liab-goal-dialog__title')
            ui.label('All seven stages are done: from beat to analytics. Start the next cycle when you are ready; '
                     'your files and fields stay.').classes('liab-goal-dialog__text')
            with ui.row().classes('w-full justify-end'):
                ui.button('Not now', on_click=lambda: dismiss(dialog)).props('flat no-caps').mark('goal-close')
                ui.button('Restart cycle', on_click=lambda: self.restart_cycle(dialog)) \
                    .props('unelevated no-caps').mark('goal-restart')
        dialog.open()
        say('Pulse', 'Cycle complete! The whole release is done.')

    def _on_key(self, event: KeyEventArguments) -> None:
        if event.key.escape and event.action.keydown and self.open_stage:
            ui.timer(0, self.close, once=True)

    def _refresh(self) -> None:
        self.timeline.show(self.data['workflow'], self.open_stage.id if self.open_stage else None)
        self.mist.follow(self.open_stage)
