"""story grouping and article pages: articles.page_error, term_documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_error', sa.Text(), nullable=True))
    op.create_table('term_documents',
    sa.Column('term', sa.String(length=320), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term')
    )


def downgrade() -> None:
    op.drop_table('term_documents')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('page_error')
