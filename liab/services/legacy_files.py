"""Reading an old deployment's files for the legacy import: which saved projects and session drafts it holds, JSON
read with care, session folders listed and copied.

The old tree may hold anything: links to files outside it, device files, names no file system here likes. Nothing
is followed and nothing but regular files is read; every name is made safe, and the new names are remembered so
the project memory can point at them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from liab import media

if TYPE_CHECKING:
    from liab.services.legacy import LegacyReport

MAX_JSON_BYTES = 64 * 1024 ** 2  # the same cap as a project archive's memory (liab.services.archive)
MAX_DEPTH = 16
DATA_FILES = frozenset({'project.json', 'schedule.json'})  # a session's memory, not media: they become the data


class Broken(Exception):
    """A file that cannot be read as what it should be; the message says why, for the report."""


@dataclass(frozen=True)
class MediaFile:
    source: Path
    old: str  # the path under the session folder, as the old app wrote it ('stems/My Take.wav')
    new: str  # the safe path under the new project's folder ('stems/My_Take.wav')
    size: int
    shown: str  # the file as the report names it ('media/u1/s1/stems/My Take.wav')


@dataclass
class SessionScan:
    files: list[MediaFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path shown, why)

    @property
    def renamed(self) -> int:
        return sum(1 for item in self.files if item.old != item.new)

    def mapping(self) -> dict[str, str]:
        return {item.old: item.new for item in self.files}


def plain_name(name: Any) -> bool:
    """True for one ordinary path part: what a user or session id must be before it names a folder."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and not name.startswith('.')
            and not any(char in name for char in '/\\\0'))


def read_json(path: Path) -> Any:
    """The JSON in a regular file (never through a link); Broken with the reason otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
    except OSError as exc:
        raise Broken('a link' if path.is_symlink() else f'unreadable: {exc.strerror or exc}') from None
    with os.fdopen(fd, 'rb') as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise Broken('not a regular file')
        if status.st_size > MAX_JSON_BYTES:
            raise Broken(f'larger than {MAX_JSON_BYTES // 1024 ** 2} MB')
        try:
            raw = handle.read(MAX_JSON_BYTES + 1)
        except OSError as exc:
            raise Broken(f'unreadable: {exc.strerror or exc}') from None
    try:
        return json.loads(raw.decode('utf-8-sig'), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise Broken('not UTF-8 text') from None
    except json.JSONDecodeError as exc:
        raise Broken(f'not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}') from None
    except (ValueError, RecursionError):
        raise Broken('not valid JSON') from None


def read_text(path: Path, limit: int) -> str | None:
    """A small text file's content (invalid UTF-8 replaced), or None when it is not a readable regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
    except OSError:
        return None
    with os.fdopen(fd, 'rb') as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        try:
            return handle.read(limit).decode('utf-8', 'replace')
        except OSError:
            return None


def scan_session(folder: Path, shown: str) -> SessionScan:
    """The media files of a session folder with their safe new paths; links, devices and the like are refused,
    hidden files (an old app's temporary files) skipped. `shown` is the folder as the report names it."""
    scan = SessionScan()
    _walk(folder, shown, (), (), scan)
    return scan


def copy_files(scan: SessionScan, staging: Path) -> SessionScan:
    """Copy the scanned files into `staging` (a new folder); returns what was copied. A file that vanished or
    turned into something else since the scan is refused, not copied; a failure while copying (a full disk) raises
    OSError, and the caller drops the whole project."""
    copied = SessionScan(refused=list(scan.refused))
    for item in scan.files:
        target = staging.joinpath(*PurePosixPath(item.new).parts)
        try:
            size = _copy_regular(item.source, target)
        except _NotRegular as exc:
            copied.refused.append((item.shown, str(exc)))
            continue
        copied.files.append(MediaFile(item.source, item.old, item.new, size, item.shown))
    return copied


# what to import ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    source: str  # the old file, relative to the old root: the import's idempotence key
    user: str  # the old user id
    memory: dict[str, Any]
    session: str | None  # the old session folder holding its media
    saved_as: dict[str, Any] | None  # a saved project's fields besides projectData; None for a session's draft



def find_projects(root: Path, users: Collection[str], unowned: dict[str, str], report: LegacyReport) -> list[Plan]:
    """Every saved project and session draft of the users in `users` (old ids); what cannot be read or has no
    owner goes into the report, with `unowned` saying why for the old ids that own nothing here."""
    saved = _saved_plans(root, users, unowned, report)
    return [*saved, *_session_plans(root, users, unowned, saved, report)]


def _saved_plans(root: Path, users: Collection[str], unowned: dict[str, str], report: LegacyReport) -> list[Plan]:
    plans = []
    for user_dir, user in _user_folders(root / 'data' / 'projects', 'data/projects', users, unowned, report):
        for path in sorted(user_dir.iterdir()):
            if path.name.startswith('.') or path.suffix != '.json':
                continue
            shown = f'data/projects/{user}/{path.name}'
            try:
                raw = read_json(path)
            except Broken as exc:
                report.broken.append((shown, str(exc)))
                continue
            if not isinstance(raw, dict) or not isinstance(raw.get('projectData'), dict):
                report.broken.append((shown, 'not a saved project: it has no projectData object'))
                continue
            memory = raw['projectData']
            plans.append(Plan(shown, user, memory, _session_of(root, user, memory),
                               {key: value for key, value in raw.items() if key != 'projectData'}))
    return plans


