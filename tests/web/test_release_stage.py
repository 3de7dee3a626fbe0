import json
import zipfile
from pathlib import Path

from nicegui.testing import User
from sqlmodel import select

from liab import db, media
from liab.models import User as UserRow
from liab.services import beats, mixing
from liab.services.projects import AssetSource
from liab.writers.lyrics import Lyrics, Section
from tests.web.conftest import only_project, project_count, until

PASSWORD = 'night-drive-42-echo'


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def _quiet(_fraction: float, _message: str) -> None:
    return


def _data() -> dict:
    return only_project().data if project_count() else {}


async def _open_release(user: User) -> None:
    try:
        user.find(marker='stage-close').click()
    except AssertionError:
        pass
    user.find(marker='stage-release').click()
    await user.should_see('with Aria')


async def _sign_up(user: User) -> None:
    await user.open('/')
    user.find(marker='account-login').click()
    await user.should_see(marker='auth-dialog')
    user.find(marker='signup-email').type('aria@example.com')
    user.find(marker='signup-password').type(PASSWORD)
    user.find(marker='signup-submit').click()
    await user.should_see(marker='account-avatar', retries=100)


def _give_the_project_a_master_and_lyrics(project_id: str) -> None:
    """The earlier stages, done through their services (their own stories test their screens)."""
    from liab.services import lyrics

    folder = media.project_dir(project_id, create=True) / beats.FOLDER
    folder.mkdir(exist_ok=True)
    made = beats.make_local_beat({'genre': 'afrobeats', 'mood': 'happy', 'bpm': 105, 'key': 'G major',
                                  'length_s': 35, 'seed': 5}, str(folder), progress=_quiet)
    project = _call(beats.store_beat, project_id=project_id, made=made)
    source = mixing.find_source(project.data, 'beat')
    root = media.project_dir(project_id)
    master = mixing.master_job(str(root / source.path), str(root / 'mix'), None, {'target_lufs': -14.0},
                               progress=_quiet)
    _call(mixing.store_master, project_id=project_id, made=master, source=source, meta={})
    song = Lyrics('Harbour Lights', (Section('Verse 1', ('Lights on the harbour', 'Ωραία νύχτα, друзья')),
                                     Section('Chorus', ('Hold the summer', 'never let it go'))))
    _call(lyrics.store_version, project_id=project_id, lyrics=song, kind='edit', note='typed',
          source=AssetSource('uploaded'))


async def test_the_release_stage_says_what_to_finish_first(user: User) -> None:
    await user.open('/')
    await _open_release(user)
    await user.should_see('Finish the Mix stage first', marker='release-missing')
    await user.should_see('Lyrics stage first', marker='release-missing')
    assert project_count() == 0


async def test_details_cover_copy_preflight_pack_and_download(user: User) -> None:
    await _sign_up(user)
    await _open_release(user)
    user.find(marker='release-title').type('Harbour Lights')
    user.find(marker='release-artist').type('Ama Lune')
    user.find(marker='release-save-details').click()
    await until(lambda: bool((_data().get('release') or {}).get('details')), 20)
    project_id = only_project().id
    _give_the_project_a_master_and_lyrics(project_id)
    await user.open('/')
    await _open_release(user)
    user.find(marker='release-generate-covers').click()
    await user.should_see('Generating cover art...', marker='voice-caption')
    await until(lambda: len((_data().get('release') or {}).get('candidates') or []) == 3, 60)
    await user.should_see(marker='release-candidate-2')
    with user.scope(marker='release-candidate-1'):
        user.find(marker='release-choose-cover').click()
    await until(lambda: bool((_data().get('release') or {}).get('cover')), 60)
    cover = _data()['release']['cover']
    assert sorted(Path(p).name for p in cover['files'].values()) == [
        'final_cover_1500.jpg', 'final_cover_3000.jpg', 'final_cover_vertical.jpg']
    assert _data()['assets']['cover_art']['source']['kind'] in {'local', 'service'}
    user.find(marker='release-write-copy').click()
    await until(lambda: bool((_data().get('release') or {}).get('copy')), 30)
    assert 'Harbour Lights' in _data()['release']['copy']['description']
    copy_dir = media.project_dir(project_id) / 'release' / 'copy'
    assert sorted(p.name for p in copy_dir.iterdir()) == ['press_pitch.txt', 'release_description.txt',
                                                         'tagline.txt']
    user.find(marker='release-preflight').click()
    await user.should_see(marker='release-checklist', retries=150)
    await user.should_see('Length')
    user.find(marker='release-build').click()
    await until(lambda: bool((_data().get('release') or {}).get('pack')), 120)
    await user.should_see(marker='release-download', retries=100)
    zip_path = media.project_dir(project_id) / 'release' / 'release_pack.zip'
    with zipfile.ZipFile(zip_path) as pack:
        names = pack.namelist()
        metadata = json.loads(pack.read('metadata/metadata.json'))
    assert names[:3] == ['audio/mixed_mastered.wav', 'audio/mixed_mastered_16bit.wav', 'audio/mixed_mastered.mp3']
    assert 'lyrics/lyrics.pdf' in names and 'metadata/split_sheet.pdf' in names
    assert metadata['title'] == 'Harbour Lights' and metadata['bpm'] == 105
    assert metadata['ai_disclosure']['lyrics']['made_by'] == 'person'
    assert metadata['ai_disclosure']['music']['made_by'] == 'local generator'
    with db.session_scope() as session:
        assert session.exec(select(UserRow)).one().last_release_at is not None
    navigated: list[str] = []
    user.navigate.to = navigated.append  # type: ignore[method-assign]
    user.find(marker='release-download').click()
    await until(lambda: 'release' in _data()['workflow']['completed_stages'], 20)


async def test_building_a_pack_needs_a_log_in(user: User) -> None:
    await user.open('/')
    await _open_release(user)
    user.find(marker='release-save-details').click()  # creates the working project (and refuses empty details)
    await user.should_see('title')
    user.find(marker='release-build').click()
    await user.should_see('Log in to build a release pack')

