import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from liab.audio import io
from liab.release.pack import ENTRIES, METADATA, OPTIONAL, build_pack, list_pack, sha256_file

HOSTILE = '../../etc/passwd \x00 CON a/b\\c \u202e\U0001f525 ' + 'é' * 500


def _quiet(_fraction: float, _message: str) -> None:
    pass


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    """Placeholder files of each kind, stored under hostile names: only ENTRIES may name them in the ZIP."""
    folder = tmp_path / 'src'
    folder.mkdir()
    noise = np.random.default_rng(3).uniform(-0.1, 0.1, (4410, 2)).astype(np.float32)
    files = {
        'audio/mixed_mastered.wav': io.write_wav(noise, 44100, folder / '..evil 😀.wav', bits=24),
        'audio/mixed_mastered_16bit.wav': io.write_wav(noise, 44100, folder / 'x16.wav', bits=16),
        'audio/mixed_mastered.mp3': folder / 'song.mp3',
        'lyrics/lyrics.pdf': folder / 'lyrics.pdf',
        'metadata/split_sheet.pdf': folder / 'split.pdf',
        'copy/release_description.txt': folder / 'description.txt',
        'copy/press_pitch.txt': folder / 'pitch.txt',
        'copy/tagline.txt': folder / 'tagline.txt',
    }
    files['audio/mixed_mastered.mp3'].write_bytes(b'ID3\x04\x00\x00\x00\x00\x00\x00' + b'\xff\xfb\x90\x00' * 100)
    for name, size in (('cover/cover_3000.jpg', 48), ('cover/cover_1500.jpg', 24), ('cover/cover_vertical.jpg', 16)):
        files[name] = folder / f'{size}.jpg'
        Image.new('RGB', (size, size), (size, 0, 0)).save(files[name], 'JPEG')
    files['lyrics/lyrics.pdf'].write_bytes(b'%PDF-1.4\n% lyrics\n%%EOF\n')
    files['metadata/split_sheet.pdf'].write_bytes(b'%PDF-1.4\n% splits\n%%EOF\n')
    for name in ('copy/release_description.txt', 'copy/press_pitch.txt', 'copy/tagline.txt'):
        files[name].write_text(f'{name}: {HOSTILE} \U0001f3b6\n', encoding='utf-8')
    return files


def _metadata() -> dict:
    return {'title': HOSTILE, 'artist': 'שלום', 'bpm': 92, 'credits': [{'name': 'Mira', 'role': 'main', 'split': 100}]}


def test_pack_holds_exactly_the_entries_in_order(sources: dict[str, Path], tmp_path: Path) -> None:
    built = build_pack(sources, _metadata(), tmp_path / 'release_pack.zip', progress=_quiet)
    with zipfile.ZipFile(built['path']) as archive:
        assert archive.namelist() == list(ENTRIES)
        assert archive.testzip() is None
    assert [entry['name'] for entry in built['entries']] == list(ENTRIES)
    assert list_pack(built['path']) == built['entries']
    assert built['bytes'] == (tmp_path / 'release_pack.zip').stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ['release_pack.zip', 'src']  # no temporary file left


def test_optional_entries_are_left_out_cleanly(sources: dict[str, Path], tmp_path: Path) -> None:
    required = {name: path for name, path in sources.items() if name not in OPTIONAL}
    built = build_pack(required, _metadata(), tmp_path / 'pack.zip', progress=_quiet)
    expected = [name for name in ENTRIES if name not in OPTIONAL]
    assert [entry['name'] for entry in list_pack(built['path'])] == expected
    assert sorted(built['metadata']['files']) == sorted(set(expected) - {METADATA})


def test_metadata_json_hashes_match_the_packed_files(sources: dict[str, Path], tmp_path: Path) -> None:
    metadata = _metadata()
    built = build_pack(sources, metadata, tmp_path / 'pack.zip', progress=_quiet)
    assert 'files' not in metadata  # the caller's dict is left as it was
    with zipfile.ZipFile(built['path']) as archive:
        raw = archive.read(METADATA)
        written = json.loads(raw.decode('utf-8'))
        assert written == built['metadata']
        assert raw.decode('utf-8') == json.dumps(written, ensure_ascii=False, indent=2, sort_keys=True) + '\n'
        assert written['title'] == HOSTILE and written['credits'] == metadata['credits']
        assert set(written['files']) == set(ENTRIES) - {METADATA}
        for name, recorded in written['files'].items():
            content = archive.read(name)
            assert recorded == {'sha256': hashlib.sha256(content).hexdigest(), 'bytes': len(content)}, name
            assert recorded['sha256'] == sha256_file(sources[name])
    sizes = {entry['name']: entry['bytes'] for entry in built['entries']}
    assert sizes[METADATA] == len(raw)


