import io
import json
import os
import random
import stat
import uuid
import warnings
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from liab import db, media
from liab.config import get_settings
from liab.errors import BadInput, NotFound
from liab.models import Project, User
from liab.services import archive, projects
from liab.services.projects import AssetSource

MANIFEST = {'format': archive.ARCHIVE_FORMAT, 'version': 1, 'exported_at': '2025-01-01T00:00:00+00:00',
            'name': 'Night Drive', 'project_id': str(uuid.uuid4())}


def _user(email: str) -> str:
    with db.session_scope(write=True) as session:
        user = User(email=email, password_hash='x')
        session.add(user)
        session.flush()
        return user.id


def _project(owner_id: str, name: str = 'Night Drive') -> str:
    with db.session_scope(write=True) as session:
        row = Project(owner_id=owner_id, name=name, data=projects.new_project_data())
        session.add(row)
        session.flush()
        return row.id


def _export(project_id: str, user_id: str) -> Path:
    with db.session_scope() as session:
        return archive.export_project(session=session, project_id=project_id, user_id=user_id)


def _import(path: Path, user_id: str, **kwargs) -> projects.ProjectPublic:
    with db.session_scope(write=True) as session:
        return archive.import_project(session=session, user_id=user_id, archive=path, **kwargs)


def _state() -> tuple[int, list[str]]:
    with db.session_scope() as session:
        count = session.exec(select(func.count()).select_from(Project)).one()
    root = get_settings().media_dir
    return count, sorted(p.relative_to(root).as_posix() for p in root.rglob('*'))


def _zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], *, base: bool = True,
         compression: int = zipfile.ZIP_STORED) -> Path:
    standard: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        ('manifest.json', json.dumps(MANIFEST).encode()),
        ('project.json', json.dumps({'name': 'Night Drive', 'saved': True, 'data': {'assets': {}}}).encode()),
    ]
    with zipfile.ZipFile(path, 'w', compression) as zipped:
        for name, content in [*(standard if base else []), *entries]:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name)
            info.compress_type = compression
            zipped.writestr(info, content)
    return path


@pytest.fixture
def importer(database: Path) -> str:
    return _user('importer@example.com')


def test_a_project_survives_export_and_import_as_a_new_project_of_the_importer(
        data_dir: Path, database: Path) -> None:
    owner = _user('owner@example.com')
    importer = _user('importer@example.com')
    project_id = _project(owner)
    folder = media.project_dir(project_id, create=True)
    beat = random.Random(1).randbytes(300_000)
    media.write_bytes(folder / 'beat.wav', beat)
    media.write_bytes(folder / 'stems' / 'take-1.wav', b'RIFF take one')
    media.write_bytes(folder / 'silence.wav', bytes(3 * 1024 * 1024))
    (folder / '.beat.wav.abc.part').write_bytes(b'half written')
    os.symlink(data_dir / 'liab.sqlite3', folder / 'escape.wav')
    with db.session_scope(write=True) as session:
        projects.record_asset(session=session, project_id=project_id, key='beat', relpath='beat.wav',
                              source=AssetSource('local', 'beat engine'))
        original = projects.get_owned_project(session=session, project_id=project_id, user_id=owner)

    exported = _export(project_id, owner)

    assert exported.parent == data_dir / 'tmp'
    assert not [p for p in exported.parent.iterdir() if p.name.startswith('.')]
    with zipfile.ZipFile(exported) as zipped:
        assert sorted(zipped.namelist()) == ['manifest.json', 'media/beat.wav', 'media/silence.wav',
                                             'media/stems/take-1.wav', 'project.json']
        manifest = json.loads(zipped.read('manifest.json'))
    assert manifest['format'] == archive.ARCHIVE_FORMAT
    assert manifest['version'] == 1
    assert manifest['project_id'] == project_id
    imported = _import(exported, importer)
    assert imported.id != project_id
    assert imported.owner_id == importer
    assert imported.browser_id is None
    assert imported.saved is False
    assert imported.name == 'Night Drive'
    assert imported.data == original.data
    new_folder = media.project_dir(imported.id)
    assert (new_folder / 'beat.wav').read_bytes() == beat
    assert (new_folder / 'stems' / 'take-1.wav').read_bytes() == b'RIFF take one'
    assert (new_folder / 'silence.wav').read_bytes() == bytes(3 * 1024 * 1024)
    assert sorted(p.name for p in new_folder.rglob('*')) == ['beat.wav', 'silence.wav', 'stems', 'take-1.wav']
    assert media.resolve(imported.id, imported.data['assets']['beat']['path']).read_bytes() == beat
    assert not [p for p in (data_dir / 'media').iterdir() if p.name.startswith('.')]


