import os
from pathlib import Path

import pytest

from liab import media
from liab.errors import BadInput, NotFound

PROJECT = '3f1c2b7e-8a4d-4c1e-9b2a-1d2e3f4a5b6c'


@pytest.mark.parametrize(('raw', 'safe'), [
    ('../../etc/passwd', 'passwd'),
    ('Mÿ Söng!.WAV', 'My_Song.wav'),
    ('..', 'file'),
    ('', 'file'),
    ('C:\\Users\\me\\take 1.mp3', 'take_1.mp3'),
    ('<script>alert(1)</script>.wav', 'script.wav'),
    ('a' * 300 + '.flac', 'a' * 75 + '.flac'),
])
def test_safe_name_never_yields_a_path(raw: str, safe: str) -> None:
    assert media.safe_name(raw) == safe


def test_resolve_finds_files_inside_the_project_only(data_dir: Path) -> None:
    folder = media.project_dir(PROJECT, create=True)
    media.write_bytes(folder / 'mix' / 'song.wav', b'RIFF')
    (data_dir / 'liab.sqlite3').write_bytes(b'db')
    os.symlink(data_dir / 'liab.sqlite3', folder / 'escape.wav')
    (folder / '.song.wav.abc.part').write_bytes(b'half')
    assert media.resolve(PROJECT, 'mix/song.wav').read_bytes() == b'RIFF'
    for bad in ('../liab.sqlite3', 'mix/../../liab.sqlite3', '/etc/passwd', 'escape.wav', '.song.wav.abc.part',
                'mix', 'missing.wav', ''):
        with pytest.raises(NotFound):
            media.resolve(PROJECT, bad)


def test_project_ids_must_be_canonical_uuids() -> None:
    for bad in ('..', 'abc', PROJECT.upper(), PROJECT + '/..'):
        with pytest.raises(BadInput):
            media.project_dir(bad)


def test_atomic_writes_leave_the_old_file_when_they_fail(data_dir: Path) -> None:
    target = media.project_dir(PROJECT, create=True) / 'lyrics.txt'
    media.write_text(target, 'first')
    with pytest.raises(RuntimeError), media.atomic_path(target) as tmp:
        tmp.write_text('half written')
        raise RuntimeError('disk full')
    assert target.read_text() == 'first'
    assert sorted(p.name for p in target.parent.iterdir()) == ['lyrics.txt']
    media.write_text(target, 'second')
    assert target.read_text() == 'second'
    assert media.url(PROJECT, 'mix/my song.wav') == f'/media/{PROJECT}/mix/my%20song.wav'
