"""stories.grouping_state and stories.last_published_at: what grouping compares a new article with, kept on
the story (centroid, marks, span), so that grouping never re-reads a story's articles; article_copies: the
same text carried by another feed, one article with two sources

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 02:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stories') as batch:
        batch.add_column(sa.Column('grouping_state', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('last_published_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_stories_last_published_at', 'stories', ['last_published_at'])
    op.create_table(
        'article_copies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('feed_id', sa.Integer(), nullable=False),
        sa.Column('guid', sa.String(length=2048), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('feed_id', 'guid', name='uq_article_copies_feed_guid'),
    )
    op.create_index('ix_article_copies_article_id', 'article_copies', ['article_id'])


def downgrade() -> None:
    op.drop_index('ix_article_copies_article_id', table_name='article_copies')
    op.drop_table('article_copies')
    op.drop_index('ix_stories_last_published_at', table_name='stories')
    with op.batch_alter_table('stories') as batch:
        batch.drop_column('last_published_at')
        batch.drop_column('grouping_state')
