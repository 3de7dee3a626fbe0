import json
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from liab import db, media
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import Project, User
from liab.services import auth, backup, projects
from tests.conftest import free_port

PASSWORD = 'night-drive-42-echo'


@pytest.fixture(autouse=True)
def quiet_port(monkeypatch: pytest.MonkeyPatch) -> int:
    """A port nothing listens on, so an app running elsewhere on this machine does not count as ours."""
    port = free_port()
    monkeypatch.setenv('LIAB_PORT', str(port))
    get_settings.cache_clear()
    return port


@pytest.fixture
def filled(database: Path) -> dict[str, str]:
    """Two users, three projects, media files (one of them a write in progress), as the app would leave them."""
    ids: dict[str, str] = {}
    with db.session_scope(write=True) as session:
        ids['ana'] = auth.sign_up(session=session, email='ana@example.com', password=PASSWORD).user.id
        ids['bo'] = auth.sign_up(session=session, email='bo@example.com', password=PASSWORD).user.id
    for key, owner, name in (('night', 'ana', 'Night Drive'), ('day', 'ana', 'Day Walk'), ('solo', 'bo', 'Solo')):
        with db.session_scope(write=True) as session:
            row = Project(owner_id=ids[owner], name=name, saved=True, data=projects.new_project_data())
            session.add(row)
            session.flush()
            ids[key] = row.id
    for key in ('night', 'day', 'solo'):
        folder = media.project_dir(ids[key], create=True)
        media.write_bytes(folder / 'beat.mp3', f'beat of {key}'.encode() * 100)
        media.write_bytes(folder / 'stems' / 'take_1.wav', bytes(range(256)) * 40)
    (media.project_dir(ids['night']) / '.mix.wav.abc.part').write_bytes(b'half written')
    return ids


def _state() -> dict[str, Any]:
    with db.session_scope() as session:
        users = {u.id: u.model_dump() for u in session.exec(select(User)).all()}
        rows = {p.id: p.model_dump() for p in session.exec(select(Project)).all()}
    root = get_settings().media_dir
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob('*'))
             if p.is_file() and '.part' not in p.name}
    return {'users': users, 'projects': rows, 'media': files}


def _change_everything(ids: dict[str, str]) -> None:
    with db.session_scope(write=True) as session:
        projects.rename_project(session=session, project_id=ids['night'], name='Renamed')
        auth.sign_up(session=session, email='new@example.com', password=PASSWORD)
        auth.set_plan(session=session, email='bo@example.com', plan='pro')
        row = session.get(Project, ids['day'])
        session.delete(row)
    media.remove_project_dir(ids['day'])
    media.write_bytes(media.project_dir(ids['solo']) / 'beat.mp3', b'overwritten')
    media.write_bytes(media.project_dir(ids['night']) / 'extra.wav', b'added after the backup')


@pytest.mark.sqlite_only
def test_a_backup_restores_everything_byte_for_byte(filled: dict[str, str], tmp_path: Path) -> None:
    before = _state()
    made = backup.create_backup(tmp_path / 'backup')
    assert made.lines()[0] == (f'Backed up the database (schema {made.revision}: 2 users, 3 projects) and 6 media '
                               f'files (33.5 kB) to {tmp_path / "backup"}.')
    assert sorted(p.name for p in (tmp_path / 'backup').iterdir()) == ['liab.sqlite3', 'manifest.json', 'media']
    assert not list(tmp_path.glob('.backup*'))

    _change_everything(filled)
    assert _state() != before

    restored = backup.restore_backup(tmp_path / 'backup')

    assert restored.lines()[0].startswith(f'Restored the database (schema {made.revision}) and 6 media files '
                                          f'(33.5 kB) from {tmp_path / "backup"} (made ')
    assert _state() == before
    data_dir = get_settings().data_dir
    assert sorted(p.name for p in data_dir.iterdir() if 'restore' in p.name) == []
    with db.session_scope(write=True) as session:  # the restored database works, log-ins too
        assert auth.log_in(session=session, email='ana@example.com', password=PASSWORD).user.id == filled['ana']


