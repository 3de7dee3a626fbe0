"""The free plan's limits (spec 6): one saved project, one release per 24 hours. Pro has neither."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from liab.errors import UpgradeRequired
from liab.models import Project, User, utcnow

FREE_SAVED_PROJECTS = 1
RELEASE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Feature:
    id: str
    title: str
    blocked: str  # what the free plan stops, said to the artist


FEATURES: dict[str, Feature] = {
    'multi_project': Feature('multi_project', 'More than one saved project',
                             'The free plan keeps one saved project.'),
    'daily_release_limit': Feature('daily_release_limit', 'More than one release a day',
                                   'The free plan makes one release every 24 hours.'),
}
PRO_GIVES = ('Unlimited saved projects', 'Unlimited releases, any day', 'Every feature of every stage')


def is_pro(user: User) -> bool:
    return user.plan == 'pro'


def check_can_save_project(*, session: Session, user: User, project_id: str | None) -> None:
    """Saving `project_id` (None: a new one) into the saved list; projects saved already do not count twice.

    A user back on the free plan keeps every saved project, but cannot save another while over the limit.
    """
    if is_pro(user):
        return
    query = select(func.count()).select_from(Project).where(Project.owner_id == user.id, col(Project.saved))
    if project_id is not None:
        already = session.get(Project, project_id)
        if already is not None and already.saved and already.owner_id == user.id:
            return
        query = query.where(Project.id != project_id)
    if session.exec(query).one() >= FREE_SAVED_PROJECTS:
        raise UpgradeRequired(f'{FEATURES["multi_project"].blocked} Upgrade to Pro to save more.',
                              feature='multi_project')


def check_release_allowed(user: User, *, now: datetime | None = None) -> None:
    if is_pro(user) or user.last_release_at is None:
        return
    now = now or utcnow()
    last = user.last_release_at if user.last_release_at.tzinfo else user.last_release_at.replace(tzinfo=now.tzinfo)
    wait = last + RELEASE_WINDOW - now
    if wait.total_seconds() > 0:
        hours = math.ceil(wait.total_seconds() / 3600)
        raise UpgradeRequired(f'{FEATURES["daily_release_limit"].blocked} The next one is possible in about '
                              f'{hours} h, or upgrade to Pro.', feature='daily_release_limit')


def record_release(*, session: Session, user_id: str, now: datetime | None = None) -> None:
    """Check the limit and note the release in one transaction (call inside a write session)."""
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).one()
    check_release_allowed(user, now=now)
    user.last_release_at = now or utcnow()
    session.add(user)
