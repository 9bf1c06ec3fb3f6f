"""stories.queued_at: which stories were offered to the subscribed channels, so a crash loses none

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 06:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_stories_queued_at'), ['queued_at'], unique=False)
    # Stories stored before this column were queued when they were made: never offer them again.
    op.execute("UPDATE stories SET queued_at = updated_at")


def downgrade() -> None:
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_queued_at'))
        batch_op.drop_column('queued_at')
