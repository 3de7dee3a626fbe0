"""Import an old deployment (spec 1.5 and 8): its data/users.json, data/projects/{user}/{project}.json and
media/{user}/{session}/... become users, projects and project folders here.

Run it as often as you like: what was imported is recognised and left alone. A user keeps the old id when it is a
UUID (else gets one derived from it), so an account with that id is the one imported before; a project carries
data['legacy']['source'], the old file it came from. An e-mail address already used by another account here is
never overwritten, and that old user's projects are not handed to it. Saved projects arrive saved; a session's
project.json (the old app's working state) arrives as an unsaved draft of its owner, unless it equals the saved
project made from it. Each project is one transaction plus the rename of a fully copied folder, so a crash never
leaves half a project. Broken files are reported and skipped; the rest is imported.

This service opens its own transactions (one per project), so it takes no session.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from liab import db, media
from liab.errors import BadInput
from liab.models import Project, User, new_id, utcnow
from liab.services import auth
from liab.services import legacy_files as files
from liab.services.legacy_memory import MediaMap, map_memory, parse_time, project_name

# Fixed for ever: the same old user id must always give the same new one, or a second run would import it twice.
LEGACY_USERS = uuid.UUID('6f1d3c52-2a7e-4f0b-9a53-1c4b8e7d2f60')
SAVED_NAME, DRAFT_NAME = 'Imported project', 'Imported draft'
LYRICS_BYTES = 256 * 1024
_BCRYPT = re.compile(r'^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$')


@dataclass
class LegacyReport:
    """What an import did (or, in a dry run, would do); `lines()` is what the command prints."""

    dry_run: bool
    users_imported: list[str] = field(default_factory=list)
    users_already: list[str] = field(default_factory=list)
    users_skipped: list[str] = field(default_factory=list)  # 'already here: a@b.c'
    saved: int = 0
    drafts: int = 0
    projects_already: int = 0
    sessions_same: int = 0  # left out: the same as the saved project made from them
    files: int = 0
    bytes: int = 0
    renamed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.broken else 0

    def lines(self) -> list[str]:
        users = [f'{len(self.users_imported)} imported']
        if self.users_already:
            users.append(f'{len(self.users_already)} already imported')
        if self.users_skipped:
            users.append(f'{len(self.users_skipped)} skipped ({"; ".join(self.users_skipped)})')
        projects = [f'{self.saved + self.drafts} imported ({self.saved} saved, {self.drafts} '
                    f'draft{"" if self.drafts == 1 else "s"})']
        if self.projects_already:
            projects.append(f'{self.projects_already} already imported')
        if self.sessions_same:
            projects.append(f'{self.sessions_same} session{"s" if self.sessions_same != 1 else ""} left out '
                            '(the same as its saved project)')
        if self.skipped:
            projects.append(f'{len(self.skipped)} skipped')
        copied = [f'{self.files} file{"" if self.files == 1 else "s"} copied ({_size(self.bytes)})']
        if self.renamed:
            copied.append(f'{self.renamed} renamed to safe names')
        if self.refused:
            copied.append(f'{len(self.refused)} refused')
        return [*(['Dry run: nothing was changed. The import would do this:'] if self.dry_run else []),
                f'users: {", ".join(users)}', f'projects: {", ".join(projects)}', f'media: {", ".join(copied)}',
                *(f'skipped: {what} ({why})' for what, why in self.skipped),
                *(f'refused: {what} ({why})' for what, why in self.refused.items()),
                *(f'left out: {what} ({why})' for what, why in self.left_out),
                *(f'broken: {what} ({why})' for what, why in self.broken)]


@dataclass(frozen=True)
class _User:
    legacy_id: str
    row: User


def import_legacy(root: Path, *, dry_run: bool = False) -> LegacyReport:
    """Import the old deployment at `root` (the folder holding its data/ and media/). BadInput if it is not one."""
    root = Path(root).expanduser()
    if not any(path.exists() for path in (root / 'data' / 'users.json', root / 'data' / 'projects', root / 'media')):
        raise BadInput(f'{root} does not look like an old Label-in-a-Box folder: '
                       'it has no data/users.json, data/projects or media folder.')
    report = LegacyReport(dry_run=dry_run)
    users, unowned = _read_users(root, report)
    owners = _import_users(users, unowned, report, dry_run=dry_run)
    now = utcnow()
    for plan in files.find_projects(root, users, unowned, report):
        owner = owners.get(plan.user)
        if owner is None:
            report.skipped.append((plan.source, unowned.get(plan.user, 'its owner was not imported')))
            continue
        _import_project(root, plan, owner, report, dry_run=dry_run, now=now)
    return report


# users -----------------------------------------------------------------------------------------------------------


def _read_users(root: Path, report: LegacyReport) -> tuple[dict[str, _User], dict[str, str]]:
    """(the valid users by old id, why each other old id owns nothing here)."""
    shown = 'data/users.json'
    unowned: dict[str, str] = {}
    try:
        raw = files.read_json(root / 'data' / 'users.json')
    except files.Broken as exc:
        report.broken.append((shown, 'missing' if not (root / 'data' / 'users.json').exists() else str(exc)))
        return {}, unowned
    if not isinstance(raw, dict):
        report.broken.append((shown, 'not an object of users by id'))
        return {}, unowned
    users: dict[str, _User] = {}
    emails: set[str] = set()
    for legacy_id, entry in raw.items():
        try:
            row = _user_row(legacy_id, entry)
        except BadInput as exc:
            report.broken.append((f'{shown} user {legacy_id!r}', exc.message))
            unowned[legacy_id] = f'the entry of its owner in {shown} is broken'
            continue
        if row.email in emails:
            report.users_skipped.append(f'twice in users.json: {row.email}')
            unowned[legacy_id] = f'its owner {row.email} is in {shown} twice'
            continue
        emails.add(row.email)
        users[legacy_id] = _User(legacy_id, row)
    return users, unowned


def _user_row(legacy_id: str, entry: Any) -> User:
    if not isinstance(entry, dict):
        raise BadInput('not an object')
    try:
        email = auth.normalize_email(entry.get('email'))
    except BadInput:
        raise BadInput('no valid e-mail address') from None
    password_hash = entry.get('password_hash')
    if not isinstance(password_hash, str) or not _BCRYPT.match(password_hash):
        raise BadInput('its password_hash is not a bcrypt hash')
    customer = entry.get('stripe_customer_id')
    return User(id=_user_id(legacy_id), email=email, password_hash=password_hash,
                plan=entry.get('plan') if entry.get('plan') in {'free', 'pro'} else 'free',
                stripe_customer_id=customer if isinstance(customer, str) and 0 < len(customer) <= 255 else None,
                created_at=parse_time(entry.get('created_at')) or utcnow(),
                last_release_at=parse_time(entry.get('last_release_timestamp')))


def _user_id(legacy_id: str) -> str:
    try:
        return str(uuid.UUID(legacy_id))
    except (ValueError, TypeError, AttributeError):
        return str(uuid.uuid5(LEGACY_USERS, str(legacy_id)))


def _import_users(users: dict[str, _User], unowned: dict[str, str], report: LegacyReport, *,
                  dry_run: bool) -> dict[str, str]:
    """Add the new users in one transaction; returns our user id for every old id whose projects may come in."""
    owners: dict[str, str] = {}
    with db.session_scope(write=not dry_run) as session:
        for user in users.values():
            row = user.row
            if (existing := session.get(User, row.id)) is not None:
                report.users_already.append(existing.email)
                owners[user.legacy_id] = existing.id
            elif session.exec(select(User.id).where(User.email == row.email)).first() is not None:
                report.users_skipped.append(f'already here: {row.email}')
                unowned[user.legacy_id] = f'its owner {row.email} has another account here'
            else:
                if not dry_run:
                    session.add(row)
                report.users_imported.append(row.email)
                owners[user.legacy_id] = row.id
    return owners


# one project -------------------------------------------------------------------------------------------------------


def _import_project(root: Path, plan: files.Plan, owner_id: str, report: LegacyReport, *, dry_run: bool,
                    now: datetime) -> None:
    with db.session_scope() as session:
        if _imported(session, owner_id, plan.source):
            report.projects_already += 1
            return
    session_dir = root / 'media' / plan.user / plan.session if plan.session else None
    shown_dir = f'media/{plan.user}/{plan.session}'
    scan = files.scan_session(session_dir, shown_dir) if session_dir else files.SessionScan()
    schedule = files.read_schedule(session_dir, shown_dir, report)
    project_id = new_id()
    final = media.project_dir(project_id)
    staging = final.with_name(f'.legacy-{project_id}')  # hidden: never served; beside the final folder for the rename
    if not dry_run:
        staging.mkdir(parents=True)
        try:
            scan = files.copy_files(scan, staging)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            report.broken.append((plan.source, f'its media could not be copied: {exc.strerror or exc}'))
            return
    lyrics_file = next((item for item in scan.files if item.old == 'lyrics.txt'), None)
    lyrics_text = files.read_text(lyrics_file.source, LYRICS_BYTES) if lyrics_file else None
    try:
        mapped = map_memory(plan.memory, project_id=project_id, source=plan.source, now=now, lyrics_text=lyrics_text,
                            files=MediaMap(plan.user, plan.session, scan.mapping()), schedule=schedule,
                            saved_as=plan.saved_as)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:  # a shape no old app wrote
        shutil.rmtree(staging, ignore_errors=True)
        report.broken.append((plan.source, f'its project memory cannot be read: {exc}'))
        return
    wrapper = plan.saved_as or {}
    created = parse_time(wrapper.get('createdAt')) or parse_time(plan.memory.get('created_at')) or now
    row = Project(id=project_id, owner_id=owner_id, saved=plan.saved_as is not None, data=mapped.data,
                  name=project_name(plan.memory, plan.saved_as, SAVED_NAME if plan.saved_as else DRAFT_NAME),
                  created_at=created,
                  updated_at=parse_time(wrapper.get('updatedAt')) or parse_time(plan.memory.get('updated_at'))
                  or created)
    if not dry_run and not _store(row, plan.source, staging, final):
        report.projects_already += 1
        return
    if plan.saved_as is None:
        report.drafts += 1
    else:
        report.saved += 1
    report.files += len(scan.files)
    report.bytes += sum(item.size for item in scan.files)
    report.renamed += scan.renamed
    report.refused.update(scan.refused)
    report.left_out.extend((f'{plan.source}: {what}', why) for what, why in mapped.problems)


def _store(row: Project, source: str, staging: Path, final: Path) -> bool:
    """Add the project and move its folder into place in one transaction; False if a run in between imported it."""
    moved = False
    try:
        with db.session_scope(write=True) as session:
            if _imported(session, row.owner_id or '', source):
                shutil.rmtree(staging, ignore_errors=True)
                return False
            session.add(row)
            session.flush()
            os.rename(staging, final)
            moved = True
    except BaseException:
        if moved:
            media.remove_project_dir(row.id)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def _imported(session: Session, owner_id: str, source: str) -> bool:
    for data in session.exec(select(Project.data).where(Project.owner_id == owner_id)).all():
        legacy = (data or {}).get('legacy')
        if isinstance(legacy, dict) and legacy.get('source') == source:
            return True
    return False


def _size(count: int) -> str:
    for unit, factor in (('GB', 1024 ** 3), ('MB', 1024 ** 2), ('kB', 1024)):
        if count >= factor:
            return f'{count / factor:.1f} {unit}'
    return f'{count} bytes'
