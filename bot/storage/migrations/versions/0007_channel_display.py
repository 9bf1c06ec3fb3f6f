"""channels.layout and channels.weekly_chart: how a channel's digests look, and whether a weekly coverage chart
comes with its Monday digest

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 02:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channels') as batch:
        batch.add_column(sa.Column('layout', sa.String(length=20), nullable=False, server_default='compact'))
        batch.add_column(sa.Column('weekly_chart', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('channels') as batch:
        batch.drop_column('weekly_chart')
        batch.drop_column('layout')
