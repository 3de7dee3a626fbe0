"""The Analytics stage (persona Pulse): the numbers after release, entered by hand or imported from CSV, as charts
around the release day and the scheduled posts, with the change over 7 and 28 days and the save rate."""

from __future__ import annotations

from nicegui import events, run, ui

from liab import media
from liab.analytics import charts, csvfile, summary
from liab.analytics.figures import METRIC_LABELS, PLATFORMS, Point
from liab.errors import LiabError
from liab.models import utcnow
from liab.services import analytics
from liab.web.bridge import in_session
from liab.web.components.dialogs import confirm
from liab.web.components.upload import Upload
from liab.web.stages import StageContext
from liab.web.voice_control import say

EXPORT = 'analytics/figures.csv'
MAX_MB = csvfile.MAX_BYTES // (1024 * 1024)


def create(ctx: StageContext) -> None:
    AnalyticsStage(ctx)


class AnalyticsStage:
    def __init__(self, ctx: StageContext) -> None:
        self.workspace = ctx.workspace
        self.metric = 'streams'
        self.points: list[Point] = []
        with ui.column().classes('liab-stage-body w-full') as self.root:
            self._figures_panel()
            self._import_panel()
            self._entry_panel()
        if ctx.project_id:
            self.loading.set_visibility(True)
            ui.timer(0.01, self._load, once=True)
        else:
            self.show([])

    # panels ----------------------------------------------------------------------------------------------

    def _figures_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('analytics-figures'):
            with ui.row(align_items='center').classes('w-full'):
                ui.label('Your numbers').classes('liab-panel__title')
                ui.space()
                self.span = ui.label().classes('liab-note').mark('analytics-span')
            self.loading = ui.label('Reading your figures…').classes('liab-note')
            self.loading.set_visibility(False)
            with ui.column(align_items='center').classes('liab-analytics-empty w-full').mark('analytics-empty') \
                    as self.empty:
                ui.icon('insights').classes('liab-analytics-empty__icon')
                ui.label('No figures yet').classes('liab-analytics-empty__title')
                ui.label('Import a Spotify for Artists timeline export or your own CSV below, or enter a day by '
                         'hand. Pulse then draws your streams, saves and listeners per platform, with your release '
                         'day and your posts marked, so you can see what moved the numbers.') \
                    .classes('liab-note text-center')
            self.empty.set_visibility(False)
            with ui.column().classes('w-full gap-4') as self.body:
                self.metrics = ui.toggle(dict(METRIC_LABELS), value=self.metric, on_change=self._choose_metric) \
                    .props('no-caps unelevated toggle-color=primary').classes('liab-analytics-metrics') \
                    .mark('analytics-metric')
                self.facts = ui.row().classes('liab-facts liab-analytics-facts w-full').mark('analytics-facts')
                self.charts = ui.column().classes('w-full gap-2')
                self.rows = ui.column().classes('w-full gap-2').mark('analytics-platform-rows')
                with ui.row(align_items='center').classes('w-full'):
                    ui.button('Download CSV', icon='download', on_click=self.download) \
                        .props('outline no-caps').mark('analytics-download')
                    ui.space()
                    ui.button('Clear all figures', icon='delete_outline', on_click=self.clear) \
                        .props('flat no-caps').classes('liab-analytics-clear').mark('analytics-clear')
            self.body.set_visibility(False)

    def _import_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('analytics-import'):
            ui.label('Import a CSV').classes('liab-panel__title')
            ui.label('A Spotify for Artists timeline export (the download arrow by a song\u2019s or your '
                     'audience\u2019s timeline) is read as it is. Or make your own file, a row per day and platform, '
                     f'up to {MAX_MB} MB, with these columns (blank where you do not know a figure):') \
                .classes('liab-note')
            ui.label(','.join(csvfile.OUR_COLUMNS)).classes('liab-analytics-code').mark('analytics-columns')
            ui.label('A file with a bad row is refused whole, naming the line; days already here are updated.') \
                .classes('liab-note')
            self.upload = Upload(auto_upload=True, max_file_size=csvfile.MAX_BYTES, on_upload=self.import_file,
                                 on_rejected=lambda: ui.notify(f'That file is too large ({MAX_MB} MB at most).',
                                                               type='negative')) \
                .props('accept=.csv,text/csv').classes('hidden').mark('analytics-upload')
            self.pick = ui.button('Choose a CSV file', icon='upload_file',
                                  on_click=lambda: self.upload.run_method('pickFiles')) \
                .props('unelevated no-caps').mark('analytics-pick')
            self.import_error = ui.label().classes('liab-form-error').props('role=alert') \
                .mark('analytics-import-error')
            self.import_error.set_visibility(False)

    def _entry_panel(self) -> None:
        with ui.card().classes('liab-panel w-full').mark('analytics-entry'):
            ui.label('Enter a day by hand').classes('liab-panel__title')
            ui.label('From each app\u2019s own stats screen. Leave a figure blank when you do not know it; entering a '
                     'day again updates it.').classes('liab-note')
            with ui.row().classes('w-full liab-fields'):
                self.day = ui.input('Date', value=utcnow().date().isoformat()).props('type=date') \
                    .mark('analytics-date')
                self.platform = ui.select(PLATFORMS, value='spotify', label='Platform').mark('analytics-platform')
            with ui.row().classes('w-full liab-fields'):
                self.inputs = {metric: ui.number(label, min=0, step=1, precision=0).mark(f'analytics-{metric}')
                               for metric, label in METRIC_LABELS.items()}
            self.save_button = ui.button('Save this day', icon='save', on_click=self.record) \
                .props('unelevated no-caps').mark('analytics-save')

    # actions ---------------------------------------------------------------------------------------------

    async def record(self) -> None:
        values = {'date': self.day.value, 'platform': self.platform.value,
                  **{metric: field.value for metric, field in self.inputs.items()}}
        stored = await self.workspace.change('analytics_day', analytics.record_day, values=values)
        if stored:
            for field in self.inputs.values():
                field.value = None
            self._stored(stored, f'Saved: {PLATFORMS[values["platform"]]} on {values["date"]}.')

    async def import_file(self, event: events.UploadEventArguments) -> None:
        name = media.safe_name(event.file.name, default='the file')
        self._import_problem(None)
        try:
            if event.file.size() > csvfile.MAX_BYTES:  # the browser's limit is only advice
                self._import_problem(f'That file is larger than {MAX_MB} MB.')
                return
            data = await event.file.read()
            text = csvfile.decode(data)
            await run.io_bound(csvfile.parse_csv, text, today=analytics.today())  # to show what is wrong here
        except LiabError as exc:
            self._import_problem(f'{name}: {exc.message}')
            return
        finally:
            if not self.upload.is_deleted:
                self.upload.run_method('removeUploadedFiles')
        stored = await self.workspace.change('analytics_import', analytics.import_csv, text=text)
        if stored:
            source = 'the Spotify for Artists export ' if stored.kind == 'spotify' else ''
            rows = stored.added + stored.updated
            self._stored(stored, f'Imported {rows} row{"s" if rows != 1 else ""} from {source}{name}: '
                                 f'{stored.added} new, {stored.updated} updated.')

    async def download(self) -> None:
        project = self.workspace.project
        if project is None or not self.points:
            ui.notify('Enter or import some figures first.', type='warning')
            return
        text = await in_session(analytics.export_csv, project_id=project.id)
        await run.io_bound(media.write_text, media.project_dir(project.id, create=True) / EXPORT, text)
        ui.navigate.to(f'{media.url(project.id, EXPORT)}?download=1')

    async def clear(self) -> None:
        if not await confirm('Clear all figures?', 'Every figure of this project is removed: download the CSV first '
                             'to keep a copy.', ok='Clear figures', danger=True):
            return
        project = await self.workspace.change('analytics_clear', analytics.clear_figures)
        if project:
            self.workspace.show_project(project)
            self.show([])
            ui.notify('All figures were removed.')

    async def _load(self) -> None:
        project = self.workspace.project
        found = await in_session(analytics.points, project_id=project.id) if project else []
        if not self.root.is_deleted:
            self.show(found)

    def _choose_metric(self) -> None:
        self.metric = self.metrics.value or 'streams'
        self.show(self.points)

    def _stored(self, stored: analytics.Stored, done: str) -> None:
        self.workspace.show_project(stored.project)
        if stored.cycle_complete:
            # NOTE: the goal dialog of liab/web/home.py, as the stage's own done toggle would show it.
            getattr(self.workspace, '_goal_dialog', lambda: None)()
        if not self.root.is_deleted:  # else the artist closed the stage meanwhile: the figures are saved
            ui.notify(done, type='positive')
            self.show(stored.points)
        say('Pulse', summary.pulse_line(summary.summarise(stored.points)))

    def _import_problem(self, message: str | None) -> None:
        self.import_error.set_text(message or '')
        self.import_error.set_visibility(bool(message))

    # display ---------------------------------------------------------------------------------------------

    def show(self, points: list[Point]) -> None:
        self.points = points
        made = summary.summarise(points)
        self.loading.set_visibility(False)
        self.empty.set_visibility(made.empty)
        self.body.set_visibility(not made.empty)
        self.span.set_text('' if made.empty else _span(made))
        self.facts.clear()
        self.charts.clear()
        self.rows.clear()
        if made.empty:
            return
        metric = self.metric
        with self.facts:
            whole, name = made.overall[metric], _name(metric)
            _fact('Followers, latest' if metric == 'followers' else f'{name}, all days', summary.number(whole.total),
                  None, 'analytics-total')
            _fact(f'{name}, last 7 days', summary.number(whole.week.current), whole.week, 'analytics-week')
            _fact(f'{name}, last 28 days', summary.number(whole.month.current), whole.month, 'analytics-month')
            _fact('Save rate (saves per stream)', summary.percent(made.save_rate), None, 'analytics-save-rate',
                  note=f'last 7 days: {summary.percent(made.save_rate_week)}')
        with self.charts:
            ui.echart(charts.timeline_option(points, metric=metric, markers=analytics.markers(self.workspace.data))) \
                .classes('liab-analytics-chart').mark('analytics-timeline')
            if len(made.platforms) > 1 or made.save_rate is not None:
                ui.echart(charts.platforms_option(made, metric=metric)) \
                    .classes('liab-analytics-chart liab-analytics-chart--small').mark('analytics-platforms')
        with self.rows:
            for platform in made.platforms:
                if made.by_platform[platform][metric].total is not None:
                    _platform_row(made, platform, metric)