def test_audio_and_jpeg_are_stored_and_text_is_deflated(sources: dict[str, Path], tmp_path: Path) -> None:
    built = build_pack(sources, _metadata(), tmp_path / 'pack.zip', progress=_quiet)
    with zipfile.ZipFile(built['path']) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert {name for name, kind in kinds.items() if kind == zipfile.ZIP_STORED} == {
        name for name in ENTRIES if name.endswith(('.wav', '.mp3', '.jpg'))}
    assert {name for name, kind in kinds.items() if kind == zipfile.ZIP_DEFLATED} == {
        name for name in ENTRIES if name.endswith(('.txt', '.json', '.pdf'))}


@pytest.mark.parametrize(('change', 'message'), [
    (lambda files: files.pop('cover/cover_1500.jpg'), 'cover/cover_1500.jpg'),
    (lambda files: files.pop('metadata/split_sheet.pdf'), 'metadata/split_sheet.pdf'),
    (lambda files: files.update({'../evil.txt': files['copy/tagline.txt']}), 'Not a release pack entry'),
    (lambda files: files.update({METADATA: files['copy/tagline.txt']}), 'written from the metadata'),
    (lambda files: files.update({'audio/mixed_mastered.wav': files['copy/tagline.txt']}), 'not a WAV'),
    (lambda files: files.update({'cover/cover_3000.jpg': files['lyrics/lyrics.pdf']}), 'not a JPG'),
    (lambda files: files['lyrics/lyrics.pdf'].unlink(), 'lyrics/lyrics.pdf'),
    (lambda files: files['copy/tagline.txt'].write_bytes(b'\xff\xfe bad'), 'not UTF-8'),
])
def test_missing_unknown_or_mismatched_files_are_refused(sources: dict[str, Path], tmp_path: Path, change,
                                                         message: str) -> None:
    change(sources)
    with pytest.raises(ValueError, match=message):
        build_pack(sources, _metadata(), tmp_path / 'pack.zip', progress=_quiet)
    assert not (tmp_path / 'pack.zip').exists()


def test_a_failure_mid_way_keeps_the_previous_pack_and_leaves_no_temporary_file(sources: dict[str, Path],
                                                                                 tmp_path: Path) -> None:
    dest = tmp_path / 'out' / 'release_pack.zip'
    build_pack(sources, _metadata(), dest, progress=_quiet)
    before = dest.read_bytes()

    def cancel(_fraction: float, message: str) -> None:
        if message == 'Packing cover/cover_1500.jpg':
            raise RuntimeError('cancelled')

    with pytest.raises(RuntimeError, match='cancelled'):
        build_pack(sources, {**_metadata(), 'title': 'Other'}, dest, progress=cancel)
    assert dest.read_bytes() == before
    assert [p.name for p in dest.parent.iterdir()] == ['release_pack.zip']


def test_a_file_changed_while_packing_fails_the_build(sources: dict[str, Path], tmp_path: Path) -> None:
    dest = tmp_path / 'release_pack.zip'
    build_pack(sources, _metadata(), dest, progress=_quiet)
    before = dest.read_bytes()

    def meddle(_fraction: float, message: str) -> None:
        if message == 'Packing copy/tagline.txt':
            with open(sources['copy/tagline.txt'], 'a', encoding='utf-8') as handle:
                handle.write('changed after hashing')

    with pytest.raises(ValueError, match='changed while the pack was built'):
        build_pack(sources, _metadata(), dest, progress=meddle)
    assert dest.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['release_pack.zip', 'src']


def test_list_pack_refuses_a_damaged_file(tmp_path: Path) -> None:
    (tmp_path / 'pack.zip').write_bytes(b'PK\x03\x04 not really')
    with pytest.raises(ValueError, match='damaged'):
        list_pack(tmp_path / 'pack.zip')


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000
    (tmp_path / 'blob').write_bytes(data)
    assert sha256_file(tmp_path / 'blob') == hashlib.sha256(data).hexdigest()
