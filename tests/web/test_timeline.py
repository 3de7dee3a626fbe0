import itertools
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from liab.workflow import STAGES
from tests.web.conftest import only_project, project_count


async def _tick_open_stage(user: User) -> None:
    user.find(marker='stage-done').click()
    await user.should_see('Done ✓ (click to reopen)')


async def test_the_timeline_shows_seven_stages_in_order_and_creates_nothing_on_a_bare_view(user: User) -> None:
    await user.open('/')
    for stage in STAGES:
        await user.should_see(marker=f'stage-{stage.id}')
        await user.should_see(stage.label)
        await user.should_see(stage.persona)
    labels = [label.text for label in sorted(user.find(ui.label).elements, key=lambda el: el.id)
              if 'liab-stage__label' in label.classes]
    assert labels == [stage.label for stage in STAGES] + ['Goal']
    await user.should_see('0 of 7 stages done · 0%')
    await user.should_not_see(marker='stage-screen')
    assert project_count() == 0


async def test_opening_a_stage_shows_it_with_its_persona_and_glows_only_that_stage(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-analytics').click()
    await user.should_see(marker='stage-screen')
    await user.should_see('with Pulse')
    await user.should_see('No figures yet', marker='analytics-empty')
    await user.should_see('Analytics stage. I am Pulse.', marker='voice-caption')
    glowing = [el for el in user.find(ui.element).elements if 'is-active' in el.classes]
    assert [el.props.get('data-stage') for el in glowing] == ['analytics']
    user.find(marker='stage-close').click()
    await user.should_not_see(marker='stage-screen')
    assert not [el for el in user.find(ui.element).elements if 'is-active' in el.classes]
    assert project_count() == 0


async def test_next_walks_through_the_stages_in_order_and_closes_after_the_last(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-beat').click()
    for stage, following in itertools.pairwise(STAGES):
        await user.should_see(f'with {stage.persona}')
        await user.should_see(f'Next: {following.label}')
        user.find(marker='stage-next').click()
    await user.should_see('with Pulse')
    await user.should_see('Back to the timeline')
    user.find(marker='stage-next').click()
    await user.should_not_see(marker='stage-screen')


async def test_ticking_a_stage_saves_it_and_updates_progress_and_logs_the_action(user: User, data_dir: Path) -> None:
    await user.open('/')
    user.find(marker='stage-mix').click()
    await user.should_see('with Tone')
    await _tick_open_stage(user)
    await user.should_see('1 of 7 stages done · 14%')
    project = only_project()
    assert project.data['workflow']['completed_stages'] == ['mix']
    log = (data_dir / 'logs' / 'liab.log').read_text()
    assert f'action=tick:mix project={project.id} outcome=ok ms=' in log
    user.find(marker='stage-done').click()
    await user.should_see('Mark stage as done')
    await user.should_see('0 of 7 stages done · 0%')
    assert only_project().data['workflow']['completed_stages'] == []


async def test_the_goal_dialog_appears_once_and_restart_clears_ticks_but_keeps_files(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-beat').click()
    for stage in STAGES:
        await user.should_see(f'with {stage.persona}')
        await _tick_open_stage(user)
        if stage.id != 'analytics':
            await user.should_not_see(marker='goal-dialog')
            user.find(marker='stage-next').click()
    await user.should_see('Cycle complete!')
    await user.should_see('7 of 7 stages done · 100%')
    user.find(marker='goal-close').click()
    await user.should_not_see(marker='goal-dialog')
    user.find(marker='stage-done').click()  # reopen analytics ...
    await user.should_see('6 of 7 stages done · 86%')
    await _tick_open_stage(user)  # ... and tick it again: no second dialog
    await user.should_see('7 of 7 stages done · 100%')
    await user.should_not_see(marker='goal-dialog')
    assert only_project().data['workflow']['goal_shown'] is True

    await user.open('/')  # a reload does not show it again either
    await user.should_see('7 of 7 stages done · 100%')
    await user.should_not_see(marker='goal-dialog')


async def test_restart_cycle_from_the_goal_dialog(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-beat').click()
    for index, stage in enumerate(STAGES):
        await user.should_see(f'with {stage.persona}')
        await _tick_open_stage(user)
        if index < len(STAGES) - 1:
            user.find(marker='stage-next').click()
    await user.should_see('Cycle complete!')
    await user.should_see('with Pulse')
    user.find(marker='goal-restart').click()
    await user.should_see('0 of 7 stages done · 0%')
    await user.should_not_see(marker='stage-screen')
    await user.should_see('New cycle started. Your files and fields are all still here.')
    workflow = only_project().data['workflow']
    assert workflow['completed_stages'] == []
    assert workflow['cycles_completed'] == 1
