import uuid
from datetime import datetime

import httpx
import pytest
from nicegui.testing import User

from liab import db, media
from liab.models import Project
from liab.services import library
from tests.services.test_cli import run_cli
from tests.web.test_auth_api import bearer, signup

NOT_FOUND = {'ok': False, 'error': 'No such project.', 'feature': None}
HOSTILE = '<img src=x onerror=alert(1)>'


async def _token(user: User, email: str = 'artist@example.com') -> dict[str, str]:
    return bearer((await signup(user, email=email))['token'])


async def _save(user: User, auth: dict[str, str], **body: object) -> httpx.Response:
    return await user.http_client.post('/api/projects/save', json=body, headers=auth)


async def _saved_project(user: User, auth: dict[str, str], **body: object) -> str:
    response = await _save(user, auth, **body)
    assert response.status_code == 200, response.text
    return response.json()['data']['projectId']


def _draft(user_id: str) -> str:
    with db.session_scope(write=True) as session:
        return library.new_project(session=session, user_id=user_id).id


def _stored(project_id: str) -> Project:
    with db.session_scope() as session:
        row = session.get(Project, project_id)
        assert row is not None
        return row


async def test_a_new_account_has_no_projects(user: User) -> None:
    auth = await _token(user)
    listed = await user.http_client.get('/api/projects', headers=auth)
    assert listed.json() == {'ok': True, 'projects': []}
    nested = await user.http_client.get('/api/projects/list', headers=auth)
    assert nested.json() == {'ok': True, 'data': {'projects': []}}


async def test_save_without_a_project_id_creates_a_saved_project_in_both_lists(user: User) -> None:
    auth = await _token(user)
    data = {'release': {'title': 'Night Drive'}, 'workflow': {'current_stage': 'mix',
                                                              'completed_stages': ['lyrics', 'beat', 'beat']}}
    saved = await _save(user, auth, projectData=data, userId='someone-else')
    assert saved.status_code == 200
    project_id = saved.json()['data']['projectId']
    assert saved.json() == {'ok': True, 'data': {'projectId': project_id, 'name': 'Night Drive'}}
    assert str(uuid.UUID(project_id)) == project_id

    listed = (await user.http_client.get('/api/projects', headers=auth)).json()['projects']
    assert len(listed) == 1
    summary = listed[0]
    assert {key: summary[key] for key in ('projectId', 'name', 'saved', 'progress')} == {
        'projectId': project_id, 'name': 'Night Drive', 'saved': True,
        'progress': {'done': 2, 'total': 7, 'percent': 29}}
    assert datetime.fromisoformat(summary['updatedAt']).tzinfo is not None
    nested = (await user.http_client.get('/api/projects/list', headers=auth)).json()
    assert nested == {'ok': True, 'data': {'projects': listed}}

    project = (await user.http_client.get(f'/api/projects/{project_id}', headers=auth)).json()['project']
    assert set(project) == {'projectId', 'name', 'saved', 'version', 'projectData', 'createdAt', 'updatedAt'}
    assert project['projectData']['release'] == {'title': 'Night Drive'}
    assert project['projectData']['workflow']['completed_stages'] == ['beat', 'lyrics']
    assert project['projectData']['workflow']['current_stage'] == 'mix'


async def test_save_with_a_project_id_replaces_the_memory_keeping_only_known_keys(user: User) -> None:
    auth = await _token(user)
    project_id = await _saved_project(user, auth, name='First take', projectData={'beat': {'bpm': 90}})
    before = _stored(project_id)
    replacement = {
        'mix': {'preset': 'warm'},
        'release': 'not a dict',
        'secret_flag': True,
        'chat_log': [{'role': 'user', 'text': 'hi'}],
        'workflow': {'current_stage': 'nowhere', 'completed_stages': 5, 'goal_shown': 'yes', 'cycles_completed': -3},
    }
    response = await _save(user, auth, projectId=project_id, projectData=replacement, name='  Second   take ')
    assert response.json() == {'ok': True, 'data': {'projectId': project_id, 'name': 'Second take'}}
    loaded = await user.http_client.post('/api/projects/load', json={'projectId': project_id}, headers=auth)
    assert loaded.status_code == 200
    body = loaded.json()['data']
    assert (body['projectId'], body['name']) == (project_id, 'Second take')
    memory = body['projectData']
    assert memory['mix'] == {'preset': 'warm'}
    assert memory['beat'] == {}  # replaced, not merged
    assert memory['release'] == {}
    assert 'secret_flag' not in memory
    assert memory['chat_log'] == [{'role': 'user', 'text': 'hi'}]
    assert memory['workflow'] == {'current_stage': 'beat', 'completed_stages': [], 'goal_shown': False,
                                  'cycles_completed': 0}
    assert memory['created_at'] == before.data['created_at']
    assert _stored(project_id).version > before.version
    listed = await user.http_client.get('/api/projects', headers=auth)
    assert listed.status_code == 200

    renamed_only = await _save(user, auth, projectId=project_id, name='Third take')
    assert renamed_only.json()['data']['name'] == 'Third take'
    assert _stored(project_id).data['mix'] == {'preset': 'warm'}


