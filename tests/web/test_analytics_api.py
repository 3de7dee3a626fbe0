from __future__ import annotations

from pathlib import Path

from nicegui.testing import User

PASSWORD = 'night-drive-42-echo'
EXAMPLE = (Path(__file__).resolve().parents[1] / 'data' / 'analytics-example.csv').read_bytes()


async def _auth(user: User, email: str = 'pulse@example.com') -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def test_a_csv_is_imported_summed_up_and_exported_over_the_api(user: User) -> None:
    headers = await _auth(user)
    empty = await user.http_client.get('/api/analytics', headers=headers)
    assert empty.status_code == 200, empty.text
    assert empty.json()['data']['points'] == [] and empty.json()['data']['session_id'] is None

    made = await user.http_client.post('/api/analytics/import', headers=headers,
                                       files={'file': ('figures.csv', EXAMPLE, 'text/csv')})
    assert made.status_code == 200, made.text
    answer = made.json()['data']
    assert (answer['kind'], answer['added'], answer['updated'], answer['days']) == ('ours', 5, 0, 5)
    assert answer['pulse'] == 'Week to 7 Mar: 3,350 streams; save rate 7.0%.'
    project_id = answer['session_id']

    got = (await user.http_client.get('/api/analytics', headers=headers, params={'session_id': project_id})).json()
    data = got['data']
    assert (data['as_of'], data['days'], data['platforms']) == ('2026-03-07', 2, ['spotify', 'apple_music', 'tiktok'])
    assert data['totals']['streams'] == 3350 and data['last_7_days']['streams']['change_percent'] is None
    assert data['points'][0] == {'date': '2026-03-06', 'platform': 'spotify', 'streams': 1200, 'saves': 84,
                                 'listeners': 950, 'followers': 310, 'playlist_adds': 12, 'source': 'csv'}

    spotify = await user.http_client.post('/api/analytics/import', headers=headers, data={'session_id': project_id},
                                          files={'file': ('Song-timeline.csv', b'date,streams\n2026-03-07,1500\n')})
    assert spotify.json()['data'] | {'pulse': ''} == {'session_id': project_id, 'kind': 'spotify', 'added': 0,
                                                      'updated': 1, 'days': 5, 'pulse': ''}
    exported = await user.http_client.get('/api/analytics/export', headers=headers, params={'session_id': project_id})
    assert exported.status_code == 200 and exported.headers['content-type'].startswith('text/csv')
    assert exported.text.splitlines()[3] == '2026-03-07,spotify,1500,101,1100,318,15'


async def test_a_bad_file_or_someone_elses_project_is_refused(user: User) -> None:
    headers = await _auth(user)
    bad = await user.http_client.post('/api/analytics/import', headers=headers,
                                      files={'file': ('bad.csv', b'date,platform,streams\n2026-03-01,spotify,x\n')})
    assert bad.status_code == 400
    assert bad.json() == {'ok': False, 'feature': None,
                          'error': "Nothing was imported. line 2: streams 'x' is not a whole number."}
    first = await user.http_client.post('/api/analytics/import', headers=headers,
                                        files={'file': ('figures.csv', EXAMPLE)})
    other = await _auth(user, 'other@example.com')
    stolen = await user.http_client.get('/api/analytics', headers=other,
                                        params={'session_id': first.json()['data']['session_id']})
    assert stolen.status_code == 404
    anonymous = await user.http_client.get('/api/analytics')
    assert anonymous.status_code == 401
