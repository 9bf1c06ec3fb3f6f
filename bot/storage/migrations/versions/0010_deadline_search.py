"""deadlines: a search text and the article's publication time, indexed for /deadlines at scale

A topic was five lower() LIKE '%x%' tests per deadline (its words, action, actor, the article's title, a correlated
EXISTS over the article's actors) and a sort of every deadline: seconds at a million quotes. Each deadline now
carries those fields folded into one text (`bot.storage.deadline_index`), found through pg_trgm's GIN index on
PostgreSQL and an FTS5 trigram table kept by triggers on SQLite, and the answer's order (due date, newest article
first, id) is one index. Existing deadlines are filled in from their articles and actors.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite's batch mode would copy the table.
    op.add_column('deadlines', sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    op.add_column('deadlines', sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    _fill_existing()
    op.create_index('ix_deadlines_due_order', 'deadlines', ['due_date', sa.text('published_at DESC'), 'id'])
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        _trigram_index()
    elif bind.dialect.name == 'sqlite':
        _fts_table()


def _fill_existing() -> None:
    from sqlalchemy.orm import Session

    from bot.storage.deadline_index import index_article_deadlines

    bind = op.get_bind()
    session = Session(bind=bind)
    articles = sa.table('deadlines', sa.column('article_id'))
    last = 0
    while True:
        ids = list(bind.scalars(sa.select(articles.c.article_id).distinct().where(articles.c.article_id > last)
                                .order_by(articles.c.article_id).limit(BATCH)))
        if not ids:
            break
        index_article_deadlines(session, ids)
        last = ids[-1]
    session.flush()


def _trigram_index() -> None:
    """pg_trgm's GIN index on the search text, taking each row into the index itself (no pending list: rows added
    since the last vacuum would otherwise be scanned one by one)."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError:  # no right to create it: topics are then tested row by row, in due order
        return
    schema = bind.scalar(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                 "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))
    quoted = '"' + schema.replace('"', '""') + '"'
    op.execute(f'CREATE INDEX ix_deadlines_search_trgm ON deadlines USING gin (search_text {quoted}.gin_trgm_ops) '
               f'WITH (fastupdate = off)')


def _fts_table() -> None:
    """An FTS5 trigram table over deadlines.search_text (external content: the text is stored once), kept by
    triggers on every insert, delete (articles deleted cascade here too) and change of the text."""
    op.execute("CREATE VIRTUAL TABLE deadline_search USING fts5(search_text, content='deadlines', "
               "content_rowid='id', tokenize='trigram')")
    op.execute("CREATE TRIGGER deadlines_search_insert AFTER INSERT ON deadlines BEGIN "
               "INSERT INTO deadline_search (rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute("CREATE TRIGGER deadlines_search_delete AFTER DELETE ON deadlines BEGIN "
               "INSERT INTO deadline_search (deadline_search, rowid, search_text) "
               "VALUES ('delete', old.id, old.search_text); END")
    op.execute("CREATE TRIGGER deadlines_search_update AFTER UPDATE OF search_text ON deadlines BEGIN "
               "INSERT INTO deadline_search (deadline_search, rowid, search_text) "
               "VALUES ('delete', old.id, old.search_text); "
               "INSERT INTO deadline_search (rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute("INSERT INTO deadline_search (deadline_search) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for trigger in ('deadlines_search_insert', 'deadlines_search_delete', 'deadlines_search_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
        op.execute('DROP TABLE IF EXISTS deadline_search')
    op.execute('DROP INDEX IF EXISTS ix_deadlines_search_trgm')
    op.drop_index('ix_deadlines_due_order', table_name='deadlines')
    op.drop_column('deadlines', 'published_at')
    op.drop_column('deadlines', 'search_text')
