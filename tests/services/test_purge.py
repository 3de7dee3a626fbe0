"""Anonymous working projects nobody touched for LIAB_ANONYMOUS_PURGE_DAYS go, with their media; nothing else does."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from liab import db, media
from liab.__main__ import main
from liab.config import get_settings
from liab.models import AnalyticsPoint, Project, User, utcnow
from liab.services import library


def _project(*, days_ago: float, owner: User | None = None, browser: str | None = 'browser-1') -> str:
    with db.session_scope(write=True) as session:
        row = Project(owner_id=owner.id if owner else None, browser_id=None if owner else browser,
                      data={'workflow': {}}, updated_at=utcnow() - timedelta(days=days_ago))
        session.add(row)
        session.flush()
        session.add(AnalyticsPoint(project_id=row.id, day=utcnow().date(), platform='spotify', streams=5))
        project_id = row.id
    media.write_bytes(media.project_dir(project_id, create=True) / 'stems' / 'take.wav', b'RIFF' + b'\0' * 100)
    return project_id


@pytest.fixture
def artist(database: Path) -> User:
    with db.session_scope(write=True) as session:
        user = User(email='nova@example.com', password_hash='x')
        session.add(user)
    return user


def _left() -> set[str]:
    with db.session_scope() as session:
        return set(session.exec(select(Project.id)).all())


def test_only_anonymous_projects_untouched_for_the_period_go_with_their_media_and_figures(artist: User) -> None:
    stale = _project(days_ago=31)
    fresh = _project(days_ago=29, browser='browser-2')
    saved = _project(days_ago=400, owner=artist)

    gone = library.purge_anonymous(30)

    assert gone == [stale]
    assert _left() == {fresh, saved}
    assert not media.project_dir(stale).exists()
    assert (media.project_dir(fresh) / 'stems' / 'take.wav').exists()
    assert (media.project_dir(saved) / 'stems' / 'take.wav').exists()
    with db.session_scope() as session:
        assert {point.project_id for point in session.exec(select(AnalyticsPoint)).all()} == {fresh, saved}
    assert not [path for path in get_settings().media_dir.iterdir() if path.name.startswith('.deleting-')]


def test_the_admin_command_says_what_it_would_do_then_does_it(artist: User, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    stale = _project(days_ago=12)
    monkeypatch.setenv('LIAB_ANONYMOUS_PURGE_DAYS', '10')
    get_settings.cache_clear()

    assert main(['purge', '--dry-run']) == 0
    assert capsys.readouterr().out == ('Would delete 1 anonymous working project(s) untouched for 10 days, with '
                                       'their media.\n')
    assert stale in _left()
    assert main(['purge', '--days', '20']) == 0
    assert capsys.readouterr().out.startswith('Deleted 0 anonymous')
    assert main(['purge']) == 0
    assert capsys.readouterr().out.startswith('Deleted 1 anonymous working project(s) untouched for 10 days')
    assert stale not in _left() and not media.project_dir(stale).exists()
