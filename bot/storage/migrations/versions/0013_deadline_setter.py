"""deadlines: who set the deadline (the party of the sentence that gave, ordered or pledged it)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite's batch mode would copy the table and its search triggers.
    op.add_column('deadlines', sa.Column('setter', sa.String(length=300), nullable=True))


def downgrade() -> None:
    op.drop_column('deadlines', 'setter')
