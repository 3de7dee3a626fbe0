import itertools
import re
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import signal

from liab.audio import io
from liab.errors import BadInput
from liab.video import _layout
from liab.video.captions import even_captions
from liab.video.visualizer import render_visualizer, suggest_part

RATE = 44100
LOUD_FROM, LOUD_TO = 14.0, 26.0  # the master's loud section
START, LENGTH = 15.0, 10.0
CAPTION = (0.5, 3.0, 'Paper planes across the sky')


def _master(path: Path, seconds: float = 30.0) -> Path:
    """Stereo band-limited noise (never repeats, so it can be located by correlation), loud only in one section."""
    rng = np.random.default_rng(11)
    noise = signal.sosfilt(signal.butter(4, 4000, fs=RATE, output='sos'), rng.standard_normal(int(seconds * RATE)))
    t = np.arange(noise.size) / RATE
    level = np.where((t >= LOUD_FROM) & (t < LOUD_TO), 0.5, 0.03)
    mono = (noise / np.abs(noise).max() * level).astype(np.float32)
    return io.write_wav(np.stack([mono, mono], axis=1), RATE, path)


def _cover(path: Path) -> Path:
    picture = Image.new('RGB', (600, 600), (30, 60, 120))
    draw = ImageDraw.Draw(picture)
    for step in range(0, 600, 60):
        draw.ellipse((step, step // 2, step + 120, step // 2 + 120), fill=(200, 90 + step // 6, 40))
    picture.save(path, 'JPEG', quality=90)
    return path


@pytest.fixture(scope='module')
def made(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp('visualizer')
    master, cover = _master(folder / 'master.wav'), _cover(folder / 'cover.jpg')
    seen: list[float] = []
    out = render_visualizer(master=master, cover=cover, out_path=folder / 'out' / 'visualizer.mp4', start_s=START,
                            length_s=LENGTH, title='Paper Planes', artist='Mira Lane', lyric_lines=[CAPTION],
                            progress=seen.append)
    return {'master': master, 'cover': cover, 'out': out, 'progress': seen}


def _described(path: Path) -> str:
    done = subprocess.run([io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-i', str(path)], capture_output=True,
                          text=True, timeout=30, check=False)
    return done.stderr


def _frame(path: Path, at_s: float) -> np.ndarray:
    done = subprocess.run([io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-ss', f'{at_s}', '-i', str(path),
                           '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], capture_output=True,
                          timeout=30, check=True)
    return np.frombuffer(done.stdout, dtype=np.uint8).reshape(1920, 1080, 3).astype(np.float32)


def test_the_loudest_sustained_part_is_suggested(made: dict) -> None:
    start, end = suggest_part(made['master'], 10)

    assert LOUD_FROM <= start <= LOUD_TO - 10 and end == pytest.approx(start + 10)


def test_suggested_lengths_are_kept_between_10_and_60_s_and_inside_the_song(made: dict, tmp_path: Path) -> None:
    assert suggest_part(made['master'], 4)[1] - suggest_part(made['master'], 4)[0] == pytest.approx(10)
    assert suggest_part(made['master'], 90) == (0.0, 30.0)
    with pytest.raises(BadInput, match='at least 10 s'):
        suggest_part(_master(tmp_path / 'short.wav', seconds=8.0))


def test_the_video_is_vertical_h264_and_aac_of_the_asked_length(made: dict) -> None:
    described = _described(made['out'])

    video = re.search(r'Video: (\w+) .*?, (\w+)\(.*?, (\d+)x(\d+).*?, (\d+) fps', described)
    audio = re.search(r'Audio: (\w+) .*?, (\d+) Hz, (\w+)', described)
    duration = re.search(r'Duration: 00:00:(\d+\.\d+)', described)
    assert video and video.groups() == ('h264', 'yuv420p', '1080', '1920', '30')
    assert audio and audio.groups() == ('aac', '44100', 'stereo')
    assert duration and float(duration.group(1)) == pytest.approx(LENGTH, abs=0.1)


def test_the_movie_box_comes_first_so_it_plays_while_downloading(made: dict) -> None:
    data = made['out'].read_bytes()
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack('>I4s', data[offset:offset + 8])
        boxes.append(kind)
        offset += size
    assert boxes.index(b'moov') < boxes.index(b'mdat')


def test_the_sound_is_exactly_the_chosen_part_of_the_master(made: dict) -> None:
    master, _ = io.decode(made['master'], sample_rate=RATE, channels=1, input_format='wav')
    clip, _ = io.decode(made['out'], sample_rate=RATE, channels=1, input_format='m4a')
    assert len(clip) / RATE == pytest.approx(LENGTH, abs=0.1)

    probe = clip[4 * RATE:6 * RATE, 0]  # 2 s from the middle, away from the fades
    search = master[int((START - 1) * RATE):int((START + LENGTH + 1) * RATE), 0]
    correlation = signal.correlate(search, probe, mode='valid', method='fft')
    found_s = START - 1 + int(np.argmax(correlation)) / RATE
    matched = search[int(np.argmax(correlation)):][:probe.size]
    assert found_s - 4.0 == pytest.approx(START, abs=0.01)
    assert np.corrcoef(matched, probe)[0, 1] > 0.95


def test_progress_rises_to_one(made: dict) -> None:
    seen = made['progress']

    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] == 1.0


def test_captions_show_only_in_their_time(made: dict) -> None:
    band = slice(_layout.CAPTION_CENTRE - 60, _layout.CAPTION_CENTRE + 60)
    with_caption, later, latest = (_frame(made['out'], at)[band] for at in (1.5, 5.0, 8.0))

    assert np.abs(with_caption - later).mean() > 10 * max(0.5, np.abs(later - latest).mean())


def test_bad_lengths_and_a_cover_that_is_not_a_picture_are_refused(made: dict, tmp_path: Path) -> None:
    out = tmp_path / 'out' / 'clip.mp4'
    common = {'master': made['master'], 'out_path': out, 'title': 't', 'artist': 'a', 'lyric_lines': None}
    for length in (9.0, 61.0):
        with pytest.raises(ValueError, match='10 to 60 s'):
            render_visualizer(cover=made['cover'], start_s=0, length_s=length, **common)
    (tmp_path / 'cover.jpg').write_bytes(b'#EXTM3U\nnot a picture')
    with pytest.raises(BadInput, match='cover art'):
        render_visualizer(cover=tmp_path / 'cover.jpg', start_s=0, length_s=10, **common)
    assert not out.exists() and (not out.parent.exists() or list(out.parent.iterdir()) == [])


def test_even_captions_spread_the_sung_lines_over_the_song_by_syllables() -> None:
    lyrics = '[Verse 1]\nOne two three four\nFive six seven eight\n\n[Chorus]\nPaper planes across the sky\nGo'
    whole = even_captions(lyrics, start_s=0, end_s=100, song_duration_s=100)

    assert [text for _, _, text in whole] == ['One two three four', 'Five six seven eight',
                                              'Paper planes across the sky', 'Go']
    assert whole[0][0] == pytest.approx(6.0) and whole[-1][1] == pytest.approx(94.0)
    assert all(a[1] == pytest.approx(b[0]) for a, b in itertools.pairwise(whole))
    part = even_captions(lyrics, start_s=40, end_s=60, song_duration_s=100)
    assert part and all(0 <= start < end <= 20 for start, end, _ in part)
    assert even_captions('', start_s=0, end_s=10, song_duration_s=60) == []
