import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from liab import db, media
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import Project, User
from liab.services import auth, content, legacy, lyrics, mixing, projects, recordings, release
from tests import legacy_tree
from tests.legacy_tree import ANA, BO, PASSWORDS

SOURCE = f'data/projects/{ANA}/p1.json'
DRAFT = f'media/{ANA}/s1/project.json'


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return legacy_tree.build(tmp_path / 'old', outside=tmp_path / 'outside')


@pytest.fixture
def taken(database: Path) -> str:
    with db.session_scope(write=True) as session:
        return auth.sign_up(session=session, email='taken@example.com', password='brand-new-password-8').user.id


def _rows() -> tuple[list[User], list[Project]]:
    with db.session_scope() as session:
        return list(session.exec(select(User)).all()), list(session.exec(select(Project)).all())


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC, PostgreSQL aware


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def _by_source(rows: list[Project]) -> dict[str, Project]:
    return {row.data['legacy']['source']: row for row in rows}


def _media_files() -> dict[str, bytes]:
    root = get_settings().media_dir
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob('*')) if path.is_file()}


def test_an_old_deployment_arrives_with_users_projects_and_media(old: Path, taken: str) -> None:
    report = legacy.import_legacy(old)

    assert report.lines()[:3] == [
        'users: 2 imported, 1 skipped (already here: taken@example.com)',
        'projects: 4 imported (3 saved, 1 draft), 1 session left out (the same as its saved project), 3 skipped',
        'media: 11 files copied (7.8 kB), 2 renamed to safe names, 3 refused',
    ]
    assert report.broken == [("data/users.json user 'bad'", 'no valid e-mail address'),
                             (f'data/projects/{ANA}/broken.json',
                              'not valid JSON: Expecting property name enclosed in double quotes at line 1 column 37')]
    assert report.exit_code == 1
    assert ('data/projects/taken/p4.json', 'its owner taken@example.com has another account here') in report.skipped
    assert ('media/ghost', "there is no user 'ghost' in data/users.json") in report.skipped
    assert report.refused == {f'media/{ANA}/s-link': 'a link', f'media/{ANA}/s1/release/elsewhere': 'a link',
                              f'media/{ANA}/s1/stems/link.wav': 'a link'}

    users, rows = _rows()
    by_email = {user.email: user for user in users}
    ana, bo = by_email['ana@example.com'], by_email['bo@example.com']
    assert ana.id == ANA  # an old UUID id is kept
    assert (ana.plan, ana.stripe_customer_id, _utc(ana.created_at)) == ('pro', 'cus_ana', _at('2024-01-02T03:04:05'))
    assert ana.last_release_at is not None and _utc(ana.last_release_at) == _at('2024-05-01T10:00:00')
    assert ana.password_hash.startswith('$2b$04$')
    assert (bo.plan, bo.last_release_at) == ('free', None)
    assert by_email['taken@example.com'].id == taken
    assert len(users) == 3

    found = _by_source(rows)
    assert sorted(found) == sorted([SOURCE, DRAFT, f'data/projects/{ANA}/p-hostile.json',
                                    f'data/projects/{BO}/p2.json'])
    saved, draft = found[SOURCE], found[DRAFT]
    assert (saved.name, saved.saved, saved.owner_id) == ('Night Drive', True, ANA)
    assert (draft.name, draft.saved, draft.owner_id) == ('Night Drive', False, ANA)
    assert (found[f'data/projects/{BO}/p2.json'].name, found[f'data/projects/{BO}/p2.json'].owner_id) == \
           ('Second Song', bo.id)
    assert _utc(saved.created_at) == _at('2024-04-01T12:00:00')

    folder = media.project_dir(saved.id)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob('*') if p.is_file()) == [
        'beat.mp3', 'lyrics.txt', 'mix/mixed_mastered.wav', 'release/cover/final_cover_3000.jpg', 'stems/My_Take.wav']
    assert (folder / 'beat.mp3').read_bytes() == legacy_tree.BEAT
    assert (folder / 'stems' / 'My_Take.wav').read_bytes() == legacy_tree.TAKE
    assert (folder / 'mix' / 'mixed_mastered.wav').read_bytes() == legacy_tree.MIX
    assert not list(get_settings().media_dir.glob('.legacy-*'))
    assert b'not for import' not in b''.join(_media_files().values())