def test_exporting_another_users_project_is_refused_like_a_missing_one(database: Path) -> None:
    owner = _user('owner@example.com')
    stranger = _user('stranger@example.com')
    project_id = _project(owner)
    with pytest.raises(NotFound) as theirs:
        _export(project_id, stranger)
    with pytest.raises(NotFound) as missing:
        _export(str(uuid.uuid4()), stranger)
    assert theirs.value.message == missing.value.message


def test_imported_names_are_tidied_trimmed_or_defaulted(importer: str, tmp_path: Path) -> None:
    path = tmp_path / 'named.zip'
    with zipfile.ZipFile(path, 'w') as zipped:
        zipped.writestr('manifest.json', json.dumps(MANIFEST))
        zipped.writestr('project.json', json.dumps({'name': '  Loud ' + 'x' * 200, 'data': {'mix': {'gain': 2}}}))
    imported = _import(path, importer)
    assert imported.name == 'Loud ' + 'x' * 115
    assert imported.data == {'mix': {'gain': 2}}
    with zipfile.ZipFile(path, 'w') as zipped:
        zipped.writestr('manifest.json', json.dumps(MANIFEST))
        zipped.writestr('project.json', json.dumps({'data': {}}))
    assert _import(path, importer).name == 'Imported project'


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


HOSTILE = {
    'absolute path': ([('/etc/x', b'x')], 'unsafe file name'),
    'parent folder': ([('media/../../x', b'x')], 'unsafe file name'),
    'backslash': ([('media\\..\\x', b'x')], 'unsafe file name'),
    'drive letter': ([('C:/x', b'x')], 'unsafe file name'),
    'hidden entry': ([('media/.beat.wav.part', b'x')], 'unsafe file name'),
    'hidden folder': ([('.git/config', b'x')], 'unsafe file name'),
    'renamed on import': ([('media/My Song.wav', b'x')], 'unsafe file name'),
    'unknown top level': ([('notes.txt', b'x')], 'not part of a project'),
    'symlink': ([(_symlink('media/link.wav'), b'/etc/passwd')], 'link'),
    'file and folder': ([('media/a', b'x'), ('media/a/b.wav', b'y')], 'file and a folder'),
    'duplicate': ([('media/beat.wav', b'one'), ('media/beat.wav', b'two')], 'twice'),
}


@pytest.mark.parametrize('case', HOSTILE)
def test_hostile_entries_are_refused_and_change_nothing(case: str, importer: str, tmp_path: Path) -> None:
    entries, message = HOSTILE[case]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # zipfile warns about the duplicate it is told to write
        path = _zip(tmp_path / 'hostile.zip', [('media/fine.wav', b'RIFF'), *entries])
    with zipfile.ZipFile(path) as zipped:  # written verbatim: zipfile cleaned nothing
        names = zipped.namelist()
    assert all((e.filename if isinstance(e, zipfile.ZipInfo) else e) in names for e, _content in entries)
    _assert_refused(path, importer, message)


@pytest.mark.parametrize(('manifest', 'memory', 'message'), [
    pytest.param(None, {'data': {}}, 'not a Label-in-a-Box project archive', id='missing manifest'),
    pytest.param({'format': 'other-app', 'version': 1}, {'data': {}}, 'not a Label-in-a-Box project archive',
                 id='wrong format'),
    pytest.param({'format': archive.ARCHIVE_FORMAT, 'version': 2}, {'data': {}}, 'format version 2',
                 id='newer version'),
    pytest.param({'format': archive.ARCHIVE_FORMAT, 'version': True}, {'data': {}}, 'format version True',
                 id='version not a number'),
    pytest.param([archive.ARCHIVE_FORMAT], {'data': {}}, 'not a Label-in-a-Box project archive',
                 id='manifest not an object'),
    pytest.param(MANIFEST, None, 'not a Label-in-a-Box project archive', id='missing project'),
    pytest.param(MANIFEST, ['data'], 'project memory', id='project not an object'),
    pytest.param(MANIFEST, {'data': 'x'}, 'project memory', id='data not an object'),
])
def test_archives_without_a_valid_manifest_and_memory_are_refused(manifest, memory, message: str, importer: str,
                                                                   tmp_path: Path) -> None:
    entries = [(name, json.dumps(value).encode()) for name, value in
               (('manifest.json', manifest), ('project.json', memory)) if value is not None]
    path = _zip(tmp_path / 'bad.zip', [*entries, ('media/fine.wav', b'RIFF')], base=False)
    _assert_refused(path, importer, message)


