from pathlib import Path

import pytest
from sqlmodel import select

from liab import db
from liab.errors import BadInput, Conflict, NotFound
from liab.models import Project
from liab.services import projects
from liab.services.projects import AssetSource
from liab.workflow import STAGE_IDS


def _new(browser_id: str = 'browser-a') -> str:
    with db.session_scope(write=True) as session:
        return projects.ensure_working_project(session=session, browser_id=browser_id).id


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def test_a_bare_look_creates_no_project_and_the_first_change_creates_exactly_one(database: Path) -> None:
    assert _call(projects.get_working_project, browser_id='browser-a') is None
    first = _new()
    second = _new()
    assert first == second
    with db.session_scope() as session:
        rows = session.exec(select(Project)).all()
    assert [row.id for row in rows] == [first]
    assert rows[0].data['workflow'] == {'current_stage': 'beat', 'completed_stages': [], 'goal_shown': False,
                                        'cycles_completed': 0}
    assert set(rows[0].data) >= {'metadata', 'assets', 'workflow', 'mix', 'beat', 'release', 'content',
                                 'analytics', 'chat_log'}


def test_ticks_are_kept_in_stage_order_and_counted(database: Path) -> None:
    project_id = _new()
    for stage_id in ('mix', 'beat', 'mix'):
        result = _call(projects.complete_stage, project_id=project_id, stage_id=stage_id)
    assert result.project.data['workflow']['completed_stages'] == ['beat', 'mix']
    assert result.cycle_complete is False
    reopened = _call(projects.reopen_stage, project_id=project_id, stage_id='beat')
    assert reopened.data['workflow']['completed_stages'] == ['mix']


def test_the_cycle_completes_once_and_restart_clears_ticks_but_keeps_assets(database: Path) -> None:
    project_id = _new()
    _call(projects.record_asset, project_id=project_id, key='beat', relpath='beat.wav',
          source=AssetSource('local', 'beat engine'))
    completions = [_call(projects.complete_stage, project_id=project_id, stage_id=s).cycle_complete
                   for s in STAGE_IDS]
    assert completions == [False] * 6 + [True]
    _call(projects.reopen_stage, project_id=project_id, stage_id='mix')
    assert _call(projects.complete_stage, project_id=project_id, stage_id='mix').cycle_complete is False
    restarted = _call(projects.restart_cycle, project_id=project_id)
    assert restarted.data['workflow']['completed_stages'] == []
    assert restarted.data['workflow']['goal_shown'] is False
    assert restarted.data['workflow']['cycles_completed'] == 1
    assert restarted.data['assets']['beat']['path'] == 'beat.wav'
    again = [_call(projects.complete_stage, project_id=project_id, stage_id=s).cycle_complete for s in STAGE_IDS]
    assert again == [False] * 6 + [True]


def test_a_stale_version_is_refused_and_changes_nothing(database: Path) -> None:
    project_id = _new()
    seen = _call(projects.get_owned_project, project_id=project_id, browser_id='browser-a')
    _call(projects.complete_stage, project_id=project_id, stage_id='beat')
    with pytest.raises(Conflict, match='changed in another window'):
        _call(projects.change_project, project_id=project_id, expected_version=seen.version,
              change=lambda data: data['workflow'].update(completed_stages=[]))
    now = _call(projects.get_owned_project, project_id=project_id, browser_id='browser-a')
    assert now.data['workflow']['completed_stages'] == ['beat']
    assert now.version == seen.version + 1


def test_assets_record_where_they_came_from(database: Path) -> None:
    project_id = _new()
    _call(projects.record_asset, project_id=project_id, key='stems/take-1', relpath='stems/take-1.wav',
          source=AssetSource('uploaded'), sample_rate=44100)
    project = _call(projects.record_asset, project_id=project_id, key='cover', relpath='release/cover/cover_1.jpg',
                    source=AssetSource('service', 'openai'))
    assets = project.data['assets']
    assert assets['stems/take-1']['source'] == {'kind': 'uploaded', 'name': None}
    assert assets['stems/take-1']['sample_rate'] == 44100
    assert assets['cover']['source'] == {'kind': 'service', 'name': 'openai'}


@pytest.mark.parametrize(('key', 'source', 'message'), [
    ('beat', AssetSource('local'), 'must name the generator'),
    ('beat', AssetSource('magic', 'x'), "Unknown asset source 'magic'"),  # type: ignore[arg-type]
    ('../beat', AssetSource('uploaded'), 'not allowed'),
])
def test_assets_without_a_clear_origin_are_refused(database: Path, key: str, source: AssetSource,
                                                   message: str) -> None:
    project_id = _new()
    before = _call(projects.get_owned_project, project_id=project_id, browser_id='browser-a')
    with pytest.raises(BadInput, match=message):
        _call(projects.record_asset, project_id=project_id, key=key, relpath='beat.wav', source=source)
    after = _call(projects.get_owned_project, project_id=project_id, browser_id='browser-a')
    assert after.data == before.data


def test_only_the_owning_browser_gets_the_project(database: Path) -> None:
    project_id = _new('browser-a')
    assert _call(projects.get_owned_project, project_id=project_id, browser_id='browser-a').id == project_id
    for browser_id in ('browser-b', None):
        with pytest.raises(NotFound):
            _call(projects.get_owned_project, project_id=project_id, browser_id=browser_id)
    with pytest.raises(NotFound):
        _call(projects.get_owned_project, project_id='00000000-0000-4000-8000-000000000000', browser_id='browser-a')


@pytest.mark.parametrize(('name', 'expected'), [('  Night   Drive ', 'Night Drive'), ('<b>Bold</b>', '<b>Bold</b>'),
                                                ('👩\u200d🎤 Ballads', '👩\u200d🎤 Ballads')])
def test_rename_keeps_the_text_and_tidies_spaces(database: Path, name: str, expected: str) -> None:
    project = _call(projects.rename_project, project_id=_new(), name=name)
    assert project.name == expected


@pytest.mark.parametrize(('name', 'message'), [
    ('   ', 'needs a name'), ('x' * 121, 'at most 120'),
    ('song\u202egnp.exe', 'Project name: remove the invisible or control character U\\+202E'),
    ('nul\x00name', 'character U\\+0000'), ('zero\u200bwidth', 'character U\\+200B')])
def test_bad_names_are_refused(database: Path, name: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        _call(projects.rename_project, project_id=_new(), name=name)


def test_unknown_stage_is_refused(database: Path) -> None:
    with pytest.raises(BadInput, match="no stage called 'mastering'"):
        _call(projects.complete_stage, project_id=_new(), stage_id='mastering')
