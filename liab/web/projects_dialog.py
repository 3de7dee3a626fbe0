"""Manage projects (spec 5): the user's projects with name, last change and progress; open, rename, delete, new."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from nicegui import events, ui

from liab import media
from liab.config import get_settings
from liab.errors import LiabError
from liab.services import archive, library
from liab.services.library import ProjectSummary
from liab.web.bridge import as_user
from liab.web.components.dialogs import confirm, dismiss, form_error, page_dialog
from liab.web.components.upload import Upload

if TYPE_CHECKING:
    from liab.web.home import Workspace


async def show_projects(workspace: Workspace) -> None:
    token = workspace.visitor.token
    current = workspace.project.id if workspace.project else None
    try:
        summaries = await as_user(library.list_projects, token=token, write=False)
    except LiabError as exc:
        ui.notify(exc.message, type='negative')
        return
    with page_dialog() as dialog, ui.card().classes('liab-dialog liab-projects').mark('projects-dialog'):
        with ui.row(align_items='center', wrap=False).classes('w-full'):
            ui.label('Your projects').classes('liab-dialog__title')
            ui.space()
            ui.button(icon='close', on_click=lambda: dismiss(dialog)).props('flat round').mark('projects-close')
        with ui.row(align_items='center').classes('w-full'):
            importer = _importer(workspace)
            ui.button('New project', icon='add', on_click=lambda: _new_project(workspace)) \
                .props('unelevated no-caps').mark('new-project')
            ui.button('Import', icon='upload', on_click=lambda: importer.run_method('pickFiles')) \
                .props('flat no-caps').mark('import-project').tooltip('Import a project .zip exported from here')
        if not summaries:
            ui.label('No projects yet. Change anything on the timeline and it is kept here.') \
                .classes('liab-dialog__note')
        with ui.column().classes('w-full liab-projects__list'):
            for summary in summaries:
                _row(workspace, summary, is_current=summary.id == current)
    dialog.open()


def _row(workspace: Workspace, summary: ProjectSummary, *, is_current: bool) -> None:
    token = workspace.visitor.token
    with ui.row(align_items='center', wrap=False).classes('liab-projects__row w-full').mark(f'project-{summary.id}'):
        with ui.column().classes('gap-0 liab-projects__info'):
            with ui.row(align_items='center').classes('gap-2'):
                ui.label(summary.name).classes('liab-projects__name').mark('project-name-label')
                ui.badge('Saved' if summary.saved else 'Draft', color='positive' if summary.saved else 'grey') \
                    .props('outline')
                if is_current:
                    ui.badge('Open now', color='secondary').props('outline')
            ui.label(f'Changed {_ago(summary.updated_at)} · {summary.progress.text}').classes('liab-projects__meta')
        ui.space()

        async def open_it() -> None:
            workspace.visitor.remember_project(summary.id)
            ui.navigate.reload()

        async def rename_it() -> None:
            name = await _ask_name(summary.name)
            if name is None:
                return
            try:
                await as_user(library.rename, token=token, project_id=summary.id, name=name)
            except LiabError as exc:
                ui.notify(exc.message, type='negative')
                return
            ui.notify('Project renamed.', type='positive')
            ui.navigate.reload()

        async def delete_it() -> None:
            if not await confirm(f'Delete "{summary.name}"?', 'The project and all its files are deleted. '
                                 'There is no undo.', ok='Delete', danger=True):
                return
            try:
                await as_user(library.delete_project, token=token, project_id=summary.id)
            except LiabError as exc:
                ui.notify(exc.message, type='negative')
                return
            ui.notify('Project deleted.')
            ui.navigate.reload()

        async def export_it() -> None:
            try:
                path = await as_user(archive.export_project, token=token, write=False, project_id=summary.id)
            except LiabError as exc:
                ui.notify(exc.message, type='negative')
                return
            ui.download.file(path, f'{media.safe_name(summary.name, default="project")}.zip', 'application/zip')

        ui.button('Open', on_click=open_it).props('flat no-caps' + (' disable' if is_current else '')) \
            .mark('project-open')
        ui.button(icon='edit', on_click=rename_it).props('flat round').mark('project-rename').tooltip('Rename')
        ui.button(icon='download', on_click=export_it).props('flat round').mark('project-export') \
            .tooltip('Export as .zip')
        ui.button(icon='delete', on_click=delete_it).props('flat round color=negative').mark('project-delete') \
            .tooltip('Delete')


def _importer(workspace: Workspace) -> ui.upload:
    settings = get_settings()
    cap = max(settings.max_upload_bytes, settings.max_video_bytes)

    async def imported(event: events.UploadEventArguments) -> None:
        target = settings.data_dir / 'tmp' / f'import-{uuid.uuid4().hex}.zip'
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            await event.file.save(target)
            project = await as_user(archive.import_project, token=workspace.visitor.token, archive=target,
                                    max_bytes=cap)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        finally:
            target.unlink(missing_ok=True)
        workspace.visitor.remember_project(project.id)
        ui.notify(f'Imported "{project.name}".', type='positive')
        ui.navigate.reload()

    return Upload(on_upload=imported, auto_upload=True, max_file_size=cap,
                  on_rejected=lambda: ui.notify('That file is too large to import here.', type='negative')) \
        .props('accept=.zip,application/zip').classes('hidden').mark('import-upload')


async def _new_project(workspace: Workspace) -> None:
    current = workspace.project
    discard = None
    if current is not None and not current.saved:
        if not await confirm('Start a new project?', f'"{current.name}" is not saved, so it will be discarded. '
                             'Save it first from the account menu to keep it.', ok='Discard and start new',
                             danger=True):
            return
        discard = current.id
    try:
        project = await as_user(library.new_project, token=workspace.visitor.token, discard_project_id=discard)
    except LiabError as exc:
        ui.notify(exc.message, type='negative')
        return
    workspace.visitor.remember_project(project.id)
    ui.navigate.reload()


async def _ask_name(current: str) -> str | None:
    with page_dialog() as dialog, ui.card().classes('liab-dialog').mark('rename-dialog'):
        ui.label('Rename project').classes('liab-dialog__title')
        field = ui.input('Name', value=current).props('maxlength=120 autofocus').classes('w-full').mark('rename-input')
        error = form_error()

        def submit() -> None:
            if not (field.value or '').strip():
                error.text = 'A project needs a name.'
                return
            dialog.submit(field.value)

        field.on('keydown.enter', submit)
        with ui.row().classes('w-full justify-end'):
            ui.button('Cancel', on_click=lambda: dialog.submit(None)).props('flat no-caps')
            ui.button('Rename', on_click=submit).props('unelevated no-caps').mark('rename-ok')
    name = await dialog
    dialog.delete()
    return name


def _ago(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - moment).total_seconds()))
    for unit, size in (('day', 86400), ('hour', 3600), ('minute', 60)):
        if seconds >= size:
            count = seconds // size
            return f'{count} {unit}{"s" if count != 1 else ""} ago'
    return 'just now'
