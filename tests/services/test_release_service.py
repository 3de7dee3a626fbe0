from datetime import date
from pathlib import Path

import pytest

from liab import db
from liab.errors import BadInput, Forbidden, UpgradeRequired
from liab.services import auth, library, release

MADE = {'bytes': 1234, 'entries': [{'name': 'audio/mixed_mastered.wav', 'bytes': 1000}],
        'metadata': {'title': 'Harbour Lights'}}


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def _user(email: str = 'aria@example.com') -> str:
    return _call(auth.sign_up, email=email, password='plum-violet-orbit-42').user.id


def _project(user_id: str) -> str:
    return _call(library.new_project, user_id=user_id).id


def test_the_pack_names_each_stage_to_finish_first() -> None:
    missing = release.missing_for_pack({'assets': {}})
    assert any('Mix stage' in line for line in missing)
    assert any('Lyrics stage' in line for line in missing)
    assert any('release details' in line for line in missing)
    assert any('cover' in line for line in missing)
    with pytest.raises(BadInput, match='Mix stage'):
        release.pack_inputs({'assets': {}}, '00000000-0000-4000-8000-000000000000')


def test_the_first_pack_of_the_day_counts_and_rebuilding_it_is_free(database: Path) -> None:
    user_id = _user()
    first = _project(user_id)
    stored = _call(release.store_pack, project_id=first, user_id=user_id, made=MADE)
    assert stored.data['release']['pack']['bytes'] == 1234
    assert stored.data['assets']['release_pack']['url'].endswith('/release/release_pack.zip')
    assert _call(release.check_release_allowed, project_id=first, user_id=user_id)
    _call(release.store_pack, project_id=first, user_id=user_id, made=MADE)  # the same project again: free


def test_another_projects_pack_the_same_day_needs_pro(database: Path) -> None:
    user_id = _user()
    first = _call(library.new_project, user_id=user_id).id
    _call(release.store_pack, project_id=first, user_id=user_id, made=MADE)
    other = _call(library.new_project, user_id=user_id).id
    with pytest.raises(UpgradeRequired) as refused:
        _call(release.check_release_allowed, project_id=other, user_id=user_id)
    assert refused.value.feature == 'daily_release_limit'
    with pytest.raises(UpgradeRequired):
        _call(release.store_pack, project_id=other, user_id=user_id, made=MADE)
    _call(auth.set_plan, email='aria@example.com', plan='pro')
    assert _call(release.check_release_allowed, project_id=other, user_id=user_id)


def test_a_pack_needs_a_log_in(database: Path) -> None:
    user_id = _user()
    project_id = _project(user_id)
    with pytest.raises(Forbidden, match='Log in'):
        _call(release.check_release_allowed, project_id=project_id, user_id=None)


def test_the_form_starts_with_what_the_project_knows() -> None:
    values = release.default_details({'metadata': {'genre': 'trap', 'mood': 'dark'},
                                      'lyrics': {'versions': [{'title': 'Night Drive'}]}}, today=date(2026, 11, 24))
    assert values['title'] == 'Night Drive' and values['genre'] == 'trap' and values['mood'] == 'dark'
    assert values['release_date'] == '2026-12-04'  # the first Friday at least 7 days out
