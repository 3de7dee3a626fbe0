"""The Lyrics stage (spec 2.2): write (genre, mood, theme), write to the beat, write from a theme alone, or refine
with an instruction; the result as section cards, editable, with every version kept."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from nicegui import events, run, ui

from liab import jobs, logs
from liab.audio import ingest
from liab.config import get_settings
from liab.errors import LiabError
from liab.providers import text
from liab.services import beats, lyrics
from liab.services.projects import AssetSource
from liab.web.components.busy import while_busy
from liab.web.components.job_progress import JobProgress
from liab.web.components.lyrics_sheet import LyricsSheet
from liab.web.components.upload import Upload
from liab.web.stages import StageContext
from liab.web.voice_control import say
from liab.writers.lyrics import GENRES, MOODS, Lyrics

MODES = {'write': 'Write', 'from_beat': 'From my beat', 'free': 'Free', 'refine': 'Refine'}
BUTTONS = {'write': 'Write lyrics', 'from_beat': 'Write to my beat', 'free': 'Write from my theme',
           'refine': 'Refine'}
SUGGESTIONS = ('Make the chorus shorter', 'More rhymes', 'Make it darker', 'Make it happier', 'Add a bridge',
               'Rewrite verse 2')
BEAT_FORMATS = ('wav', 'mp3', 'aiff', 'flac', 'm4a')


def create(ctx: StageContext) -> None:
    LyricsStage(ctx)


class LyricsStage:
    def __init__(self, ctx: StageContext) -> None:
        self.workspace = ctx.workspace
        data = ctx.data
        context = lyrics.beat_context(data)
        last = (lyrics.current_version(data) or {}).get('details') or {}
        self.analysed: lyrics.BeatContext | None = None
        with ui.column().classes('liab-stage-body w-full') as self.root:
            with ui.card().classes('liab-panel w-full').mark('lyrics-form'):
                with ui.tabs(value='write', on_change=self._mode_changed).props('dense no-caps align=left') \
                        .classes('liab-tabs').mark('lyrics-modes') as self.tabs:
                    for mode, label in MODES.items():
                        ui.tab(mode, label).mark(f'lyrics-mode-{mode}')
                with ui.tab_panels(self.tabs, value='write').classes('w-full liab-tab-panels'):
                    with ui.tab_panel('write'):
                        with ui.row().classes('w-full liab-fields'):
                            self.genre = ui.select({g: _label(g) for g in GENRES}, label='Genre',
                                                   value=_pick(last.get('genre'), context and context.genre, GENRES)) \
                                .mark('lyrics-genre')
                            self.mood = ui.select({m: _label(m) for m in MOODS}, label='Mood',
                                                  value=_pick(last.get('mood'), context and context.mood, MOODS)) \
                                .mark('lyrics-mood')
                    with ui.tab_panel('from_beat'):
                        self.beat_line = ui.label().classes('liab-note').mark('lyrics-beat')
                        upload = Upload(on_upload=self._analyse_upload, auto_upload=True,
                                        max_file_size=get_settings().max_upload_bytes,
                                        on_rejected=lambda: ui.notify('That file is too large.', type='negative')) \
                            .props('accept=.wav,.mp3,.aif,.aiff,.flac,.m4a,audio/*').classes('hidden') \
                            .mark('lyrics-beat-upload')
                        ui.button('Use a beat file instead', icon='upload_file',
                                  on_click=lambda: upload.run_method('pickFiles')).props('outline no-caps') \
                            .mark('lyrics-beat-file')
                    with ui.tab_panel('free'):
                        ui.label('Only the theme: the mood is read from your words and the form is a sung one.') \
                            .classes('liab-note')
                    with ui.tab_panel('refine'):
                        self.instruction = ui.input('How should the lyrics change?',
                                                    placeholder='make the chorus shorter') \
                            .props('maxlength=500 clearable').classes('w-full').mark('lyrics-instruction')
                        self.instruction.on('keydown.enter', self.run)
                        with ui.row().classes('gap-1'):
                            for suggestion in SUGGESTIONS:
                                ui.chip(suggestion, on_click=lambda s=suggestion: self.instruction.set_value(s)) \
                                    .props('clickable outline').classes('liab-chip-button')
                self.theme = ui.textarea('Theme: what is the song about?',
                                         placeholder='leaving my hometown, the last train, my mother at the window') \
                    .props('autogrow rows=1 maxlength=10000 counter').classes('w-full').mark('lyrics-theme')
                self.theme.value = ((lyrics.current_version(data) or {}).get('details') or {}).get('theme', '')
                with ui.row(align_items='center').classes('w-full'):
                    self.button = ui.button(BUTTONS['write'], icon='edit_note', on_click=self.run) \
                        .props('unelevated no-caps').mark('lyrics-run')
                    ui.space()
                    ui.label(_provider_line()).classes('liab-note').mark('lyrics-provider')
            self.progress = JobProgress()
            self.notice = ui.label().classes('liab-notice-line').props('aria-live=polite').mark('lyrics-notice')
            self.notice.set_visibility(False)
            self.sheet = LyricsSheet(on_move=self.move, on_save=self.save_edit)
        self._beat_line(context)
        self.show(data)

    # actions ---------------------------------------------------------------------------------------------

    async def run(self) -> None:
        mode = self.tabs.value
        if mode == 'refine':
            await self.refine()
            return
        data = self.workspace.data if self.workspace else {}
        theme = self.theme.value or ''
        if mode == 'write':
            genre, mood = self.genre.value, self.mood.value
            context = lyrics.beat_context(data)
            bpm = context.bpm if context else None
            call, note = (lambda: lyrics.write(genre=genre, mood=mood, theme=theme, bpm=bpm)), f'Wrote {mood} {genre}'
        elif mode == 'from_beat':
            context = self.analysed or lyrics.beat_context(data)
            if context is None:
                ui.notify('Make a beat in the Beat stage first, or use a beat file.', type='warning')
                return
            genre, mood, bpm = context.genre or 'hip hop', context.mood or 'energetic', context.bpm
            call, note = (lambda: lyrics.write(genre=genre, mood=mood, theme=theme, bpm=bpm)), \
                f'Wrote to the beat ({mood} {genre}, {bpm or "?"} BPM)'
        else:
            genre, mood, bpm = 'pop', lyrics.mood_of_theme(theme), None
            call, note = (lambda: lyrics.write_free(theme=theme)), 'Wrote from the theme'
        written = await self._busy(call)
        if written is None:
            return
        await self._store(written, kind=mode, note=note,
                          details={'genre': genre, 'mood': mood, 'bpm': bpm, 'theme': theme[:500]})

    async def refine(self) -> None:
        data = self.workspace.data if self.workspace else {}
        current = lyrics.current_lyrics(data)
        if current is None:
            ui.notify('Write some lyrics first; then tell me how to change them.', type='warning')
            return
        instruction = self.instruction.value or ''
        details = (lyrics.current_version(data) or {}).get('details') or {}
        written = await self._busy(lambda: lyrics.refine(
            current, instruction, history=lyrics.history_notes(data), genre=details.get('genre'),
            mood=details.get('mood'), theme=details.get('theme', ''), bpm=details.get('bpm')))
        if written is None:
            return
        result = written.value
        if result.lyrics is None or result.lyrics.text() == current.text():
            self._notice(result.message, plain=True)  # not understood, or nothing to change: no new version
            return
        await self._store(text.Written(result.lyrics, written.provider, written.notice), kind='refine',
                          note=instruction.strip()[:300], details=details, message=result.message)
        self.instruction.set_value('')

    async def move(self, step: int) -> None:
        stored = await self.workspace.change('move_lyrics_version', lyrics.move_version, step=step)
        if stored:
            self._shown(stored)

    async def save_edit(self, lyrics_text: str) -> None:
        stored = await self.workspace.change('edit_lyrics', lyrics.save_text, lyrics_text=lyrics_text)
        if stored:
            ui.notify('Saved as a new version.', type='positive')  # NOTE: before the redraw deletes the button
            self._shown(stored)

    async def _analyse_upload(self, event: events.UploadEventArguments) -> None:
        project = await self.workspace.ensure_project()
        if project is None:
            return
        scratch = get_settings().data_dir / 'tmp'
        scratch.mkdir(parents=True, exist_ok=True)
        with logs.action('lyrics_beat_file', project.id) as record, tempfile.TemporaryDirectory(dir=scratch) as folder:
            try:
                taken = await run.io_bound(ingest.ingest_audio, io.BytesIO(await event.file.read()),
                                           original_name=event.file.name, dest_dir=Path(folder),
                                           max_bytes=get_settings().max_upload_bytes, allowed=BEAT_FORMATS,
                                           stem='beat')
                job = jobs.runner.start(project.id, 'Listening to the beat', Path(folder))
                self.progress.follow(job)
                try:
                    measured = await jobs.runner.run(job, beats.analyse_upload, str(taken.path), taken.format)
                finally:
                    self.progress.finish()
            except LiabError as exc:
                record.outcome = type(exc).__name__
                ui.notify(exc.message, type='negative')
                return
        bpm, key = measured.get('bpm'), measured.get('key')
        self.analysed = lyrics.BeatContext(float(bpm) if bpm else None, lyrics.mood_of_beat(bpm, key),
                                           lyrics.genre_of_beat(bpm, key), key)
        self._beat_line(self.analysed, name=taken.display_name)

    # helpers ---------------------------------------------------------------------------------------------

    async def _busy(self, call: Any) -> Any:
        self.notice.set_visibility(False)
        return await while_busy(self.button, call)

    async def _store(self, written: text.Written[Lyrics], *, kind: str, note: str, details: dict[str, Any],
                     message: str | None = None) -> None:
        source = AssetSource('service' if written.provider == 'openai' else 'local', written.source_name)
        stored = await self.workspace.change(f'lyrics_{kind}', lyrics.store_version, lyrics=written.value, kind=kind,
                                             note=note, source=source,
                                             details={k: v for k, v in details.items() if v not in (None, '')})
        if not stored:
            return
        self._shown(stored)
        if self.root.is_deleted:
            return  # the artist closed the stage meanwhile: the lyrics are saved, there is nothing to draw
        say('Lyrica', 'Here are your lyrics')
        if written.notice:
            self._notice(written.notice)
        elif message:
            self._notice(message, plain=True)

    def _shown(self, project: Any) -> None:
        self.workspace.show_project(project)
        if not self.root.is_deleted:
            self.show(project.data)

    def show(self, data: dict[str, Any]) -> None:
        state = data.get('lyrics') or {}
        versions = state.get('versions') or []
        self.sheet.show(lyrics.current_lyrics(data), versions, state.get('current', len(versions) - 1))

    def _mode_changed(self) -> None:
        self.button.set_text(BUTTONS.get(self.tabs.value, 'Write'))
        self.theme.set_visibility(self.tabs.value != 'refine')

    def _beat_line(self, context: lyrics.BeatContext | None, name: str | None = None) -> None:
        if context is None:
            self.beat_line.set_text('This project has no beat yet. Make one in the Beat stage, or use a beat file.')
            return
        tempo = f'{context.bpm:.0f} BPM' if context.bpm else 'no steady tempo'
        origin = f'"{name}"' if name else 'Your beat'
        self.beat_line.set_text(f'{origin}: {tempo} · {context.key or "key unclear"} · the lyrics will be '
                                f'{context.mood} {context.genre}, with lines sized to the tempo.')

    def _notice(self, message: str, *, plain: bool = False) -> None:
        self.notice.set_text(message)
        self.notice.set_visibility(True)
        if not plain:
            ui.notify(message, type='warning')


def _provider_line() -> str:
    service = text.openai_service()
    if service:
        return f'Written by {service.model} through OpenAI; the local writer steps in if it fails'
    return 'Written on this machine by the local lyric writer'


def _label(name: str) -> str:
    return 'R&B' if name == 'r&b' else name[:1].upper() + name[1:]


def _pick(first: Any, second: Any, allowed: tuple[str, ...]) -> str:
    for value in (first, second):
        if value in allowed:
            return value
    return allowed[0]