@pytest.mark.sqlite_only
def test_writes_in_progress_are_left_out_and_the_manifest_lists_every_file(filled: dict[str, str],
                                                                          tmp_path: Path) -> None:
    orphan = media.project_dir(str(uuid.uuid4()), create=True)  # a project made after the database copy
    media.write_bytes(orphan / 'beat.mp3', b'no row for this one')
    made = backup.create_backup(tmp_path / 'backup')
    manifest = json.loads((tmp_path / 'backup' / 'manifest.json').read_text())
    assert made.left_out == 2
    assert not (tmp_path / 'backup' / 'media' / orphan.name).exists()
    assert (manifest['format'], manifest['version'], manifest['database']) == ('label-in-a-box-backup', 1,
                                                                                'liab.sqlite3')
    assert manifest['schema_revision'] == made.revision and manifest['app_version']
    paths = [entry['path'] for entry in manifest['files']]
    assert paths[0] == 'liab.sqlite3'
    assert f'media/{filled["night"]}/beat.mp3' in paths
    assert not any('.part' in path for path in paths)
    assert all(len(entry['sha256']) == 64 and entry['size'] > 0 for entry in manifest['files'])


@pytest.mark.sqlite_only
def test_a_backup_is_consistent_while_another_connection_holds_a_write(filled: dict[str, str],
                                                                       tmp_path: Path) -> None:
    writer = sqlite3.connect(get_settings().sqlite_path, isolation_level=None)
    try:
        writer.execute('BEGIN IMMEDIATE')
        writer.execute("UPDATE project SET name = 'uncommitted'")
        made = backup.create_backup(tmp_path / 'backup')  # WAL: readers are not blocked by the writer
    finally:
        writer.execute('ROLLBACK')
        writer.close()
    with sqlite3.connect(tmp_path / 'backup' / 'liab.sqlite3') as copy:
        names = sorted(row[0] for row in copy.execute('SELECT name FROM project'))
    assert names == ['Day Walk', 'Night Drive', 'Solo']
    assert made.projects == 3


@pytest.mark.parametrize('damage', ['flip a byte', 'delete a file', 'add a file', 'edit the manifest'])
def test_a_tampered_or_incomplete_backup_is_refused_and_changes_nothing(filled: dict[str, str], tmp_path: Path,
                                                                        damage: str) -> None:
    backup.create_backup(tmp_path / 'backup')
    _change_everything(filled)
    changed = _state()
    take = tmp_path / 'backup' / 'media' / filled['solo'] / 'stems' / 'take_1.wav'
    if damage == 'flip a byte':
        data = bytearray(take.read_bytes())
        data[100] ^= 1
        take.write_bytes(bytes(data))
    elif damage == 'delete a file':
        take.unlink()
    elif damage == 'add a file':
        (take.parent / 'sneaked_in.wav').write_bytes(b'x')
    else:
        manifest_path = tmp_path / 'backup' / 'manifest.json'
        manifest = json.loads(manifest_path.read_text())
        manifest['files'][1]['path'] = '../../outside.txt'
        manifest_path.write_text(json.dumps(manifest))
    expected = {'flip a byte': 'does not match its manifest', 'delete a file': 'is incomplete',
                'add a file': 'is not in its manifest', 'edit the manifest': 'unsafe or repeated path'}[damage]

    with pytest.raises(BadInput, match=expected):
        backup.restore_backup(tmp_path / 'backup')

    assert _state() == changed
    assert not [p for p in get_settings().data_dir.iterdir() if 'restore' in p.name]


@pytest.mark.sqlite_only
def test_a_tampered_database_copy_is_refused(filled: dict[str, str], tmp_path: Path) -> None:
    backup.create_backup(tmp_path / 'backup')
    copy = tmp_path / 'backup' / 'liab.sqlite3'
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE user SET plan = 'pro'")
    connection.close()
    with pytest.raises(BadInput, match=r'liab\.sqlite3 does not'):
        backup.restore_backup(tmp_path / 'backup')
    with db.session_scope() as session:
        assert {u.plan for u in session.exec(select(User)).all()} == {'free'}


