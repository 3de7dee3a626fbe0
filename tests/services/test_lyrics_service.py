from pathlib import Path

import pytest

from liab import db, media
from liab.errors import BadInput
from liab.services import lyrics, projects
from liab.services.projects import AssetSource
from liab.writers.lyrics import Lyrics, Section

LOCAL = AssetSource('local', 'lyric writer')


def _call(fn, **kwargs):
    with db.session_scope(write=True) as session:
        return fn(session=session, **kwargs)


def _project() -> str:
    return _call(projects.ensure_working_project, browser_id='browser-1').id


def _song(word: str) -> Lyrics:
    return Lyrics(f'Song of {word}', (Section('Verse 1', (f'the {word} is here', f'the {word} is near')),
                                      Section('Chorus', (f'oh {word}', f'oh {word} again'))))


def _store(project_id: str, word: str, kind: str = 'write') -> object:
    return _call(lyrics.store_version, project_id=project_id, lyrics=_song(word), kind=kind, note=f'wrote {word}',
                 source=LOCAL, details={'genre': 'pop', 'mood': 'happy'})


def _file(project_id: str) -> str:
    return (media.project_dir(project_id) / 'lyrics.txt').read_text()


def test_storing_lyrics_writes_the_file_records_the_asset_and_ticks_the_stage(database: Path) -> None:
    project_id = _project()
    project = _store(project_id, 'rain')
    assert _file(project_id) == '[Verse 1]\nthe rain is here\nthe rain is near\n\n[Chorus]\noh rain\noh rain again\n'
    asset = project.data['assets']['lyrics']
    assert asset['path'] == 'lyrics.txt' and asset['url'] == f'/media/{project_id}/lyrics.txt'
    assert asset['source'] == {'kind': 'local', 'name': 'lyric writer'}
    assert asset['metadata'] == {'genre': 'pop', 'mood': 'happy'}
    assert 'lyrics' in project.data['workflow']['completed_stages']
    assert lyrics.current_lyrics(project.data) == _song('rain')
    assert not [p for p in media.project_dir(project_id).iterdir() if p.name.endswith('.part')]


def test_undo_and_redo_move_between_versions_and_keep_the_file_in_step(database: Path) -> None:
    project_id = _project()
    for word in ('rain', 'sun', 'snow'):
        _store(project_id, word)
    undone = _call(lyrics.move_version, project_id=project_id, step=-1)
    assert lyrics.current_lyrics(undone.data) == _song('sun') and 'sun' in _file(project_id)
    assert lyrics.can_move(undone.data) == (True, True)
    _call(lyrics.move_version, project_id=project_id, step=-1)
    with pytest.raises(BadInput, match='Nothing to undo'):
        _call(lyrics.move_version, project_id=project_id, step=-1)
    redone = _call(lyrics.move_version, project_id=project_id, step=2)
    assert lyrics.current_lyrics(redone.data) == _song('snow')
    with pytest.raises(BadInput, match='Nothing to redo'):
        _call(lyrics.move_version, project_id=project_id, step=1)


def test_a_new_version_after_undo_drops_the_redo_steps(database: Path) -> None:
    project_id = _project()
    for word in ('rain', 'sun', 'snow'):
        _store(project_id, word)
    _call(lyrics.move_version, project_id=project_id, step=-2)
    project = _store(project_id, 'wind')
    notes = lyrics.history_notes(project.data)
    assert notes == ['wrote rain', 'wrote wind']
    assert lyrics.can_move(project.data) == (True, False)


def test_history_is_bounded(database: Path) -> None:
    project_id = _project()
    for number in range(lyrics.MAX_VERSIONS + 3):
        project = _store(project_id, f'w{number}')
    versions = project.data['lyrics']['versions']
    assert len(versions) == lyrics.MAX_VERSIONS
    assert versions[0]['note'] == 'wrote w3' and project.data['lyrics']['current'] == lyrics.MAX_VERSIONS - 1


def test_an_edit_by_hand_becomes_a_version_and_keeps_the_title(database: Path) -> None:
    project_id = _project()
    _store(project_id, 'rain')
    edited = _call(lyrics.save_text, project_id=project_id,
                   lyrics_text='[Verse 1]\nthe rain is gone\n\n[Chorus]\noh rain\n')
    current = lyrics.current_version(edited.data)
    assert current['kind'] == 'edit' and current['source'] == {'kind': 'uploaded', 'name': None}
    assert current['title'] == 'Song of rain'
    assert _file(project_id) == '[Verse 1]\nthe rain is gone\n\n[Chorus]\noh rain\n'


