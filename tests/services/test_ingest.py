import io
import re
import struct
import subprocess
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest
import soundfile

from liab.audio import io as audio_io
from liab.audio.ingest import AUDIO_FORMATS, IngestedAudio, ingest_audio, sniff_format
from liab.errors import BadInput

NOT_AUDIO = 'That file is not audio we can use (WAV, MP3, AIFF, FLAC or M4A).'
DAMAGED = 'That audio file is damaged or cut short.'
MAX_BYTES = 4 * 1024 * 1024
GENERATED = re.compile(r'[A-Za-z0-9_]+-[0-9a-f]{12}\.(wav|mp3|aiff|flac|m4a)')
PASSWD = Path('/etc/passwd')
SOUNDFILE_SOURCES = [('wav16', 44100, 2, 'PCM_16', 'WAV'), ('wav24', 44100, 2, 'PCM_24', 'WAV'),
                     ('wavfloat', 44100, 2, 'FLOAT', 'WAV'), ('mono8k', 8000, 1, 'PCM_16', 'WAV'),
                     ('wav96k', 96000, 2, 'PCM_24', 'WAV'), ('flac', 44100, 2, 'PCM_24', 'FLAC'),
                     ('aiff', 44100, 2, 'PCM_16', 'AIFF')]


def _sine(seconds: float = 2.0, rate: int = 44100, channels: int = 2) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    tones = [0.5 * np.sin(2 * np.pi * freq * t) for freq in (440.0, 660.0)[:channels]]
    return np.stack(tones, axis=1).astype(np.float32)


@pytest.fixture(scope='module')
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp('sources')
    made = {}
    for name, rate, channels, subtype, kind in SOUNDFILE_SOURCES:
        path = folder / f'{name}.{kind.lower()}'
        soundfile.write(str(path), _sine(rate=rate, channels=channels), rate, subtype=subtype, format=kind)
        made[name] = path
    made['mp3'] = audio_io.encode_mp3(made['wav16'], folder / 'song.mp3')
    made['m4a'] = folder / 'song.m4a'
    subprocess.run([audio_io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-i', str(made['wav16']),
                    '-c:a', 'aac', '-f', 'ipod', str(made['m4a'])], check=True, timeout=60)
    made['video'] = folder / 'video.m4a'
    subprocess.run([audio_io.ffmpeg_exe(), '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i',
                    'testsrc=size=64x64:rate=10:duration=0.5', '-c:v', 'mpeg4', '-f', 'mp4', str(made['video'])],
                   check=True, timeout=60)
    made['silence'] = folder / 'silence.wav'
    soundfile.write(str(made['silence']), np.zeros((88200, 2), dtype=np.float32), 44100, subtype='PCM_16')
    return made


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / 'store'


def _ingest(source: Path | BinaryIO, dest: Path, name: str = 'My Song.wav', **options) -> IngestedAudio:
    return ingest_audio(source, original_name=name, dest_dir=dest, max_bytes=options.pop('max_bytes', MAX_BYTES),
                        **options)


def _refused(source: Path | BinaryIO | bytes, dest: Path, name: str, **options) -> str:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with pytest.raises(BadInput) as caught:
        _ingest(source, dest, name, **options)
    assert not dest.exists() or list(dest.iterdir()) == []
    return caught.value.message


def _assert_stored(result: IngestedAudio, dest: Path) -> None:
    assert result.path.parent == dest
    assert GENERATED.fullmatch(result.path.name)
    assert [path.name for path in dest.iterdir()] == [result.path.name]  # no temp file left behind
    assert result.size_bytes == result.path.stat().st_size


