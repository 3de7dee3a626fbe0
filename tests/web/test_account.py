import asyncio
import json
import zipfile
from pathlib import Path

import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation
from sqlalchemy import func
from sqlmodel import select

from liab import db
from liab.models import User as UserRow
from liab.services import archive, auth
from tests.conftest import ROOT
from tests.web.conftest import only_project, project_count

PASSWORD = 'violet-harbor-lantern'


async def _sign_up(user: User, email: str = 'nova@example.com') -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    await user.should_see(marker='auth-dialog')
    user.find(marker='signup-email').type(email)
    user.find(marker='signup-password').type(PASSWORD)
    user.find(marker='signup-submit').click()
    await user.should_see(marker='account-avatar', retries=100)  # sign-up hashes a password: slow on a busy machine


async def _log_in(user: User, email: str = 'nova@example.com', password: str = PASSWORD) -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    user.find(marker='login-email').type(email)
    user.find(marker='login-password').type(password)
    user.find(marker='login-submit').click()


async def _menu(user: User, marker: str) -> None:
    user.find(marker='account-avatar').click()
    user.find(marker=marker).click()


async def _tick(user: User, stage: str, persona: str) -> None:
    user.find(marker=f'stage-{stage}').click()
    await user.should_see(f'with {persona}')
    user.find(marker='stage-done').click()
    await user.should_see('Done ✓ (click to reopen)')
    user.find(marker='stage-close').click()


async def test_sign_up_shows_the_avatar_letter_and_adopts_the_visitors_project(user: User) -> None:
    await user.open('/')
    await _tick(user, 'beat', 'Echo')
    visitor_project = only_project()
    await _sign_up(user, 'Nova@Example.com')
    await user.should_see('N', marker='avatar-letter')
    await user.should_see('1 of 7 stages done · 14%', marker='progress')
    adopted = only_project()
    assert adopted.id == visitor_project.id
    assert adopted.owner_id is not None and adopted.browser_id is None
    user.find(marker='account-avatar').click()
    await user.should_see('nova@example.com', marker='menu-email')
    await user.should_see('Free plan')


async def test_a_bad_sign_up_shows_the_problem_in_the_form_and_creates_nothing(user: User) -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    user.find(marker='signup-email').type('<img src=x onerror=alert(1)>')
    user.find(marker='signup-password').type(PASSWORD)
    user.find(marker='signup-submit').click()
    await user.should_see('That does not look like an e-mail address.', marker='signup-error')
    user.find(marker='signup-email').clear().type('nova@example.com')
    user.find(marker='signup-password').clear().type('password1')
    user.find(marker='signup-submit').click()
    await user.should_see('That password is on a list of common passwords', marker='signup-error')
    with db.session_scope() as session:
        assert auth.count_failures(session=session, email='nova@example.com') == 0
    await user.should_not_see(marker='account-avatar')


async def test_a_wrong_password_says_so_inline(user: User, create_user) -> None:
    await _sign_up(user)
    other = create_user()
    await _log_in(other, password='not-the-password-1')
    await other.should_see('That e-mail and password do not match an account.', marker='login-error')
    await _log_in(other)
    await other.should_see(marker='account-avatar', retries=100)


async def test_save_then_a_second_save_on_free_opens_the_upgrade_dialog(user: User) -> None:
    await _sign_up(user)
    await _tick(user, 'beat', 'Echo')
    await _menu(user, 'menu-save')
    await user.should_see('Saved as "Untitled 1".')
    await _menu(user, 'menu-projects')
    await user.should_see(marker='projects-dialog')
    await user.should_see('Untitled 1', marker='project-name-label')
    user.find(marker='new-project').click()
    await user.should_see('0 of 7 stages done · 0%', marker='progress')
    await _menu(user, 'menu-save')
    await user.should_see(marker='upgrade-dialog')
    await user.should_see('More than one saved project', marker='upgrade-feature')
    await user.should_see('Billing is not set up on this server yet.', marker='billing-not-set-up')
    saved = [p for p in _projects() if p.saved]
    assert [p.name for p in saved] == ['Untitled 1']


async def test_opening_a_project_from_manage_projects_switches_to_it(user: User) -> None:
    await _sign_up(user)
    await _tick(user, 'mix', 'Tone')
    user.find(marker='project-name').clear().type('First Light').trigger('keydown.enter')
    await user.should_see('Project renamed.')
    await _menu(user, 'menu-save')
    await user.should_see('Saved as "First Light".')
    await _menu(user, 'menu-projects')
    await user.should_see(marker='projects-dialog')
    user.find(marker='new-project').click()
    await user.should_see('0 of 7 stages done · 0%', marker='progress')
    await _menu(user, 'menu-projects')
    await user.should_see(marker='projects-dialog')
    first = next(p for p in _projects() if p.name == 'First Light')
    with user.scope(marker=f'project-{first.id}'):
        user.find(marker='project-open').click()
    await user.should_see('1 of 7 stages done · 14%', marker='progress')
    await _eventually(lambda: user.find(marker='project-name').elements.pop().value == 'First Light')


async def test_a_hostile_project_name_is_listed_as_plain_text(user: User) -> None:
    hostile = '<img src=x onerror=alert(1)>'
    await _sign_up(user)
    user.find(marker='project-name').clear().type(hostile).trigger('keydown.enter')
    await user.should_see('Project renamed.')
    await _menu(user, 'menu-projects')
    await user.should_see(marker='projects-dialog')
    labels = [el for el in user.find(marker='project-name-label').elements]
    assert [label.text for label in labels] == [hostile]


