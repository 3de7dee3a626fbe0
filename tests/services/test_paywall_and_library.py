from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from liab import db, media
from liab.errors import BadInput, NotFound, UpgradeRequired
from liab.models import Project, User, utcnow
from liab.services import auth, library, paywall, projects

RANDOM_ID = '00000000-0000-4000-8000-000000000000'


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def _user(email: str = 'nova@example.com', plan: str = 'free') -> str:
    user_id = _call(auth.sign_up, email=email, password='plum-violet-orbit-42').user.id
    if plan != 'free':
        _call(auth.set_plan, email=email, plan=plan)
    return user_id


def _draft(user_id: str) -> str:
    return _call(library.new_project, user_id=user_id).id


def _last_release_at(user_id: str) -> datetime | None:
    with db.session_scope() as session:
        user = session.get(User, user_id)
        assert user is not None
        moment = user.last_release_at
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment  # SQLite keeps no zone


def _project_ids() -> set[str]:
    with db.session_scope() as session:
        return set(session.exec(select(Project.id)).all())


# saving projects on the free plan

def test_the_first_saved_project_is_named_untitled_1_when_nothing_else_is_known(database: Path) -> None:
    user_id = _user()
    saved = _call(library.save_project, user_id=user_id, project_id=_draft(user_id))
    assert saved.saved is True
    assert saved.name == 'Untitled 1'


def test_a_saved_project_is_named_after_its_release_title(database: Path) -> None:
    user_id = _user()
    project_id = _draft(user_id)
    _call(projects.change_project, project_id=project_id,
          change=lambda data: data['release'].update(title='  Midnight   Static '))
    assert _call(library.save_project, user_id=user_id, project_id=project_id).name == 'Midnight Static'


def test_the_free_plan_keeps_one_saved_project_and_pro_lifts_the_limit(database: Path) -> None:
    user_id = _user()
    first = _draft(user_id)
    _call(library.save_project, user_id=user_id, project_id=first)
    second = _draft(user_id)
    with pytest.raises(UpgradeRequired) as refused:
        _call(library.save_project, user_id=user_id, project_id=second)
    assert refused.value.feature == 'multi_project'
    assert refused.value.to_json()['error'] == 'upgrade_required'
    assert _call(library.save_project, user_id=user_id, project_id=first, name='Still mine').saved is True
    assert {s.id for s in _call(library.list_projects, user_id=user_id) if s.saved} == {first}

    _call(auth.set_plan, email='nova@example.com', plan='pro')
    _call(library.save_project, user_id=user_id, project_id=second)
    third = _draft(user_id)
    _call(library.save_project, user_id=user_id, project_id=third)

    _call(auth.set_plan, email='nova@example.com', plan='free')
    listed = _call(library.list_projects, user_id=user_id)
    assert {s.id for s in listed if s.saved} == {first, second, third}
    for project_id in (first, second, third):
        opened = _call(library.working_project, browser_id='b1', user_id=user_id, project_id=project_id)
        assert opened is not None and opened.id == project_id
    fourth = _draft(user_id)
    with pytest.raises(UpgradeRequired) as again:
        _call(library.save_project, user_id=user_id, project_id=fourth)
    assert again.value.feature == 'multi_project'
    with pytest.raises(UpgradeRequired):
        _call(library.save_new_project, user_id=user_id, data={})
    assert _call(library.save_project, user_id=user_id, project_id=second).saved is True  # saved already


# one release a day on the free plan

def test_the_free_plan_makes_one_release_per_24_hours(database: Path) -> None:
    user_id = _user()
    start = utcnow()
    _call(paywall.record_release, user_id=user_id, now=start)
    assert _last_release_at(user_id) == start
    with pytest.raises(UpgradeRequired, match=r'about 1 h') as refused:
        _call(paywall.record_release, user_id=user_id, now=start + timedelta(hours=23, minutes=30))
    assert refused.value.feature == 'daily_release_limit'
    assert _last_release_at(user_id) == start
    later = start + timedelta(hours=25)
    _call(paywall.record_release, user_id=user_id, now=later)
    assert _last_release_at(user_id) == later


def test_pro_users_release_as_often_as_they_like(database: Path) -> None:
    user_id = _user(plan='pro')
    start = utcnow()
    for minutes in (0, 1, 2):
        _call(paywall.record_release, user_id=user_id, now=start + timedelta(minutes=minutes))
    assert _last_release_at(user_id) == start + timedelta(minutes=2)


# a visitor's project becomes the user's

def test_a_visitors_project_is_adopted_on_log_in_and_the_visitor_starts_fresh(database: Path) -> None:
    visitor_project = _call(projects.ensure_working_project, browser_id='b1').id
    _call(projects.complete_stage, project_id=visitor_project, stage_id='beat')
    user_id = _user()
    assert _call(library.adopt_browser_project, browser_id='b1', user_id=user_id) == visitor_project
    with db.session_scope() as session:
        row = session.get(Project, visitor_project)
        assert row is not None
        assert (row.owner_id, row.browser_id) == (user_id, None)
    assert _call(projects.get_working_project, browser_id='b1') is None
    working = _call(library.working_project, browser_id='b1', user_id=user_id)
    assert working is not None and working.id == visitor_project
    assert working.data['workflow']['completed_stages'] == ['beat']


