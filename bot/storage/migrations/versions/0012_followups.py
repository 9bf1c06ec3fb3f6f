"""outbox.shown: what a channel's message of a story showed (its sources, quotes and deadlines), so that what the
story gains later can be told in the message's thread, and outbox.story_checked_at: the story's last change
already compared with it; followups: what is owed to a channel after one of its
messages (a story's update reply, the weekly coverage chart of a Monday digest), each sent once

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 05:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('shown', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('story_checked_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'followups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=50), nullable=False),
        sa.Column('channel_id', sa.String(length=50), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('message_ts', sa.String(length=50), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'channel_id', 'key', name='uq_followups_channel_key'),
    )
    op.create_index('ix_followups_state', 'followups', ['state'])
    op.create_index('ix_followups_story_id', 'followups', ['story_id'])


def downgrade() -> None:
    op.drop_index('ix_followups_story_id', table_name='followups')
    op.drop_index('ix_followups_state', table_name='followups')
    op.drop_table('followups')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('story_checked_at')
        batch.drop_column('shown')
