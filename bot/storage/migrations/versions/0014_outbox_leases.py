"""outbox leases: the poster holding a row in "sending" and until when; one lease row per channel

A second poster started beside a running one put the first one's in-flight rows back in the queue and posted
them again. Rows are now claimed with the poster's name and a lease, and only an expired lease is taken back;
posters take a channel's lease before sending to it, and its lease row carries when the channel may take its
next message, so Slack's pace per channel holds across replicas.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('outbox', sa.Column('claimed_by', sa.String(length=200), nullable=True))
    op.add_column('outbox', sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'channel_leases',
        sa.Column('team_id', sa.String(length=50), nullable=False),
        sa.Column('channel_id', sa.String(length=50), nullable=False),
        sa.Column('holder', sa.String(length=200), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_post_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('team_id', 'channel_id'),
    )


def downgrade() -> None:
    op.drop_table('channel_leases')
    op.drop_column('outbox', 'lease_until')
    op.drop_column('outbox', 'claimed_by')
