import os
import subprocess
import sys
import time
from pathlib import Path

from liab import media
from liab.config import get_settings

PROJECT = '3f1c2b7e-8a4d-4c1e-9b2a-1d2e3f4a5b6c'
HOST = media.temp_prefix('x').rsplit('-', 1)[1].rstrip('.')  # this machine's tag in temp names
OTHER = 'f' * 8 if HOST != 'f' * 8 else 'e' * 8  # another instance sharing the media folder


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, '-c', 'pass'])
    process.wait()
    return process.pid


def _touch(path: Path, *, age_s: float = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'half')
    if age_s:
        moment = time.time() - age_s
        os.utime(path, (moment, moment))
    return path


def test_the_startup_sweep_removes_what_dead_writes_left_and_nothing_else(data_dir: Path) -> None:
    root = get_settings().media_dir
    project = media.project_dir(PROJECT, create=True)
    dead, alive = _dead_pid(), os.getpid()
    doomed = [
        _touch(project / 'mix' / f'.mixed_mastered.pid{dead}-{HOST}.1a2b3c4d.part.wav'),
        _touch(project / 'release' / 'audio' / f'.mixed_mastered.mp3.pid{dead}-{HOST}.k2_9x0ab.part'),
        _touch(project / f'.job-{"ab" * 16}.json', age_s=120),
        _touch(project / '.progress-x1y2z3', age_s=120),
        _touch(project / 'mix' / f'.mixed.wav.pid{dead}-{OTHER}.9z8y7x6w.part', age_s=2 * 3600),  # another, old
        _touch(project / 'stems' / '.ingest-q1w2e3r4.part', age_s=2 * 3600),  # whose, unknown: old enough
        _touch(project / 'mix' / f'.old.wav.pid{alive}-{HOST}.zz11yy22.part', age_s=30 * 86400),  # pid reused
        project / 'release' / f'.pack.pid{dead}-{HOST}.s7t8u9v0.part',
        root / f'.deleting-{PROJECT}-0badf00d',
    ]
    _touch(doomed[-2] / 'audio' / 'mixed_mastered.wav')
    _touch(doomed[-1] / 'mix' / 'mixed_mastered.wav')
    media.write_bytes(project / 'mix' / 'mixed_mastered.wav', b'RIFF whole')
    kept = [
        project / 'mix' / 'mixed_mastered.wav',
        _touch(project / 'mix' / f'.mixed_mastered.pid{alive}-{HOST}.5e6f7a8b.part.wav'),  # a write under way
        _touch(project / 'stems' / '.ingest-t5y6u7i8.part'),  # recent: may still be written
        _touch(project / 'mix' / f'.mixed.wav.pid{dead}-{OTHER}.1q2w3e4r.part'),  # another machine's, recent
        _touch(project / f'.job-{"cd" * 16}.json'),  # a job running on another instance
        _touch(project / 'stems' / '.take-0123456789ab.wav.peaks', age_s=2 * 3600),  # a cache, not a write
        _touch(project / 'stems' / 'take-0123456789ab.wav', age_s=2 * 3600),
    ]

    removed = media.sweep_dead_writes(root)

    assert sorted(removed) == sorted(doomed)
    assert not any(path.exists() for path in doomed)
    assert all(path.exists() for path in kept)
    assert (project / 'mix' / 'mixed_mastered.wav').read_bytes() == b'RIFF whole'
    assert media.sweep_dead_writes(root) == []


def test_temporary_names_say_which_process_writes_them(data_dir: Path) -> None:
    target = media.project_dir(PROJECT, create=True) / 'lyrics.txt'
    with media.atomic_path(target) as tmp:
        assert tmp.name.startswith(f'.lyrics.txt.pid{os.getpid()}-{HOST}.') and tmp.name.endswith('.part')
        assert media.sweep_dead_writes() == []  # its writer is alive: left alone
        tmp.write_text('whole')
    folder = media.temp_dir(target.parent, 'pack')
    assert folder.is_dir() and folder.name.startswith(f'.pack.pid{os.getpid()}-{HOST}.')
    assert target.read_text() == 'whole'
