import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from liab import db
from liab.config import get_settings
from liab.errors import StartupError
from liab.services import projects


@pytest.mark.sqlite_only
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(database: Path) -> None:
    with db.session_scope() as session:
        assert session.exec(text('PRAGMA journal_mode')).one()[0] == 'wal'
        assert session.exec(text('PRAGMA foreign_keys')).one()[0] == 1
        assert session.exec(text('PRAGMA busy_timeout')).one()[0] == db.BUSY_TIMEOUT_MS


def test_migrations_create_the_schema_on_an_empty_database(database: Path) -> None:
    tables = set(inspect(db.get_engine()).get_table_names())
    assert {'user', 'project', 'login_failure', 'stripe_event', 'analytics_point', 'alembic_version'} <= tables
    with db.session_scope() as session:
        assert session.exec(text('SELECT version_num FROM alembic_version')).scalars().all() == ['0005']


def test_migrations_on_an_existing_database_keep_its_rows(database: Path) -> None:
    with db.session_scope(write=True) as session:
        project = projects.ensure_working_project(session=session, browser_id='browser-1')
        projects.complete_stage(session=session, project_id=project.id, stage_id='mix')
    db.reset_engine()
    db.init_db()
    with db.session_scope() as session:
        again = projects.get_working_project(session=session, browser_id='browser-1')
    assert again is not None and again.id == project.id
    assert again.data['workflow']['completed_stages'] == ['mix']


@pytest.mark.sqlite_only
def test_corrupt_database_file_stops_start_with_a_clear_message(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / 'liab.sqlite3').write_bytes(b'this is not a database at all' * 100)
    with pytest.raises(StartupError, match=r'liab.sqlite3 cannot be used \(file is not a database\)'):
        db.init_db(get_settings())


def test_concurrent_read_then_write_transactions_all_succeed_without_lost_updates(database: Path) -> None:
    with db.session_scope(write=True) as session:
        project_id = projects.ensure_working_project(session=session, browser_id='b').id
    writers, rounds = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def bump(data: dict) -> None:
        data['metadata']['counter'] = data['metadata'].get('counter', 0) + 1

    def writer() -> None:
        start.wait()
        try:
            for _ in range(rounds):
                with db.session_scope(write=True) as session:
                    projects.change_project(session=session, project_id=project_id, change=bump)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session_scope() as session:
        project = projects.get_owned_project(session=session, project_id=project_id, browser_id='b')
    assert project.data['metadata']['counter'] == writers * rounds
    assert project.version == 1 + writers * rounds


def test_a_project_survives_a_restart_with_a_fresh_engine(database: Path) -> None:
    with db.session_scope(write=True) as session:
        project = projects.ensure_working_project(session=session, browser_id='b')
        projects.complete_stage(session=session, project_id=project.id, stage_id='beat')
        projects.rename_project(session=session, project_id=project.id, name='Night Drive')
    old_engine = db.get_engine()
    db.reset_engine()
    assert db.get_engine() is not old_engine
    with db.session_scope() as session:
        again = projects.get_working_project(session=session, browser_id='b')
    assert again is not None
    assert (again.id, again.name) == (project.id, 'Night Drive')
    assert again.data['workflow']['completed_stages'] == ['beat']


@pytest.mark.sqlite_only
def test_check_database_names_the_problem(database: Path) -> None:
    assert db.check_database() == 'ok'
    db.reset_engine()
    for suffix in ('', '-wal', '-shm'):
        Path(f'{database}{suffix}').unlink(missing_ok=True)
    database.write_bytes(b'garbage' * 1000)
    assert db.check_database() == 'error: file is not a database'
