"""The Mix stage (spec 2.4): beat + lead vocal (step 1), the mix chain (step 2), the master (step 3), with a
loudness report and before/after players at equal loudness."""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any

from nicegui import events, run, ui

from liab import logs, media
from liab.audio import dsp
from liab.config import get_settings
from liab.errors import LiabError
from liab.services import mixing
from liab.web.components.job_progress import JobProgress
from liab.web.components.mix_parts import ab_players, report_table, slider, target_note
from liab.web.components.upload import Upload
from liab.web.components.waveform import WaveformPlayer
from liab.web.stages import StageContext
from liab.web.voice_control import say

TARGET_CHOICES = {'spotify': 'Spotify / YouTube · -14 LUFS', 'apple': 'Apple Music · -16 LUFS',
                  'spec': 'Standard · -13 LUFS', 'loud': 'Loud · -9 LUFS', 'custom': 'Custom'}
PRESET_CHOICES = {'manual': 'Manual', 'warm': 'Warm', 'clean': 'Clean', 'bright': 'Bright'}
ACCEPT = 'accept=.wav,.mp3,.aif,.aiff,.flac,.m4a,audio/*'
CHAIN_FIELDS = ('eq_low', 'eq_mid', 'eq_high', 'compression', 'reverb', 'limiter')


def create(ctx: StageContext) -> None:
    MixStage(ctx)


