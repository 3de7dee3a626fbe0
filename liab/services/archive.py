"""Project archives: one .zip holding a project's memory and media, to move it between installs or accounts.

Archives come from users, so import trusts nothing in them: every entry name, size and type is checked
before a byte is written, and media land in a hidden folder that is renamed into place only at the end.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import stat
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlmodel import Session

from liab import media
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import Project, ProjectPublic, new_id, utcnow
from liab.services import analytics, projects

ARCHIVE_FORMAT = 'label-in-a-box-project'
ARCHIVE_VERSION = 1
MAX_ARCHIVE_BYTES = 1024 ** 3  # the .zip itself, and separately everything in it once unpacked
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # zip bombs: a real project's audio and images never shrink this much
RATIO_CHECKED_ABOVE = 1024 ** 2  # small entries (JSON, silence) may compress well without harm
MAX_JSON_BYTES = 64 * 1024 ** 2
DEFAULT_NAME = 'Imported project'

MANIFEST = 'manifest.json'
PROJECT_JSON = 'project.json'
ANALYTICS_JSON = 'analytics.json'  # the Analytics stage's figures; only in archives of projects that have some
MEDIA = 'media'
NOT_AN_ARCHIVE = 'That file is not a Label-in-a-Box project archive.'
DAMAGED = 'That project archive is damaged and cannot be read.'

_log = logging.getLogger('liab.archive')


def export_project(*, session: Session, project_id: str, user_id: str) -> Path:
    """A .zip of the user's project under data_dir/tmp; the caller sends it and deletes it."""
    project = projects.get_owned_project(session=session, project_id=project_id, user_id=user_id)
    now = utcnow()
    folder = get_settings().data_dir / 'tmp'
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f'{media.safe_name(project.name, default="project")}-{secrets.token_hex(6)}.zip'
    manifest = {'format': ARCHIVE_FORMAT, 'version': ARCHIVE_VERSION, 'exported_at': now.isoformat(),
                'name': project.name, 'project_id': project.id}
    memory = {'name': project.name, 'saved': project.saved, 'data': project.data}
    figures = analytics.archive_entries(session=session, project_id=project.id)
    with media.atomic_path(target) as tmp, zipfile.ZipFile(tmp, 'w', allowZip64=True) as archive:
        _write_json(archive, MANIFEST, manifest, now)
        _write_json(archive, PROJECT_JSON, memory, now)
        if figures:
            _write_json(archive, ANALYTICS_JSON, figures, now)
        for path, parts in _media_files(media.project_dir(project.id)):
            _write_media(archive, path, '/'.join((MEDIA, *parts)), now)
    return target


def import_project(*, session: Session, user_id: str, archive: Path,
                   max_bytes: int = MAX_ARCHIVE_BYTES) -> ProjectPublic:
    """A new project of the user made from an archive; BadInput, with nothing changed, for anything suspect."""
    if not archive.is_file():
        raise BadInput(NOT_AN_ARCHIVE)
    if archive.stat().st_size > max_bytes:
        raise BadInput(f'That archive is larger than {_size(max_bytes)}.')
    with archive.open('rb') as handle:
        _check_directory_size(handle)
        try:
            zipped = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise BadInput(NOT_AN_ARCHIVE) from None
        with zipped:
            media_entries = _checked_entries(zipped, max_bytes)
            name, data = _read_memory(zipped)
            figures = _read_json(zipped, ANALYTICS_JSON) if ANALYTICS_JSON in zipped.namelist() else []
            return _create(session=session, user_id=user_id, zipped=zipped, media_entries=media_entries,
                           name=name, data=data, figures=figures)