async def test_export_from_manage_projects_downloads_a_project_zip(user: User, data_dir: Path) -> None:
    await _sign_up(user)
    await _tick(user, 'lyrics', 'Lyrica')
    await _menu(user, 'menu-projects')
    await user.should_see(marker='projects-dialog')
    user.find(marker='project-export').click()
    response = await user.download.next()
    # NOTE: the simulated browser asks for the file's path (ui.download.file serves it on a one-time route in a
    # real browser), so the test reads the exported file itself.
    exported = Path(response.request.url.path)
    assert exported.parent == data_dir / 'tmp'
    with zipfile.ZipFile(exported) as archive:
        assert {'manifest.json', 'project.json'} <= set(archive.namelist())
        project = json.loads(archive.read('project.json'))
    assert project['data']['workflow']['completed_stages'] == ['lyrics']


async def test_log_out_returns_to_a_fresh_visitor_timeline(user: User) -> None:
    await _sign_up(user)
    await _tick(user, 'beat', 'Echo')
    await _menu(user, 'menu-logout')
    await user.should_see(marker='account-login')
    await user.should_see('0 of 7 stages done · 0%', marker='progress')
    assert project_count() == 1  # the user's project stays with the account


async def test_log_out_everywhere_from_a_second_client_ends_the_first(user: User, create_user) -> None:
    await _sign_up(user)
    second = create_user()
    await _log_in(second)
    await second.should_see(marker='account-avatar', retries=100)
    await _menu(second, 'menu-account')
    await second.should_see(marker='account-dialog')
    second.find(marker='logout-everywhere').click()
    await second.should_see(marker='confirm-dialog')
    second.find(marker='confirm-ok').click()
    await second.should_see(marker='account-login')

    user.find(marker='stage-beat').click()  # the first client's next action finds its session ended
    await user.should_see('with Echo')
    user.find(marker='stage-done').click()
    await user.should_see(marker='account-login')
    await user.open('/')
    await user.should_see(marker='account-login')


@pytest.mark.parametrize(('target', 'landing'), [('https://evil.example/x', '/'), ('//evil.example', '/'),
                                                 ('/forgot-password', '/forgot-password')])
async def test_log_in_page_only_returns_to_paths_on_this_site(user: User, create_user, target: str,
                                                              landing: str) -> None:
    await _sign_up(user)
    other = create_user()
    await other.open(f'/login?next={target}')
    other.find(marker='login-email').type('nova@example.com')
    other.find(marker='login-password').type(PASSWORD)
    other.find(marker='login-submit').click()
    await other.should_see(marker='account-avatar' if landing == '/' else 'no-mail')
    assert other.back_history[-1] == landing


async def _eventually(condition, seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()


def _projects():
    from liab.models import Project

    with db.session_scope() as session:
        return list(session.exec(select(Project)).all())


async def test_being_logged_in_survives_a_restart_of_the_app(data_dir: Path) -> None:
    async with user_simulation(main_file=ROOT / 'app.py') as first:
        await _sign_up(first)
        cookies = dict(first.http_client.cookies)
    async with user_simulation(main_file=ROOT / 'app.py') as again:
        again.http_client.cookies.update(cookies)
        await again.open('/')
        await again.should_see('N', marker='avatar-letter')


async def test_deleting_the_account_asks_for_the_password_and_removes_everything(user: User) -> None:
    await _sign_up(user)
    await _tick(user, 'beat', 'Echo')
    await _menu(user, 'menu-account')
    await user.should_see(marker='account-dialog')
    user.find(marker='delete-password').type('wrong-password-here')
    user.find(marker='delete-account').click()
    await user.should_see(marker='confirm-dialog')
    user.find(marker='confirm-ok').click()
    await user.should_see('That password is not right, so the account was not deleted.')
    assert project_count() == 1
    user.find(marker='delete-password').clear().type(PASSWORD)
    user.find(marker='delete-account').click()
    await user.should_see(marker='confirm-dialog')
    user.find(marker='confirm-ok').click()
    await user.should_see(marker='account-login')
    assert project_count() == 0
    with db.session_scope() as session:
        assert session.exec(select(func.count()).select_from(UserRow)).one() == 0


async def test_importing_a_project_zip_opens_it_and_a_broken_one_changes_nothing(user: User, data_dir: Path) -> None:
    await _sign_up(user)
    await _tick(user, 'content', 'Vee')
    user.find(marker='project-name').clear().type('Old Tape').trigger('keydown.enter')
    await user.should_see('Project renamed.')
    owner = only_project().owner_id
    with db.session_scope() as session:
        exported = archive.export_project(session=session, project_id=only_project().id, user_id=owner)
    await _menu(user, 'menu-projects')
    await user.should_see(marker='projects-dialog')
    upload = user.find(marker='import-upload').elements.pop()
    await upload.handle_uploads([SmallFileUpload('bad.zip', 'application/zip', b'this is not a zip')])
    await user.should_see('That file is not a Label-in-a-Box project archive.')
    assert project_count() == 1
    await upload.handle_uploads([SmallFileUpload('old-tape.zip', 'application/zip', exported.read_bytes())])
    await user.should_see('Imported "Old Tape".')
    assert project_count() == 2
    assert not list((data_dir / 'tmp').glob('import-*'))
