"""Backups while the app runs, and restoring them.

A backup is a new folder: `liab.sqlite3` (a consistent copy made with SQLite's online backup API, so the app keeps
running), `media/` (every project's files), and `manifest.json` (when, which app version and schema revision, and
the size and sha256 of every file). It is written under a hidden name and renamed into place when complete.

Restore checks the whole backup against its manifest before it changes anything, refuses while the app seems to be
running, then swaps the database and media in by renames, keeping the old ones as `*.before-restore` until the swap
has succeeded. With DATABASE_URL pointing at PostgreSQL the database is pg_dump's job: only media are handled here.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shlex
import shutil
import socket
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from liab import __version__, db
from liab.config import Settings, get_settings
from liab.errors import BadInput
from liab.models import utcnow

FORMAT = 'label-in-a-box-backup'
VERSION = 1
MANIFEST = 'manifest.json'
DATABASE = 'liab.sqlite3'
MEDIA = 'media'
BEFORE = '.before-restore'
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    revision: str | None  # None with PostgreSQL: the database is not in the backup
    users: int | None
    projects: int | None
    files: int
    bytes: int
    left_out: int  # files being written and folders of projects not in the database copy
    pg_dump: str | None  # the command that backs up a PostgreSQL database

    def lines(self) -> list[str]:
        what = f'the database (schema {self.revision}: {_count(self.users, "user")}, ' \
               f'{_count(self.projects, "project")}) and ' if self.revision else ''
        lines = [f'Backed up {what}{_count(self.files, "media file")} ({_size(self.bytes)}) to {self.path}.']
        if self.left_out:
            lines.append(f'Left out {_count(self.left_out, "file")} still being written, or of projects made after '
                         'the database copy.')
        if self.pg_dump:
            lines += ['The database is PostgreSQL: back it up with pg_dump, beside this folder, e.g.', self.pg_dump]
        return lines


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    created_at: str
    app_version: str
    revision: str | None
    files: int
    bytes: int
    forced: bool
    pg_restore: str | None

    def lines(self) -> list[str]:
        what = f'the database (schema {self.revision}) and ' if self.revision else ''
        lines = [f'Restored {what}{_count(self.files, "media file")} ({_size(self.bytes)}) from {self.path} '
                 f'(made {self.created_at} by version {self.app_version}).']
        if self.pg_restore:
            lines += ['The database is PostgreSQL: restore it with pg_restore, e.g.', self.pg_restore]
        if self.forced:
            lines.append('The app may still be running with the old data: restart it now.')
        return lines


def create_backup(target: Path) -> BackupResult:
    """Back up the database and media into `target`, a new (or empty) folder. BadInput if it cannot be made."""
    settings = get_settings()
    target = Path(target).expanduser().absolute()
    _check_target(target, settings)
    staging = target.parent / f'.{target.name}.partial-{secrets.token_hex(4)}'
    staging.mkdir(parents=True)
    try:
        files: list[dict[str, Any]] = []
        revision = users = projects = None
        project_ids: set[str] | None = None
        if _is_sqlite(settings):
            files.append(_snapshot(settings.sqlite_path, staging / DATABASE))
            revision, users, projects, project_ids = _facts(staging / DATABASE)
        copied, left_out = _copy_media(settings.media_dir, staging / MEDIA, project_ids)
        files += copied
        manifest = {'format': FORMAT, 'version': VERSION, 'created_at': utcnow().isoformat(),
                    'app_version': __version__, 'schema_revision': revision,
                    'database': DATABASE if revision else None, 'files': files}
        _write_new(staging / MANIFEST, json.dumps(manifest, indent=1).encode())
        if target.exists():
            target.rmdir()  # checked empty above
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    media_files = [entry for entry in files if entry['path'] != DATABASE]
    return BackupResult(target, revision, users, projects, len(media_files), sum(e['size'] for e in media_files),
                        left_out, None if revision else _pg_command('pg_dump', settings, target))


def restore_backup(source: Path, *, force: bool = False) -> RestoreResult:
    """Replace the database and media with a backup's. Nothing changes unless the backup checks out completely."""
    settings = get_settings()
    source = Path(source).expanduser().absolute()
    manifest = read_manifest(source)
    has_database = manifest['database'] is not None
    if has_database != _is_sqlite(settings):
        raise BadInput('This backup holds a SQLite database, but DATABASE_URL points at another database.'
                       if has_database else
                       'This backup holds no database (it was made with PostgreSQL): restore that with pg_restore.')
    _check_revision(manifest['schema_revision'])
    db.reset_engine()  # our own connections: closed, so only another process can hold the database open
    running = _running(settings)
    if running and not force:
        raise BadInput(f'The app seems to be running ({running}). Stop it first, or add --force if it is not.')
    for leftover in (_before(settings.sqlite_path), _before(settings.media_dir)):
        if os.path.lexists(leftover):
            raise BadInput(f'{leftover} is left from a restore that did not finish: it may hold the only copy of '
                           'the data from before it. Move it away first.')
    staging = settings.data_dir / f'.restore-{secrets.token_hex(4)}'
    staging.mkdir(parents=True)
    try:
        _stage(source, manifest, staging)
        _swap(staging, settings, has_database)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    media_files = [entry for entry in manifest['files'] if entry['path'] != DATABASE]
    return RestoreResult(source, manifest['created_at'], manifest['app_version'], manifest['schema_revision'],
                         len(media_files), sum(entry['size'] for entry in media_files), bool(running),
                         None if has_database else _pg_command('pg_restore', settings, source))


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest of a complete backup at `source`, after checking that exactly its files are there with their
    sizes (the hashes are checked while restoring); BadInput naming the first thing wrong."""
    if not source.is_dir() or source.is_symlink():
        raise BadInput(f'{source} is not a backup folder (a .tar.gz or .zip must be unpacked first).')
    try:
        manifest = json.loads((source / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise BadInput(f'{source} has no {MANIFEST}: it is not a backup, or an unfinished one.') from None
    except (OSError, ValueError, RecursionError):
        raise BadInput(f'The {MANIFEST} of {source} cannot be read.') from None
    if not isinstance(manifest, dict) or manifest.get('format') != FORMAT:
        raise BadInput(f'{source} is not a Label-in-a-Box backup.')
    if manifest.get('version') != VERSION:
        raise BadInput(f'That backup has format version {manifest.get("version")!r}; this app reads {VERSION}.')
    entries = _checked_entries(manifest)
    present = {path: size for path, size in _listing(source)}
    for path, entry in entries.items():
        if path not in present:
            raise BadInput(f'The backup is incomplete: {path} is missing.')
        if present[path] != entry['size']:
            raise BadInput(f'The backup was changed: {path} does not have the size in its manifest.')
    extra = sorted(set(present) - set(entries) - {MANIFEST})
    if extra:
        raise BadInput(f'The backup was changed: {extra[0]} is not in its manifest.')
    return manifest


# backup ------------------------------------------------------------------------------------------------------------


def _check_target(target: Path, settings: Settings) -> None:
    if target.exists() and (not target.is_dir() or target.is_symlink() or any(target.iterdir())):
        raise BadInput(f'{target} already exists and is not an empty folder: give a new folder for the backup.')
    if target.suffix in {'.gz', '.tgz', '.zip', '.tar'}:
        raise BadInput('A backup is a folder, not an archive: give a folder name (pack it afterwards if you like).')
    if target.resolve().is_relative_to(settings.data_dir.resolve()):
        raise BadInput(f'Put the backup outside the data dir ({settings.data_dir}).')


def _snapshot(database: Path, copy: Path) -> dict[str, Any]:
    """A consistent copy of a live SQLite database: the online backup API copies it in one step under a read
    transaction, which in WAL mode does not stop the app from writing."""
    if not database.is_file():
        raise BadInput(f'There is no database at {database} to back up.')
    source = sqlite3.connect(database, timeout=db.BUSY_TIMEOUT_MS / 1000)
    try:
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
            target.execute('PRAGMA journal_mode=DELETE')  # one self-contained file, no -wal beside it
            check = target.execute('PRAGMA quick_check').fetchone()[0]
        finally:
            target.close()
    finally:
        source.close()
    if check != 'ok':
        raise BadInput(f'The database copy failed its integrity check ({check}); nothing was backed up.')
    with copy.open('rb+') as handle:
        os.fsync(handle.fileno())
    return {'path': DATABASE, **_digest(copy)}


def _facts(copy: Path) -> tuple[str | None, int, int, set[str]]:
    with sqlite3.connect(f'file:{copy}?mode=ro', uri=True) as connection:
        revision = connection.execute('SELECT version_num FROM alembic_version').fetchone()
        users = connection.execute('SELECT count(*) FROM "user"').fetchone()[0]
        ids = {row[0] for row in connection.execute('SELECT id FROM project')}
    connection.close()
    return (revision[0] if revision else 'none'), users, len(ids), ids


def _copy_media(media_dir: Path, target: Path, project_ids: set[str] | None) -> tuple[list[dict[str, Any]], int]:
    """Copy the media tree, hashing what is written. Hidden names (writes in progress, folders being deleted or
    imported), links and, when the database copy is known, folders of projects it does not have are left out."""
    target.mkdir()
    files: list[dict[str, Any]] = []
    left_out = 0
    for path, parts in _tree(media_dir):
        if parts[0].startswith('.') or any(part.startswith('.') for part in parts):
            left_out += 1
            continue
        if project_ids is not None and _is_uuid(parts[0]) and parts[0] not in project_ids:
            left_out += 1  # made after the database copy: its project is not in this backup
            continue
        copy = target.joinpath(*parts)
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            entry = _copy_file(path, copy)
        except FileNotFoundError:  # deleted since the folder was listed
            continue
        if entry is not None:
            files.append({'path': '/'.join((MEDIA, *parts)), **entry})
    return files, left_out


def _pg_command(tool: str, settings: Settings, where: Path) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(settings.db_url).set(drivername='postgresql').render_as_string(hide_password=True)
    dump = where.with_name(f'{where.name}.pgdump')
    if tool == 'pg_dump':
        return f'pg_dump --format=custom --file {shlex.quote(str(dump))} {shlex.quote(url)}' \
               '   # the password from PGPASSWORD or ~/.pgpass'
    return f'pg_restore --clean --if-exists --dbname {shlex.quote(url)} {shlex.quote(str(dump))}'


# restore -----------------------------------------------------------------------------------------------------------


def _checked_entries(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    files = manifest.get('files')
    database = manifest.get('database')
    if not isinstance(files, list) or database not in {DATABASE, None} or \
            not all(isinstance(manifest.get(key), str) for key in ('created_at', 'app_version')):
        raise BadInput('The manifest of that backup is not valid.')
    entries: dict[str, dict[str, Any]] = {}
    for entry in files:
        if not isinstance(entry, dict):
            raise BadInput('The manifest of that backup is not valid.')
        path, size, digest = entry.get('path'), entry.get('size'), entry.get('sha256')
        if not isinstance(path, str) or not _safe_path(path) or path in entries:
            raise BadInput(f'The manifest names an unsafe or repeated path: {path!r}.')
        if isinstance(size, bool) or not isinstance(size, int) or size < 0 or not isinstance(digest, str) or \
                len(digest) != 64 or any(char not in '0123456789abcdef' for char in digest):
            raise BadInput(f'The manifest entry of {path} is not valid.')
        entries[path] = entry
    if (DATABASE in entries) != (database == DATABASE):
        raise BadInput('The manifest of that backup is not valid.')
    return entries


def _safe_path(path: str) -> bool:
    parts = PurePosixPath(path).parts
    if path.startswith('/') or '\\' in path or '\0' in path or not parts:
        return False
    if any(part in {'.', '..'} or part.startswith('.') for part in parts) or '/'.join(parts) != path:
        return False
    return path == DATABASE or (parts[0] == MEDIA and len(parts) > 1)


def _check_revision(revision: Any) -> None:
    if revision is None:
        return
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(Path(db.__file__).parent / 'migrations'))
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise BadInput(f'That backup has database schema {revision!r}, which this version of the app does not know: '
                       'restore it with the version that made it.')


def _running(settings: Settings) -> str | None:
    """Why the app seems to be running, or None: its port answers, or its SQLite database is open elsewhere."""
    host = {'0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1'}.get(settings.host, settings.host)
    try:
        with socket.create_connection((host, settings.port), timeout=0.5):
            return f'something answers on {host}:{settings.port}'
    except OSError:
        pass
    wal = Path(f'{settings.sqlite_path}-wal')
    if _is_sqlite(settings) and wal.exists():
        return f'{wal.name} exists: another process has the database open'
    return None


def _stage(source: Path, manifest: dict[str, Any], staging: Path) -> None:
    """Copy the backup into `staging`, checking every file's hash as it is copied: BadInput on any mismatch."""
    (staging / MEDIA).mkdir()
    for entry in manifest['files']:
        copy = staging.joinpath(*PurePosixPath(entry['path']).parts)
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            made = _copy_file(source.joinpath(*PurePosixPath(entry['path']).parts), copy)
        except FileNotFoundError:
            made = None
        if made is None or made['sha256'] != entry['sha256'] or made['size'] != entry['size']:
            raise BadInput(f'The backup was changed: {entry["path"]} does not match its manifest. Nothing was '
                           'restored.')
    if manifest['database']:
        with sqlite3.connect(f'file:{staging / DATABASE}?mode=ro', uri=True) as connection:
            check = connection.execute('PRAGMA quick_check').fetchone()[0]
        connection.close()
        if check != 'ok':
            raise BadInput(f'The database in that backup fails its integrity check ({check}). Nothing was restored.')


