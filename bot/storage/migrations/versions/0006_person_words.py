"""person_words: each indexed name word once, so that a misspelling is looked up among distinct words

pg_trgm's index moves from person_name_tokens (a word once per person sharing it) to this table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'person_words',
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('token'),
    )
    op.execute("INSERT INTO person_words (token) SELECT DISTINCT token FROM person_name_tokens "
               "WHERE token NOT LIKE 'role:%'")
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    op.execute('DROP INDEX IF EXISTS ix_person_name_tokens_trgm')
    schema = bind.scalar(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                 "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))
    if schema is None:  # no pg_trgm: misspellings are found through person_token_grams
        return
    quoted = '"' + schema.replace('"', '""') + '"'
    op.execute(f'CREATE INDEX ix_person_words_trgm ON person_words USING gin (token {quoted}.gin_trgm_ops)')


def downgrade() -> None:
    op.execute('DROP INDEX IF EXISTS ix_person_words_trgm')
    op.drop_table('person_words')