def test_the_project_memory_is_what_the_stages_read(old: Path, taken: str) -> None:
    report = legacy.import_legacy(old)
    row = _by_source(_rows()[1])[SOURCE]
    data = row.data

    assert data['assets']['beat']['path'] == 'beat.mp3'
    assert data['assets']['beat']['url'] == media.url(row.id, 'beat.mp3')
    assert data['assets']['mix']['path'] == 'mix/mixed_mastered.wav'  # a full URL with the user in it
    assert data['workflow']['completed_stages'] == ['beat', 'lyrics', 'upload', 'mix']
    assert data['workflow']['current_stage'] == 'mix'
    assert data['metadata'] == {'tempo': 92, 'key': 'F minor', 'mood': 'dark', 'genre': 'hip hop'}
    assert data['chat_log'] == [{'role': 'user', 'text': 'make it darker'}]

    take = recordings.takes(data)[0]
    assert (take['name'], take['path'], recordings.lead_id(data)) == ('My Take', 'stems/My_Take.wav', take['id'])
    beat_path, lead = mixing.step_one_inputs(data)
    assert (beat_path, lead['id']) == ('beat.mp3', take['id'])
    assert lyrics.current_lyrics(data).text() == \
           '[Verse 1]\nHeadlights on the empty road\nI keep driving till I know\n\n[Chorus]\nNight drive, night drive'
    assert data['assets']['lyrics']['source'] is None  # the old app did not say who wrote them: not guessed
    assert release.missing_for_pack(data) == ['Choose a cover below.']
    assert data['release']['details']['title'] == 'Night Drive'
    [post] = content.posts(data)
    assert (post.platform, post.caption, post.media, post.when.isoformat()) == \
           ('tiktok', 'Night Drive out Friday', 'beat.mp3', '2030-05-01T18:00:00+00:00')

    kept = data['legacy']['kept']
    assert kept['viralAnalysis'] == {'score': 70}
    assert kept['mix'] == {'vocal_level': 0, 'reverb_amount': 0.3}
    assert kept['assets']['cover_art'] == {'url': '/media/s1/../../../etc/passwd'}
    assert data['legacy']['missing_assets'] == {'cover_art': {'url': '/media/s1/../../../etc/passwd'}}
    assert data['legacy']['saved_as']['name'] == 'Old name'
    assert data['legacy']['schedule'][1]['platform'] == 'myspace'
    assert 'cover_art' not in data['assets']
    assert (f"{SOURCE}: asset 'cover_art'", "its path leaves the session folder: '/media/s1/../../../etc/passwd'") \
        in report.left_out

    with db.session_scope(write=True) as session:
        ticked = projects.complete_stage(session=session, project_id=row.id, stage_id='release').project
    assert ticked.data['workflow']['completed_stages'] == ['beat', 'lyrics', 'upload', 'mix', 'release']


def test_a_hostile_session_id_and_dot_dot_urls_reach_nothing(old: Path, taken: str) -> None:
    report = legacy.import_legacy(old)
    hostile = _by_source(_rows()[1])[f'data/projects/{ANA}/p-hostile.json']
    assert not list(media.project_dir(hostile.id).rglob('*'))
    assert hostile.data['assets'] == {}
    assert 'beat' in hostile.data['legacy']['missing_assets']
    assert (f"data/projects/{ANA}/p-hostile.json: asset 'beat'",
            f"it names no file of this session: '/media/{ANA}/../{BO}/s2/beat.mp3'") in report.left_out


def test_running_it_twice_imports_nothing_twice(old: Path, taken: str) -> None:
    legacy.import_legacy(old)
    users, rows = _rows()
    files = _media_files()

    again = legacy.import_legacy(old)

    assert again.lines()[:3] == [
        'users: 0 imported, 2 already imported, 1 skipped (already here: taken@example.com)',
        'projects: 0 imported (0 saved, 0 drafts), 4 already imported, 1 session left out '
        '(the same as its saved project), 3 skipped',
        'media: 0 files copied (0 bytes), 1 refused',
    ]
    users_after, rows_after = _rows()
    assert sorted(u.id for u in users_after) == sorted(u.id for u in users)
    assert sorted(r.id for r in rows_after) == sorted(r.id for r in rows)
    assert _media_files() == files


