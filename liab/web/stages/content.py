"""The Content stage (spec 2.6): video ideas, the viral score, the text pack and a post schedule with a calendar."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from nicegui import events, run, ui

from liab import media
from liab.config import get_settings
from liab.content import plan, schedule, score
from liab.errors import LiabError
from liab.models import utcnow
from liab.providers import social, text
from liab.services import content, lyrics, videos
from liab.web.components.busy import while_busy
from liab.web.components.clipboard import copy_text
from liab.web.components.job_progress import JobProgress
from liab.web.components.upload import Upload
from liab.web.stages import StageContext
from liab.web.voice_control import say

STATUS_LABELS = {'scheduled': 'Scheduled', 'due': 'Due now: post it', 'posted': 'Posted', 'cancelled': 'Cancelled',
                 'published': 'Published by GetLate', 'failed': 'GetLate could not post it'}


def create(ctx: StageContext) -> None:
    ContentStage(ctx)


class ContentStage:
    def __init__(self, ctx: StageContext) -> None:
        self.workspace = ctx.workspace
        self.tz = 'UTC'
        with ui.column().classes('liab-stage-body w-full') as self.root:
            self._ideas_panel()
            self._video_panel()
            self._score_panel()
            self._pack_panel()
            self._schedule_panel()
            self._plan_panel()
            self._made_panel()
        self.plan_rows: list[dict[str, Any]] = []
        ui.timer(0.1, self._read_time_zone, once=True)
        self.show(ctx.data)
        self._plan_intro(ctx.data)

    # panels ----------------------------------------------------------------------------------------------

    def _ideas_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('content-ideas-panel'):
            ui.label('Video ideas').classes('liab-panel__title')
            ui.label('Ideas built from your own title, lyrics and mood.').classes('liab-note')
            self.ideas_button = ui.button('Give me 3 ideas', icon='lightbulb', on_click=self.ideas) \
                .props('unelevated no-caps').mark('content-ideas-run')
            self.ideas_box = ui.column().classes('w-full').mark('content-ideas')

    def _video_panel(self) -> None:
        cap = get_settings().max_video_bytes
        with ui.card().classes('liab-panel w-full').mark('content-video-panel'):
            ui.label('Your video').classes('liab-panel__title')
            ui.label(f'Upload a clip (MP4, MOV or WebM, {cap // (1024 * 1024)} MB at most): we keep it, note its '
                     'length and frame rate, and write down its words for the score and the captions.') \
                .classes('liab-note')
            self.video_upload = Upload(auto_upload=True, max_file_size=cap, on_upload=self.upload_video,
                                       on_rejected=lambda: ui.notify(
                                           f'That file is too large ({cap // (1024 * 1024)} MB at most).',
                                           type='negative')) \
                .props('accept="video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm"').classes('hidden') \
                .mark('content-video-upload')
            with ui.row(align_items='center'):
                self.video_button = ui.button('Upload a video', icon='video_file',
                                              on_click=lambda: self.video_upload.run_method('pickFiles')) \
                    .props('unelevated no-caps').mark('content-video-pick')
                self.video_busy = ui.label().classes('liab-note').mark('content-video-busy')
            self.video_progress = JobProgress()
            self.videos_box = ui.column().classes('w-full').mark('content-videos')

    def _score_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('content-score-panel'):
            ui.label('Viral score').classes('liab-panel__title')
            self.caption = ui.textarea('Caption').props('autogrow maxlength=2200').classes('w-full') \
                .mark('content-caption')
            with ui.row().classes('w-full liab-fields'):
                self.hashtags = ui.input('Hashtags', placeholder='#newmusic #afrobeats').mark('content-hashtags')
                self.hook = ui.input('Hook (the first words of the video)').mark('content-hook')
            self.transcript = ui.textarea('Transcript (optional)').props('autogrow maxlength=20000') \
                .classes('w-full').mark('content-transcript')
            ui.button('Score it', icon='insights', on_click=self.analyze).props('outline no-caps') \
                .mark('content-analyze')
            self.score_box = ui.column().classes('w-full').mark('content-score')

    def _pack_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('content-pack-panel'):
            ui.label('Text pack').classes('liab-panel__title')
            self.pack_button = ui.button('Write the text pack', icon='article', on_click=self.text_pack) \
                .props('unelevated no-caps').mark('content-pack-run')
            self.pack_box = ui.column().classes('w-full').mark('content-pack')

    def _schedule_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('content-schedule-panel'):
            ui.label('Post schedule').classes('liab-panel__title')
            if social.getlate_service():
                ui.label('Posts with a video or image go out through GetLate at their time. Posts without one '
                         'are kept here, with an alarm in your calendar.').classes('liab-note') \
                    .mark('content-getlate')
            else:
                ui.label('Kept here, with an alarm in your calendar at each time. Nothing is posted for you: '
                         'mark a post as posted when it is up.').classes('liab-note')
            soon = utcnow() + timedelta(days=1)
            with ui.row().classes('w-full liab-fields'):
                self.platform = ui.select(schedule.PLATFORMS, label='Platform', value='tiktok') \
                    .mark('content-platform')
                self.day = ui.input('Date', value=soon.strftime('%Y-%m-%d')).props('type=date') \
                    .mark('content-date')
                self.time = ui.input('Time', value='18:00').props('type=time').mark('content-time')
                self.tz_label = ui.label('Time zone: UTC').classes('liab-note').mark('content-tz')
            self.post_caption = ui.textarea('Post caption').props('autogrow maxlength=2200').classes('w-full') \
                .mark('content-post-caption')
            with ui.row().classes('w-full liab-fields'):
                self.post_hashtags = ui.input('Hashtags', placeholder='#newmusic').mark('content-post-hashtags')
                self.post_media = ui.select({'': 'None', **content.media_choices(self.workspace.data)},
                                            label='Video or image', value='') \
                    .mark('content-post-media')
            with ui.row(align_items='center'):
                self.schedule_button = ui.button('Schedule', icon='event', on_click=self.add_post) \
                    .props('unelevated no-caps').mark('content-schedule')
                ui.button('Download calendar (.ics)', icon='download', on_click=self.calendar) \
                    .props('flat no-caps').mark('content-ics')
            self.posts_box = ui.column().classes('w-full').mark('content-posts')

    def _plan_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('content-plan-panel'):
            ui.label('Release plan').classes('liab-panel__title')
            self.plan_note = ui.label().classes('liab-note').mark('content-plan-note')
            with ui.row(align_items='end').classes('w-full liab-fields'):
                self.plan_date = ui.input('Release date').props('type=date').mark('content-plan-date')
                self.plan_button = ui.button('Propose a plan', icon='calendar_month', on_click=self.propose) \
                    .props('outline no-caps').mark('content-plan-run')
            self.plan_box = ui.column().classes('w-full').mark('content-plan')

    def _made_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('content-made-panel'):
            ui.label('Visualizer video and Spotify Canvas').classes('liab-panel__title')
            self.made_note = ui.label().classes('liab-note').mark('content-made-note')
            with ui.row(align_items='end').classes('w-full liab-fields'):
                self.part_start = ui.number('Start (s)', value=0, min=0, step=0.5, format='%.1f') \
                    .mark('content-part-start')
                self.part_length = ui.number('Length (s)', value=15, min=10, max=60, step=1) \
                    .mark('content-part-length')
                ui.button('Suggest the chorus', icon='auto_awesome', on_click=self.suggest) \
                    .props('flat no-caps').mark('content-suggest')
            with ui.row(align_items='center'):
                self.visualizer_button = ui.button('Make the visualizer (1080 x 1920)', icon='movie',
                                                   on_click=self.visualizer).props('unelevated no-caps') \
                    .mark('content-visualizer-run')
                self.canvas_seconds = ui.select({3: '3 s', 4: '4 s', 5: '5 s', 6: '6 s', 7: '7 s', 8: '8 s'},
                                                value=6, label='Canvas length').style('min-width: 120px') \
                    .mark('content-canvas-seconds')
                self.canvas_button = ui.button('Make a Canvas loop', icon='loop', on_click=self.canvas) \
                    .props('outline no-caps').mark('content-canvas-run')
            self.made_progress = JobProgress()
            self.made_box = ui.column().classes('w-full').mark('content-made')

    # actions ---------------------------------------------------------------------------------------------

    async def ideas(self) -> None:
        say('Vee', 'Generating video idea...')
        song = self._song()
        written = await while_busy(self.ideas_button, lambda: text.write_video_ideas(song, 3))
        if written is None:
            return
        stored = await self.workspace.change('content_ideas', content.store_ideas,
                                             ideas=[idea.to_json() for idea in written.value],
                                             source=written.provider)
        self._done(stored, written.notice)

    async def analyze(self) -> None:
        song = self._song()
        result = score.viral_score(transcript=self.transcript.value or '', title=song['title'],
                                   lyrics=song['lyrics'], mood=song['mood'], genre=song['genre'],
                                   caption=self.caption.value or '', hashtags=self.hashtags.value or '',
                                   hook=self.hook.value or '')
        stored = await self.workspace.change('content_analyze', content.store_analysis, analysis=result.to_json())
        self._done(stored, None)

    async def text_pack(self) -> None:
        song = self._song()
        written = await while_busy(self.pack_button, lambda: text.write_text_pack(song))
        if written is None:
            return
        stored = await self.workspace.change('content_text_pack', content.store_text_pack,
                                             pack=written.value.to_json(), source=written.provider)
        self._done(stored, written.notice)

    async def add_post(self) -> None:
        project = self.workspace.project
        values = {'platform': self.platform.value, 'date': self.day.value, 'time': self.time.value,
                  'caption': self.post_caption.value or '', 'hashtags': self.post_hashtags.value or '',
                  'media': self.post_media.value or None, 'title': self._song()['title']}
        data, project_id, tz = self.workspace.data, project.id if project else '', self.tz
        prepared = await while_busy(self.schedule_button, lambda: content.prepare_post(
            project_id=project_id, data=data, values=values, tz=tz))
        if prepared is None:
            return
        stored = await self.workspace.change('content_post', content.store_post, post=prepared.post)
        if stored and not self.root.is_deleted:
            if prepared.notice:
                ui.notify(prepared.notice, type='warning', multi_line=True)
            elif prepared.post.provider == 'getlate':
                ui.notify(f'Scheduled at GetLate for {prepared.post.account}.', type='positive')
            else:
                ui.notify('Scheduled. Download the calendar to get an alarm at that time.', type='positive')
            self.post_caption.value = ''
            self._done(stored, None)

    async def mark(self, post_id: str, status: str) -> None:
        if status == 'cancelled':
            data = self.workspace.data
            try:
                await run.io_bound(content.withdraw_remote, data, post_id)
            except LiabError as exc:
                ui.notify(f'{exc.message} The post is still scheduled.', type='negative')
                return
        stored = await self.workspace.change('content_post_status', content.set_post_status, post_id=post_id,
                                             status=status)
        self._done(stored, None)

    async def upload_video(self, event: events.UploadEventArguments) -> None:
        name = event.file.name
        project = await self.workspace.ensure_project()
        if project is None:
            return
        self.video_busy.set_text(f'Checking “{name}”…')
        self.video_button.props('loading')
        folder = get_settings().data_dir / 'tmp'
        folder.mkdir(parents=True, exist_ok=True)
        spool = folder / f'video-{uuid.uuid4().hex}.part'
        try:
            await event.file.save(spool)
            taken = await run.io_bound(videos.take_video, project_id=project.id, source=spool, original_name=name,
                                       max_bytes=get_settings().max_video_bytes)
            self.video_busy.set_text('Writing down the words…')
            heard = await self.video_progress.run(project.id, 'Transcribing the video', videos.transcribe_job,
                                                  str(taken.audio_path) if taken.audio_path else None)
            if heard is None:
                taken.path.unlink(missing_ok=True)
                return
            stored = await self.workspace.change('content_video', videos.store_video, taken=taken, transcript=heard)
        except LiabError as exc:
            ui.notify(f'“{name}” was not added. {exc.message}', type='negative', multi_line=True)
            return
        finally:
            spool.unlink(missing_ok=True)
            self.video_busy.set_text('')
            self.video_button.props(remove='loading')
            self.video_upload.run_method('removeUploadedFiles')
        if stored and not self.root.is_deleted:
            if heard.get('notice'):
                ui.notify(heard['notice'], type='warning', multi_line=True)
            ui.notify(f'“{name}” is in. Check its transcript below.', type='positive')
            self._done(stored, None)

    async def save_transcript(self, video_id: str, text: str, source: str = 'edited') -> None:
        stored = await self.workspace.change('content_transcript', videos.save_transcript, video_id=video_id,
                                             text=text, source=source)
        if stored and not self.root.is_deleted:
            ui.notify('Transcript saved.' if source == 'edited' else 'Your lyrics are the transcript now.',
                      type='positive')
            self._done(stored, None)

    def use_for_score(self, text: str) -> None:
        self.transcript.value = text
        ui.notify('The transcript is in the viral score form.', type='positive')

    async def suggest(self) -> None:
        inputs = self._render_inputs()
        if inputs is None:
            return
        try:
            start, end, song_s = await run.io_bound(videos.suggest_part, inputs['song'],
                                                    float(self.part_length.value or 15))
        except LiabError as exc:
            ui.notify(exc.message, type='warning')
            return
        self.part_start.value = start
        self.part_length.value = round(end - start)
        ui.notify(f'The loudest stretch: {_clock(start)} to {_clock(end)} of {_clock(song_s)}.', type='positive')

    async def visualizer(self) -> None:
        inputs = self._render_inputs()
        if inputs is None:
            return
        length = float(self.part_length.value or 15)
        if not 10 <= length <= 60:
            ui.notify('A visualizer is 10 to 60 seconds long.', type='warning')
            return
        project = self.workspace.project
        folder = str(media.project_dir(project.id) / videos.MADE)
        made = await self.made_progress.run(project.id, 'Rendering the visualizer', videos.visualizer_job, inputs,
                                            folder, max(0.0, float(self.part_start.value or 0)), length,
                                            button=self.visualizer_button)
        if made is not None:
            stored = await self.workspace.change('content_visualizer', videos.store_render, kind='visualizer',
                                                 made=made)
            if stored and not self.root.is_deleted:
                ui.notify('Your visualizer video is ready.', type='positive')
                self._done(stored, None)

    async def canvas(self) -> None:
        inputs = self._render_inputs()
        if inputs is None:
            return
        project = self.workspace.project
        folder = str(media.project_dir(project.id) / videos.MADE)
        made = await self.made_progress.run(project.id, 'Rendering the Canvas loop', videos.canvas_job, inputs,
                                            folder, float(self.canvas_seconds.value or 6), 1080,
                                            len(videos.renders(self.workspace.data, 'canvas')),
                                            button=self.canvas_button)
        if made is not None:
            stored = await self.workspace.change('content_canvas', videos.store_render, kind='canvas', made=made)
            if stored and not self.root.is_deleted:
                ui.notify('Your Canvas loop is ready.', type='positive')
                self._done(stored, None)

    async def propose(self) -> None:
        project = self.workspace.project
        try:
            chosen = date.fromisoformat(self.plan_date.value) if self.plan_date.value else None
        except ValueError:
            ui.notify('Give the release date as a date.', type='warning')
            return
        data, tz = self.workspace.data, self.tz
        proposed = await while_busy(self.plan_button, lambda: content.release_plan(
            data, project.id if project else None, tz=tz, release_date=chosen))
        if proposed is not None:
            self._show_plan(proposed)

    async def accept_plan(self) -> None:
        items = [{'step': row['step'], 'platform': row['platform'].value, 'date': row['date'].value,
                  'time': row['time'].value, 'caption': row['caption'].value or ''}
                 for row in self.plan_rows if row['include'].value]
        stored = await self.workspace.change('content_plan', content.accept_plan, items=items, tz=self.tz)
        if stored and not self.root.is_deleted:
            ui.notify(f'{len(items)} post{"s" if len(items) != 1 else ""} added to the schedule.', type='positive')
            self._done(stored, None)
            await self.propose()

    async def calendar(self) -> None:
        project = self.workspace.project
        if project is None or not content.posts(self.workspace.data):
            ui.notify('Schedule a post first.', type='warning')
            return
        name = f'{self._song()["title"] or project.name} posts'
        path = media.project_dir(project.id, create=True) / 'content' / 'schedule.ics'
        await run.io_bound(media.write_text, path, content.calendar(self.workspace.data, name=name))
        ui.navigate.to(f'{media.url(project.id, "content/schedule.ics")}?download=1')

    # display ---------------------------------------------------------------------------------------------

    def show(self, data: dict[str, Any]) -> None:
        state = data.get('content') or {}
        self.ideas_box.clear()
        with self.ideas_box:
            for index, idea in enumerate((state.get('ideas') or [])[:6]):
                _idea_card(idea, index)
        self.score_box.clear()
        if state.get('analysis'):
            with self.score_box:
                _score(state['analysis'])
        self.pack_box.clear()
        if state.get('text_pack'):
            with self.pack_box:
                _pack(state['text_pack'])
        self.posts_box.clear()
        with self.posts_box:
            for post in content.posts(data):
                with ui.row(align_items='center', wrap=False).classes('liab-history-row w-full') \
                        .mark(f'content-post-{post.status}'):
                    when = schedule.local_time(post, self.tz)
                    with ui.column().classes('gap-0'):
                        via = f' · via GetLate ({post.account})' if post.provider == 'getlate' else ''
                        ui.label(f'{schedule.PLATFORMS[post.platform]} · {when:%a %d %b %Y, %H:%M}{via}') \
                            .classes('liab-history__title')
                        ui.label(post.caption[:120] or post.title).classes('liab-note')
                    ui.space()
                    ui.label(STATUS_LABELS.get(post.status, post.status)).classes('liab-chip')
                    if post.status in {'scheduled', 'due'}:
                        if post.provider == 'local':
                            ui.button('Mark posted', on_click=lambda p=post.id: self.mark(p, 'posted')) \
                                .props('flat no-caps dense').mark('content-mark-posted')
                        ui.button('Cancel', on_click=lambda p=post.id: self.mark(p, 'cancelled')) \
                            .props('flat no-caps dense').mark('content-cancel')
        self._show_videos(data)
        self._show_made(data)
        choices = {'': 'None', **content.media_choices(data)}
        self.post_media.set_options(choices, value=self.post_media.value if self.post_media.value in choices else '')
        self.post_media.set_visibility(len(choices) > 1)

    def _show_videos(self, data: dict[str, Any]) -> None:
        project = self.workspace.project if self.workspace else None
        self.videos_box.clear()
        if project is None:
            return
        has_lyrics = bool(lyrics.lyrics_text(data, project.id).strip())
        with self.videos_box:
            for video in videos.videos(data)[:5]:
                with ui.card().classes('liab-lyrics-card w-full').props('flat bordered') \
                        .mark(f'content-video-{video["id"]}'):
                    with ui.row(wrap=False).classes('w-full liab-video-row'):
                        ui.video(media.url(project.id, video['path']), autoplay=False) \
                            .classes('liab-video-preview')
                        with ui.column().classes('grow gap-1'):
                            ui.label(video['name']).classes('liab-history__title')
                            ui.label(f'{_clock(video["duration"])} · {video["fps"]:g} fps · '
                                     f'{video["width"]} x {video["height"]}').classes('liab-note')
                            label = _TRANSCRIPT_LABELS.get(video['transcript_source'], 'Transcript')
                            if video['rough']:
                                label = 'Rough transcript (offline): correct it before you use it'
                            box = ui.textarea(label, value=video['transcript']) \
                                .props('autogrow maxlength=20000').classes('w-full').mark('content-video-transcript')
                            with ui.row(align_items='center'):
                                ui.button('Save transcript', on_click=lambda v=video['id'], b=box:
                                          self.save_transcript(v, b.value or '')).props('flat no-caps dense') \
                                    .mark('content-video-save')
                                if has_lyrics:
                                    ui.button('Use my lyrics instead', on_click=lambda v=video['id']:
                                              self.use_lyrics(v)).props('flat no-caps dense') \
                                        .mark('content-video-lyrics')
                                ui.button('Use for the score', on_click=lambda b=box: self.use_for_score(
                                    b.value or '')).props('flat no-caps dense').mark('content-video-score')

    async def use_lyrics(self, video_id: str) -> None:
        project = self.workspace.project
        text = lyrics.lyrics_text(self.workspace.data, project.id if project else None)
        await self.save_transcript(video_id, text, 'lyrics')

    def _show_made(self, data: dict[str, Any]) -> None:
        project = self.workspace.project if self.workspace else None
        try:
            inputs = videos.render_inputs(data, project.id) if project else None
        except LiabError:
            inputs = None
        if inputs is None:
            self.made_note.set_text('Make a beat or master your song first: both videos are made from it.')
        else:
            song = 'your master' if inputs['song_kind'] == 'master' else \
                'your beat (master the song for the best sound)'
            cover = 'your cover' if inputs['cover'] else 'a generated cover until you choose one in the Release stage'
            self.made_note.set_text(f'The visualizer is made from {song} and {cover}, with the lyrics of its part as '
                                    "captions. The Canvas is a silent loop of artwork in your release's look, with "
                                    'no text, as Spotify asks.')
        for button in (self.visualizer_button, self.canvas_button):
            button.set_enabled(inputs is not None)
        self.made_box.clear()
        if project is None:
            return
        with self.made_box, ui.row().classes('w-full liab-made-row'):
            for made in videos.renders(data)[:4]:
                with ui.column().classes('liab-made').mark(f'content-made-{made["kind"]}'):
                    if made['kind'] == 'visualizer':
                        title = f'Visualizer · {made["length_s"]:g} s from {_clock(made["start_s"])}'
                        ui.video(media.url(project.id, made['path']), autoplay=False).classes('liab-made__video')
                    else:
                        title = f'Canvas · {made["seconds"]:g} s loop'
                        ui.video(media.url(project.id, made['path']), autoplay=True, loop=True, muted=True,
                                 controls=False).classes('liab-made__video')
                    ui.label(title).classes('liab-note')
                    ui.button('Download', icon='download', on_click=lambda p=made['path']: ui.navigate.to(
                        f'{media.url(project.id, p)}?download=1')).props('flat no-caps dense')

    def _render_inputs(self) -> dict[str, Any] | None:
        project = self.workspace.project
        if project is None:
            ui.notify('Make a beat or master your song first.', type='warning')
            return None
        try:
            return videos.render_inputs(self.workspace.data, project.id)
        except LiabError as exc:
            ui.notify(exc.message, type='warning')
            return None

    def _plan_intro(self, data: dict[str, Any]) -> None:
        saved = (data.get('release') or {}).get('release_date')
        self.plan_date.value = saved or ''
        self.plan_note.set_text(
            'Posts counted back and forward from your release date: teasers, the pre-save push, release day and '
            'follow-ups. Edit any of them, then add the ones you want to the schedule.'
            + ('' if saved else ' No release date is saved yet (Release stage): pick one, or the next suitable '
                                'Friday is used.'))
        if any(post.provider == 'getlate' and post.status == 'scheduled' for post in content.posts(data)):
            ui.timer(0.2, self._refresh_remote, once=True)

    def _show_plan(self, proposed: content.ReleasePlan) -> None:
        self.plan_date.value = proposed.release_date.isoformat()
        self.plan_rows = []
        self.plan_box.clear()
        with self.plan_box:
            ui.label(f'Release day: {proposed.release_date:%A %d %B %Y}'
                     + ('' if proposed.from_details else ' (not saved in the Release stage yet)')) \
                .classes('liab-history__title').mark('content-plan-release')
            for item in proposed.items:
                open_item = not (item.passed or item.accepted)
                with ui.row(align_items='center').classes('liab-history-row w-full liab-fields') \
                        .mark(f'content-plan-{item.step}'):
                    include = ui.checkbox(value=open_item).props(f'aria-label="Add {item.label}"')
                    include.set_enabled(open_item)
                    with ui.column().classes('gap-0').style('min-width: 190px'):
                        ui.label(item.label).classes('liab-history__title')
                        state = 'already in the schedule' if item.accepted else 'time has passed' if item.passed \
                            else plan.KIND_LABELS[item.kind]
                        ui.label(state).classes('liab-note')
                    platform = ui.select(schedule.PLATFORMS, value=item.platform, label='Platform')
                    day = ui.input('Date', value=item.day.isoformat()).props('type=date')
                    clock = ui.input('Time', value=item.clock.strftime('%H:%M')).props('type=time')
                    caption = ui.input('Caption', value=item.caption).props('maxlength=2200').classes('grow') \
                        .style('flex: 3 1 260px').mark(f'content-plan-caption-{item.step}')
                    for field in (platform, day, clock, caption):
                        field.set_enabled(open_item)
                self.plan_rows.append({'step': item.step, 'include': include, 'platform': platform, 'date': day,
                                       'time': clock, 'caption': caption})
            with ui.row(align_items='center'):
                ui.button('Add the ticked posts to the schedule', icon='playlist_add', on_click=self.accept_plan) \
                    .props('unelevated no-caps').mark('content-plan-accept')
                ui.label(f'Times are in {self.tz}.').classes('liab-note')

    async def _refresh_remote(self) -> None:
        data = self.workspace.data
        statuses, notice = await run.io_bound(content.remote_statuses, data)
        if self.posts_box.is_deleted:
            return
        if notice:
            ui.notify(notice, type='warning')
        if statuses:
            stored = await self.workspace.change('content_remote', content.store_remote_statuses, statuses=statuses)
            if not self.posts_box.is_deleted:
                self._done(stored, None)

    def _done(self, stored: Any, notice: str | None) -> None:
        if stored:
            self.workspace.show_project(stored)
        if self.root.is_deleted:
            return  # the artist closed the stage meanwhile: the result is saved, there is nothing to draw
        if notice:
            ui.notify(notice, type='warning')
        if stored:
            self.show(stored.data)

    def _song(self) -> dict[str, Any]:
        project = self.workspace.project if self.workspace else None
        return content.song_of(self.workspace.data if self.workspace else {}, project.id if project else None)

    async def _read_time_zone(self) -> None:
        try:
            zone = await ui.run_javascript('Intl.DateTimeFormat().resolvedOptions().timeZone', timeout=3)
        except TimeoutError:
            zone = None
        if isinstance(zone, str) and 0 < len(zone) < 64:
            self.tz = zone
            self.tz_label.set_text(f'Time zone: {zone}')


_TRANSCRIPT_LABELS = {'openai': 'Transcript (OpenAI)', 'edited': 'Transcript (corrected)',
                      'lyrics': 'Transcript (your lyrics)', 'none': 'Transcript (no words heard)'}


def _clock(seconds: float) -> str:
    whole = round(seconds or 0)
    return f'{whole // 60}:{whole % 60:02d}'


def _idea_card(idea: dict[str, str], index: int) -> None:
    with ui.card().classes('liab-lyrics-card w-full').props('flat bordered').mark(f'content-idea-{index}'):
        with ui.row(align_items='center', wrap=False).classes('w-full'):
            ui.label(idea['idea']).classes('liab-history__title')
            ui.space()
            whole = f'{idea["idea"]}\nHook: {idea["hook"]}\nScript: {idea["script"]}\nVisual: {idea["visual"]}'
            ui.button(icon='content_copy', on_click=lambda: copy_text(whole, 'The idea')) \
                .props('flat round dense').tooltip('Copy this idea')
        for label in ('hook', 'script', 'visual'):
            ui.label(f'{label.capitalize()}: {idea[label]}').classes('liab-lyrics-line')


def _score(analysis: dict[str, Any]) -> None:
    ui.label(f'{analysis["score"]} / {analysis.get("max_score", 80)}').classes('liab-fact__value') \
        .mark('content-score-value')
    ui.label(analysis['summary']).classes('liab-note')
    for term in analysis['terms']:
        with ui.row(align_items='center', wrap=False).classes('liab-check w-full'):
            ui.icon('check_circle' if term['earned'] else 'radio_button_unchecked') \
                .classes('liab-check__icon ' + ('liab-check--pass' if term['earned'] else 'liab-check--warn'))
            ui.label(f'{"+" if term["earned"] else "0 of "}{term["points"]} · {term["why"]}')
    for tip in analysis.get('improvements') or []:
        ui.label(f'• {tip}').classes('liab-note')
    if analysis.get('suggested_hook'):
        ui.label(f'Suggested hook: {analysis["suggested_hook"]}').classes('liab-lyrics-line')


def _pack(pack: dict[str, Any]) -> None:
    for title, items in (('Captions', pack['captions']), ('Hooks', pack['hooks'])):
        ui.label(title).classes('liab-lyrics-card__name')
        for item in items:
            with ui.row(align_items='center', wrap=False).classes('w-full'):
                ui.label(item).classes('liab-lyrics-line')
                ui.space()
                ui.button(icon='content_copy', on_click=lambda i=item, t=title: copy_text(i, t[:-1])) \
                    .props('flat round dense')
    tags = ' '.join(pack['hashtags'])
    with ui.row(align_items='center', wrap=False).classes('w-full'):
        ui.label(tags).classes('liab-lyrics-line').mark('content-hashtag-line')
        ui.space()
        ui.button(icon='content_copy', on_click=lambda: copy_text(tags, 'The hashtags')).props('flat round dense')
    ui.label(f'Posting strategy: {pack["posting_strategy"]}').classes('liab-note')
    for index, idea in enumerate(pack['ideas']):
        _idea_card(idea, 100 + index)
