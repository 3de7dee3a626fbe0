"""The Upload stage (spec 2.3): vocal takes uploaded as files or recorded here over the beat; pick the lead vocal."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from nicegui import events, ui

from liab import logs, media
from liab.config import get_settings
from liab.errors import LiabError
from liab.services import recordings
from liab.web.api import recordings as recordings_api
from liab.web.components.dialogs import confirm
from liab.web.components.job_progress import JobProgress
from liab.web.components.recorder import Recorder
from liab.web.components.upload import Upload
from liab.web.components.waveform import WaveformPlayer
from liab.web.stages import StageContext
from liab.web.voice_control import say

ACCEPT = '.wav,.wave,.mp3,.aif,.aiff,.aifc,.flac,.m4a,audio/*'


def create(ctx: StageContext) -> None:
    UploadStage(ctx)


class UploadStage:
    def __init__(self, ctx: StageContext) -> None:
        self.ctx = ctx
        self.workspace = ctx.workspace
        self._one_at_a_time = asyncio.Lock()  # several files picked at once are checked in turn, not all at once
        cap = get_settings().max_upload_bytes
        with ui.column().classes('liab-stage-body w-full') as self.root:
            with ui.card().classes('liab-panel w-full').mark('upload-add'):
                ui.label('Upload takes').classes('liab-panel__title')
                ui.label(f'WAV, MP3, AIFF, FLAC or M4A, up to {cap // (1024 * 1024)} MB each. Upload your vocals '
                         'only: the beat is mixed in at the next stage.').classes('liab-note')
                with ui.row(align_items='center').classes('w-full'):
                    self.upload = Upload(multiple=True, auto_upload=True, max_file_size=cap,
                                         on_upload=self.upload_take,
                                         on_rejected=lambda: ui.notify(
                                             f'That file is too large ({cap // (1024 * 1024)} MB at most).',
                                             type='negative')) \
                        .props(f'accept={ACCEPT}').classes('hidden').mark('upload-files')
                    self.pick = ui.button('Choose files', icon='upload_file',
                                          on_click=lambda: self.upload.run_method('pickFiles')) \
                        .props('unelevated no-caps').mark('upload-pick')
                    with ui.row(align_items='center', wrap=False).classes('liab-take-busy') as self.busy:
                        ui.spinner(size='sm', color='secondary')
                        self.busy_text = ui.label().classes('liab-note').mark('upload-busy')
                    self.busy.set_visibility(False)
            with ui.card().classes('liab-panel w-full').mark('upload-record'):
                ui.label('Record in the browser').classes('liab-panel__title')
                bpm, beat_src = _beat(ctx.project_id, ctx.data)
                Recorder(bpm=bpm, beat_src=beat_src, max_bytes=cap, on_keep=self.recorder_ticket,
                         on_stored=self.recorded).mark('recorder')
            self.progress = JobProgress()
            with ui.card().classes('liab-panel w-full').mark('upload-takes'):
                with ui.row(align_items='center').classes('w-full'):
                    ui.label('Your takes').classes('liab-panel__title')
                    ui.space()
                    self.count = ui.label().classes('liab-note').mark('upload-count')
                with ui.column(align_items='center').classes('liab-takes-empty w-full').mark('upload-empty') \
                        as self.empty:
                    ui.icon('mic_none').classes('liab-takes-empty__icon')
                    ui.label('No takes yet').classes('liab-takes-empty__title')
                    ui.label('Upload a vocal take or record one above. Your first take becomes the lead vocal '
                             'for the mix; you can choose another one any time.').classes('liab-note text-center')
                self.list = ui.column().classes('liab-takes w-full')
        self._cards: dict[str, TakeCard] = {}
        self.show(ctx.data)

    # actions ---------------------------------------------------------------------------------------------

    async def upload_take(self, event: events.UploadEventArguments) -> None:
        name = _shown_name(event.file.name)
        async with self._one_at_a_time:
            project = await self.workspace.ensure_project()
            if project is None:
                return
            self._busy(f'Checking “{name}”…')
            with logs.action('upload_take', project.id) as record:
                try:
                    data = await event.file.read()
                    result = await recordings_api.receive_take(
                        project.id, io.BytesIO(data), event.file.name, origin='uploaded', store=self._store,
                        on_job=self.progress.follow)
                except LiabError as exc:
                    record.outcome = type(exc).__name__
                    ui.notify(f'“{name}” was not added. {exc.message}', type='negative', multi_line=True)
                    return
                finally:
                    self.progress.finish()
                    self._busy(None)
                    self.upload.run_method('removeUploadedFiles')
            if result is not None:
                self._stored(result.project, result.take)

    async def recorder_ticket(self) -> str | None:
        """The one-time ticket the recorder sends its WAV with, for this browser's working project."""
        project = await self.workspace.ensure_project()
        if project is None:
            return None
        return recordings_api.tickets.issue(project.id, self.workspace.visitor.browser_id)

    async def recorded(self, take: dict[str, Any]) -> None:
        project = await self.workspace.ensure_project()  # the take was stored by the recorder's own request
        if project is None:
            return
        stored = next((t for t in recordings.takes(project.data) if t['id'] == take.get('id')), None)
        if stored is None:
            self.workspace.show_project(project)
            self.show(project.data)
            return
        self._stored(project, stored)

    async def rename(self, take: dict[str, Any], field: ui.input) -> None:
        name = ' '.join((field.value or '').split())
        if not name or name == take['name']:
            field.value = take['name']
            return
        project = await self.workspace.change('rename_take', recordings.rename_take, take_id=take['id'], name=name)
        if project is None:
            field.value = take['name']
            return
        self.workspace.show_project(project)
        renamed = next(t for t in recordings.takes(project.data) if t['id'] == take['id'])
        field.value = renamed['name']
        if take['id'] in self._cards:
            self._cards[take['id']].renamed(renamed)
        ui.notify('Take renamed.', type='positive')

    async def choose_lead(self, take: dict[str, Any]) -> None:
        project = await self.workspace.change('choose_lead', recordings.choose_lead, take_id=take['id'])
        if project:
            self.workspace.show_project(project)
            self.show(project.data)
            ui.notify(f'“{take["name"]}” is your lead vocal now.', type='positive')

    async def remove(self, take: dict[str, Any]) -> None:
        if not await confirm('Remove this take?', f'“{take["name"]}” and its file are deleted. This cannot be '
                                                  'undone.', ok='Remove take', danger=True):
            return
        project = await self.workspace.change('remove_take', recordings.remove_take, take_id=take['id'])
        if project:
            self.workspace.show_project(project)
            self.show(project.data)
            ui.notify(f'“{take["name"]}” was removed.')

    async def _store(self, fn: Any, **kwargs: Any) -> Any:
        return await self.workspace.change('store_take', fn, **kwargs)

    def _stored(self, project: Any, take: dict[str, Any]) -> None:
        self.workspace.show_project(project)
        if self.root.is_deleted:
            return  # the artist closed the stage while the take was stored: it is saved, there is nothing to draw
        self.show(project.data)
        lead = recordings.lead_id(project.data) == take['id']
        ui.notify(f'“{take["name"]}” is in your takes' + (' as the lead vocal.' if lead else '.'), type='positive')
        say('Nova', 'Upload complete')

    # display ---------------------------------------------------------------------------------------------

    def show(self, data: dict[str, Any]) -> None:
        """Bring the list up to date card by card, so players of takes that stay keep playing."""
        takes = recordings.takes(data)
        lead = recordings.lead_id(data)
        project_id = self.workspace.project.id if self.workspace and self.workspace.project else None
        wanted = {take['id']: take for take in takes} if project_id else {}
        for take_id in [take_id for take_id in self._cards if take_id not in wanted]:
            self._cards.pop(take_id).delete()
        for index, take in enumerate(reversed(list(wanted.values()))):  # newest first: a new take shows on top
            card = self._cards.get(take['id'])
            if card is None:
                with self.list:
                    card = self._cards[take['id']] = TakeCard(self, project_id, take)
            card.show(take, is_lead=take['id'] == lead)
            if self.list.default_slot.children.index(card) != index:
                card.move(target_index=index)
        self.count.set_text(f'{len(wanted)} take{"s" if len(wanted) != 1 else ""}' if wanted else '')
        self.empty.set_visibility(not wanted)

    def _busy(self, text: str | None) -> None:
        self.busy_text.set_text(text or '')
        self.busy.set_visibility(bool(text))


