import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy

from liab import db
from liab.config import get_settings
from liab.errors import BadInput, NotFound
from liab.models import User
from liab.services import auth, voice
from liab.services.voice import VoicePrefs


@pytest.fixture(autouse=True)
def offline_voice(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_SPEECH_PROVIDER', 'espeak')
    get_settings.cache_clear()


def _name(persona: str, text: str) -> str:
    return hashlib.sha256(f'{persona}:{text}'.encode()).hexdigest()


def _fake_clip(folder: Path, label: str, size: int, age_s: float) -> Path:
    path = folder / f'{hashlib.sha256(label.encode()).hexdigest()}.mp3'
    path.write_bytes(b'\xff\xfb' + bytes(size - 2))
    moment = time.time() - age_s
    os.utime(path, (moment, moment))
    return path


def test_a_line_is_made_once_then_served_from_the_shared_cache(data_dir: Path) -> None:
    made = voice.speak('Echo', 'Creating a chill beat for you...', listener='tab-1')
    name = _name('Echo', 'Creating a chill beat for you...')
    path = data_dir / 'voices' / f'{name}.mp3'
    assert (made.name, made.url, made.cached, made.provider) == (name, f'/voices/{name}.mp3', False, 'espeak')
    assert path.stat().st_size > 1000
    old = time.time() - 3600
    os.utime(path, (old, old))
    inode = path.stat().st_ino
    again = voice.speak('Echo', '  Creating a chill   beat for you...', listener='tab-2')  # other tab, same words
    assert (again.name, again.cached, again.debounced, again.provider) == (name, True, False, None)
    assert path.stat().st_ino == inode  # not written again
    assert path.stat().st_mtime > old + 3000  # a hit counts as a use: the cache keeps it longer


def test_the_same_line_for_the_same_listener_within_ten_seconds_is_debounced() -> None:
    first = voice.speak('Nova', 'Upload complete', listener='tab-1', now=100.0)
    repeat = voice.speak('Nova', 'Upload complete', listener='tab-1', now=105.0)
    elsewhere = voice.speak('Nova', 'Upload complete', listener='tab-2', now=105.0)
    later = voice.speak('Nova', 'Upload complete', listener='tab-1', now=110.5)
    assert not first.cached and not first.debounced
    assert repeat.debounced and repeat.cached and repeat.url == first.url
    assert not elsewhere.debounced and elsewhere.cached
    assert not later.debounced and later.cached


def test_two_listeners_asking_for_a_new_line_at_once_make_it_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger='liab.voice')
    start = threading.Barrier(4)
    clips = []

    def ask(listener: str) -> None:
        start.wait()
        clips.append(voice.speak('Tone', 'Mixing and mastering your track. One moment.', listener=listener))

    threads = [threading.Thread(target=ask, args=(f'tab-{i}',)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({clip.url for clip in clips}) == 1 and sorted(clip.cached for clip in clips) == [False, True, True, True]
    assert sum('voice clip made' in record.message for record in caplog.records) == 1


def test_the_cache_drops_the_oldest_clips_first_when_it_grows_past_its_size(data_dir: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('LIAB_VOICE_CACHE_MB', '1')
    get_settings.cache_clear()
    folder = data_dir / 'voices'
    folder.mkdir(parents=True)
    oldest = _fake_clip(folder, 'oldest', 400_000, age_s=300)
    older = _fake_clip(folder, 'older', 400_000, age_s=200)
    recent = _fake_clip(folder, 'recent', 400_000, age_s=100)
    in_progress = folder / f'.{oldest.name}.x1y2.part'
    in_progress.write_bytes(bytes(10))
    made = voice.speak('Aria', 'Generating cover art...', listener='tab-1')
    assert not oldest.exists()
    assert older.exists() and recent.exists() and in_progress.exists()
    assert (folder / f'{made.name}.mp3').exists()
    assert sum(path.stat().st_size for path in folder.glob('*.mp3')) <= 1024 * 1024


def test_a_clip_used_again_outlives_clips_made_after_it(data_dir: Path) -> None:
    folder = data_dir / 'voices'
    folder.mkdir(parents=True)
    used = voice.speak('Vee', 'Generating video idea...', listener='a').name
    os.utime(folder / f'{used}.mp3', (time.time() - 500,) * 2)
    newer = _fake_clip(folder, 'newer', 1000, age_s=100)
    voice.speak('Vee', 'Generating video idea...', listener='b')
    size = (folder / f'{used}.mp3').stat().st_size
    assert voice.trim_cache(max_bytes=size + 10) == [newer.stem]


@pytest.mark.parametrize(('persona', 'text', 'message'), [
    ('Bob', 'hello', 'persona'),
    ('echo', 'hello', 'persona'),
    ('Echo', ' \n\t ', 'nothing to say'),
    ('Echo', 'x' * (voice.MAX_TEXT + 1), 'at most 400'),
])
def test_unknown_personas_and_empty_or_long_text_are_refused(persona: str, text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        voice.speak(persona, text)


@pytest.mark.parametrize('name', ['../liab.sqlite3', 'A' * 64, 'a' * 63, f'{"a" * 64}/x', ''])
def test_only_clip_names_map_to_files(name: str) -> None:
    with pytest.raises(NotFound):
        voice.clip_path(name)


def test_the_voice_settings_of_a_user_are_kept_on_the_account_in_one_transaction(database: Path) -> None:
    with db.session_scope(write=True) as session:
        user_id = auth.sign_up(session=session, email='tone@example.com', password='violet-harbor-lantern').user.id
        session.get(User, user_id).preferences = {'theme': 'night'}
    with db.session_scope() as session:
        assert voice.voice_prefs(session=session, user_id=user_id) == VoicePrefs(False, 0.8, None)
    with db.session_scope(write=True) as session:
        prefs = voice.set_voice_prefs(session=session, user_id=user_id,
                                      changes={'enabled': True, 'volume': 0.35, 'persona': 'Pulse'})
    assert prefs == VoicePrefs(True, 0.35, 'Pulse')
    with db.session_scope(write=True) as session:
        voice.set_voice_prefs(session=session, user_id=user_id, changes={'persona': None})
    with db.session_scope() as session:
        row = session.get(User, user_id)
        assert row.preferences == {'theme': 'night', 'voice': {'enabled': True, 'volume': 0.35, 'persona': None}}
    for changes, field in (({'volume': 2}, 'volume'), ({'enabled': 'yes'}, 'enabled'), ({'persona': 'Bob'}, 'persona'),
                           ({'colour': 'red'}, 'colour')):
        with pytest.raises(BadInput, match=field), db.session_scope(write=True) as session:
            voice.set_voice_prefs(session=session, user_id=user_id, changes=changes)
    with pytest.raises(NotFound), db.session_scope(write=True) as session:
        voice.set_voice_prefs(session=session, user_id='no-such-user', changes={'enabled': True})


def test_stored_settings_that_make_no_sense_read_as_the_defaults() -> None:
    assert VoicePrefs.from_json(None) == VoicePrefs()
    assert VoicePrefs.from_json({'enabled': 'true', 'volume': float('nan'), 'persona': 'Bob'}) == VoicePrefs()
    assert VoicePrefs.from_json({'enabled': True, 'volume': 7, 'persona': 'Aria'}) == VoicePrefs(True, 1.0, 'Aria')


def test_migration_0004_adds_the_preferences_column(database: Path) -> None:
    columns = {column['name']: column for column in sqlalchemy.inspect(db.get_engine()).get_columns('user')}
    with db.session_scope() as session:
        [version] = session.exec(sqlalchemy.text('SELECT version_num FROM alembic_version')).scalars().all()
    assert 'preferences' in columns and columns['preferences']['nullable']
    assert version >= '0004'
