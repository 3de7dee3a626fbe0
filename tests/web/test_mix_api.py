from pathlib import Path

from nicegui.testing import User

from tests.sounds import vocal_line

PASSWORD = 'night-drive-42-echo'


async def _auth(user: User, email: str = 'tone@example.com') -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def _project_with_beat_and_vocal(user: User, headers: dict[str, str], tmp_path: Path) -> str:
    beat = await user.http_client.post('/api/beats/create', headers=headers, timeout=120,
                                       json={'prompt': 'chill hip hop 90 bpm', 'duration_sec': 15})
    assert beat.status_code == 200, beat.text
    project_id = beat.json()['data']['session_id']
    with vocal_line(tmp_path).open('rb') as handle:
        take = await user.http_client.post('/api/recordings/upload', headers=headers, timeout=120,
                                           data={'session_id': project_id},
                                           files={'file': ('verse.wav', handle, 'audio/wav')})
    assert take.status_code == 200, take.text
    return project_id


async def test_mix_run_mixes_and_masters_the_beat_and_lead_vocal(user: User, tmp_path: Path) -> None:
    headers = await _auth(user)
    project_id = await _project_with_beat_and_vocal(user, headers, tmp_path)
    response = await user.http_client.post('/api/mix/run', headers=headers, timeout=180, json={
        'session_id': project_id, 'vocal_gain': 1.5, 'beat_gain': -2, 'hpf_hz': 100, 'deess_amount': 0.4})
    assert response.status_code == 200, response.text
    data = response.json()['data']
    assert data['mix_url'] == f'/media/{project_id}/mix/vocal_mix.wav'
    assert data['master_url'] == f'/media/{project_id}/mix/mixed_mastered.wav'
    assert abs(data['report']['after']['integrated_lufs'] + 14) <= 0.5
    assert data['report']['after']['true_peak_dbtp'] <= -1.0
    master = await user.http_client.get(data['master_url'], headers=headers)
    assert master.status_code == 200 and master.content[:4] == b'RIFF'


async def test_mix_process_takes_an_uploaded_file_a_preset_and_a_target(user: User, tmp_path: Path) -> None:
    headers = await _auth(user)
    with vocal_line(tmp_path).open('rb') as handle:
        response = await user.http_client.post('/api/mix/process', headers=headers, timeout=180,
                                               data={'preset': 'bright', 'target_lufs': '-9', 'ai_master': 'true'},
                                               files={'file': ('song.wav', handle, 'audio/wav')})
    assert response.status_code == 200, response.text
    data = response.json()['data']
    assert data['chain']['eq_high'] == 3.0
    after = data['report']['after']
    assert abs(after['integrated_lufs'] + 9) <= 0.5 and after['true_peak_dbtp'] <= -2.0
    again = await user.http_client.post('/api/mix/process', headers=headers, timeout=180, json={
        'session_id': data['session_id'], 'file_url': data['file_url'], 'target_lufs': -16, 'eq_low': 3})
    assert again.status_code == 200, again.text
    assert abs(again.json()['data']['report']['after']['integrated_lufs'] + 16) <= 0.5


async def test_mix_routes_refuse_bad_values_other_projects_and_missing_inputs(user: User, tmp_path: Path) -> None:
    headers = await _auth(user)
    assert (await user.http_client.post('/api/mix/run', json={})).status_code == 401
    empty = await user.http_client.post('/api/mix/run', headers=headers, json={})
    assert empty.status_code == 400 and 'beat' in empty.json()['error']
    bad = await user.http_client.post('/api/mix/process', headers=headers, json={'eq_low': 12})
    assert bad.status_code == 400 and 'eq_low' in bad.json()['error']
    preset = await user.http_client.post('/api/mix/process', headers=headers, json={'preset': 'loudest'})
    assert preset.status_code == 400 and 'preset' in preset.json()['error']
    with vocal_line(tmp_path).open('rb') as handle:
        made = await user.http_client.post('/api/mix/process', headers=headers, timeout=180,
                                           files={'file': ('song.wav', handle, 'audio/wav')})
    project_id = made.json()['data']['session_id']
    outside = await user.http_client.post('/api/mix/process', headers=headers,
                                          json={'session_id': project_id, 'file_url': '/media/other/x.wav'})
    assert outside.status_code == 400
    escape = await user.http_client.post('/api/mix/process', headers=headers, json={
        'session_id': project_id, 'file_url': f'/media/{project_id}/../../secrets/jwt'})
    assert escape.status_code == 404
    stranger = await _auth(user, 'stranger@example.com')
    theirs = await user.http_client.post('/api/mix/process', headers=stranger, json={'session_id': project_id})
    assert theirs.status_code == 404
    fake = await user.http_client.post('/api/mix/process', headers=headers,
                                       files={'file': ('song.mp3', b'#EXTM3U\nfile:///etc/passwd\n', 'audio/mpeg')})
    assert fake.status_code == 400 and 'audio' in fake.json()['error'].lower()