async def test_advance_ticks_the_current_stage_and_moves_on(user: User) -> None:
    auth = await _token(user)
    project_id = await _saved_project(user, auth)
    first = await user.http_client.post(f'/api/projects/{project_id}/advance', headers=auth)
    assert first.json() == {'ok': True, 'data': {'current_stage': 'lyrics'}}
    second = await user.http_client.post(f'/api/projects/{project_id}/advance', headers=auth)
    assert second.json() == {'ok': True, 'data': {'current_stage': 'upload'}}
    project = (await user.http_client.get(f'/api/projects/{project_id}', headers=auth)).json()['project']
    assert project['projectData']['workflow']['completed_stages'] == ['beat', 'lyrics']
    listed = (await user.http_client.get('/api/projects', headers=auth)).json()['projects']
    assert listed[0]['progress'] == {'done': 2, 'total': 7, 'percent': 29}


async def test_a_second_saved_project_on_the_free_plan_needs_pro(user: User) -> None:
    auth = await _token(user)
    await _saved_project(user, auth, name='One')
    refused = await _save(user, auth, name='Two')
    assert refused.status_code == 403
    assert refused.json() == {'ok': False, 'error': 'upgrade_required', 'feature': 'multi_project',
                              'message': 'The free plan keeps one saved project. Upgrade to Pro to save more.'}
    assert len((await user.http_client.get('/api/projects', headers=auth)).json()['projects']) == 1

    upgrade = run_cli('set-plan', 'artist@example.com', 'pro')
    assert upgrade.returncode == 0, upgrade.stderr
    me = await user.http_client.get('/api/auth/me', headers=auth)
    assert me.json()['plan'] == 'pro'
    allowed = await _save(user, auth, name='Two')
    assert allowed.status_code == 200
    assert allowed.json()['data']['name'] == 'Two'
    assert len((await user.http_client.get('/api/projects', headers=auth)).json()['projects']) == 2


async def test_a_refused_save_of_a_draft_changes_nothing(user: User) -> None:
    created = await signup(user)
    auth = bearer(created['token'])
    await _saved_project(user, auth, name='One')
    draft_id = _draft(created['user_id'])
    before = _stored(draft_id)
    refused = await _save(user, auth, projectId=draft_id, projectData={'mix': {'preset': 'loud'}}, name='Two')
    assert refused.status_code == 403
    assert refused.json()['feature'] == 'multi_project'
    after = _stored(draft_id)
    assert (after.version, after.data, after.name, after.saved) == (before.version, before.data, before.name, False)


