"""JobProgress: a card that follows a running job's progress and says what it is doing."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from liab import jobs, logs, media
from liab.errors import LiabError
from liab.jobs import Job


class JobProgress(ui.card):
    def __init__(self) -> None:
        super().__init__()
        self.classes('liab-job w-full').props('flat').mark('job-progress')
        self.job: Job | None = None
        with self:
            with ui.row(align_items='center', wrap=False).classes('w-full'):
                ui.spinner(size='sm', color='secondary')
                self._label_text = ui.label().classes('liab-job__label')
                ui.space()
                self._elapsed_text = ui.label().classes('liab-job__elapsed')
            self._bar = ui.linear_progress(value=0, show_value=False, size='8px').classes('liab-job__bar')
            self._message_text = ui.label().classes('liab-job__message').props('aria-live=polite')
        self._timer = ui.timer(0.25, self._poll, active=False)
        self.set_visibility(False)

    def follow(self, job: Job) -> None:
        self.job = job
        self._label_text.set_text(job.label)
        self._bar.set_value(0)
        self._message_text.set_text('Starting…')
        self._elapsed_text.set_text('0 s')
        self.set_visibility(True)
        self._timer.activate()

    async def run(self, project_id: str, label: str, fn: Any, *args: Any, button: ui.button | None = None) -> Any:
        """Run `fn` as the project's heavy job and follow it here; None (with the reason shown) when it could not
        start or failed. `button` shows as busy meanwhile."""
        try:
            job = jobs.runner.start(project_id, label, media.project_dir(project_id, create=True))
        except LiabError as exc:
            ui.notify(exc.message, type='warning')
            return None
        if button is not None:
            button.props('loading')
        self.follow(job)
        try:
            with logs.action(f'job:{fn.__name__}', project_id):
                return await jobs.runner.run(job, fn, *args)
        except LiabError as exc:
            ui.notify(exc.message, type='negative')
            return None
        finally:
            self.finish()
            if button is not None:
                button.props(remove='loading')

    def finish(self) -> None:
        self.job = None
        self._timer.deactivate()
        self.set_visibility(False)

    def _poll(self) -> None:
        if self.job is None:
            return
        fraction, message = self.job.progress()
        self._bar.set_value(fraction)
        self._message_text.set_text(message)
        self._elapsed_text.set_text(f'{self.job.elapsed_s:.0f} s')