@pytest.mark.parametrize(('name', 'expected'), [
    ('wav16', ('wav', 44100, 2, 16)), ('wav24', ('wav', 44100, 2, 24)), ('wavfloat', ('wav', 44100, 2, 32)),
    ('mono8k', ('wav', 8000, 1, 16)), ('wav96k', ('wav', 96000, 2, 24)), ('flac', ('flac', 44100, 2, 24)),
    ('aiff', ('aiff', 44100, 2, 16)), ('mp3', ('mp3', 44100, 2, None)), ('m4a', ('m4a', 44100, 2, None)),
])
def test_each_format_is_stored_under_a_generated_name_with_its_properties(
        sources: dict[str, Path], dest: Path, name: str, expected: tuple[str, int, int, int | None]) -> None:
    audio_format, rate, channels, bit_depth = expected
    lossy = bit_depth is None

    result = _ingest(sources[name], dest, f'User Track.{audio_format}')

    _assert_stored(result, dest)
    assert result.format == audio_format
    assert result.path.suffix == f'.{audio_format}'
    assert 'User' not in result.path.name
    assert result.display_name == f'User Track.{audio_format}'
    assert result.duration_s == pytest.approx(2.0, abs=0.05)
    assert (result.sample_rate, result.channels, result.bit_depth) == (rate, channels, bit_depth)
    assert result.peak_db == pytest.approx(20 * np.log10(0.5), abs=4.0 if lossy else 0.1)  # codecs overshoot
    assert result.path.read_bytes() == sources[name].read_bytes()


def test_a_file_object_is_read_and_the_stem_is_made_safe(sources: dict[str, Path], dest: Path) -> None:
    result = _ingest(io.BytesIO(sources['flac'].read_bytes()), dest, 'x.flac', stem='../Täke 1')

    _assert_stored(result, dest)
    assert re.fullmatch(r'Take_1-[0-9a-f]{12}\.flac', result.path.name)


def test_the_format_comes_from_the_bytes_not_the_name(sources: dict[str, Path], dest: Path) -> None:
    result = _ingest(sources['mp3'], dest, 'actually.wav')

    assert result.format == 'mp3'
    assert result.path.suffix == '.mp3'


def test_an_empty_file_is_refused(dest: Path, tmp_path: Path) -> None:
    empty = tmp_path / 'empty.wav'
    empty.touch()

    assert _refused(b'', dest, 'song.wav') == 'That file is empty.'
    assert _refused(empty, dest, 'song.wav') == 'That file is empty.'


@pytest.mark.parametrize(('data', 'name'), [
    (b'R', 'one-byte.wav'),
    (np.random.default_rng(7).bytes(50_000), 'noise.wav'),
    (b'Verse one\nChorus\n' * 200, 'song.mp3'),
    (b'ffconcat version 1.0\nfile /etc/passwd\n', 'song.wav'),
    (b'\xff\xfb\x90\x00' + bytes(60) + b'not a second frame header', 'fake-sync.mp3'),
])
def test_bytes_that_are_not_audio_are_refused(dest: Path, data: bytes, name: str) -> None:
    assert _refused(data, dest, name) == NOT_AUDIO


def test_an_hls_playlist_named_mp3_is_refused_and_never_followed(dest: Path, tmp_path: Path) -> None:
    playlist = b'#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n'
    secret = PASSWD.read_bytes()[:20] if PASSWD.exists() else b'root:'

    message = _refused(playlist, dest, 'hit.mp3')

    assert message == NOT_AUDIO
    assert secret.decode(errors='replace') not in message
    assert sniff_format(playlist.ljust(64, b'\n')) is None
    # Even if it reached ffmpeg, the forced mp3 demuxer reads no playlist.
    disguised = tmp_path / 'hit.mp3'
    disguised.write_bytes(playlist)
    with pytest.raises(audio_io.AudioError):
        audio_io.decode(disguised, input_format='mp3')


def test_a_png_renamed_wav_is_refused(dest: Path) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))

    png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0))
           + chunk(b'IDAT', zlib.compress(b'\x00\xff\x00\x00')) + chunk(b'IEND', b''))

    assert _refused(png, dest, 'cover.wav') == NOT_AUDIO


def test_an_mp4_without_an_audio_stream_is_not_audio(sources: dict[str, Path], dest: Path) -> None:
    assert _refused(sources['video'], dest, 'clip.m4a') == NOT_AUDIO


