"""users and projects

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('email', sa.String(320), nullable=False),
        sa.Column('plan', sa.String(16), nullable=False, server_default='free'),
        sa.Column('password_hash', sa.String(255), nullable=False),
        sa.Column('stripe_customer_id', sa.String(255), nullable=True),
        sa.Column('stripe_subscription_id', sa.String(255), nullable=True),
        sa.Column('last_release_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_user_email', 'user', ['email'], unique=True)
    op.create_index('ix_user_stripe_customer_id', 'user', ['stripe_customer_id'])
    op.create_table(
        'project',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('saved', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('owner_id', sa.String(36), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=True),
        sa.Column('browser_id', sa.String(64), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_project_owner_id', 'project', ['owner_id'])
    op.create_index('ix_project_browser_id', 'project', ['browser_id'])


def downgrade() -> None:
    op.drop_table('project')
    op.drop_table('user')