class TakeCard(ui.column):
    """One take: its name (rename in place), lead vocal or the button to make it so, remove, player and facts."""

    def __init__(self, stage: UploadStage, project_id: str, take: dict[str, Any]) -> None:
        super().__init__()
        self.stage = stage
        self.take = take
        self._shown: tuple[str, bool] | None = None
        self.classes('liab-take w-full').mark(f'take-{take["id"]}')
        with self:
            self.head = ui.row(align_items='center', wrap=False).classes('liab-take__head w-full')
            WaveformPlayer.for_media(project_id, recordings.playback_path(take), _origin_line(take)) \
                .mark('take-player')
            with ui.row().classes('liab-facts liab-take__facts'):
                for label, value in _facts(take):
                    with ui.column().classes('gap-0'):
                        ui.label(label).classes('liab-fact__label')
                        ui.label(value).classes('liab-fact__value').mark(f'take-fact-{label.lower().replace(" ", "-")}')
            for warning in take.get('warnings') or []:
                with ui.row(align_items='center', wrap=False).classes('liab-take__warning') \
                        .mark(f'take-warning-{warning.get("code")}'):
                    ui.icon('warning_amber')
                    ui.label(str(warning.get('message', '')))

    def renamed(self, take: dict[str, Any]) -> None:
        """The name field already shows the new name: keep it (and its focus) instead of drawing it again."""
        self.take = take
        if self._shown:
            self._shown = (take['name'], self._shown[1])

    def show(self, take: dict[str, Any], *, is_lead: bool) -> None:
        self.take = take
        if self._shown == (take['name'], is_lead):
            return
        self._shown = (take['name'], is_lead)
        self.classes(add='is-lead') if is_lead else self.classes(remove='is-lead')
        self.head.clear()
        with self.head:
            field = ui.input(value=take['name']).props('dense borderless maxlength=120 aria-label="Take name"') \
                .classes('liab-take__name').mark('take-name')
            field.on('keydown.enter', lambda: field.run_method('blur'))
            field.on('blur', lambda: self.stage.rename(self.take, field))
            if is_lead:
                with ui.row(align_items='center', wrap=False).classes('liab-take__lead').mark('take-lead'):
                    ui.icon('star')
                    ui.label('Lead vocal')
            else:
                ui.button('Make lead vocal', icon='star_outline', on_click=lambda: self.stage.choose_lead(self.take)) \
                    .props('flat no-caps').classes('liab-take__choose').mark('take-choose-lead')
            ui.button(icon='delete_outline', on_click=lambda: self.stage.remove(self.take)) \
                .props('flat round aria-label="Remove take"').classes('liab-take__remove').mark('take-remove') \
                .tooltip('Remove this take')