def test_a_wav_cut_to_half_its_promised_length_is_damaged(sources: dict[str, Path], dest: Path) -> None:
    whole = sources['wav16'].read_bytes()

    assert _refused(whole[: len(whole) // 2 + 22], dest, 'cut.wav') == DAMAGED


@pytest.mark.parametrize('name', ['mp3', 'flac', 'aiff', 'm4a'])
def test_other_formats_cut_short_are_damaged(sources: dict[str, Path], dest: Path, name: str) -> None:
    whole = sources[name].read_bytes()

    assert _refused(whole[:500], dest, f'cut.{name}') == DAMAGED
    assert _refused(whole[: len(whole) // 2], dest, f'half.{name}') == DAMAGED


def test_digital_silence_is_refused(sources: dict[str, Path], dest: Path) -> None:
    assert _refused(sources['silence'], dest, 'quiet.wav') == 'That audio is silent.'


class _EndlessReader(io.RawIOBase):
    """Would serve 10x the limit if read to the end; counts what was asked of it."""

    def __init__(self, head: bytes, total: int) -> None:
        self.head, self.total, self.served = head, total, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.total - self.served if size < 0 else min(size, self.total - self.served)
        start = self.served
        self.served += size
        body = self.head[start:start + size]
        return body + bytes(size - len(body))


def test_an_oversize_file_is_refused_without_reading_it_all(sources: dict[str, Path], dest: Path) -> None:
    max_bytes = 256 * 1024
    reader = _EndlessReader(sources['wav16'].read_bytes(), 10 * max_bytes)

    message = _refused(reader, dest, 'big.wav', max_bytes=max_bytes)

    assert message == 'That file is larger than 0.25 MB.'
    assert reader.served <= max_bytes + 1


def test_an_oversize_path_is_refused(sources: dict[str, Path], dest: Path) -> None:
    message = _refused(sources['wav96k'], dest, 'big.wav', max_bytes=512 * 1024)

    assert message == 'That file is larger than 0.5 MB.'
    assert _ingest(sources['wav16'], dest, max_bytes=sources['wav16'].stat().st_size).format == 'wav'


def test_a_format_outside_allowed_is_refused(sources: dict[str, Path], dest: Path) -> None:
    message = _refused(sources['mp3'], dest, 'song.mp3', allowed=('wav',))

    assert message == 'That file is not audio we can use (WAV).'
    assert _refused(sources['mp3'], dest, 'song.mp3', allowed=('wav', 'flac')) == \
        'That file is not audio we can use (WAV or FLAC).'


def test_a_decode_past_the_timeout_is_refused(sources: dict[str, Path], dest: Path) -> None:
    assert _refused(sources['wav96k'], dest, 'slow.wav', timeout_s=0.001) == 'That audio took too long to read.'


@pytest.mark.parametrize(('name', 'shown'), [
    ('../../etc/passwd.wav', '../../etc/passwd.wav'),
    ('<img src=x onerror=alert(1)>.wav', '<img src=x onerror=alert(1)>.wav'),
    ('CON.wav', 'CON.wav'),
    ('my\nsong\r\n.wav', 'my song .wav'),
    ('evil\u202ewav.exe', 'evilwav.exe'),
    ('Cafe\u0301 \x00\x1b[31m.wav', 'Café [31m.wav'),
    ('', 'Untitled'),
    ('..', '..'),
])
def test_hostile_names_only_affect_the_display_name(sources: dict[str, Path], dest: Path, name: str,
                                                     shown: str) -> None:
    result = _ingest(sources['wav16'], dest, name)

    _assert_stored(result, dest)
    assert result.path.resolve().is_relative_to(dest.resolve())
    assert result.display_name == shown


def test_a_long_name_is_shortened_for_display_keeping_its_extension(sources: dict[str, Path], dest: Path) -> None:
    result = _ingest(sources['wav16'], dest, 'a' * 500 + '.wav')

    _assert_stored(result, dest)
    assert len(result.display_name) == 120
    assert result.display_name.endswith('a….wav')


def test_sniff_format_reads_magic_bytes(sources: dict[str, Path]) -> None:
    heads = {name: path.read_bytes()[:4096] for name, path in sources.items()}
    mp3 = sources['mp3'].read_bytes()
    id3_end = 10 + ((mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9])

    assert [sniff_format(heads[name]) for name in ('wav16', 'wav96k', 'flac', 'aiff', 'mp3', 'm4a')] == \
        ['wav', 'wav', 'flac', 'aiff', 'mp3', 'm4a']
    assert sniff_format(mp3[id3_end:id3_end + 4096]) == 'mp3'  # bare frames: two syncs in a row
    assert sniff_format(b'RF64\xff\xff\xff\xffWAVEds64'.ljust(64, b'\0')) == 'wav'
    assert sniff_format(b'\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic'.ljust(64, b'\0')) is None
    assert sniff_format(b'#EXTM3U\n'.ljust(64, b' ')) is None
    assert set(AUDIO_FORMATS) == {'wav', 'mp3', 'aiff', 'flac', 'm4a'}
