"""analytics: one row per project, day and platform with that day's figures (the Analytics stage)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'analytics_point',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('project_id', sa.String(36), sa.ForeignKey('project.id', ondelete='CASCADE'), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('platform', sa.String(32), nullable=False),
        sa.Column('streams', sa.BigInteger(), nullable=True),
        sa.Column('saves', sa.BigInteger(), nullable=True),
        sa.Column('listeners', sa.BigInteger(), nullable=True),
        sa.Column('followers', sa.BigInteger(), nullable=True),
        sa.Column('playlist_adds', sa.BigInteger(), nullable=True),
        sa.Column('source', sa.String(16), nullable=False, server_default='manual'),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('project_id', 'day', 'platform', name='uq_analytics_point_day'),
    )
    op.create_index('ix_analytics_point_project_id', 'analytics_point', ['project_id'])


def downgrade() -> None:
    op.drop_index('ix_analytics_point_project_id', table_name='analytics_point')
    op.drop_table('analytics_point')
