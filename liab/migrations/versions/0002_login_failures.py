"""failed log-ins for throttling

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('email', sa.String(320), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_login_failure_email', 'login_failure', ['email'])
    op.create_index('ix_login_failure_at', 'login_failure', ['at'])


def downgrade() -> None:
    op.drop_table('login_failure')
