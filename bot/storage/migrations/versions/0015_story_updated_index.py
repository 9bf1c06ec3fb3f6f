"""stories: an index on updated_at

The poster's search for posted stories that grew (`bot.storage.followups.grown_posted_stories`) joins the sent
outbox rows to the stories changed since a moment; without an index PostgreSQL read every story to find them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:30:00
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_stories_updated_at', 'stories', ['updated_at'])


def downgrade() -> None:
    op.drop_index('ix_stories_updated_at', table_name='stories')
