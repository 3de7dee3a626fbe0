"""SQLModel tables and the shapes services hand to the web layer."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def _timestamp(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), **kwargs)


class UserBase(SQLModel):
    email: str = Field(max_length=320, unique=True, index=True)
    plan: str = Field(default='free', max_length=16)


class User(UserBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    password_hash: str = Field(max_length=255)
    stripe_customer_id: str | None = Field(default=None, max_length=255, index=True)
    stripe_subscription_id: str | None = Field(default=None, max_length=255)
    subscription_status: str | None = Field(default=None, max_length=32)
    billing_notice: str | None = Field(default=None, max_length=300)
    last_release_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    token_version: int = 0
    created_at: datetime = _timestamp()
    # Per-user choices that follow the account between browsers, e.g. {'voice': {'enabled': ..., 'volume': ...}}.
    preferences: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class UserPublic(UserBase):
    id: str
    created_at: datetime
    subscription_status: str | None = None
    billing_notice: str | None = None


class ProjectBase(SQLModel):
    name: str = Field(default='Untitled project', max_length=120)
    saved: bool = False


class Project(ProjectBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    owner_id: str | None = Field(default=None, foreign_key='user.id', ondelete='CASCADE', index=True)
    browser_id: str | None = Field(default=None, max_length=64, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ProjectPublic(ProjectBase):
    id: str
    owner_id: str | None
    browser_id: str | None
    data: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime


class LoginFailure(SQLModel, table=True):
    """A failed log-in, kept for 15 minutes to throttle guessing per e-mail address."""

    __tablename__ = 'login_failure'

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    at: datetime = _timestamp(index=True)


class StripeEvent(SQLModel, table=True):
    """A Stripe webhook event already applied; its id is the key, so each event changes the plan once."""

    __tablename__ = 'stripe_event'

    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=120)
    received_at: datetime = _timestamp()


class AnalyticsPoint(SQLModel, table=True):
    """One day's figures on one platform for a project (the Analytics stage); None where a figure is unknown."""

    __tablename__ = 'analytics_point'
    __table_args__ = (UniqueConstraint('project_id', 'day', 'platform', name='uq_analytics_point_day'),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: str = Field(foreign_key='project.id', ondelete='CASCADE', index=True, max_length=36)
    day: date
    platform: str = Field(max_length=32)
    streams: int | None = Field(default=None, sa_type=BigInteger)
    saves: int | None = Field(default=None, sa_type=BigInteger)
    listeners: int | None = Field(default=None, sa_type=BigInteger)
    followers: int | None = Field(default=None, sa_type=BigInteger)
    playlist_adds: int | None = Field(default=None, sa_type=BigInteger)
    source: str = Field(default='manual', max_length=16)  # 'manual', 'csv' or 'spotify_csv'
    updated_at: datetime = _timestamp()