async def test_another_users_project_answers_exactly_like_a_missing_one(user: User) -> None:
    owner = await _token(user, 'owner@example.com')
    project_id = await _saved_project(user, owner, name='Mine', projectData={'release': {'title': 'Mine'}})
    media.write_bytes(media.project_dir(project_id, create=True) / 'beat' / 'beat.mp3', b'ID3 private beat')
    stranger = await _token(user, 'stranger@example.com')

    async def attempts(target: str) -> list[tuple[int, object]]:
        client = user.http_client
        answers = [
            await client.get(f'/api/projects/{target}', headers=stranger),
            await client.post('/api/projects/load', json={'projectId': target}, headers=stranger),
            await client.post(f'/api/projects/{target}/advance', headers=stranger),
            await client.post('/api/projects/save', json={'projectId': target, 'name': 'Stolen',
                                                          'projectData': {'mix': {}}}, headers=stranger),
            await client.get(f'/media/{target}/beat/beat.mp3', headers=stranger),
        ]
        return [(answer.status_code, answer.json()) for answer in answers]

    theirs = await attempts(project_id)
    missing = await attempts(str(uuid.uuid4()))
    assert theirs == missing
    assert theirs[:4] == [(404, NOT_FOUND)] * 4
    assert theirs[4] == (404, {'ok': False, 'error': 'Not found.'})
    assert await attempts('not-a-uuid') == missing
    row = _stored(project_id)
    assert (row.name, row.version, row.data['workflow']['completed_stages']) == ('Mine', 1, [])
    assert (await user.http_client.get('/api/projects', headers=stranger)).json()['projects'] == []


async def test_project_routes_need_a_token(user: User) -> None:
    project_id = await _saved_project(user, await _token(user))
    client = user.http_client
    for response in (
        await client.get('/api/projects'),
        await client.get('/api/projects/list'),
        await client.get(f'/api/projects/{project_id}'),
        await client.post(f'/api/projects/{project_id}/advance'),
        await client.post('/api/projects/save', json={'projectId': project_id}),
        await client.post('/api/projects/load', json={'projectId': project_id}, headers={'Authorization': 'Basic x'}),
        await client.post('/api/projects/save', content=b'not json', headers=bearer('abc')),
    ):
        assert response.status_code == 401
        assert response.json()['ok'] is False


async def test_media_is_served_with_the_owners_bearer_token(user: User) -> None:
    auth = await _token(user)
    project_id = await _saved_project(user, auth)
    payload = bytes(range(256)) * 16
    media.write_bytes(media.project_dir(project_id, create=True) / 'beat' / 'beat.mp3', payload)
    url = f'/media/{project_id}/beat/beat.mp3'
    served = await user.http_client.get(url, headers=auth)
    assert served.status_code == 200
    assert served.content == payload
    assert served.headers['content-security-policy'] == "default-src 'none'; sandbox"
    for headers in ({}, bearer('abc'), {'Authorization': 'Basic x'}):
        refused = await user.http_client.get(url, headers=headers)
        assert refused.status_code == 404
        assert refused.json() == {'ok': False, 'error': 'Not found.'}


async def test_a_hostile_name_round_trips_as_plain_text(user: User) -> None:
    auth = await _token(user)
    saved = await _save(user, auth, name=HOSTILE)
    assert saved.headers['content-type'] == 'application/json'
    project_id = saved.json()['data']['projectId']
    assert saved.json()['data']['name'] == HOSTILE
    listed = await user.http_client.get('/api/projects', headers=auth)
    assert listed.json()['projects'][0]['name'] == HOSTILE
    loaded = await user.http_client.post('/api/projects/load', json={'projectId': project_id}, headers=auth)
    assert loaded.json()['data']['name'] == HOSTILE


@pytest.mark.parametrize(('body', 'error'), [
    ({'projectData': ['not', 'a', 'dict']}, 'projectData: Input should be a valid dictionary'),
    ({'name': 'n' * 121}, 'name: String should have at most 120 characters'),
    ({'name': '   '}, 'A project needs a name.'),
    ({'projectId': 7}, 'projectId: Input should be a valid string'),
    ({'projectId': 'x' * 65}, 'projectId: String should have at most 64 characters'),
])
async def test_bad_save_bodies_get_400_in_our_shape(user: User, body: dict, error: str) -> None:
    auth = await _token(user)
    response = await _save(user, auth, **body)
    assert response.status_code == 400
    assert response.json() == {'ok': False, 'error': error, 'feature': None}


async def test_bad_load_bodies_get_400_in_our_shape(user: User) -> None:
    auth = await _token(user)
    client = user.http_client
    missing = await client.post('/api/projects/load', json={}, headers=auth)
    assert missing.json() == {'ok': False, 'error': 'projectId: Field required', 'feature': None}
    broken = await client.post('/api/projects/load', content=b'{', headers={**auth, 'Content-Type': 'application/json'})
    assert broken.status_code == 400
    assert broken.json()['error'] == 'The request body is not valid JSON.'