def _beat(project_id: str | None, data: dict[str, Any]) -> tuple[float | None, str | None]:
    """The project's beat for the recorder: its tempo (None when unknown) and its media URL (None without one)."""
    beat = (data.get('assets') or {}).get('beat') or {}
    bpm = (data.get('beat') or {}).get('tempo') or (beat.get('metadata') or {}).get('bpm')
    path = beat.get('path')
    src = media.url(project_id, path) if project_id and isinstance(path, str) and path else None
    return (float(bpm) if isinstance(bpm, int | float) and bpm > 0 else None), src


def _shown_name(name: str) -> str:
    try:
        base = str(name or '').replace('\\', '/').rstrip('/').rpartition('/')[2]
        return recordings.clean_take_name(base[:recordings.MAX_NAME])
    except LiabError:
        return 'That file'


def _origin_line(take: dict[str, Any]) -> str:
    if take.get('origin') == 'recorded':
        return 'Recorded in the browser'
    return str((take.get('metadata') or {}).get('filename') or 'Uploaded file')


def _facts(take: dict[str, Any]) -> list[tuple[str, str]]:
    seconds = float(take.get('duration_s') or 0)
    rate = int(take.get('sample_rate') or 0)
    channels = int(take.get('channels') or 0)
    bits = take.get('bit_depth')
    facts = [
        ('Length', f'{int(seconds // 60)}:{seconds % 60:04.1f}'),
        ('Sample rate', f'{rate / 1000:g} kHz' if rate else 'unknown'),
        ('Channels', {1: 'Mono', 2: 'Stereo'}.get(channels, f'{channels} channels')),
        ('Peak', f'{_decibels(take.get("peak_db"))} dBFS' if _is_number(take.get('peak_db')) else 'unknown'),
        ('Loudness', f'{_decibels(take.get("lufs"))} LUFS' if _is_number(take.get('lufs')) else '—'),
        ('Format', str(take.get('format', '')).upper() + (f' {bits}-bit' if bits else '')),
    ]
    if take.get('origin') == 'recorded' and take.get('latency_ms') is not None:
        facts.append(('Latency', f'{float(take["latency_ms"]):.1f} ms'))
    return facts


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _decibels(value: float) -> str:
    return f'{round(float(value), 1) + 0.0:.1f}'  # + 0.0 turns -0.0 into 0.0
