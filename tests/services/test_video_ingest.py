import io
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
import soundfile

from liab.audio import io as audio_io
from liab.errors import BadInput
from liab.video.ingest import IngestedVideo, ingest_video, sniff_video

NOT_VIDEO = 'That file is not a video we can use (MP4, MOV or WebM).'
NO_PICTURE = 'That file has no moving picture in it: upload a video (MP4, MOV or WebM).'
DAMAGED = 'That video file is damaged or cut short.'
MAX_BYTES = 8 * 1024 * 1024
GENERATED = re.compile(r'video-([0-9a-f]{12})\.(mp4|mov|webm)')
CLIP = ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=2', '-f', 'lavfi', '-i',
        'sine=frequency=440:duration=2:sample_rate=44100']


def _make(folder: Path, name: str, *arguments: str) -> Path:
    path = folder / name
    subprocess.run([audio_io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-y', *arguments, str(path)],
                   check=True, timeout=60)
    return path


@pytest.fixture(scope='module')
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp('videos')
    x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']
    made = {'mp4': _make(folder, 'clip.mp4', *CLIP, *x264, '-c:a', 'aac', '-shortest', '-f', 'mp4'),
            'faststart': _make(folder, 'fast.mp4', *CLIP, *x264, '-c:a', 'aac', '-shortest', '-movflags',
                               '+faststart', '-f', 'mp4'),
            'mov': _make(folder, 'silent.mov', *CLIP[:4], *x264, '-f', 'mov'),
            'webm': _make(folder, 'clip.webm', *CLIP, '-c:v', 'libvpx-vp9', '-deadline', 'realtime',
                          '-c:a', 'libopus', '-shortest', '-f', 'webm'),
            'live-webm': _make(folder, 'live.webm', *CLIP, '-c:v', 'libvpx', '-deadline', 'realtime', '-c:a',
                               'libopus', '-shortest', '-live', '1', '-f', 'webm'),  # like a browser's recording
            'mkv': _make(folder, 'clip.mkv', *CLIP[:4], *x264, '-f', 'matroska'),
            'one-frame': _make(folder, 'one.mp4', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=0.04',
                               *x264, '-f', 'mp4'),
            'wide': _make(folder, 'wide.mp4', '-f', 'lavfi', '-i', 'testsrc2=size=4112x16:rate=5:duration=1', *x264,
                          '-f', 'mp4'),
            'wav': folder / 'song.wav'}
    made['rotated'] = _make(folder, 'rotated.mp4', '-display_rotation', '90', '-i', str(made['mp4']), '-c', 'copy',
                            '-f', 'mp4')
    made['cover-only'] = _make(folder, 'cover.m4a', '-f', 'lavfi', '-i', 'sine=duration=2', '-f', 'lavfi', '-i',
                               'color=red:size=64x64:duration=0.04', '-map', '0', '-map', '1', '-c:a', 'aac',
                               '-c:v', 'png', '-disposition:v', 'attached_pic', '-frames:v', '1', '-f', 'mp4')
    audio_io.write_wav(soundfile.read(str(_make(folder, 'tone.wav', *CLIP[4:], '-f', 'wav')))[0], 44100, made['wav'])
    return made


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / 'store'


@pytest.fixture
def listener() -> Iterator[tuple[int, socket.socket]]:
    """A TCP port on 127.0.0.1 that counts who connects: a playlist that ffmpeg followed would connect here."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(8)
    server.setblocking(False)
    yield server.getsockname()[1], server
    server.close()


def _ingest(source: Path | BinaryIO, dest: Path, name: str = 'My Clip.mp4', **options) -> IngestedVideo:
    return ingest_video(source, original_name=name, dest_dir=dest, max_bytes=options.pop('max_bytes', MAX_BYTES),
                        **options)


def _refused(source: Path | BinaryIO | bytes, dest: Path, name: str = 'clip.mp4', **options) -> str:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with pytest.raises(BadInput) as caught:
        _ingest(source, dest, name, **options)
    assert not dest.exists() or list(dest.iterdir()) == []
    return caught.value.message


def _nobody_connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return True
    return False


@pytest.mark.parametrize(('name', 'expected'), [
    ('mp4', ('mp4', 160, 90, 25.0, True)), ('faststart', ('mp4', 160, 90, 25.0, True)),
    ('mov', ('mov', 160, 90, 25.0, False)), ('webm', ('webm', 160, 90, 25.0, True)),
    ('rotated', ('mp4', 90, 160, 25.0, True)), ('live-webm', ('webm', 160, 90, 25.0, True)),
])
def test_each_format_is_stored_under_a_generated_name_with_its_sound_beside_it(
        sources: dict[str, Path], dest: Path, name: str, expected: tuple[str, int, int, float, bool]) -> None:
    video_format, has_audio = expected[0], expected[-1]

    result = _ingest(sources[name], dest, f'Take One.{video_format}')

    stored = GENERATED.fullmatch(result.path.name)
    assert stored and stored.group(2) == video_format and result.path.parent == dest
    assert (result.format, result.width, result.height, result.fps, result.has_audio) == expected
    assert result.duration_s == pytest.approx(2.0, abs=0.1)
    assert result.display_name == f'Take One.{video_format}'
    assert result.size_bytes == result.path.stat().st_size == sources[name].stat().st_size
    assert result.path.read_bytes() == sources[name].read_bytes()
    if has_audio:
        assert result.audio_path == dest / f'video-{stored.group(1)}_audio.wav'
        info = soundfile.info(str(result.audio_path))
        assert (info.samplerate, info.channels, info.subtype) == (16000, 1, 'PCM_16')
        assert info.duration == pytest.approx(2.0, abs=0.1)
        assert sorted(path.name for path in dest.iterdir()) == sorted([result.path.name, result.audio_path.name])
    else:
        assert result.audio_path is None
        assert [path.name for path in dest.iterdir()] == [result.path.name]


def test_a_file_object_is_read_and_the_uploaded_name_is_only_shown(sources: dict[str, Path], dest: Path) -> None:
    result = _ingest(io.BytesIO(sources['mp4'].read_bytes()), dest, '../../etc/\u202eevil\x00 clip.mp4')

    assert GENERATED.fullmatch(result.path.name)
    assert result.display_name == '../../etc/evil clip.mp4'
    assert result.path.parent == dest


def test_the_format_comes_from_the_bytes_not_the_name(sources: dict[str, Path], dest: Path) -> None:
    result = _ingest(sources['webm'], dest, 'holiday.mp4')

    assert result.format == 'webm' and result.path.suffix == '.webm'


def test_an_hls_playlist_named_mp4_is_refused_and_never_followed(dest: Path, listener: tuple[int, socket.socket],
                                                                 tmp_path: Path) -> None:
    port, server = listener
    playlist = (f'#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://127.0.0.1:{port}/segment.ts\n'
                '#EXT-X-ENDLIST\n').encode()
    (tmp_path / 'playlist.mp4').write_bytes(playlist)

    assert _refused(tmp_path / 'playlist.mp4', dest, 'playlist.mp4') == NOT_VIDEO
    # Even behind a real ftyp box, the forced mov demuxer never reads it as a playlist.
    ftyp = b'\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom'
    assert _refused(ftyp + playlist, dest, 'playlist.mp4') == DAMAGED
    assert _nobody_connected(server)


def test_an_ffconcat_script_named_mov_is_refused_and_never_followed(dest: Path,
                                                                    listener: tuple[int, socket.socket]) -> None:
    port, server = listener
    script = f"ffconcat version 1.0\nfile 'http://127.0.0.1:{port}/clip.mov'\nfile '/etc/passwd'\n".encode()

    assert _refused(script, dest, 'clip.mov') == NOT_VIDEO
    assert _nobody_connected(server)


@pytest.mark.parametrize(('name', 'keep'), [('faststart', 0.45), ('mp4', 0.6), ('webm', 0.5)])
def test_a_truncated_video_is_refused(sources: dict[str, Path], dest: Path, name: str, keep: float) -> None:
    data = sources[name].read_bytes()

    assert _refused(data[:int(len(data) * keep)], dest, f'cut.{name}') == DAMAGED


@pytest.mark.parametrize(('name', 'message'), [('wav', NOT_VIDEO), ('mkv', NOT_VIDEO), ('cover-only', NO_PICTURE)])
def test_files_that_are_not_video_are_refused(sources: dict[str, Path], dest: Path, name: str, message: str) -> None:
    assert _refused(sources[name], dest, 'clip.mp4') == message


@pytest.mark.parametrize('data', [b'x', b'\x00\x00\x00\x18ftypisom' + bytes(200), b'\x1aE\xdf\xa3' + bytes(100)])
def test_bytes_that_are_not_video_are_refused(dest: Path, data: bytes) -> None:
    assert _refused(data, dest) in (NOT_VIDEO, DAMAGED)


def test_an_empty_and_an_oversize_file_are_refused(sources: dict[str, Path], dest: Path) -> None:
    assert _refused(b'', dest) == 'That file is empty.'
    assert _refused(sources['mp4'], dest, max_bytes=10_000) == 'That file is larger than 0.0095 MB.'


def test_size_length_and_shortness_limits(sources: dict[str, Path], dest: Path) -> None:
    assert _refused(sources['wide'], dest) == ('That video is 4112x16 px: the most we take is 4096 px on a side. '
                                               'Export it at 1080p or 4K and try again.')
    assert _refused(sources['mp4'], dest, max_duration_s=1.5) == ('That video is longer than 0.025 minutes: '
                                                                  'trim it and try again.')
    assert _refused(sources['one-frame'], dest) == 'That video is too short to use (under half a second).'


def test_a_decode_that_runs_out_of_time_is_refused(sources: dict[str, Path], dest: Path) -> None:
    assert _refused(sources['mp4'], dest, timeout_s=0.001) == 'That video took too long to read: try a shorter or ' \
                                                              'smaller clip.'


def test_sniffing_reads_brands_and_the_ebml_doctype(sources: dict[str, Path]) -> None:
    assert sniff_video(sources['mp4'].read_bytes()[:4096]) == 'mp4'
    assert sniff_video(sources['mov'].read_bytes()[:4096]) == 'mov'
    assert sniff_video(sources['webm'].read_bytes()[:4096]) == 'webm'
    assert sniff_video(sources['mkv'].read_bytes()[:4096]) is None
    assert sniff_video(b'\x00\x00\x00\x14ftypM4A \x00\x00\x02\x00M4A ') is None
    assert sniff_video(b'#EXTM3U\n' * 10) is None