def test_broken_json_and_nan_are_refused(importer: str, tmp_path: Path) -> None:
    for memory in (b'{"data": {', b'{"data": {"gain": NaN}}'):
        path = _zip(tmp_path / 'json.zip', [('project.json', memory)], base=False)
        with zipfile.ZipFile(path, 'a') as zipped:
            zipped.writestr('manifest.json', json.dumps(MANIFEST))
        _assert_refused(path, importer, 'not valid JSON')


@pytest.mark.parametrize('content', [random.Random(2).randbytes(4096), b'Just some notes, not a zip.\n' * 20, b''])
def test_files_that_are_not_zips_are_refused(content: bytes, importer: str, tmp_path: Path) -> None:
    path = tmp_path / 'upload.zip'
    path.write_bytes(content)
    _assert_refused(path, importer, 'That file is not a Label-in-a-Box project archive.')


def test_an_archive_larger_than_the_limit_is_refused(importer: str, tmp_path: Path) -> None:
    path = _zip(tmp_path / 'big.zip', [('media/beat.wav', random.Random(3).randbytes(20_000))])
    _assert_refused(path, importer, 'larger than 9.77 kB', max_bytes=10_000)


def test_an_archive_that_unpacks_beyond_the_limit_is_refused(importer: str, tmp_path: Path) -> None:
    path = _zip(tmp_path / 'grows.zip', [('media/quiet.wav', bytes(500_000))], compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 100_000
    _assert_refused(path, importer, 'unpacks to more than', max_bytes=100_000)


def test_a_zip_bomb_is_refused(importer: str, tmp_path: Path) -> None:
    path = _zip(tmp_path / 'bomb.zip', [('media/bomb.wav', bytes(50 * 1024 * 1024))],
                compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1024 * 1024
    _assert_refused(path, importer, 'implausible size')


def test_too_many_entries_are_refused(importer: str, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as zipped:
        for index in range(archive.MAX_ENTRIES + 1):
            zipped.writestr(f'media/{index}.wav', b'')
    path = tmp_path / 'many.zip'
    path.write_bytes(buffer.getvalue())
    _assert_refused(path, importer, 'more than 10,000 files')


def test_an_encrypted_entry_is_refused(importer: str, tmp_path: Path) -> None:
    path = _zip(tmp_path / 'locked.zip', [('media/secret.wav', b'not really encrypted')])
    raw = bytearray(path.read_bytes())
    entry = raw.rfind(b'PK\x01\x02')  # zipfile resets flag bits when writing: set 'encrypted' in the directory
    raw[entry + 8] |= 0x1
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zipped:
        assert zipped.getinfo('media/secret.wav').flag_bits & 0x1
    _assert_refused(path, importer, 'encrypted')


def test_a_corrupt_media_entry_leaves_no_folder_behind(importer: str, tmp_path: Path) -> None:
    path = _zip(tmp_path / 'corrupt.zip', [('media/a.wav', b'A' * 1000), ('media/b.wav', b'B' * 1000)])
    raw = bytearray(path.read_bytes())
    at = raw.rfind(b'B' * 1000)
    raw[at:at + 10] = b'C' * 10  # the CRC no longer matches, found only while extracting
    path.write_bytes(bytes(raw))
    _assert_refused(path, importer, 'damaged')


def test_a_failing_insert_leaves_no_folder_behind(database: Path, tmp_path: Path) -> None:
    path = _zip(tmp_path / 'fine.zip', [('media/beat.wav', b'RIFF')])
    before = _state()
    with pytest.raises(IntegrityError):
        _import(path, 'no-such-user')
    assert _state() == before


def _assert_refused(path: Path, importer: str, message: str, **kwargs) -> None:
    before = _state()
    with pytest.raises(BadInput, match=message.replace('.', r'\.')):
        _import(path, importer, **kwargs)
    assert _state() == before
