import os
import struct
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from liab import media
from liab.audio.io import AudioError, write_wav
from liab.audio.peaks import PEAKS_PER_SECOND, compute_peaks, ensure_peaks, peaks_path, read_peaks
from liab.errors import NotFound

RATE = 44100


def sine(seconds: float, *, rate: int = RATE, amplitude: float = 1.0, hz: float = 1000.0) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def test_peaks_file_is_a_16_byte_header_then_int8_pairs(tmp_path: Path) -> None:
    audio = write_wav(np.stack([sine(2.5), sine(2.5)], axis=1), RATE, tmp_path / 'tone.wav')
    data = compute_peaks(audio)
    magic, count, duration, per_second, reserved = struct.unpack('<4sIfHH', data[:16])
    assert (magic, count, per_second, reserved) == (b'LPK1', 50, PEAKS_PER_SECOND, 0)
    assert duration == pytest.approx(2.5)
    assert len(data) == 16 + 2 * count
    assert PEAKS_PER_SECOND == 20


def test_full_scale_sine_peaks_at_127_and_silence_at_zero(tmp_path: Path) -> None:
    signal = np.concatenate([sine(2.0), np.zeros(RATE, dtype=np.float32), sine(1.0, amplitude=0.5)])
    audio = write_wav(signal, RATE, tmp_path / 'mono.wav')
    duration, per_second, pairs = read_peaks(compute_peaks(audio))
    assert (duration, per_second, len(pairs)) == (pytest.approx(4.0), 20, 80)
    assert (pairs[:40] == [-127, 127]).all()
    assert (pairs[40:60] == 0).all()
    assert (abs(pairs[60:] - np.array([-64, 64])) <= 1).all()


def test_channels_are_mixed_by_taking_the_extremes_of_both(tmp_path: Path) -> None:
    left = sine(1.0, amplitude=0.25)
    right = np.concatenate([np.zeros(RATE // 2, dtype=np.float32), sine(0.5)])
    _, _, pairs = read_peaks(compute_peaks(write_wav(np.stack([left, right], axis=1), RATE, tmp_path / 'st.wav')))
    assert (abs(pairs[:10] - np.array([-32, 32])) <= 1).all()
    assert (pairs[10:] == [-127, 127]).all()


def test_a_rate_that_does_not_divide_into_buckets_keeps_the_timeline(tmp_path: Path) -> None:
    rate = 22050  # 1102.5 frames a bucket
    signal = np.concatenate([np.zeros(rate, dtype=np.float32), sine(1.0, rate=rate, hz=441), np.zeros(7, np.float32)])
    duration, _, pairs = read_peaks(compute_peaks(write_wav(signal, rate, tmp_path / 'odd.wav')))
    assert duration == pytest.approx(2 + 7 / rate)
    assert len(pairs) == 41  # the 7 trailing frames make a bucket of their own
    assert (pairs[:19] == 0).all() and (pairs[21:39] == [-127, 127]).all() and (pairs[40] == 0).all()


def test_peaks_are_cached_in_a_hidden_sibling_until_the_audio_changes(tmp_path: Path) -> None:
    audio = write_wav(sine(1.0, amplitude=0.5), RATE, tmp_path / 'beat.wav')
    cache = ensure_peaks(audio)
    assert cache == peaks_path(audio) == tmp_path / '.beat.wav.peaks'
    assert cache.read_bytes() == compute_peaks(audio)
    first = cache.stat()

    assert ensure_peaks(audio) == cache
    again = cache.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)  # reused, not rewritten

    write_wav(sine(1.0), RATE, audio)
    later = first.st_mtime_ns + 2_000_000_000
    os.utime(audio, ns=(later, later))
    ensure_peaks(audio)
    assert cache.read_bytes() == compute_peaks(audio)
    assert cache.stat().st_mtime_ns == audio.stat().st_mtime_ns
    assert (read_peaks(cache.read_bytes())[2] == [-127, 127]).all()


def test_the_cache_is_never_served_as_a_media_file(tmp_path: Path) -> None:
    project_id = str(uuid.uuid4())
    folder = media.project_dir(project_id, create=True) / 'beat'
    folder.mkdir()
    ensure_peaks(write_wav(sine(0.5), RATE, folder / 'beat.wav'))
    assert media.resolve(project_id, 'beat/beat.wav') == (folder / 'beat.wav').resolve()
    with pytest.raises(NotFound):
        media.resolve(project_id, 'beat/.beat.wav.peaks')


def test_files_of_unknown_formats_are_refused(tmp_path: Path) -> None:
    notes = tmp_path / 'notes.txt'
    notes.write_text('not audio')
    with pytest.raises(AudioError, match=r'not \.txt'):
        compute_peaks(notes)


def test_ten_minutes_of_cd_audio_take_well_under_two_seconds(tmp_path: Path) -> None:
    second = np.stack([sine(1.0, amplitude=0.3, hz=441)] * 2, axis=1)
    audio = write_wav(np.tile(second, (600, 1)), RATE, tmp_path / 'long.wav')
    started = time.perf_counter()
    data = compute_peaks(audio)
    elapsed = time.perf_counter() - started
    print(f'\npeaks of 10 min 44.1 kHz stereo WAV ({audio.stat().st_size / 1e6:.0f} MB): {elapsed:.2f} s, '
          f'{len(data) / 1000:.1f} kB')
    assert len(data) == 16 + 2 * 600 * PEAKS_PER_SECOND
