import json
import socket
from pathlib import Path

import pytest
from sqlmodel import select

from liab import db, media
from liab.__main__ import main
from liab.config import get_settings
from liab.models import Project, User
from liab.services import auth, projects
from tests import legacy_tree
from tests.conftest import free_port

PASSWORD = 'night-drive-42-echo'


@pytest.fixture(autouse=True)
def quiet_port(monkeypatch: pytest.MonkeyPatch) -> int:
    port = free_port()
    monkeypatch.setenv('LIAB_PORT', str(port))
    get_settings.cache_clear()
    return port


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _counts() -> tuple[int, int]:
    with db.session_scope() as session:
        return len(session.exec(select(User)).all()), len(session.exec(select(Project)).all())


def test_import_legacy_dry_run_then_import_then_again(tmp_path: Path, data_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    old = legacy_tree.build(tmp_path / 'old', outside=tmp_path / 'outside')

    code, dry, err = _run(capsys, 'import-legacy', str(old), '--dry-run')
    assert (code, err) == (1, '')  # broken files in the old tree: exit 1, the rest still imported
    assert dry.splitlines()[:2] == ['Dry run: nothing was changed. The import would do this:',
                                    'users: 3 imported']
    assert _counts() == (0, 0)

    code, first, _ = _run(capsys, 'import-legacy', str(old))
    assert code == 1
    assert first.splitlines() == dry.splitlines()[1:]
    assert "broken: data/users.json user 'bad' (no valid e-mail address)" in first.splitlines()
    assert _counts() == (3, 5)

    code, second, _ = _run(capsys, 'import-legacy', str(old))
    assert code == 1
    assert second.splitlines()[:2] == ['users: 0 imported, 3 already imported',
                                       'projects: 0 imported (0 saved, 0 drafts), 5 already imported, '
                                       '1 session left out (the same as its saved project), 2 skipped']
    assert _counts() == (3, 5)


def test_import_legacy_of_a_clean_tree_exits_0(tmp_path: Path, data_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / 'old'
    (root / 'data').mkdir(parents=True)
    (root / 'data' / 'users.json').write_text(json.dumps({
        'u1': {'email': 'solo@example.com', 'password_hash': legacy_tree.hashed('solo-password-1')}}))
    assert _run(capsys, 'import-legacy', str(root)) == (
        0, 'users: 1 imported\nprojects: 0 imported (0 saved, 0 drafts)\nmedia: 0 files copied (0 bytes)\n', '')
    assert _run(capsys, 'import-legacy', str(root))[0] == 0


def test_import_legacy_of_a_wrong_folder_fails_with_one_line(tmp_path: Path, data_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, 'import-legacy', str(tmp_path / 'nowhere'))
    assert (code, out) == (1, '')
    assert err == f'Error: {tmp_path / "nowhere"} does not look like an old Label-in-a-Box folder: ' \
                  'it has no data/users.json, data/projects or media folder.\n'


def _fill() -> str:
    with db.session_scope(write=True) as session:
        user_id = auth.sign_up(session=session, email='ana@example.com', password=PASSWORD).user.id
        row = Project(owner_id=user_id, name='Night Drive', saved=True, data=projects.new_project_data())
        session.add(row)
        session.flush()
        project_id = row.id
    media.write_bytes(media.project_dir(project_id, create=True) / 'beat.mp3', b'beat' * 1000)
    return project_id


@pytest.mark.sqlite_only  # with PostgreSQL the backup names pg_dump instead of copying the database
def test_backup_and_restore_round_trip_from_the_command_line(tmp_path: Path, database: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    project_id = _fill()
    target = tmp_path / 'backup'

    code, out, err = _run(capsys, 'backup', str(target))
    assert (code, err) == (0, '')
    assert out.startswith('Backed up the database (schema ')
    assert out.endswith(f': 1 user, 1 project) and 1 media file (3.9 kB) to {target}.\n')

    code, _out, err = _run(capsys, 'backup', str(target))
    assert (code, err) == (1, f'Error: {target} already exists and is not an empty folder: give a new folder for the '
                              'backup.\n')

    with db.session_scope(write=True) as session:
        session.delete(session.get(Project, project_id))
    media.remove_project_dir(project_id)
    assert _counts() == (1, 0)

    code, out, err = _run(capsys, 'restore', str(target))
    assert (code, err) == (0, '')
    assert out.startswith('Restored the database (schema ') and f'1 media file (3.9 kB) from {target}' in out
    assert _counts() == (1, 1)
    assert (media.project_dir(project_id) / 'beat.mp3').read_bytes() == b'beat' * 1000


def test_restore_from_the_command_line_needs_force_while_the_app_answers(
        tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str], quiet_port: int) -> None:
    _fill()
    assert _run(capsys, 'backup', str(tmp_path / 'backup'))[0] == 0
    with socket.socket() as server:
        server.bind(('127.0.0.1', quiet_port))
        server.listen()
        code, out, err = _run(capsys, 'restore', str(tmp_path / 'backup'))
        assert (code, out) == (1, '')
        assert err == f'Error: The app seems to be running (something answers on 127.0.0.1:{quiet_port}). ' \
                      'Stop it first, or add --force if it is not.\n'
        code, out, err = _run(capsys, 'restore', str(tmp_path / 'backup'), '--force')
    assert (code, err) == (0, '')
    assert out.splitlines()[-1] == 'The app may still be running with the old data: restart it now.'


def test_usage_lists_the_new_commands(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    usage = capsys.readouterr().err
    assert all(name in usage for name in ('import-legacy', 'backup', 'restore', 'set-plan'))