def test_adoption_without_a_visitor_project_adopts_nothing(database: Path) -> None:
    user_id = _user()
    _call(projects.ensure_working_project, browser_id='other-browser')
    assert _call(library.adopt_browser_project, browser_id='b1', user_id=user_id) is None
    assert _call(library.working_project, browser_id='b1', user_id=user_id) is None


# one user never reaches another's projects

@pytest.mark.parametrize('action', ['delete_project', 'rename', 'save_project', 'advance'])
def test_another_users_project_looks_exactly_like_a_missing_one(database: Path, action: str) -> None:
    owner = _user('nova@example.com')
    project_id = _draft(owner)
    intruder = _user('echo@example.com')
    extra = {'name': 'Mine now'} if action == 'rename' else {}
    fn = getattr(library, action)
    with pytest.raises(NotFound) as missing:
        _call(fn, user_id=intruder, project_id=RANDOM_ID, **extra)
    with pytest.raises(NotFound) as foreign:
        _call(fn, user_id=intruder, project_id=project_id, **extra)
    assert foreign.value.message == missing.value.message
    with db.session_scope() as session:
        row = session.get(Project, project_id)
        assert row is not None
        assert (row.owner_id, row.name, row.saved, row.version) == (owner, library.DEFAULT_NAME, False, 1)


def test_another_users_project_cannot_be_opened_or_discarded(database: Path) -> None:
    owner = _user('nova@example.com')
    project_id = _draft(owner)
    intruder = _user('echo@example.com')
    assert _call(library.working_project, browser_id='b1', user_id=intruder, project_id=project_id) is None
    with pytest.raises(NotFound):
        _call(library.new_project, user_id=intruder, discard_project_id=project_id)
    assert _project_ids() == {project_id}


# new projects and discarding drafts

def test_a_new_project_can_discard_an_unsaved_draft_with_its_media(database: Path) -> None:
    user_id = _user()
    draft = _draft(user_id)
    media.write_bytes(media.project_dir(draft, create=True) / 'a.wav', b'x')
    fresh = _call(library.new_project, user_id=user_id, discard_project_id=draft)
    assert _project_ids() == {fresh.id}
    assert not media.project_dir(draft).exists()
    assert fresh.saved is False
    assert fresh.data['workflow']['current_stage'] == 'beat'


def test_a_saved_project_cannot_be_discarded_by_starting_a_new_one(database: Path) -> None:
    user_id = _user()
    kept = _draft(user_id)
    _call(library.save_project, user_id=user_id, project_id=kept)
    media.write_bytes(media.project_dir(kept, create=True) / 'a.wav', b'x')
    with pytest.raises(BadInput, match='Saved projects are deleted from Manage projects'):
        _call(library.new_project, user_id=user_id, discard_project_id=kept)
    assert _project_ids() == {kept}
    assert (media.project_dir(kept) / 'a.wav').read_bytes() == b'x'


def test_delete_project_removes_the_row_and_its_media(database: Path) -> None:
    user_id = _user()
    doomed, kept = _draft(user_id), _draft(user_id)
    for project_id in (doomed, kept):
        media.write_bytes(media.project_dir(project_id, create=True) / 'a.wav', b'x')
    _call(library.delete_project, user_id=user_id, project_id=doomed)
    assert _project_ids() == {kept}
    assert not media.project_dir(doomed).exists()
    assert media.project_dir(kept).exists()


# the list and moving on

def test_list_projects_shows_the_newest_change_first_with_progress(database: Path) -> None:
    user_id = _user()
    older, newer = _draft(user_id), _draft(user_id)
    other_user = _user('echo@example.com')
    _draft(other_user)
    for stage_id in ('beat', 'lyrics'):
        _call(projects.complete_stage, project_id=older, stage_id=stage_id)
    listed = _call(library.list_projects, user_id=user_id)
    assert [s.id for s in listed] == [older, newer]
    assert [(s.progress.done, s.progress.total) for s in listed] == [(2, 7), (0, 7)]
    _call(library.rename, user_id=user_id, project_id=newer, name='  Late   Night ')
    listed = _call(library.list_projects, user_id=user_id)
    assert [(s.id, s.name) for s in listed] == [(newer, 'Late Night'), (older, library.DEFAULT_NAME)]


def test_advance_ticks_the_current_stage_and_moves_to_the_next(database: Path) -> None:
    user_id = _user()
    project_id = _draft(user_id)
    assert _call(library.advance, user_id=user_id, project_id=project_id) == 'lyrics'
    opened = _call(library.working_project, browser_id='b1', user_id=user_id, project_id=project_id)
    assert opened is not None
    assert opened.data['workflow']['current_stage'] == 'lyrics'
    assert opened.data['workflow']['completed_stages'] == ['beat']
    assert _call(library.advance, user_id=user_id, project_id=project_id) == 'upload'