class MixStage:
    def __init__(self, ctx: StageContext) -> None:
        self.workspace = ctx.workspace
        data = ctx.data
        saved = (data.get('mix') or {}).get('settings') or {}
        with ui.column().classes('liab-stage-body w-full') as self.root:
            self.step_one = ui.card().classes('liab-panel w-full').mark('mix-step-1')
            with ui.card().classes('liab-panel w-full').mark('mix-step-2'):
                ui.label('2 · Mix chain').classes('liab-panel__title')
                self.source = ui.select({}, label='What to mix and master').classes('w-full').mark('mix-source')
                with ui.row(align_items='center').classes('w-full'):
                    self.preset = ui.toggle(PRESET_CHOICES, value=saved.get('preset') or 'manual',
                                            on_change=self._apply_preset).props('no-caps').mark('mix-preset')
                    ui.space()
                    song = Upload(on_upload=self._upload_song, auto_upload=True,
                                  max_file_size=get_settings().max_upload_bytes) \
                        .props(ACCEPT).classes('hidden').mark('mix-song-upload')
                    ui.button('Use a finished song', icon='upload_file',
                              on_click=lambda: song.run_method('pickFiles')).props('flat no-caps').mark('mix-song')
                self.preset_line = ui.label().classes('liab-note').mark('mix-preset-line')
                with ui.element('div').classes('liab-slider-grid w-full'):
                    start = {name: saved.get(name, getattr(dsp.Chain(), name)) for name in CHAIN_FIELDS}
                    self.chain = {
                        'eq_low': slider('Low (100 Hz)', -6, 6, 0.5, start['eq_low'], unit=' dB', marker='mix-eq-low'),
                        'eq_mid': slider('Mid (1.5 kHz)', -6, 6, 0.5, start['eq_mid'], unit=' dB', marker='mix-eq-mid'),
                        'eq_high': slider('High (10 kHz)', -6, 6, 0.5, start['eq_high'], unit=' dB',
                                          marker='mix-eq-high'),
                        'compression': slider('Compression', 0, 1, 0.05, start['compression'],
                                              marker='mix-compression'),
                        'reverb': slider('Reverb', 0, 1, 0.05, start['reverb'], marker='mix-reverb'),
                        'limiter': slider('Limiter', 0, 1, 0.05, start['limiter'], marker='mix-limiter')}
                for control in self.chain.values():
                    control.on('update:model-value', self._manual, throttle=0.3)
                with ui.row(align_items='center').classes('w-full'):
                    self.ai_mix = ui.switch('AI mix: set the chain from an analysis of the track',
                                            value=bool(saved.get('ai_mix'))).mark('mix-ai')
                    ui.space()
                    self.strength = slider('Strength', 0, 1, 0.05, saved.get('mix_strength', 0.7),
                                           marker='mix-strength')
                self.ai_line = ui.label().classes('liab-note').mark('mix-ai-line')
            with ui.card().classes('liab-panel w-full').mark('mix-step-3'):
                ui.label('3 · Master').classes('liab-panel__title')
                with ui.row().classes('w-full liab-fields'):
                    self.target = ui.select(TARGET_CHOICES, label='Loudness target', value='spotify') \
                        .mark('mix-target')
                    self.custom = ui.number('Custom target (LUFS)', value=-14, min=-24, max=-6, step=0.5) \
                        .props('data-liab-narrow').mark('mix-custom')
                    self.ceiling = ui.number('True-peak ceiling (dBTP, empty = automatic)', min=-3, max=-0.1,
                                             step=0.1).mark('mix-ceiling')
                self.amount = slider('Mastering amount (wet/dry)', 0, 1, 0.05, 1.0, marker='mix-amount')
                with ui.row(align_items='center').classes('w-full'):
                    self.reference = ui.select({'': 'No reference track'}, value='', label='Match a reference') \
                        .classes('grow').mark('mix-reference')
                    ref = Upload(on_upload=self._upload_reference, auto_upload=True,
                                 max_file_size=get_settings().max_upload_bytes) \
                        .props(ACCEPT).classes('hidden').mark('mix-reference-upload')
                    ui.button('Add a reference', icon='library_music', on_click=lambda: ref.run_method('pickFiles')) \
                        .props('flat no-caps').mark('mix-reference-add')
                self.target_line = ui.label().classes('liab-note').mark('mix-target-line')
                with ui.row(align_items='center'):
                    self.master_button = ui.button('Mix and master', icon='tune', on_click=self.master) \
                        .props('unelevated no-caps').mark('mix-run')
            self.progress = JobProgress()
            self.result = ui.column().classes('w-full').mark('mix-result')
        for control in (self.target, self.custom, self.ceiling, self.reference):
            control.on_value_change(self._target_changed)
        self._target_changed()
        self._apply_preset() if self.preset.value != 'manual' else self._preset_line()
        self.show(data)

    # actions ---------------------------------------------------------------------------------------------

    async def vocal_mix(self) -> None:
        data = self.workspace.data
        try:
            beat, take = mixing.step_one_inputs(data)
            settings = mixing.vocal_settings({name: float(control.value) for name, control in self.vocal.items()})
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        project = await self.workspace.ensure_project()
        if project is None:
            return
        folder = media.project_dir(project.id, create=True) / mixing.FOLDER
        folder.mkdir(exist_ok=True)
        root = media.project_dir(project.id)
        made = await self._job(project.id, 'Mixing the vocal over the beat', mixing.vocal_mix_job, str(root / beat),
                               str(root / take['path']), str(folder), asdict(settings))
        if made is None:
            return
        stored = await self.workspace.change('vocal_mix', mixing.store_vocal_mix, made=made, beat=beat,
                                             take_id=take['id'])
        if stored:
            # NOTE: before the redraw, which deletes the button this handler runs under
            ui.notify('The beat + vocal mix is ready. Master it in step 3.', type='positive')
            self._shown(stored)
            self.source.set_value('vocal_mix')

    async def master(self) -> None:
        data = self.workspace.data
        try:
            source = mixing.find_source(data, self.source.value or '')
            master_values = self._master_values(data)
            mixing.master_settings(master_values)
            chain = self._chain_values()
            mixing.chain_settings(chain)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return
        project = await self.workspace.ensure_project()
        if project is None:
            return
        say('Tone', 'Mixing and mastering your track. One moment.')
        root = media.project_dir(project.id)
        folder = root / mixing.FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        if self.ai_mix.value:
            suggested = await self._job(project.id, 'Listening to the mix', mixing.suggest_job,
                                        str(root / source.path), float(self.strength.value))
            if suggested is None:
                return
            chain = suggested['chain']
            self._set_chain(chain, preset='manual')
            self.ai_line.set_text('AI mix chose: ' + _describe(chain) + _why(suggested['explanation']))
        made = await self._job(project.id, 'Mixing and mastering', mixing.master_job, str(root / source.path),
                               str(folder), chain, master_values)
        if made is None:
            return
        meta = mixing.spec_metadata(chain=chain, preset=None if self.preset.value == 'manual' else self.preset.value,
                                    ai_mix=bool(self.ai_mix.value), ai_master=True,
                                    master={**master_values, 'reference': master_values.get('reference')})
        meta['mix_strength'] = float(self.strength.value)
        stored = await self.workspace.change('master', mixing.store_master, made=made, source=source, meta=meta)
        if stored:
            self._shown(stored)
            after = (made['report'].get('after') or {})
            ui.notify(f'Mastered: {after.get("integrated_lufs", 0):.1f} LUFS, true peak '
                      f'{after.get("true_peak_dbtp", 0):.1f} dBTP.', type='positive')

    async def _upload_song(self, event: events.UploadEventArguments) -> None:
        await self._take_input(event, 'song')

    async def _upload_reference(self, event: events.UploadEventArguments) -> None:
        await self._take_input(event, 'reference')

    async def _take_input(self, event: events.UploadEventArguments, kind: str) -> None:
        project = await self.workspace.ensure_project()
        if project is None:
            return
        with logs.action(f'mix_{kind}_upload', project.id) as record:
            try:
                taken = await run.io_bound(mixing.take_input, project_id=project.id,
                                           source=io.BytesIO(await event.file.read()), original_name=event.file.name,
                                           max_bytes=get_settings().max_upload_bytes)
            except LiabError as exc:
                record.outcome = type(exc).__name__
                ui.notify(exc.message, type='negative')
                return
        stored = await self.workspace.change(f'mix_{kind}', mixing.store_input, taken=taken, kind=kind)
        if stored:
            self._shown(stored)
            if kind == 'reference':
                self.reference.set_value(mixing.references(stored.data)[0].key)
            else:
                newest = next(s for s in mixing.sources(stored.data) if s.key.startswith('input:'))
                self.source.set_value(newest.key)
            ui.notify(f'"{taken.display_name}" is ready.', type='positive')

    async def _job(self, project_id: str, label: str, fn: Any, *args: Any) -> Any:
        return await self.progress.run(project_id, label, fn, *args, button=self.master_button)

    # display ---------------------------------------------------------------------------------------------

    def show(self, data: dict[str, Any]) -> None:
        project_id = self.workspace.project.id if self.workspace and self.workspace.project else None
        self._draw_step_one(data, project_id)
        options = {source.key: source.label for source in mixing.sources(data)}
        self.source.set_options(options, value=self.source.value if self.source.value in options
                                else next(iter(options), None))
        refs = {'': 'No reference track', **{ref.key: f'Reference: {ref.label}' for ref in mixing.references(data)}}
        self.reference.set_options(refs, value=self.reference.value if self.reference.value in refs else '')
        self.master_button.set_enabled(bool(options))
        self.result.clear()
        master = (data.get('mix') or {}).get('master')
        report = (data.get('mix') or {}).get('report')
        if not options:
            with self.result:
                ui.label('Nothing to master yet: make a beat, add a vocal take, or use a finished song.') \
                    .classes('liab-note').mark('mix-empty')
        if master and report and project_id:
            with self.result, ui.card().classes('liab-panel w-full').mark('mix-master'):
                ui.label('Your master').classes('liab-panel__title')
                report_table(report)
                target_note(report)
                ab_players(project_id, master, report)

    def _draw_step_one(self, data: dict[str, Any], project_id: str | None) -> None:
        self.step_one.clear()
        with self.step_one:
            ui.label('1 · Beat + vocal').classes('liab-panel__title')
            try:
                _, take = mixing.step_one_inputs(data)
            except LiabError as exc:
                ui.label(f'{exc.message} You can still master any audio below.').classes('liab-note') \
                    .mark('mix-step-1-missing')
                self.vocal = {}
                return
            offset = mixing.default_offset_ms(take)
            saved = ((data.get('mix') or {}).get('vocal_mix') or {}).get('settings') or {}
            ui.label(f'Lead vocal: {take.get("name") or "take"}' + (
                f' · recorded in the browser, pulled forward {-offset:.0f} ms for its latency' if offset else '')) \
                .classes('liab-note').mark('mix-lead')
            defaults = dsp.VocalMix(offset_ms=offset)
            value = {name: saved.get(name, getattr(defaults, name)) for name in dsp.VocalMix.RANGES}
            with ui.element('div').classes('liab-slider-grid w-full'):
                self.vocal = {
                    'vocal_gain_db': slider('Vocal level', -24, 12, 0.5, value['vocal_gain_db'], unit=' dB',
                                            marker='mix-vocal-gain'),
                    'beat_gain_db': slider('Beat level', -24, 12, 0.5, value['beat_gain_db'], unit=' dB',
                                           marker='mix-beat-gain'),
                    'highpass_hz': slider('Vocal high-pass', 20, 400, 5, value['highpass_hz'], unit=' Hz',
                                          marker='mix-highpass'),
                    'deess': slider('De-ess', 0, 1, 0.05, value['deess'], marker='mix-deess'),
                    'offset_ms': slider('Vocal offset', -500, 500, 1, value['offset_ms'], unit=' ms',
                                        marker='mix-offset')}
            ui.button('Mix beat and vocal', icon='merge', on_click=self.vocal_mix).props('unelevated no-caps') \
                .mark('mix-vocal-run')
            vocal_mix = (data.get('mix') or {}).get('vocal_mix')
            if vocal_mix and project_id:
                WaveformPlayer.for_media(project_id, vocal_mix['path'], 'Beat + vocal mix').mark('mix-vocal-player')

    def _shown(self, project: Any) -> None:
        self.workspace.show_project(project)
        if not self.root.is_deleted:  # closed meanwhile: the result is saved, there is nothing to draw
            self.show(project.data)

    def _chain_values(self) -> dict[str, float]:
        return {name: float(control.value) for name, control in self.chain.items()}

    def _set_chain(self, values: dict[str, float], *, preset: str) -> None:
        self._setting = True
        for name, control in self.chain.items():
            control.set_value(values[name])
        self.preset.set_value(preset)
        self._setting = False

    def _apply_preset(self) -> None:
        if self.preset.value in dsp.PRESETS:
            self._set_chain(asdict(dsp.PRESETS[self.preset.value]), preset=self.preset.value)
        self._preset_line()

    def _manual(self) -> None:
        if not getattr(self, '_setting', False) and self.preset.value != 'manual':
            self.preset.set_value('manual')

    def _preset_line(self) -> None:
        name = self.preset.value
        text = f'{name.capitalize()} sets {_describe(asdict(dsp.PRESETS[name]))}.' if name in dsp.PRESETS else \
            'Manual: the sliders are yours. Pick a preset to start from one.'
        self.preset_line.set_text(text)

    def _target_changed(self) -> None:
        custom = self.target.value == 'custom'
        self.custom.set_visibility(custom)
        target = float(self.custom.value or -14) if custom else dsp.TARGETS[self.target.value]
        ceiling = dsp.ceiling_for(target, self.ceiling.value)
        if self.reference.value:
            self.target_line.set_text("The master will match the reference track's loudness, tonal balance and "
                                      'stereo width, with true peaks under the ceiling and sample peaks at or under '
                                      '-0.3 dBFS.')
            return
        self.target_line.set_text(f'The master will measure {target:g} LUFS (within 0.5 LU) with true peaks at or '
                                  f'under {ceiling:g} dBTP and sample peaks at or under -0.3 dBFS.')

    def _master_values(self, data: dict[str, Any]) -> dict[str, Any]:
        target = float(self.custom.value if self.target.value == 'custom' else dsp.TARGETS[self.target.value])
        ceiling = float(self.ceiling.value) if self.ceiling.value not in (None, '') else None
        reference = None
        if self.reference.value:
            root = media.project_dir(self.workspace.project.id)
            reference = str(root / mixing.find_reference(data, self.reference.value).path)
        # With a reference the master matches its loudness too (within the target range), as well as its tone
        # and width; the target chosen above stands when there is none.
        return {'target_lufs': target, 'ceiling_dbtp': ceiling, 'amount': float(self.amount.value),
                'reference': reference, 'match_loudness': reference is not None}


def _describe(values: dict[str, float]) -> str:
    return (f'low {values["eq_low"]:+.1f} dB, mid {values["eq_mid"]:+.1f} dB, high {values["eq_high"]:+.1f} dB, '
            f'compression {values["compression"]:.2f}, reverb {values["reverb"]:.2f}, limiter {values["limiter"]:.2f}')


def _why(explanation: dict[str, Any]) -> str:
    reasons = explanation.get('reasons') if isinstance(explanation, dict) else None
    if isinstance(reasons, list) and reasons:
        return '. ' + ' '.join(str(reason) for reason in reasons[:4])
    return '.'