def test_a_dry_run_changes_nothing_and_prints_the_same_report(old: Path, taken: str) -> None:
    dry = legacy.import_legacy(old, dry_run=True)

    assert dry.lines()[0] == 'Dry run: nothing was changed. The import would do this:'
    users, rows = _rows()
    assert [user.email for user in users] == ['taken@example.com']
    assert rows == []
    assert _media_files() == {}
    assert not any(get_settings().media_dir.iterdir())

    real = legacy.import_legacy(old)
    assert dry.lines()[1:] == real.lines()
    assert dry.exit_code == real.exit_code == 1


def test_a_legacy_user_logs_in_with_the_old_password_and_the_hash_is_upgraded(old: Path, taken: str) -> None:
    legacy.import_legacy(old)
    with db.session_scope(write=True) as session:
        with pytest.raises(BadInput, match='do not match'):
            auth.log_in(session=session, email='ana@example.com', password='not-the-password')
    with db.session_scope(write=True) as session:
        result = auth.log_in(session=session, email='ANA@example.com', password=PASSWORDS[ANA])
    assert result.user.id == ANA
    with db.session_scope() as session:
        upgraded = session.get(User, ANA)
        assert upgraded is not None and upgraded.password_hash.startswith('$argon2id$')
    with db.session_scope(write=True) as session:
        assert auth.log_in(session=session, email='ana@example.com', password=PASSWORDS[ANA]).user.id == ANA
    with db.session_scope(write=True) as session:
        assert auth.log_in(session=session, email='bo@example.com', password=PASSWORDS[BO]).user.email == \
               'bo@example.com'
    with db.session_scope(write=True) as session:  # the account that was already here keeps its own password
        with pytest.raises(BadInput, match='do not match'):
            auth.log_in(session=session, email='taken@example.com', password=PASSWORDS['taken'])


def test_a_clean_tree_imports_with_exit_code_0(tmp_path: Path, database: Path) -> None:
    root = tmp_path / 'clean'
    (root / 'data').mkdir(parents=True)
    (root / 'data' / 'users.json').write_text(json.dumps({
        'u1': {'email': 'solo@example.com', 'password_hash': legacy_tree.hashed('solo-password-1'), 'plan': 'free'}}))
    memory = {'session_id': 's1', 'release': {'title': 'Solo'}, 'workflow_state': {'beat_done': True}}
    (root / 'media' / 'u1' / 's1').mkdir(parents=True)
    (root / 'media' / 'u1' / 's1' / 'project.json').write_text(json.dumps(memory))

    report = legacy.import_legacy(root)

    assert report.lines() == ['users: 1 imported', 'projects: 1 imported (0 saved, 1 draft)',
                              'media: 0 files copied (0 bytes)']
    assert report.exit_code == 0
    [row] = _rows()[1]
    assert (row.name, row.saved, row.data['workflow']['completed_stages']) == ('Solo', False, ['beat'])
    assert legacy.import_legacy(root).exit_code == 0


def test_a_folder_that_is_no_old_deployment_is_refused(tmp_path: Path, database: Path) -> None:
    with pytest.raises(BadInput, match='does not look like an old Label-in-a-Box folder'):
        legacy.import_legacy(tmp_path / 'nothing-here')


def test_a_broken_users_file_imports_no_projects_and_says_so(tmp_path: Path, database: Path) -> None:
    root = tmp_path / 'old'
    (root / 'data' / 'projects' / 'u1').mkdir(parents=True)
    (root / 'data' / 'users.json').write_text('{"u1": ')
    (root / 'data' / 'projects' / 'u1' / 'p.json').write_text(json.dumps({'projectData': {}}))

    report = legacy.import_legacy(root)

    assert report.broken == [('data/users.json', 'not valid JSON: Expecting value at line 1 column 8')]
    assert report.skipped == [('data/projects/u1', "there is no user 'u1' in data/users.json")]
    assert _rows() == ([], [])
