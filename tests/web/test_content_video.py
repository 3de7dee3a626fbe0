"""Content stage, video: an uploaded clip with its transcript, the visualizer and the Canvas loop, in the page and
over the API."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from liab import db, media
from liab.audio import io as audio_io
from liab.services import beats, projects
from tests.speech import speak
from tests.web.conftest import only_project, project_count, until

PASSWORD = 'night-drive-42-echo'
WORDS = 'one two three four five six seven eight nine ten please call me when you get back to the city'


def _ffmpeg(*arguments: str) -> None:
    subprocess.run([audio_io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-y', *arguments], check=True,
                   timeout=120)


@pytest.fixture(scope='module')
def spoken_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An MP4 of a few seconds: a test picture with a clear spoken sentence as its sound."""
    folder = tmp_path_factory.mktemp('clip')
    voice = speak(WORDS, folder / 'voice.wav', voice='en-us+f5')
    clip = folder / 'clip.mp4'
    _ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x568:rate=25', '-i', str(voice), '-shortest', '-c:v', 'libx264',
            '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-f', 'mp4', str(clip))
    return clip.read_bytes()


def _give_beat(project_id: str, length_s: float = 16) -> None:
    folder = media.project_dir(project_id, create=True) / beats.FOLDER
    folder.mkdir(exist_ok=True)
    made = beats.make_local_beat({'genre': 'hip hop', 'mood': 'chill', 'bpm': 90, 'key': 'A minor',
                                  'length_s': length_s, 'seed': 3}, str(folder), progress=lambda *_: None)
    with db.session_scope(write=True) as session:
        beats.store_beat(session=session, project_id=project_id, made=made)