def _create(*, session: Session, user_id: str, zipped: zipfile.ZipFile,
            media_entries: list[tuple[zipfile.ZipInfo, tuple[str, ...]]], name: str,
            data: dict[str, Any], figures: Any) -> ProjectPublic:
    project_id = new_id()
    final = media.project_dir(project_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    # Hidden and beside the final folder: never served, and the last rename stays on one file system.
    staging = final.parent / f'.import-{project_id}'
    staging.mkdir()
    try:
        for info, parts in media_entries:
            _extract(zipped, info, staging.joinpath(*parts))
        row = Project(id=project_id, owner_id=user_id, browser_id=None, name=name, saved=False, data=data)
        session.add(row)
        session.flush()
        analytics.restore_entries(session=session, project_id=project_id, entries=figures)
        session.flush()
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ProjectPublic.model_validate(row)


def _check_directory_size(handle: BinaryIO) -> None:
    # zipfile builds an object for every entry when it opens a file: read the end record first, so a
    # small file claiming millions of entries is refused before that.
    end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
    if end is None:
        raise BadInput(NOT_AN_ARCHIVE)
    entries, directory_bytes = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if entries > MAX_ENTRIES or directory_bytes > MAX_ENTRIES * 1024:
        raise BadInput(f'That archive holds more than {MAX_ENTRIES:,} files.')
    handle.seek(0)


def _checked_entries(zipped: zipfile.ZipFile, max_bytes: int) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """The media files to extract with their path parts, after checking every entry of the archive."""
    infos = zipped.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BadInput(f'That archive holds more than {MAX_ENTRIES:,} files.')
    seen: set[str] = set()
    folders: set[tuple[str, ...]] = set()
    files: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    total = 0
    for info in infos:
        name = info.filename
        parts = _checked_name(name)
        if name in seen:
            raise BadInput(f'The archive holds {_shown(name)} twice.')
        seen.add(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise BadInput(f'The archive holds a link ({_shown(name)}); links are not imported.')
        if info.flag_bits & 0x1:
            raise BadInput('That archive is encrypted; export the project again without a password.')
        total += info.file_size
        if total > max_bytes:
            raise BadInput(f'That archive unpacks to more than {_size(max_bytes)}.')
        if info.file_size > RATIO_CHECKED_ABOVE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BadInput(f'{_shown(name)} in the archive unpacks to an implausible size; it was not imported.')
        for depth in range(2, len(parts)):
            folders.add(parts[:depth])
        if parts[0] == MEDIA and not info.is_dir():
            files.append((info, parts[1:]))
    if any((MEDIA, *parts) in folders for _info, parts in files):
        raise BadInput('The archive holds a file and a folder of the same name.')
    return files


def _checked_name(name: str) -> tuple[str, ...]:
    """The parts of an entry name we could have written ourselves; BadInput for anything else."""
    if not name or name.startswith('/') or '\\' in name or ':' in name:
        raise BadInput(f'The archive holds an unsafe file name ({_shown(name)}); it was not imported.')
    parts = tuple(name.removesuffix('/').split('/'))
    if any(part in {'', '.', '..'} or part.startswith('.') for part in parts):
        raise BadInput(f'The archive holds an unsafe file name ({_shown(name)}); it was not imported.')
    if name in {MANIFEST, PROJECT_JSON, ANALYTICS_JSON, f'{MEDIA}/'}:
        return parts
    if parts[0] != MEDIA or len(parts) < 2:
        raise BadInput(f'The archive holds {_shown(name)}, which is not part of a project.')
    # Refuse rather than rename: asset paths in the project memory must keep pointing at the same files.
    if any(part != media.safe_name(part) for part in parts[1:]):
        raise BadInput(f'The archive holds an unsafe file name ({_shown(name)}); it was not imported.')
    return parts


def _read_memory(zipped: zipfile.ZipFile) -> tuple[str, dict[str, Any]]:
    manifest = _read_json(zipped, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get('format') != ARCHIVE_FORMAT:
        raise BadInput(NOT_AN_ARCHIVE)
    version = manifest.get('version')
    if isinstance(version, bool) or version != ARCHIVE_VERSION:
        shown = version if isinstance(version, int) else _shown(str(version))
        raise BadInput(f'That archive uses project format version {shown}; '
                       f'this app reads version {ARCHIVE_VERSION}.')
    memory = _read_json(zipped, PROJECT_JSON)
    if not isinstance(memory, dict) or not isinstance(memory.get('data'), dict):
        raise BadInput('The project memory in that archive is not valid.')
    raw_name = memory.get('name')
    name = ' '.join(raw_name.split())[: projects.MAX_NAME].strip() if isinstance(raw_name, str) else ''
    return name or DEFAULT_NAME, memory['data']


def _read_json(zipped: zipfile.ZipFile, name: str) -> Any:
    try:
        info = zipped.getinfo(name)
    except KeyError:
        raise BadInput(NOT_AN_ARCHIVE) from None
    if info.file_size > MAX_JSON_BYTES:
        raise BadInput(f'{name} in that archive is larger than {_size(MAX_JSON_BYTES)}.')
    try:
        # NaN and Infinity are not JSON: the database's JSON functions would choke on them later.
        return json.loads(_read(zipped, info), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadInput(f'{name} in that archive is not valid JSON.') from None


def _extract(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open('xb') as sink:
        _copy(zipped, info, sink)


def _read(zipped: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return zipped.read(info)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
        raise BadInput(DAMAGED) from None


def _copy(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, sink: BinaryIO) -> None:
    written = 0
    try:
        with zipped.open(info) as source:
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                if written > info.file_size:  # zipfile stops at the declared size; this guard costs nothing
                    raise BadInput(DAMAGED)
                sink.write(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
        raise BadInput(DAMAGED) from None


def _media_files(root: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Regular files under the project folder whose every part is one of our safe names, in a stable order."""
    if not root.is_dir() or root.is_symlink():
        return
    for current, dirnames, filenames in os.walk(root):
        here = Path(current)
        dirnames[:] = sorted(d for d in dirnames if _exportable(here / d, directory=True))
        for name in sorted(filenames):
            path = here / name
            if _exportable(path, directory=False):
                yield path, path.relative_to(root).parts


def _exportable(path: Path, *, directory: bool) -> bool:
    name = path.name
    if name.startswith('.') or path.is_symlink():  # hidden names are writes still in progress
        return False
    if name != media.safe_name(name):
        _log.warning('Not exporting %s: its name is not one the app writes', path)
        return False
    return path.is_dir() if directory else path.is_file()


def _write_json(archive: zipfile.ZipFile, name: str, value: Any, when: datetime) -> None:
    info = _entry(name, when)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, json.dumps(value, ensure_ascii=False, indent=1).encode('utf-8'))


def _write_media(archive: zipfile.ZipFile, path: Path, name: str, when: datetime) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
    except FileNotFoundError:  # deleted since the folder was listed
        return
    with os.fdopen(fd, 'rb') as source:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return
        info = _entry(name, when)
        # Stored, not deflated: audio and images barely shrink, and a long silent WAV would shrink enough to
        # trip the zip-bomb check on import.
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = status.st_size  # decides whether the entry needs ZIP64
        with archive.open(info, 'w') as sink:
            shutil.copyfileobj(source, sink, 1024 * 1024)


def _entry(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _refuse_constant(constant: str) -> Any:
    raise ValueError(f'{constant} is not allowed')


def _shown(name: str) -> str:
    return repr(name if len(name) <= 80 else f'{name[:77]}...')


def _size(limit: int) -> str:
    for unit, factor in (('GB', 1024 ** 3), ('MB', 1024 ** 2), ('kB', 1024)):
        if limit >= factor:
            return f'{limit / factor:.3g} {unit}'
    return f'{limit} bytes'