def _fact(label: str, value: str, change: summary.Change | None, marker: str, *, note: str | None = None) -> None:
    with ui.column().classes('liab-analytics-fact').mark(marker):
        ui.label(label).classes('liab-fact__label')
        ui.label(value).classes('liab-fact__value')
        if change is not None:
            _change(change)
        elif note:
            ui.label(note).classes('liab-note')


def _change(change: summary.Change) -> None:
    percent = change.percent
    if percent is None:
        ui.label(f'nothing to compare with the {change.days} days before').classes('liab-note')
        return
    state = 'is-flat' if abs(percent) < 0.5 else 'is-up' if percent > 0 else 'is-down'
    icon = {'is-flat': 'trending_flat', 'is-up': 'arrow_upward', 'is-down': 'arrow_downward'}[state]
    with ui.row(align_items='center', wrap=False).classes(f'liab-analytics-change {state}'):
        ui.icon(icon)
        ui.label(f'{summary.trend(percent)} {"with" if state == "is-flat" else "on"} the {change.days} days before')


def _platform_row(made: summary.Summary, platform: str, metric: str) -> None:
    figures = made.by_platform[platform][metric]
    with ui.row(align_items='center').classes('liab-history-row liab-analytics-row w-full') \
            .mark(f'analytics-row-{platform}'):
        ui.element('span').classes('liab-analytics-dot').style(f'background: {charts.COLORS[platform]}')
        ui.label(PLATFORMS[platform]).classes('liab-history__title')
        ui.space()
        for change in (figures.week, figures.month):
            text = summary.number(change.current)
            if change.percent is not None:
                text += f' ({summary.trend(change.percent)})'
            ui.label(f'{change.days} days: {text}').classes('liab-chip')
        rate = made.save_rate_by_platform.get(platform)
        if rate is not None:
            ui.label(f'save rate {summary.percent(rate)}').classes('liab-chip')


def _name(metric: str) -> str:
    return 'Listeners a day' if metric == 'listeners' else METRIC_LABELS[metric]


def _span(made: summary.Summary) -> str:
    first, last = made.first_day, made.as_of
    if first is None or last is None:
        return ''
    days = f'{made.days} day{"s" if made.days != 1 else ""}'
    return f'{first:%d %b %Y} to {last:%d %b %Y} · {days} · ' + ', '.join(PLATFORMS[p] for p in made.platforms)