def test_a_backup_needs_a_new_or_empty_folder_outside_the_data_dir(filled: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / 'full').mkdir()
    (tmp_path / 'full' / 'keep.txt').write_text('mine')
    with pytest.raises(BadInput, match='already exists and is not an empty folder'):
        backup.create_backup(tmp_path / 'full')
    assert sorted(p.name for p in (tmp_path / 'full').iterdir()) == ['keep.txt']
    with pytest.raises(BadInput, match='outside the data dir'):
        backup.create_backup(get_settings().data_dir / 'backups' / 'one')
    with pytest.raises(BadInput, match='a folder, not an archive'):
        backup.create_backup(tmp_path / 'backup.tar.gz')
    (tmp_path / 'empty').mkdir()
    assert backup.create_backup(tmp_path / 'empty').files == 6


@pytest.fixture
def listening(quiet_port: int) -> Iterator[int]:
    with socket.socket() as server:
        server.bind(('127.0.0.1', quiet_port))
        server.listen()
        yield quiet_port


def test_restore_refuses_while_the_app_answers_unless_forced(filled: dict[str, str], tmp_path: Path,
                                                             listening: int) -> None:
    backup.create_backup(tmp_path / 'backup')
    _change_everything(filled)
    changed = _state()
    with pytest.raises(BadInput, match=f'The app seems to be running \\(something answers on 127.0.0.1:{listening}\\)'):
        backup.restore_backup(tmp_path / 'backup')
    assert _state() == changed

    forced = backup.restore_backup(tmp_path / 'backup', force=True)
    assert forced.forced
    assert forced.lines()[-1] == 'The app may still be running with the old data: restart it now.'
    assert _state() != changed


@pytest.mark.sqlite_only
def test_restore_refuses_while_another_process_has_the_database_open(filled: dict[str, str], tmp_path: Path) -> None:
    backup.create_backup(tmp_path / 'backup')
    other = sqlite3.connect(get_settings().sqlite_path)
    try:
        other.execute('SELECT count(*) FROM project').fetchone()
        with pytest.raises(BadInput, match=r'liab\.sqlite3-wal exists: another process has the database open'):
            backup.restore_backup(tmp_path / 'backup')
    finally:
        other.close()
    assert backup.restore_backup(tmp_path / 'backup').files == 6


def test_restore_refuses_when_a_previous_restore_did_not_finish(filled: dict[str, str], tmp_path: Path) -> None:
    backup.create_backup(tmp_path / 'backup')
    leftover = get_settings().data_dir / 'media.before-restore'
    leftover.mkdir()
    with pytest.raises(BadInput, match='left from a restore that did not finish'):
        backup.restore_backup(tmp_path / 'backup')
    assert leftover.is_dir()


def test_restore_refuses_what_is_not_a_backup(database: Path, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match='is not a backup folder'):
        backup.restore_backup(tmp_path / 'missing')
    (tmp_path / 'plain').mkdir()
    with pytest.raises(BadInput, match=r'has no manifest\.json'):
        backup.restore_backup(tmp_path / 'plain')
    (tmp_path / 'plain' / 'manifest.json').write_text('{"format": "something else"}')
    with pytest.raises(BadInput, match='is not a Label-in-a-Box backup'):
        backup.restore_backup(tmp_path / 'plain')


def test_a_backup_from_a_newer_schema_is_refused(filled: dict[str, str], tmp_path: Path) -> None:
    backup.create_backup(tmp_path / 'backup')
    manifest_path = tmp_path / 'backup' / 'manifest.json'
    manifest = json.loads(manifest_path.read_text())
    manifest['schema_revision'] = '9999'
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BadInput, match="schema '9999', which this version of the app does not know"):
        backup.restore_backup(tmp_path / 'backup')


def test_with_postgresql_only_media_are_backed_up_and_pg_dump_is_named(
        filled: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('DATABASE_URL', 'postgresql+psycopg://liab:s3cret-pass@db.example:5432/liab')
    get_settings.cache_clear()

    made = backup.create_backup(tmp_path / 'backup')

    text = '\n'.join(made.lines())
    assert made.revision is None and made.files == 6
    assert 'The database is PostgreSQL: back it up with pg_dump' in text
    assert f"pg_dump --format=custom --file {tmp_path / 'backup.pgdump'} " \
           "'postgresql://liab:***@db.example:5432/liab'" in text
    assert 's3cret-pass' not in text
    assert not (tmp_path / 'backup' / 'liab.sqlite3').exists()

    monkeypatch.delenv('DATABASE_URL')
    get_settings.cache_clear()
    with pytest.raises(BadInput, match='holds no database'):
        backup.restore_backup(tmp_path / 'backup')
