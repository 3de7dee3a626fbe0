from pathlib import Path

from tests.security.conftest import LiveApp, send_raw, sign_up, upload_take

# Below a project's media URL, as a browser or curl would send them without normalizing.
TRAVERSALS = ['%2e%2e/%2e%2e/liab.sqlite3', '%2e%2e%2f%2e%2e%2fliab.sqlite3', '..%2f..%2fliab.sqlite3',
              'stems/..%2f..%2f..%2fliab.sqlite3', '..%5c..%5cliab.sqlite3', '%252e%252e/%252e%252e/liab.sqlite3',
              '.%2e/.%2e/secrets/jwt_secret', '%2e%2e/%2e%2e/secrets/jwt_secret', '%2fetc%2fpasswd', '/etc/passwd']


def test_another_users_projects_and_files_answer_404_and_traversal_never_leaves_the_project(
        server: LiveApp, take_wav: bytes, data_dir: Path) -> None:
    alice, bob = sign_up(server, 'alice@example.com'), sign_up(server, 'bob@example.com')
    a_take = upload_take(server, alice, 'alice.wav', take_wav).json()['data']
    b_take = upload_take(server, bob, 'bob.wav', take_wav[:-2000]).json()['data']
    a_id, b_id, a_file = a_take['session_id'], b_take['session_id'], a_take['filename']
    secrets = [take_wav[4000:4064], b'SQLite format 3', (data_dir / 'secrets' / 'jwt_secret').read_bytes(),
               (data_dir / 'secrets' / 'storage_secret').read_bytes(), b'root:x:0:0']
    with server.client(alice.token) as client:
        version = client.get(f'/api/projects/{a_id}').json()['project']['version']

    api_calls = [('GET', f'/api/projects/{a_id}', None), ('POST', f'/api/projects/{a_id}/advance', {}),
                 ('POST', '/api/projects/load', {'projectId': a_id}),
                 ('POST', '/api/projects/save', {'projectId': a_id, 'name': 'Mine now'}),
                 ('POST', '/api/beats/create', {'session_id': a_id}), ('POST', '/api/mix/run', {'session_id': a_id}),
                 ('POST', '/api/mix/process', {'session_id': a_id, 'file_url': a_take['file_url']}),
                 ('POST', '/api/lyrics/free', {'session_id': a_id, 'theme': 'theft'}),
                 ('GET', f'/api/release/files?session_id={a_id}', None),
                 ('GET', f'/api/release/pack?session_id={a_id}', None),
                 ('POST', '/api/release/download-all', {'session_id': a_id}),
                 ('GET', f'/api/content/get-scheduled?session_id={a_id}', None),
                 ('GET', f'/api/analytics?session_id={a_id}', None),
                 ('GET', f'/api/analytics/export?session_id={a_id}', None)]
    with server.client(bob.token) as as_bob, server.client() as anonymous:
        for method, url, body in api_calls:
            response = as_bob.request(method, url, json=body)
            assert response.status_code == 404, (method, url, response.text)
            assert response.json() == {'ok': False, 'error': 'No such project.', 'feature': None}, url
            assert anonymous.request(method, url, json=body).status_code == 401, url
        uploaded = as_bob.post('/api/recordings/upload', data={'session_id': a_id},
                               files={'file': ('x.wav', take_wav, 'audio/wav')})
        assert uploaded.status_code == 404
    with server.client(alice.token) as client:
        assert client.get(f'/api/projects/{a_id}').json()['project']['version'] == version  # nothing changed

    a_path = f'{a_id}/stems/{a_file}'
    guessed = {bob.token: [f'/media/{a_path}', f'/peaks/{a_path}', f'/media/{a_path}?download=1',
                           f'/media/{b_id}/%2e%2e/{a_path}', f'/media/{b_id}/..%2f{a_id}%2fstems%2f{a_file}',
                           f'/peaks/{b_id}/%2e%2e/{a_path}'],
               None: [f'/media/{a_path}', f'/peaks/{a_path}'],
               alice.token: [f'/media/{a_id}/{path}' for path in TRAVERSALS] + [
                   f'/peaks/{a_id}/%2e%2e/%2e%2e/liab.sqlite3', f'/media/{a_id}/stems/%2e{a_file}',
                   '/media/%2e%2e/liab.sqlite3', f'/media/%2e%2e/{a_path}', '/static/%2e%2e/%2e%2e/data/liab.sqlite3']}
    for token, targets in guessed.items():
        for target in targets:
            answer = send_raw(server.url, 'GET', target, headers={'Authorization': f'Bearer {token}'} if token else {})
            assert answer.status == 404, (target, answer.status)
            assert not [secret for secret in secrets if secret in answer.body], target
    with server.client() as other_browser:  # a browser session of its own (NiceGUI's cookie), logged in nowhere
        assert other_browser.get('/').cookies.get('session')
        for target in (f'/media/{a_path}', f'/peaks/{a_path}'):
            refused = other_browser.get(target)
            assert refused.status_code == 404 and take_wav[4000:4064] not in refused.content, target
    owner = send_raw(server.url, 'GET', f'/media/{a_path}', headers={'Authorization': f'Bearer {alice.token}'})
    assert (owner.status, owner.body) == (200, take_wav)  # the same file, to its owner
