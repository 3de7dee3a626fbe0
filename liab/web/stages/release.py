"""The Release stage (spec 2.5): details, cover art, copy, pre-flight and the release pack."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from nicegui import events, run, ui

from liab import logs, media, quota
from liab.errors import LiabError
from liab.providers import text
from liab.services import release
from liab.services.projects import AssetSource
from liab.web.components.job_progress import JobProgress
from liab.web.components.release_form import DetailsForm, checklist
from liab.web.components.upload import Upload
from liab.web.stages import StageContext
from liab.web.voice_control import say

MAX_COVER_BYTES = 25 * 1024 * 1024


def create(ctx: StageContext) -> None:
    ReleaseStage(ctx)


class ReleaseStage:
    def __init__(self, ctx: StageContext) -> None:
        self.workspace = ctx.workspace
        data = ctx.data
        with ui.column().classes('liab-stage-body w-full') as self.root:
            self.missing = ui.column().classes('w-full').mark('release-missing')
            with ui.card().classes('liab-panel w-full'):
                ui.label('Release details').classes('liab-panel__title')
                self.form = DetailsForm(release.default_details(data))
                ui.button('Save details', icon='save', on_click=self.save_details).props('unelevated no-caps') \
                    .mark('release-save-details')
            with ui.card().classes('liab-panel w-full').mark('release-cover-panel'):
                ui.label('Cover art').classes('liab-panel__title')
                with ui.row(align_items='center'):
                    ui.button('Generate 3 covers', icon='palette', on_click=self.generate_covers) \
                        .props('unelevated no-caps').mark('release-generate-covers')
                    own = Upload(on_upload=self.own_cover, auto_upload=True, max_file_size=MAX_COVER_BYTES) \
                        .props('accept=.jpg,.jpeg,.png,image/jpeg,image/png').classes('hidden') \
                        .mark('release-own-cover-upload')
                    ui.button('Use my own cover', icon='image', on_click=lambda: own.run_method('pickFiles')) \
                        .props('outline no-caps').mark('release-own-cover')
                self.candidates = ui.element('div').classes('liab-covers w-full').mark('release-candidates')
                self.finals = ui.row().classes('w-full').mark('release-finals')
            with ui.card().classes('liab-panel w-full').mark('release-copy-panel'):
                ui.label('Release copy').classes('liab-panel__title')
                copy = release.release_state(data).get('copy') or {}
                self.description = ui.textarea('Release description', value=copy.get('description', '')) \
                    .props('autogrow outlined maxlength=5000').classes('w-full').mark('release-description')
                self.pitch = ui.textarea('Press pitch', value=copy.get('pitch', '')) \
                    .props('autogrow outlined maxlength=5000').classes('w-full').mark('release-pitch')
                self.tagline = ui.input('Tagline', value=copy.get('tagline', '')).props('maxlength=200') \
                    .classes('w-full').mark('release-tagline')
                with ui.row():
                    ui.button('Write the copy', icon='edit_note', on_click=self.write_copy) \
                        .props('outline no-caps').mark('release-write-copy')
                    ui.button('Save the copy', icon='save', on_click=self.save_copy).props('flat no-caps') \
                        .mark('release-save-copy')
            with ui.card().classes('liab-panel w-full').mark('release-pack-panel'):
                ui.label('Pre-flight and release pack').classes('liab-panel__title')
                with ui.row():
                    ui.button('Run pre-flight check', icon='fact_check', on_click=self.run_preflight) \
                        .props('outline no-caps').mark('release-preflight')
                    self.build_button = ui.button('Build release pack', icon='inventory_2', on_click=self.build) \
                        .props('unelevated no-caps').mark('release-build')
                self.checks = ui.column().classes('w-full')
                self.pack = ui.column().classes('w-full').mark('release-pack')
            self.progress = JobProgress()
        self.show(data)

    # actions ---------------------------------------------------------------------------------------------

    async def save_details(self) -> None:
        stored = await self.workspace.change('release_details', release.save_details, values=self.form.values())
        if stored:
            self._shown(stored)
            ui.notify('Release details saved.', type='positive')

    async def generate_covers(self) -> None:
        values = self.form.values()
        if not (values['title'] or '').strip() or not (values['artist'] or '').strip():
            ui.notify('Give the track a title and an artist first: the cover carries both.', type='warning')
            return
        project = await self.workspace.ensure_project()
        if project is None:
            return
        say('Aria', 'Generating cover art...')
        fields = release.cover_fields(title=values['title'], artist=values['artist'], genre=values['genre'],
                                      mood=values['mood'])
        folder = media.project_dir(project.id, create=True) / release.COVER_DIR / 'candidates'
        folder.mkdir(parents=True, exist_ok=True)
        from liab import art

        made = await self._job(project.id, 'Making cover art', art.candidates_job, fields, str(folder))
        if made is None:
            return
        stored = await self.workspace.change('cover_candidates', release.store_candidates, made=made)
        if stored:
            self._shown(stored)
            notice = next((item['notice'] for item in made if item.get('notice')), None)
            if notice:
                ui.notify(notice, type='warning')

    async def choose(self, entry: dict[str, Any]) -> None:
        project = self.workspace.project
        values = self.form.values()
        root = media.project_dir(project.id)
        finals = await self._job(project.id, 'Preparing the cover', release.finalize_job, str(root / entry['path']),
                                 str(root / release.COVER_DIR), values['title'] or 'Untitled', values['artist'])
        if finals is None:
            return
        stored = await self.workspace.change('choose_cover', release.store_cover, finals=finals,
                                             source=entry['source'], chosen=entry['path'])
        if stored:
            # NOTE: before the redraw, which deletes the button this handler runs under
            ui.notify('Cover chosen: 3000 px, 1500 px and vertical versions are ready.', type='positive')
            self._shown(stored)

    async def own_cover(self, event: events.UploadEventArguments) -> None:
        from liab import art

        project = await self.workspace.ensure_project()
        if project is None:
            return
        folder = media.project_dir(project.id, create=True) / release.COVER_DIR / 'own'
        folder.mkdir(parents=True, exist_ok=True)
        with logs.action('own_cover', project.id) as record:
            try:
                data = await event.file.read()
                await run.io_bound(quota.check_upload, project.id, data)
                own = await run.io_bound(art.take_own_cover, io.BytesIO(data), dest_dir=folder,
                                         max_bytes=MAX_COVER_BYTES)
            except LiabError as exc:
                record.outcome = type(exc).__name__
                ui.notify(exc.message, type='negative')
                return
        for warning in own.warnings:
            ui.notify(warning, type='warning')
        await self.choose({'path': media.relative(project.id, own.path), 'source': AssetSource('uploaded').to_json()})

    async def write_copy(self) -> None:
        data = self.workspace.data
        values = self.form.values()
        lyrics_path = (data.get('assets') or {}).get('lyrics', {}).get('path')
        lyrics_text = ''
        if lyrics_path and self.workspace.project:
            file = media.project_dir(self.workspace.project.id) / lyrics_path
            lyrics_text = file.read_text(encoding='utf-8') if file.exists() else ''
        meta = data.get('metadata') or {}
        report = ((data.get('mix') or {}).get('report') or {}).get('after') or {}
        analysis = {'bpm': meta.get('tempo'), 'key': meta.get('key'), 'lufs': report.get('integrated_lufs')}
        try:
            written = await run.io_bound(text.write_release_copy, values, lyrics_text, analysis, None)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        self.description.set_value(written.value.description)
        self.pitch.set_value(written.value.pitch)
        self.tagline.set_value(written.value.tagline)
        self._copy_source = AssetSource('service' if written.provider == 'openai' else 'local',
                                        'openai' if written.provider == 'openai' else 'copy writer')
        if written.notice:
            ui.notify(written.notice, type='warning')
        await self.save_copy()

    async def save_copy(self) -> None:
        source = getattr(self, '_copy_source', None) or AssetSource('uploaded')
        stored = await self.workspace.change('release_copy', release.store_copy, copy={
            'description': self.description.value, 'pitch': self.pitch.value, 'tagline': self.tagline.value},
            source=source)
        if stored:
            self._shown(stored)
            ui.notify('Release copy saved.', type='positive')

    async def run_preflight(self) -> None:
        project = self.workspace.project
        if project is None:
            ui.notify('Start with the earlier stages: there is nothing to check yet.', type='warning')
            return
        rows = await run.io_bound(release.preflight, self.workspace.data, project.id)
        self.checks.clear()
        with self.checks:
            checklist(rows)

    async def build(self) -> None:
        visitor = self.workspace.visitor
        if not visitor.user:
            ui.notify('Log in to build a release pack. Your project is kept while you do.', type='warning')
            return
        project = await self.workspace.ensure_project()
        if project is None:
            return
        try:
            inputs = release.pack_inputs(self.workspace.data, project.id)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        allowed = await self.workspace.change('release_allowed', release.check_release_allowed,
                                              user_id=visitor.user.id)
        if not allowed:
            return  # the upgrade dialog or the reason was shown
        folder = media.project_dir(project.id) / release.FOLDER
        made = await self._job(project.id, 'Building the release pack', release.pack_job, inputs, str(folder))
        if made is None:
            return
        stored = await self.workspace.change('release_pack', release.store_pack, user_id=visitor.user.id, made=made)
        if stored:
            self._shown(stored)
            ui.notify('Your release pack is ready to download.', type='positive')

    async def download(self) -> None:
        project = self.workspace.project
        ui.navigate.to(f'{media.url(project.id, release.PACK)}?download=1')
        stored = await self.workspace.change('release_downloaded', release.mark_downloaded)
        if stored:
            self.workspace.show_project(stored)

    async def _job(self, project_id: str, label: str, fn: Any, *args: Any) -> Any:
        return await self.progress.run(project_id, label, fn, *args, button=None)

    # display ---------------------------------------------------------------------------------------------

    def _shown(self, project: Any) -> None:
        self.workspace.show_project(project)
        if not self.root.is_deleted:  # closed meanwhile: the result is saved, there is nothing to draw
            self.show(project.data)

    def show(self, data: dict[str, Any]) -> None:
        project_id = self.workspace.project.id if self.workspace and self.workspace.project else None
        state = release.release_state(data)
        self.missing.clear()
        missing = release.missing_for_pack(data)
        if missing:
            with self.missing, ui.card().classes('liab-panel w-full'):
                ui.label('Before the pack can be built').classes('liab-panel__title')
                for line in missing:
                    ui.label(line).classes('liab-note')
        self.candidates.clear()
        self.finals.clear()
        if project_id is None:
            return
        with self.candidates:
            for index, entry in enumerate(state.get('candidates') or []):
                with ui.card().classes('liab-cover').props('flat bordered') \
                        .mark('release-candidate', f'release-candidate-{index}'):
                    ui.image(media.url(project_id, entry['preview'])).classes('liab-cover__image')
                    ui.button('Use this cover', on_click=lambda e=entry: self.choose(e)).props('flat no-caps') \
                        .mark('release-choose-cover')
        cover = state.get('cover')
        if cover:
            with self.finals:
                for path in sorted(cover['files'].values()):
                    with ui.column().classes('gap-1 liab-final'):
                        ui.image(media.url(project_id, path)).classes('liab-final__image')
                        ui.label(Path(path).name).classes('liab-note')
        self.pack.clear()
        pack = state.get('pack')
        if pack:
            with self.pack:
                ui.label(f'release_pack.zip · {pack["bytes"] / 1e6:.1f} MB').classes('liab-panel__title')
                with ui.element('ul').classes('liab-pack-files'):
                    for entry in pack['entries']:
                        with ui.element('li'):
                            ui.label(f'{entry["name"]} · {_size(entry["bytes"])}')
                ui.button('Download release pack', icon='download', on_click=self.download) \
                    .props('unelevated no-caps').mark('release-download')


def _size(count: int) -> str:
    return f'{count / 1e6:.1f} MB' if count >= 1e6 else f'{max(1, round(count / 1e3))} kB'

