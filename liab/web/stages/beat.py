"""The Beat stage (spec 2.1): describe a beat and make it, or bring your own; listen; pick from recent beats."""

from __future__ import annotations

import io
from typing import Any

from nicegui import events, run, ui

from liab import jobs, logs, media, quota
from liab.audio import ingest, synth
from liab.config import get_settings
from liab.errors import LiabError, ProviderUnavailable
from liab.providers import beats as beatoven
from liab.services import beats
from liab.web.components.job_progress import JobProgress
from liab.web.components.upload import Upload
from liab.web.components.waveform import WaveformPlayer
from liab.web.stages import StageContext
from liab.web.voice_control import say

UPLOAD_FORMATS = ('wav', 'mp3', 'aiff')


def create(ctx: StageContext) -> None:
    BeatStage(ctx)


class BeatStage:
    def __init__(self, ctx: StageContext) -> None:
        self.ctx = ctx
        self.workspace = ctx.workspace
        spec = ((ctx.data.get('beat') or {}).get('history') or [{}])[0].get('spec') or {}
        with ui.column().classes('liab-stage-body w-full') as self.root:
            with ui.card().classes('liab-panel w-full').mark('beat-form'):
                ui.label('Describe your beat').classes('liab-panel__title')
                self.prompt = ui.textarea('In your own words (optional)',
                                          placeholder='dark trap beat 140 bpm in F minor') \
                    .props('autogrow maxlength=300 rows=1').classes('w-full').mark('beat-prompt')
                self.prompt.on('blur', self.fill_from_prompt)
                self.prompt.on('keydown.enter.prevent', self.fill_from_prompt)
                with ui.row().classes('w-full liab-fields'):
                    self.genre = ui.select(list(synth.GENRES), label='Genre', value=spec.get('genre', 'hip hop')) \
                        .mark('beat-genre')
                    self.mood = ui.select(list(synth.MOODS), label='Mood', value=spec.get('mood', 'energetic')) \
                        .mark('beat-mood')
                    self.key = ui.select(list(synth.KEYS), label='Key', value=spec.get('key', 'A minor')) \
                        .mark('beat-key')
                    self.bpm = ui.number('BPM', value=spec.get('bpm', 92), min=synth.MIN_BPM, max=synth.MAX_BPM,
                                         step=1, precision=0).props('data-liab-narrow').mark('beat-bpm')
                    self.length = ui.number('Length (s)', value=spec.get('length_s', 60), min=synth.MIN_LENGTH_S,
                                            max=synth.MAX_LENGTH_S, step=5, precision=0).props('data-liab-narrow') \
                        .mark('beat-length')
                self.genre.on_value_change(self._genre_tempo)
                with ui.row(align_items='center').classes('w-full'):
                    self.create_button = ui.button('Create beat', icon='auto_awesome', on_click=self.create_beat) \
                        .props('unelevated no-caps').mark('beat-create')
                    upload = Upload(on_upload=self.upload_beat, auto_upload=True,
                                    max_file_size=_upload_cap(),
                                    on_rejected=lambda: ui.notify('That file is too large (50 MB at most).',
                                                                  type='negative')) \
                        .props('accept=.wav,.mp3,.aif,.aiff,audio/*').classes('hidden').mark('beat-upload')
                    ui.button('Use my own beat', icon='upload_file', on_click=lambda: upload.run_method('pickFiles')) \
                        .props('outline no-caps').mark('beat-own')
                    ui.space()
                    ui.label(self._provider_line()).classes('liab-note').mark('beat-provider')
            self.progress = JobProgress()
            self.notice = ui.label().classes('liab-notice-line').mark('beat-notice')
            self.notice.set_visibility(False)
            self.result = ui.column().classes('w-full').mark('beat-result')
            self.history = ui.column().classes('w-full').mark('beat-history')
        self.show(ctx.data)

    # actions ---------------------------------------------------------------------------------------------

    def fill_from_prompt(self) -> None:
        said = synth.parse_prompt(self.prompt.value or '')
        for field, element in (('genre', self.genre), ('mood', self.mood), ('key', self.key), ('bpm', self.bpm),
                               ('length_s', self.length)):
            if field in said:
                element.value = said[field]

    async def create_beat(self) -> None:
        self.fill_from_prompt()
        try:
            spec = beats.beat_spec(prompt=self.prompt.value or '', genre=self.genre.value, mood=self.mood.value,
                                   bpm=int(self.bpm.value or 0) or None, key=self.key.value,
                                   length_s=float(self.length.value or 0) or None)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        project = await self.workspace.ensure_project()
        if project is None:
            return
        say('Echo', f'Creating a {spec.mood} beat for you...')
        fields = {'genre': spec.genre, 'mood': spec.mood, 'bpm': spec.bpm, 'key': spec.key,
                  'length_s': spec.length_s, 'seed': spec.seed}
        folder = str(media.project_dir(project.id, create=True) / beats.FOLDER)
        (media.project_dir(project.id) / beats.FOLDER).mkdir(exist_ok=True)
        service = beats.beatoven_settings()
        self.notice.set_visibility(False)
        made = None
        if service:
            text = self.prompt.value or f'{spec.mood} {spec.genre} beat, {spec.bpm} bpm, {spec.key}'
            try:
                made = await self._job(project.id, 'Composing at Beatoven', beats.make_beatoven_beat, text, fields,
                                       folder, service)
                beatoven.remember_credits(service[1], made.get('credits'))
            except ProviderUnavailable as exc:
                self._notice(f'{exc.message} This beat was made by the local engine instead.')
            except LiabError as exc:
                ui.notify(exc.message, type='negative')
                return
        if made is None:
            try:
                made = await self._job(project.id, 'Making your beat', beats.make_local_beat, fields, folder)
            except LiabError as exc:
                ui.notify(exc.message, type='negative')
                return
        if made is None:
            return
        stored = await self.workspace.change('store_beat', beats.store_beat, made=made)
        if stored:
            self.workspace.show_project(stored)
            if self.root.is_deleted:
                return  # the artist closed the stage meanwhile: the beat is saved, there is nothing to draw
            self.show(stored.data)
            ui.notify(f'Your {spec.genre} beat is ready: {spec.bpm} BPM in {spec.key}.', type='positive')

    async def upload_beat(self, event: events.UploadEventArguments) -> None:
        project = await self.workspace.ensure_project()
        if project is None:
            return
        folder = media.project_dir(project.id, create=True) / beats.FOLDER
        folder.mkdir(exist_ok=True)
        with logs.action('upload_beat', project.id) as record:
            try:
                data = await event.file.read()
                await run.io_bound(quota.check_upload, project.id, data)
                taken = await run.io_bound(ingest.ingest_audio, io.BytesIO(data), original_name=event.file.name,
                                           dest_dir=folder, max_bytes=_upload_cap(), allowed=UPLOAD_FORMATS,
                                           stem='beat')
                measured = await self._job(project.id, 'Listening to your beat', beats.analyse_upload,
                                           str(taken.path), taken.format)
            except LiabError as exc:
                record.outcome = type(exc).__name__
                ui.notify(exc.message, type='negative')
                return
        if measured is None:
            return
        stored = await self.workspace.change('store_uploaded_beat', beats.store_upload, path=taken.path,
                                             display_name=taken.display_name, measured=measured)
        if stored:
            self.workspace.show_project(stored)
            if self.root.is_deleted:
                return
            self.show(stored.data)
            ui.notify(f'"{taken.display_name}" is your beat now.', type='positive')

    async def choose(self, beat_id: str) -> None:
        stored = await self.workspace.change('choose_beat', beats.choose_beat, beat_id=beat_id)
        if stored:
            self.workspace.show_project(stored)
            self.show(stored.data)

    async def _job(self, project_id: str, label: str, fn: Any, *args: Any) -> Any:
        job = jobs.runner.start(project_id, label, media.project_dir(project_id, create=True))
        self.create_button.props('loading')
        self.progress.follow(job)
        try:
            with logs.action(f'job:{fn.__name__}', project_id):
                return await jobs.runner.run(job, fn, *args)
        finally:
            self.progress.finish()
            self.create_button.props(remove='loading')

    # display ---------------------------------------------------------------------------------------------

    def show(self, data: dict[str, Any]) -> None:
        beat = data.get('beat') or {}
        history = beat.get('history') or []
        current = next((e for e in history if e.get('id') == beat.get('current')), None)
        project_id = self.workspace.project.id if self.workspace and self.workspace.project else None
        self.result.clear()
        self.history.clear()
        if current is None or project_id is None:
            return
        path = beats.playback_path(current)
        with self.result, ui.card().classes('liab-panel w-full').mark('beat-current'):
            ui.label('Your beat').classes('liab-panel__title')
            WaveformPlayer.for_media(project_id, path, _title(current)).mark('beat-player')
            with ui.row().classes('liab-facts'):
                for label, value in _facts(current):
                    with ui.column().classes('gap-0'):
                        ui.label(label).classes('liab-fact__label')
                        ui.label(value).classes('liab-fact__value').mark(f'beat-fact-{label.lower()}')
        if len(history) > 1:
            with self.history, ui.card().classes('liab-panel w-full'):
                ui.label('Recent beats').classes('liab-panel__title')
                for entry in history[1:]:
                    with ui.row(align_items='center', wrap=False).classes('liab-history-row w-full') \
                            .mark(f'beat-history-{entry["id"]}'):
                        ui.label(_title(entry)).classes('liab-history__title')
                        ui.space()
                        ui.button('Use this one', on_click=lambda e=entry: self.choose(e['id'])) \
                            .props('flat no-caps').mark('beat-choose')

    def _genre_tempo(self) -> None:
        if self.genre.value in synth.DEFAULT_BPM and not (self.prompt.value or '').strip():
            self.bpm.value = synth.DEFAULT_BPM[self.genre.value]

    def _notice(self, text: str) -> None:
        self.notice.set_text(text)
        self.notice.set_visibility(True)
        ui.notify(text, type='warning')

    @staticmethod
    def _provider_line() -> str:
        if beats.beatoven_settings():
            credits = beatoven.last_credits(get_settings().beatoven_base_url)
            return 'Made by Beatoven' + (f' · {credits} credits left' if credits is not None else '')
        return 'Made on this machine by the local beat engine'


def _upload_cap() -> int:
    return min(get_settings().max_upload_bytes, 50 * 1024 * 1024)  # spec 2.1: a beat is 50 MB at most


def _title(entry: dict[str, Any]) -> str:
    spec = entry.get('spec') or {}
    if entry.get('source', {}).get('kind') == 'uploaded':
        return str(spec.get('name') or 'Your beat')
    return f'{str(spec.get("mood", "")).capitalize()} {spec.get("genre", "")} · {entry.get("bpm")} BPM · ' \
           f'{entry.get("key")}'


def _facts(entry: dict[str, Any]) -> list[tuple[str, str]]:
    seconds = float(entry.get('duration_s') or 0)
    source = entry.get('source') or {}
    made_by = {'local': 'Local beat engine', 'service': str(source.get('name', '')).capitalize(),
               'uploaded': 'Your upload'}.get(source.get('kind'), '')
    return [('BPM', str(entry.get('bpm') or 'unknown')), ('Key', str(entry.get('key') or 'unknown')),
            ('Length', f'{int(seconds // 60)}:{int(seconds % 60):02d}'), ('Made by', made_by)]