@pytest.mark.parametrize(('typed', 'message'), [('', 'empty'), ('   \n\n', 'empty'),
                                                ('x' * (lyrics.MAX_TEXT + 1), 'at most')])
def test_bad_edits_change_nothing(database: Path, typed: str, message: str) -> None:
    project_id = _project()
    before = _store(project_id, 'rain')
    with pytest.raises(BadInput, match=message):
        _call(lyrics.save_text, project_id=project_id, lyrics_text=typed)
    after = _call(projects.get_project, project_id=project_id)
    assert after.version == before.version and 'rain' in _file(project_id)


def test_an_unchanged_edit_is_not_a_new_version(database: Path) -> None:
    project_id = _project()
    _store(project_id, 'rain')
    with pytest.raises(BadInput, match='Nothing changed'):
        _call(lyrics.save_text, project_id=project_id, lyrics_text=_song('rain').text())


def test_clean_removes_control_and_direction_marks_and_bounds_sizes() -> None:
    dirty = Lyrics('A\u202etitle', (Section('Verse\x00 1', ('a\x07 line\u200b here', '', 'x' * 900)),
                                    Section('Empty', ('   ',))))
    cleaned = lyrics.clean(dirty)
    assert cleaned.title == 'A title'
    assert cleaned.sections[0].name == 'Verse 1'
    assert cleaned.sections[0].lines[0] == 'a line here'
    assert len(cleaned.sections[0].lines[1]) == 300
    assert [s.name for s in cleaned.sections] == ['Verse 1']


def test_the_beats_analysis_gives_a_mood_and_a_genre() -> None:
    assert lyrics.mood_of_beat(70, 'A minor') == 'sad'
    assert lyrics.mood_of_beat(100, 'A minor') == 'dark'
    assert lyrics.mood_of_beat(140, 'F minor') == 'aggressive'
    assert lyrics.mood_of_beat(128, 'C major') == 'energetic'
    assert lyrics.mood_of_beat(118, 'G major') == 'happy'
    assert lyrics.mood_of_beat(75, 'D major') == 'chill'
    assert lyrics.genre_of_beat(124, 'A major') == 'house'
    assert lyrics.genre_of_beat(140, 'F minor') == 'trap'
    assert lyrics.genre_of_beat(72, 'C major') == 'lo-fi'
    assert lyrics.genre_of_beat(None, None) == 'hip hop'


def test_beat_context_reads_the_projects_beat() -> None:
    assert lyrics.beat_context({'assets': {}}) is None
    data = {'assets': {'beat': {'path': 'beats/x.mp3'}},
            'metadata': {'tempo': 140, 'key': 'F minor', 'mood': 'dark', 'genre': 'trap'}}
    assert lyrics.beat_context(data) == lyrics.BeatContext(140.0, 'dark', 'trap', 'F minor')
    uploaded = {'assets': {'beat': {'path': 'beats/y.wav'}}, 'metadata': {'tempo': 72, 'key': 'A minor'}}
    assert lyrics.beat_context(uploaded) == lyrics.BeatContext(72.0, 'sad', 'lo-fi', 'A minor')


def test_free_mode_reads_a_mood_from_the_theme_and_needs_a_theme() -> None:
    assert lyrics.mood_of_theme('missing you since you left') == 'sad'
    assert lyrics.mood_of_theme('summer party with friends') == 'happy'
    assert lyrics.mood_of_theme('a song about bicycles') == 'chill'
    with pytest.raises(BadInput, match='about'):
        lyrics.write_free(theme='   ')


@pytest.mark.parametrize(('field', 'kwargs'), [('genre', {'genre': 'polka', 'mood': 'happy'}),
                                               ('mood', {'genre': 'pop', 'mood': 'furious'}),
                                               ('tempo', {'genre': 'pop', 'mood': 'happy', 'bpm': 900}),
                                               ('theme', {'genre': 'pop', 'mood': 'happy', 'theme': 'x' * 10_001})])
def test_write_refuses_unknown_fields_plainly(field: str, kwargs: dict) -> None:
    with pytest.raises(BadInput) as refused:
        lyrics.write(**kwargs)
    assert field in refused.value.message.lower() or 'pick' in refused.value.message.lower()


def test_refine_needs_an_instruction_and_lyrics() -> None:
    with pytest.raises(BadInput, match='how the lyrics should change'):
        lyrics.refine(_song('rain'), '   ')
    with pytest.raises(BadInput, match='no lyrics'):
        lyrics.refine(Lyrics('', ()), 'more rhymes')