def _streams(path: Path) -> str:
    finished = subprocess.run([audio_io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-i', str(path)],
                              capture_output=True, text=True, timeout=60, check=False)
    return finished.stderr


async def _auth(user: User) -> dict[str, str]:
    response = await user.http_client.post('/api/auth/signup', json={'email': 'vee@example.com',
                                                                     'password': PASSWORD})
    return {'Authorization': f'Bearer {response.json()["token"]}'}


async def test_upload_video_stores_the_clip_and_a_rough_transcript(user: User, spoken_clip: bytes) -> None:
    headers = await _auth(user)
    made = await user.http_client.post('/api/content/upload-video', headers=headers,
                                       files={'file': ('My Clip.mp4', spoken_clip, 'video/mp4')})
    assert made.status_code == 200, made.text
    data = made.json()['data']
    assert set(data) >= {'file_url', 'transcript', 'duration'}
    assert 5 < data['duration'] < 9 and data['fps'] == 25 and (data['width'], data['height']) == (320, 568)
    assert data['rough'] and data['provider'] == 'pocketsphinx'
    heard = set(data['transcript'].split())
    assert len(heard & set(WORDS.split())) >= 12, data['transcript']  # rough, but it hears most of a clear voice
    project = only_project()
    [video] = project.data['content']['videos']
    root = media.project_dir(project.id)
    assert (root / video['path']).read_bytes() == spoken_clip
    assert re.fullmatch(r'videos/video-[0-9a-f]{12}_transcript\.txt', video['transcript_path'])
    assert (root / video['transcript_path']).read_text() == data['transcript']
    assert not list((root / 'videos').glob('*_audio.wav'))  # the transcriber's copy of the sound is gone
    assert project.data['assets']['uploaded_video']['metadata']['transcript'] == data['transcript']
    served = await user.http_client.get(data['file_url'], headers=headers)
    assert served.status_code == 200 and served.headers['content-type'] == 'video/mp4'


async def test_a_hostile_or_wrong_upload_is_refused_and_nothing_is_kept(user: User, tmp_path: Path) -> None:
    headers = await _auth(user)
    playlist = b'#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n'
    wav = audio_io.write_wav(np.zeros((44100, 1), dtype=np.float32), 44100, tmp_path / 'tone.wav').read_bytes()
    for name, body in (('clip.mp4', playlist), ('song.mp4', wav), ('empty.mov', b'')):
        refused = await user.http_client.post('/api/content/upload-video', headers=headers,
                                              files={'file': (name, body, 'video/mp4')})
        assert refused.status_code == 400, refused.text
        assert refused.json()['ok'] is False and refused.json()['error']
    if project_count():
        folder = media.project_dir(only_project().id) / 'videos'
        assert not folder.exists() or not [p for p in folder.iterdir() if not p.name.startswith('.')]
        assert not (only_project().data.get('content') or {}).get('videos')
    missing = await user.http_client.post('/api/content/upload-video', headers=headers, data={'session_id': 'x'})
    assert missing.status_code == 400 and 'file' in missing.json()['error']


async def test_visualizer_and_canvas_over_the_api(user: User) -> None:
    headers = await _auth(user)
    made = await user.http_client.post('/api/lyrics/free', headers=headers, json={'theme': 'harbour lights'})
    project_id = made.json()['data']['session_id']
    early = await user.http_client.post('/api/content/visualizer', headers=headers, json={'session_id': project_id})
    assert early.status_code == 400 and 'Make a beat' in early.json()['error']
    _give_beat(project_id, 60)  # a full song's lyrics over a minute: a few lines fall in each 10 s
    visual = await user.http_client.post('/api/content/visualizer', headers=headers,
                                         json={'session_id': project_id, 'length_s': 10})
    assert visual.status_code == 200, visual.text
    data = visual.json()['data']
    assert data['length_s'] == 10 and 0 <= data['start_s'] <= 50 and data['song'] == 'beat' and data['captions'] > 0
    assert data['generated_cover']  # no cover chosen yet: a generated one stands in, and the answer says so
    root = media.project_dir(project_id)
    file = root / data['video_url'].split(f'/media/{project_id}/', 1)[1]
    streams = _streams(file)
    assert '1080x1920' in streams and 'h264' in streams and 'aac' in streams
    loop = await user.http_client.post('/api/content/canvas', headers=headers,
                                       json={'session_id': project_id, 'seconds': 3, 'height': 720})
    assert loop.status_code == 200, loop.text
    canvas = root / loop.json()['data']['video_url'].split(f'/media/{project_id}/', 1)[1]
    streams = _streams(canvas)
    assert '404x720' in streams and 'Audio:' not in streams
    bad = await user.http_client.post('/api/content/canvas', headers=headers,
                                      json={'session_id': project_id, 'seconds': 20})
    assert bad.status_code == 400 and 'seconds' in bad.json()['error']


async def test_the_stage_story_upload_correct_the_transcript_and_make_both_videos(user: User,
                                                                                spoken_clip: bytes) -> None:
    user.javascript_rules[re.compile(r'.*resolvedOptions.*')] = lambda _match: 'Europe/Berlin'
    await user.open('/')
    user.find(marker='stage-lyrics').click()
    await user.should_see('with Lyrica')
    user.find(marker='lyrics-theme').type('harbour lights at night')
    user.find(marker='lyrics-run').click()
    await until(lambda: project_count() == 1 and bool(only_project().data.get('lyrics')), 30)
    _give_beat(only_project().id)
    user.find(marker='stage-close').click()
    user.find(marker='stage-content').click()
    await user.should_see('with Vee')
    await user.should_see('made from your beat', marker='content-made-note')
    upload = user.find(marker='content-video-upload').elements.pop()
    await upload.handle_uploads([SmallFileUpload('Harbour take.mp4', 'video/mp4', spoken_clip)])
    await until(lambda: bool((only_project().data.get('content') or {}).get('videos')), 120)
    await user.should_see('Rough transcript (offline)', retries=100)
    user.find(marker='content-video-lyrics').click()
    await until(lambda: only_project().data['content']['videos'][0]['transcript_source'] == 'lyrics')
    video = only_project().data['content']['videos'][0]
    lyrics = (media.project_dir(only_project().id) / 'lyrics.txt').read_text()
    assert video['transcript'].split() == lyrics.split() and not video['rough']
    user.find(marker='content-video-score').click()
    assert user.find(marker='content-transcript').elements.pop().value == video['transcript']
    user.find(marker='content-suggest').click()
    await user.should_see('The loudest stretch', retries=100)
    user.find(marker='content-part-length').elements.pop().set_value(10)
    user.find(marker='content-visualizer-run').click()
    await until(lambda: bool((only_project().data.get('content') or {}).get('renders')), 180)
    await user.should_see(marker='content-made-visualizer', retries=100)
    user.find(marker='content-canvas-seconds').elements.pop().set_value(3)
    user.find(marker='content-canvas-run').click()
    await until(lambda: len(only_project().data['content']['renders']) == 2, 180)
    await user.should_see(marker='content-made-canvas', retries=100)
    kinds = [made['kind'] for made in only_project().data['content']['renders']]
    assert kinds == ['canvas', 'visualizer']
    with db.session_scope() as session:
        data = projects.get_project(session=session, project_id=only_project().id).data
    assert any(label.startswith('Visualizer: 10 s') for label in _media_labels(data))


def _media_labels(data: dict) -> list[str]:
    from liab.services import content

    return list(content.media_choices(data).values())
