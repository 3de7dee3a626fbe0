"""Whose a project is, and how much media storage they use, against the per-account quota (`LIAB_STORAGE_QUOTA_MB`).

An account's quota covers the media of all its projects; an anonymous browser's covers its working projects. The
check is made before anything new is stored: an upload, or a heavy job that writes files. What is already there is
never removed by it, and the artist is told what to do.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import BinaryIO

from sqlmodel import col, select

from liab import db, media
from liab.config import get_settings
from liab.errors import BadInput
from liab.models import Project


class StorageFull(BadInput):
    """The owner's media storage is at its quota (`feature` 'storage_quota' in the API's answer)."""


def owner_key(project_id: str) -> str:
    """'user:ID' for an account's project, 'browser:ID' for an anonymous one; the id itself when it is no project."""
    if not _is_uuid(project_id):
        return project_id
    with db.session_scope() as session:
        row = session.get(Project, project_id)
    if row is None:
        return project_id
    if row.owner_id:
        return f'user:{row.owner_id}'
    return f'browser:{row.browser_id}' if row.browser_id else project_id


def used_bytes(owner: str) -> int:
    """The bytes in the media folders of every project of `owner` (an owner_key), measured now (a folder walk: call
    it off the event loop)."""
    return sum(_folder_bytes(media.project_dir(project_id)) for project_id in _project_ids(owner))


def check(project_id: str, incoming_bytes: int = 0) -> None:
    """Raise StorageFull when the project's owner has no room for `incoming_bytes` more (or none at all)."""
    quota = get_settings().storage_quota_mb * 1024 * 1024
    if not quota or not _is_uuid(project_id):
        return
    owner = owner_key(project_id)
    used = used_bytes(owner)
    if used + max(0, incoming_bytes) <= quota and used < quota:
        return
    whose = 'your account' if owner.startswith('user:') else 'this browser'
    advice = 'Delete takes, beats, videos or projects you no longer need, then try again.'
    if used >= quota:
        raise StorageFull(f'Your storage is full: {_size(used)} of the {_size(quota)} for {whose} is used. {advice}',
                          feature='storage_quota')
    raise StorageFull(f'That needs {_size(incoming_bytes)}, but only {_size(quota - used)} of the {_size(quota)} '
                      f'for {whose} is left. {advice}', feature='storage_quota')


def check_upload(project_id: str, source: Path | BinaryIO | bytes) -> None:
    """`check` for an upload about to be stored: a path, bytes, or a seekable file (left where it was)."""
    check(project_id, _length(source))


def _length(source: Path | BinaryIO | bytes) -> int:
    if isinstance(source, bytes | bytearray):
        return len(source)
    if isinstance(source, Path):
        return source.stat().st_size
    try:
        here = source.tell()
        size = source.seek(0, os.SEEK_END) - here
        source.seek(here)
        return max(0, size)
    except (OSError, AttributeError, ValueError):
        return 0  # not seekable: the used space alone decides


def _project_ids(owner: str) -> list[str]:
    kind, _, key = owner.partition(':')
    if kind == 'user':
        condition = Project.owner_id == key
    elif kind == 'browser':
        condition = (Project.browser_id == key) & col(Project.owner_id).is_(None)
    else:
        return [owner] if _is_uuid(owner) else []
    with db.session_scope() as session:
        return list(session.exec(select(Project.id).where(condition)))


def _folder_bytes(folder: Path) -> int:
    total = 0
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return total


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, AttributeError, TypeError):
        return False


def _size(count: int) -> str:
    if count >= 1024 ** 3:
        return f'{count / 1024 ** 3:.1f} GB'
    return f'{count / 1024 ** 2:.0f} MB' if count >= 1024 ** 2 else f'{max(count, 0) / 1024:.0f} kB'
