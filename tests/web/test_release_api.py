from nicegui.testing import User

PASSWORD = 'night-drive-42-echo'


async def _auth(user: User, email: str = 'aria@example.com') -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def _project(user: User, headers: dict[str, str]) -> str:
    made = await user.http_client.post('/api/lyrics/free', headers=headers, json={'theme': 'harbour lights', 'seed': 1})
    assert made.status_code == 200, made.text
    return made.json()['data']['session_id']


async def test_metadata_saves_the_details_and_writes_metadata_json(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    response = await user.http_client.post('/api/release/metadata', headers=headers, json={
        'session_id': project_id, 'track_title': 'Harbour Lights', 'artist_name': 'Ama Lune', 'genre': 'afrobeats',
        'mood': 'happy', 'explicit': False, 'release_date': '2027-01-08', 'isrc': 'US-S1Z-27-00001',
        'credits': [{'name': 'Ama Lune', 'role': 'main', 'share': 60}, {'name': 'Kofi', 'role': 'producer',
                                                                       'share': 40}]})
    assert response.status_code == 200, response.text
    data = response.json()['data']
    assert data['metadata']['title'] == 'Harbour Lights' and data['metadata']['isrc'] == 'USS1Z2700001'
    assert data['metadata']['ai_disclosure']['lyrics']['made_by'] == 'local generator'
    stored = await user.http_client.get(data['metadata_url'], headers=headers)
    assert stored.json()['artist'] == 'Ama Lune'
    listed = await user.http_client.get('/api/release/files', headers=headers, params={'session_id': project_id})
    assert [f['name'] for f in listed.json()['data']['files']] == ['release/metadata/metadata.json']
    pack = await user.http_client.get('/api/release/pack', headers=headers, params={'session_id': project_id})
    assert pack.json()['data']['details']['title'] == 'Harbour Lights'
    assert any('Mix stage' in line for line in pack.json()['data']['missing'])


async def test_bad_details_are_refused_with_the_field_named(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    bad = await user.http_client.post('/api/release/metadata', headers=headers, json={
        'session_id': project_id, 'track_title': 'Song', 'artist_name': 'Ama', 'genre': 'pop',
        'release_date': '2027-01-08', 'upc': '123456789013'})
    assert bad.status_code == 400 and 'UPC' in bad.json()['error'].upper()


async def test_lyrics_pdf_route(user: User) -> None:
    headers = await _auth(user)
    project_id = await _project(user, headers)
    response = await user.http_client.post('/api/release/lyrics', headers=headers, json={
        'session_id': project_id, 'title': 'Harbour Lights', 'artist': 'Ama Lune',
        'lyrics': '[Chorus]\nHold the summer\nnever let it go'})
    assert response.status_code == 200, response.text
    pdf = await user.http_client.get(response.json()['data']['pdf_url'], headers=headers)
    assert pdf.content[:5] == b'%PDF-'


async def test_release_routes_need_the_owner_and_name_what_is_missing(user: User) -> None:
    assert (await user.http_client.get('/api/release/files', params={'session_id': 'x'})).status_code == 401
    headers = await _auth(user)
    project_id = await _project(user, headers)
    other = await _auth(user, 'stranger@example.com')
    theirs = await user.http_client.get('/api/release/pack', headers=other, params={'session_id': project_id})
    assert theirs.status_code == 404
    early = await user.http_client.post('/api/release/download-all', headers=headers,
                                        json={'session_id': project_id})
    assert early.status_code == 400 and 'Mix stage' in early.json()['error']
    outside = await user.http_client.post('/api/release/select-cover', headers=headers, json={
        'session_id': project_id, 'cover_url': f'/media/{project_id}/lyrics.txt'})
    assert outside.status_code == 400


async def test_cover_select_copy_and_download_all_build_the_pack(user: User) -> None:
    import zipfile

    from liab import media
    from tests.web.test_release_stage import _give_the_project_a_master_and_lyrics

    headers = await _auth(user)
    project_id = await _project(user, headers)
    _give_the_project_a_master_and_lyrics(project_id)
    saved = await user.http_client.post('/api/release/metadata', headers=headers, json={
        'session_id': project_id, 'track_title': 'Harbour Lights', 'artist_name': 'Ama Lune', 'genre': 'afrobeats',
        'release_date': '2027-01-08', 'credits': [{'name': 'Ama Lune', 'role': 'main', 'share': 100}]})
    assert saved.status_code == 200, saved.text
    covers = await user.http_client.post('/api/release/cover', headers=headers, timeout=120, json={
        'session_id': project_id, 'track_title': 'Harbour Lights', 'artist_name': 'Ama Lune', 'genre': 'afrobeats',
        'mood': 'happy', 'seed': 4})
    images = covers.json()['data']['images']
    assert len(images) == 3 and len(set(images)) == 3
    chosen = await user.http_client.post('/api/release/select-cover', headers=headers, timeout=120,
                                         json={'session_id': project_id, 'cover_url': images[2]})
    assert chosen.json()['data']['final_cover'].endswith('final_cover_3000.jpg')
    copy = await user.http_client.post('/api/release/copy', headers=headers, json={
        'session_id': project_id, 'track_title': 'Harbour Lights', 'artist_name': 'Ama Lune', 'genre': 'afrobeats',
        'mood': 'happy', 'seed': 2})
    tagline = await user.http_client.get(copy.json()['data']['tagline_url'], headers=headers)
    assert tagline.status_code == 200 and tagline.text.strip()
    built = await user.http_client.post('/api/release/download-all', headers=headers, timeout=180,
                                        json={'session_id': project_id})
    assert built.status_code == 200, built.text
    with zipfile.ZipFile(media.project_dir(project_id) / 'release' / 'release_pack.zip') as pack:
        assert len(pack.namelist()) == 12 and 'copy/tagline.txt' in pack.namelist()
    again = await user.http_client.post('/api/release/download-all', headers=headers, timeout=180,
                                        json={'session_id': project_id})
    assert again.status_code == 200  # rebuilding the same project's pack the same day is free