def _session_plans(root: Path, users: Collection[str], unowned: dict[str, str], saved: list[Plan],
                   report: LegacyReport) -> list[Plan]:
    used = {(plan.user, plan.session): plan for plan in saved if plan.session}
    plans = []
    for user_dir, user in _user_folders(root / 'media', 'media', users, unowned, report):
        for folder in sorted(user_dir.iterdir()):
            shown = f'media/{user}/{folder.name}'
            if folder.name.startswith('.'):
                continue
            if folder.is_symlink() or not folder.is_dir():
                report.refused[shown] = 'a link' if folder.is_symlink() else 'not in a session folder'
                continue
            memory_file = folder / 'project.json'
            if not os.path.lexists(memory_file):
                if (user, folder.name) not in used:
                    report.skipped.append((shown, 'no project.json, and no saved project uses it'))
                continue
            try:
                raw = read_json(memory_file)
            except Broken as exc:
                report.broken.append((f'{shown}/project.json', str(exc)))
                continue
            if not isinstance(raw, dict):
                report.broken.append((f'{shown}/project.json', 'not a project memory object'))
                continue
            twin = used.get((user, folder.name))
            if twin is not None and _comparable(twin.memory) == _comparable(raw):
                report.sessions_same += 1
                continue
            plans.append(Plan(f'{shown}/project.json', user, raw, folder.name, None))
    return plans


def _user_folders(folder: Path, shown: str, users: Collection[str], unowned: dict[str, str],
                  report: LegacyReport) -> list[tuple[Path, str]]:
    if folder.is_symlink():
        report.refused[shown] = 'a link'
        return []
    if not folder.is_dir():
        return []
    found = []
    for user_dir in sorted(folder.iterdir()):
        name, where = user_dir.name, f'{shown}/{user_dir.name}'
        if name.startswith('.') or not (user_dir.is_dir() or user_dir.is_symlink()):
            continue
        if user_dir.is_symlink():
            report.refused[where] = 'a link'
        elif name not in users:
            report.skipped.append((where, unowned.get(name, f'there is no user {name!r} in data/users.json')))
        else:
            found.append((user_dir, name))
    return found


def _session_of(root: Path, user: str, memory: dict[str, Any]) -> str | None:
    """The old session folder whose media a saved project uses: its session_id, else the one its asset URLs name."""
    candidates = [memory.get('session_id')]
    for text in re.findall(r'/media/([^"?#\s]+)', json.dumps(memory.get('assets'), default=str)):
        parts = text.split('/')
        candidates.append(parts[1] if parts[0] == user and len(parts) > 2 else parts[0])
    user_dir = root / 'media' / user
    for session in candidates:
        if plain_name(session) and _real_dir(user_dir) and _real_dir(user_dir / session):
            return session
    return None


def read_schedule(session_dir: Path | None, shown: str, report: LegacyReport) -> Any:
    if session_dir is None or not os.path.lexists(session_dir / 'schedule.json'):
        return None
    try:
        return read_json(session_dir / 'schedule.json')
    except Broken as exc:
        report.broken.append((f'{shown}/schedule.json', str(exc)))
        return None


def _comparable(memory: dict[str, Any]) -> str:
    return json.dumps({key: value for key, value in memory.items() if key != 'updated_at'}, sort_keys=True,
                      default=str)


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


# media ------------------------------------------------------------------------------------------------------------


class _NotRegular(Exception):
    pass


def _walk(directory: Path, shown: str, old: tuple[str, ...], new: tuple[str, ...], scan: SessionScan) -> None:
    here = '/'.join((shown, *old))
    if len(old) >= MAX_DEPTH:
        scan.refused.append((here, f'folders nested deeper than {MAX_DEPTH}'))
        return
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as exc:
        scan.refused.append((here, f'unreadable: {exc.strerror or exc}'))
        return
    taken: set[str] = set()
    for entry in entries:
        name = entry.name
        if name.startswith('.') or (not old and name in DATA_FILES):
            continue
        where = f'{here}/{name}'
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            scan.refused.append((where, f'unreadable: {exc.strerror or exc}'))
            continue
        if stat.S_ISLNK(mode):
            scan.refused.append((where, 'a link'))
        elif stat.S_ISDIR(mode):
            _walk(Path(entry.path), shown, (*old, name), (*new, _unique(name, taken)), scan)
        elif stat.S_ISREG(mode):
            relpath = '/'.join((*new, _unique(name, taken)))
            scan.files.append(MediaFile(Path(entry.path), '/'.join((*old, name)), relpath,
                                        entry.stat(follow_symlinks=False).st_size, where))
        else:
            scan.refused.append((where, 'not a regular file'))


def _unique(name: str, taken: set[str]) -> str:
    """A safe name not used yet in this folder (compared without case: some file systems ignore it)."""
    safe = media.safe_name(name)
    stem, dot, suffix = safe.rpartition('.')
    if not dot:
        stem, suffix = safe, ''
    candidate, n = safe, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f'{stem}-{n}.{suffix}' if suffix else f'{stem}-{n}'
    taken.add(candidate.lower())
    return candidate


def _copy_regular(source: Path, target: Path) -> int:
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
    except OSError as exc:
        raise _NotRegular('a link' if source.is_symlink() else f'unreadable: {exc.strerror or exc}') from None
    with os.fdopen(fd, 'rb') as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise _NotRegular('not a regular file')
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open('xb') as sink:
            shutil.copyfileobj(handle, sink, 1024 * 1024)
            sink.flush()
            os.fsync(sink.fileno())
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    return status.st_size


def _refuse_constant(constant: str) -> Any:
    raise ValueError(f'{constant} is not allowed')
