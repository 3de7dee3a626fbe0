"""Per-project media folders: safe names, atomic writes, and the URLs the browser may fetch.

Every path under the media dir goes through this module, so the folder can later be swapped for a
shared volume or an object store.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from liab.config import get_settings
from liab.errors import BadInput, NotFound

_UNSAFE = re.compile(r'[^A-Za-z0-9._-]+')
MAX_NAME = 80


def project_dir(project_id: str, *, create: bool = False) -> Path:
    folder = get_settings().media_dir / _checked_id(project_id)
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def remove_project_dir(project_id: str) -> None:
    """Delete a project's folder. It is first renamed to a hidden name, so nothing half-deleted is ever served."""
    folder = project_dir(project_id)
    if not folder.exists():
        return
    doomed = folder.with_name(f'.deleting-{project_id}-{uuid.uuid4().hex[:8]}')
    os.replace(folder, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def safe_name(name: str, *, default: str = 'file') -> str:
    """A file name that is safe on every file system and never a path: 'Mÿ Song!.wav' -> 'My_Song.wav'."""
    ascii_name = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode()
    ascii_name = PurePosixPath(ascii_name.replace('\\', '/')).name
    cleaned = _UNSAFE.sub('_', ascii_name).strip('._-')
    stem, dot, suffix = cleaned.rpartition('.')
    if not dot:
        stem, suffix = cleaned, ''
    stem = stem[: MAX_NAME - len(suffix) - 1].strip('._-') or default
    return f'{stem}.{suffix.lower()}' if suffix else stem


def resolve(project_id: str, relpath: str) -> Path:
    """The file a media URL names, refusing anything that leaves the project's folder."""
    parts = PurePosixPath(relpath).parts
    # Hidden names include the '.part' files of writes still in progress: those are never served.
    if not parts or any(part.startswith(('.', '/')) or '\\' in part for part in parts):
        raise NotFound('No such file.')
    root = project_dir(project_id).resolve()
    path = (root / Path(*parts)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound('No such file.')
    return path


def relative(project_id: str, path: Path) -> str:
    return path.resolve().relative_to(project_dir(project_id).resolve()).as_posix()


def url(project_id: str, relpath: str) -> str:
    return f'/media/{_checked_id(project_id)}/{quote(relpath)}'


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode('utf-8'))


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` that replaces it only when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.part')
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, 'rb+') as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _checked_id(project_id: str) -> str:
    try:
        canonical = str(uuid.UUID(project_id))
    except (ValueError, AttributeError, TypeError):
        canonical = None
    if canonical != project_id:
        raise BadInput('That is not a project id.')
    return canonical
