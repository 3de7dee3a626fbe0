"""Per-project media folders: safe names, atomic writes, and the URLs the browser may fetch.

Every path under the media dir goes through this module, so the folder can later be swapped for a
shared volume or an object store.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import socket
import tempfile
import time
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
TEMP_SUFFIX = '.part'
# Hidden names of writes in progress: `.<name>.pid<writer>.<random>.part[.ext]` (files and folders; temp_prefix),
# older `.part` names without the writer, and the job progress files (liab/jobs.py) with their own temp files.
_TEMP = re.compile(r'^\..*\.part(\.\w+)?$')
_WRITER = re.compile(r'\.pid(\d+)-([0-9a-f]{8})\.[^.]+\.part(\.\w+)?$')
# Which machine wrote: with the media folder shared between instances (README), only this machine's writers can be
# checked by process id; another machine's temp files count as dead only when untouched for UNTAGGED_STALE_S.
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_JOB_FILE = re.compile(r'^\.(job-[0-9a-f]+\.json|progress-.+)$')
_DELETING = '.deleting-'
UNTAGGED_STALE_S = 3600  # a write whose name does not say who writes it counts as dead after an hour untouched
JOB_FILE_STALE_S = 60  # a running job rewrites its progress file at least this often (jobs on another instance)
log = logging.getLogger(__name__)


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
    doomed = folder.with_name(f'{_DELETING}{project_id}-{uuid.uuid4().hex[:8]}')
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
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, 'rb+') as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def temp_prefix(name: str) -> str:
    """How the hidden name of a write of `name` starts: it names the writing process, so that the sweep at start-up
    can tell a write that died with its process (SIGKILL, power loss) from one still under way."""
    return f'.{name}.pid{os.getpid()}-{_HOST}.'


def temp_dir(parent: Path, name: str) -> Path:
    """A new hidden folder in `parent` for files that are moved into place together later; swept like a `.part`."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=parent, prefix=temp_prefix(name), suffix=TEMP_SUFFIX))


def sweep_dead_writes(media_dir: Path | None = None) -> list[Path]:
    """Remove what killed writes left in the media dir: their `.part` files and folders, job progress files and
    folders half deleted. For the app's start, before it serves: a write whose process is alive is left alone, and
    so are temp files of unknown writers that were touched within the hour. Returns what was removed."""
    root = media_dir or get_settings().media_dir
    removed: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in list(dirs):
            if (here == root and name.startswith(_DELETING)) or _dead_write(here / name):
                dirs.remove(name)
                shutil.rmtree(here / name, ignore_errors=True)
                removed.append(here / name)
        for name in files:
            if (_JOB_FILE.match(name) and _untouched(here / name, JOB_FILE_STALE_S)) or _dead_write(here / name):
                (here / name).unlink(missing_ok=True)
                removed.append(here / name)
    if removed:
        log.info('removed %d temporary files of writes that never finished', len(removed))
    return removed


def _untouched(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def _dead_write(path: Path) -> bool:
    if not _TEMP.match(path.name):
        return False
    try:
        changed = path.stat().st_mtime
    except OSError:
        return False
    writer = _WRITER.search(path.name)
    if writer is None or writer.group(2) != _HOST:
        return time.time() - changed > UNTAGGED_STALE_S
    return not _alive_since(int(writer.group(1)), changed)


def _alive_since(pid: int, moment: float) -> bool:
    """Whether process `pid` runs and was already running at `moment` (so a reused pid does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: alive
    started = _start_time(pid)
    return started is None or started <= moment + 1


def _start_time(pid: int) -> float | None:
    """When process `pid` started (Linux, from /proc), None where that cannot be read."""
    try:
        stat = Path(f'/proc/{pid}/stat').read_text().rpartition(')')[2].split()
        boot = next(line for line in Path('/proc/stat').read_text().splitlines() if line.startswith('btime '))
        return float(boot.split()[1]) + int(stat[19]) / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _checked_id(project_id: str) -> str:
    try:
        canonical = str(uuid.UUID(project_id))
    except (ValueError, AttributeError, TypeError):
        canonical = None
    if canonical != project_id:
        raise BadInput('That is not a project id.')
    return canonical
