"""billing: processed Stripe events, subscription status and notice on the user

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stripe_event',
        sa.Column('id', sa.String(255), primary_key=True),
        sa.Column('type', sa.String(120), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('subscription_status', sa.String(32), nullable=True))
        batch.add_column(sa.Column('billing_notice', sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('billing_notice')
        batch.drop_column('subscription_status')
    op.drop_table('stripe_event')
