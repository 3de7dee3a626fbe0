"""`release_pack.zip` (issue 9 item 8): fixed entry names, the sha256 of every file in metadata.json, atomic.

Entry names come from ENTRIES only, never from titles or file names (Python's zipfile keeps `../` in names,
REFERENCE.md). Required: the three masters, the three covers and the split sheet. Optional, left out of the ZIP
(and out of metadata.json's file list) when not given: the lyrics PDF (an instrumental has none) and the three
copy texts (the artist may skip them). metadata/metadata.json is always written here, from `metadata`.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from liab import media

Progress = Callable[[float, str], None]

METADATA = 'metadata/metadata.json'
ENTRIES = ('audio/mixed_mastered.wav', 'audio/mixed_mastered_16bit.wav', 'audio/mixed_mastered.mp3',
           'cover/cover_3000.jpg', 'cover/cover_1500.jpg', 'cover/cover_vertical.jpg', 'lyrics/lyrics.pdf',
           METADATA, 'metadata/split_sheet.pdf', 'copy/release_description.txt', 'copy/press_pitch.txt',
           'copy/tagline.txt')
OPTIONAL = frozenset({'lyrics/lyrics.pdf', 'copy/release_description.txt', 'copy/press_pitch.txt',
                      'copy/tagline.txt'})
# Audio and JPEG are stored: MP3 and JPEG are compressed already, and deflate gains about 10 % on PCM at
# 5 to 10 times the time of copying it.
_STORED_SUFFIXES = ('.wav', '.mp3', '.jpg')
_CHUNK = 1 << 20
_MAGIC = {'.wav': (b'RIFF', b'RF64'), '.mp3': (b'ID3', b'\xff\xfb', b'\xff\xfa', b'\xff\xf3', b'\xff\xf2'),
          '.jpg': (b'\xff\xd8\xff',), '.pdf': (b'%PDF-',)}


def sha256_file(path: Path) -> str:
    with open(path, 'rb') as handle:
        return hashlib.file_digest(handle, 'sha256').hexdigest()


def build_pack(files: dict[str, Path], metadata: dict[str, Any], dest: Path, *,
               progress: Progress | None = None) -> dict[str, Any]:
    """Write the ZIP at `dest` (to a hidden temporary file that replaces it only when complete).

    `files` maps entry names (ENTRIES but metadata.json) to source files; ValueError names an unknown entry, a
    missing required one, or a file that is missing, empty or not of its entry's kind. `metadata` gets
    {'files': {entry: {'sha256', 'bytes'}}} for every other file in the ZIP (the caller's dict is not changed)
    and is written as UTF-8 JSON, indent 2, sorted keys. A file that changes while it is packed is caught by
    hashing it again as it is copied. Returns {'path', 'bytes', 'entries': [{'name', 'bytes'}], 'metadata'}."""
    report = progress or (lambda _f, _m: None)
    sources = _checked_sources(files)
    report(0.0, 'Hashing the files')
    hashes = {name: {'sha256': sha256_file(path), 'bytes': path.stat().st_size} for name, path in sources.items()}
    with_hashes = {**metadata, 'files': hashes}
    document = (json.dumps(with_hashes, ensure_ascii=False, indent=2, sort_keys=True) + '\n').encode('utf-8')
    names = [name for name in ENTRIES if name in sources or name == METADATA]
    total = sum(item['bytes'] for item in hashes.values()) + len(document) or 1
    done = 0
    entries = []
    dest = Path(dest)
    with media.atomic_path(dest) as temp, zipfile.ZipFile(temp, 'w', allowZip64=True) as archive:
        for name in names:
            report(0.05 + 0.95 * done / total, f'Packing {name}')
            if name == METADATA:
                archive.writestr(_info(name), document)
                size = len(document)
            else:
                size = _copy(sources[name], archive, _info(name), hashes[name]['sha256'])
            entries.append({'name': name, 'bytes': size})
            done += size
    report(1.0, 'Done')
    return {'path': dest, 'bytes': dest.stat().st_size, 'entries': entries, 'metadata': with_hashes}


def list_pack(path: Path) -> list[dict[str, Any]]:
    """[{'name', 'bytes'}] of the ZIP's entries in their order (bytes: unpacked size), for the file list.
    ValueError when the file is not a ZIP."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [{'name': info.filename, 'bytes': info.file_size} for info in archive.infolist()]
    except zipfile.BadZipFile as exc:
        raise ValueError('The release pack is damaged: build it again.') from exc


def _checked_sources(files: dict[str, Path]) -> dict[str, Path]:
    unknown = sorted(set(files) - set(ENTRIES))
    if unknown:
        raise ValueError(f'Not a release pack entry: {", ".join(map(str, unknown))}.')
    if METADATA in files:
        raise ValueError(f'{METADATA} is written from the metadata; do not pass a file for it.')
    missing = [name for name in ENTRIES if name not in files and name not in OPTIONAL and name != METADATA]
    if missing:
        raise ValueError(f'The release pack needs {", ".join(missing)}.')
    sources = {}
    for name, given in files.items():
        path = Path(given)
        if not path.is_file():
            raise ValueError(f'{name}: the file {path.name} is missing.')
        _check_kind(name, path)
        sources[name] = path
    return sources


def _check_kind(name: str, path: Path) -> None:
    """The first bytes must match the entry's kind (a mix-up of paths should not ship); texts must be UTF-8."""
    suffix = Path(name).suffix
    if suffix == '.txt':
        try:
            path.read_bytes().decode('utf-8')
        except UnicodeDecodeError:
            raise ValueError(f'{name}: the text is not UTF-8.') from None
        return
    with open(path, 'rb') as handle:
        head = handle.read(8)
    if not head.startswith(_MAGIC[suffix]):
        raise ValueError(f'{name}: the file is empty or not a {suffix.lstrip(".").upper()} file.')


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r-- when unpacked
    return info


def _copy(source: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, expected: str) -> int:
    digest = hashlib.sha256()
    size = 0
    with open(source, 'rb') as handle, archive.open(info, 'w', force_zip64=source.stat().st_size > 1 << 30) as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    if digest.hexdigest() != expected:
        raise ValueError(f'{info.filename} changed while the pack was built: build it again.')
    return size