def _swap(staging: Path, settings: Settings, has_database: bool) -> None:
    """Move the current database and media aside, the staged ones in, and only then delete the old ones; any
    failure moves everything back."""
    moves: list[tuple[Path, Path]] = []
    olds = [settings.media_dir]
    if has_database:
        olds += [Path(f'{settings.sqlite_path}{suffix}') for suffix in ('', '-wal', '-shm')]
    try:
        for old in olds:
            if os.path.lexists(old):
                os.rename(old, _before(old))
                moves.append((old, _before(old)))
        if has_database:
            os.rename(staging / DATABASE, settings.sqlite_path)
            moves.append((staging / DATABASE, settings.sqlite_path))
        os.rename(staging / MEDIA, settings.media_dir)
        moves.append((staging / MEDIA, settings.media_dir))
    except BaseException:
        for original, moved in reversed(moves):
            os.rename(moved, original)
        raise
    for _old, aside in moves:
        if aside.name.endswith(BEFORE):
            shutil.rmtree(aside) if aside.is_dir() and not aside.is_symlink() else aside.unlink()


# files -------------------------------------------------------------------------------------------------------------


def _tree(root: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Regular files under `root` (never through a link), with their path parts, in a stable order."""
    if not root.is_dir() or root.is_symlink():
        return
    for current, dirnames, filenames in os.walk(root):
        here = Path(current)
        dirnames[:] = sorted(name for name in dirnames if not (here / name).is_symlink())
        for name in sorted(filenames):
            path = here / name
            if not path.is_symlink() and path.is_file():
                yield path, path.relative_to(root).parts


def _listing(source: Path) -> Iterator[tuple[str, int]]:
    """Every entry of a backup folder as (path, size); links and other odd entries are refused outright."""
    for current, dirnames, filenames in os.walk(source):
        here = Path(current)
        for name in [*dirnames, *filenames]:
            path = here / name
            mode = path.lstat().st_mode
            shown = path.relative_to(source).as_posix()
            if stat.S_ISLNK(mode) or not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                raise BadInput(f'The backup was changed: {shown} is not a plain file or folder.')
            if stat.S_ISREG(mode):
                yield shown, path.lstat().st_size


def _copy_file(source: Path, target: Path) -> dict[str, Any] | None:
    """Copy a regular file (not through a link) to a new file, fsynced; its size and sha256 as copied."""
    fd = os.open(source, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
    with os.fdopen(fd, 'rb') as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return None
        digest, size = hashlib.sha256(), 0
        with target.open('xb') as sink:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                sink.write(chunk)
            sink.flush()
            os.fsync(sink.fileno())
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    return {'size': size, 'sha256': digest.hexdigest()}


def _digest(path: Path) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with path.open('rb') as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {'size': size, 'sha256': digest.hexdigest()}


def _write_new(path: Path, data: bytes) -> None:
    with path.open('xb') as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _before(path: Path) -> Path:
    return path.with_name(f'{path.name}{BEFORE}')


def _is_sqlite(settings: Settings) -> bool:
    return settings.db_url.startswith('sqlite')


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def _count(number: int | None, noun: str) -> str:
    return f'{number} {noun}{"" if number == 1 else "s"}'


def _size(count: int) -> str:
    for unit, factor in (('GB', 1024 ** 3), ('MB', 1024 ** 2), ('kB', 1024)):
        if count >= factor:
            return f'{count / factor:.1f} {unit}'
    return f'{count} bytes'
