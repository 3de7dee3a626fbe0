from pathlib import Path

from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation

from tests.conftest import ROOT
from tests.web.conftest import only_project


async def _tick(user: User, stage_marker: str, persona: str) -> None:
    user.find(marker=stage_marker).click()
    await user.should_see(f'with {persona}')
    user.find(marker='stage-done').click()
    await user.should_see('Done ✓ (click to reopen)')


async def test_ticks_and_the_project_name_survive_a_new_page_load(user: User) -> None:
    await user.open('/')
    user.find(marker='project-name').clear().type('Night Drive').trigger('keydown.enter')
    await user.should_see('Project renamed.')
    await _tick(user, 'stage-upload', 'Nova')
    await user.open('/')
    await user.should_see('1 of 7 stages done · 14%')
    assert user.find(marker='project-name').elements.pop().value == 'Night Drive'
    project = only_project()
    assert project.name == 'Night Drive'
    assert project.data['workflow']['completed_stages'] == ['upload']


async def test_a_hostile_project_name_is_kept_as_plain_text(user: User) -> None:
    await user.open('/')
    hostile = '<img src=x onerror=alert(1)>'
    user.find(marker='project-name').clear().type(hostile).trigger('keydown.enter')
    await user.should_see('Project renamed.')
    assert only_project().name == hostile
    await user.open('/')
    assert user.find(marker='project-name').elements.pop().value == hostile


async def test_another_browser_gets_its_own_working_project(user: User, create_user) -> None:
    await user.open('/')
    await _tick(user, 'stage-beat', 'Echo')
    other = create_user()
    await other.open('/')
    await other.should_see('0 of 7 stages done · 0%')


async def test_the_working_project_survives_a_restart_of_the_app(data_dir: Path) -> None:
    async with user_simulation(main_file=ROOT / 'app.py') as user:
        await user.open('/')
        await _tick(user, 'stage-release', 'Aria')
        await user.should_see('1 of 7 stages done · 14%')
        cookies = dict(user.http_client.cookies)
    first = only_project()

    async with user_simulation(main_file=ROOT / 'app.py') as user:  # a new process would do the same: new engine
        user.http_client.cookies.update(cookies)
        await user.open('/')
        await user.should_see('1 of 7 stages done · 14%')
        user.find(marker='stage-release').click()
        await user.should_see('Done ✓ (click to reopen)')
    assert only_project().id == first.id
