"""people: persons stored across articles, quotes linked to them, a name-token index (pg_trgm on PostgreSQL)

Existing quotes get their article's publication time and are linked to people, oldest article first, by the
same rules as new analyses (`bot.domain.people`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 21:30:00
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

LINK_CHUNK = 2000  # articles read at once while linking existing quotes


def upgrade() -> None:
    op.create_table(
        'people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('name_key', sa.String(length=300), nullable=False),
        sa.Column('aliases', sa.JSON(), nullable=False),
        sa.Column('role', sa.String(length=300), nullable=True),
        sa.Column('organisation', sa.String(length=300), nullable=True),
        sa.Column('country', sa.String(length=100), nullable=True),
        sa.Column('quote_count', sa.Integer(), nullable=False),
        sa.Column('last_published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_article_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['last_article_id'], ['articles.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_people_name_key', 'people', ['name_key'], unique=False)
    op.create_table(
        'person_name_tokens',
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token', 'person_id'),
    )
    op.create_index('ix_person_name_tokens_person_id', 'person_name_tokens', ['person_id'], unique=False)
    op.create_table(
        'person_token_grams',
        sa.Column('gram', sa.String(length=12), nullable=False),
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('gram', 'token'),
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speaker_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_quotes_speaker_id_people', 'people', ['speaker_id'], ['id'],
                                    ondelete='SET NULL')
    _trigram_index()
    _link_existing_quotes()
    op.create_index('ix_quotes_speaker_published', 'quotes',
                    ['speaker_id', sa.text('published_at DESC'), 'id'], unique=False)


def _trigram_index() -> None:
    """pg_trgm's GIN index on the name words, when the extension is there or may be created."""
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError:  # no right to create it: misspellings are then found through person_token_grams
        return
    schema = bind.scalar(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                 "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))
    quoted = '"' + schema.replace('"', '""') + '"'
    bind.execute(sa.text(f'CREATE INDEX ix_person_name_tokens_trgm ON person_name_tokens '
                         f'USING gin (token {quoted}.gin_trgm_ops)'))


def _link_existing_quotes() -> None:
    from bot.domain.people import Directory
    from bot.storage.people import Tally, insert_people, speaker_of

    bind = op.get_bind()
    op.execute("UPDATE quotes SET published_at = "
               "(SELECT articles.published_at FROM articles WHERE articles.id = quotes.article_id)")
    quotes = sa.table('quotes', sa.column('id'), sa.column('article_id'), sa.column('speaker'),
                      sa.column('speaker_id'), sa.column('published_at'))
    actors = sa.table('actors', sa.column('article_id'), sa.column('name'), sa.column('kind'),
                      sa.column('aliases', sa.JSON()), sa.column('role'))
    articles = sa.table('articles', sa.column('id'), sa.column('published_at', sa.DateTime(timezone=True)))
    article_ids = list(bind.scalars(
        sa.select(articles.c.id).where(articles.c.id.in_(sa.select(quotes.c.article_id)
                                                         .where(quotes.c.speaker.is_not(None))))
        .order_by(articles.c.published_at, articles.c.id)))
    directory = Directory()
    tallies: dict[int, Tally] = defaultdict(Tally)
    links: list[dict[str, int]] = []
    for start in range(0, len(article_ids), LINK_CHUNK):
        chunk = article_ids[start:start + LINK_CHUNK]
        actors_of = defaultdict(list)
        for row in bind.execute(sa.select(actors).where(actors.c.article_id.in_(chunk))):
            actors_of[row.article_id].append(row)
        published = dict(bind.execute(sa.select(articles.c.id, articles.c.published_at)
                                      .where(articles.c.id.in_(chunk))).all())
        rows = bind.execute(sa.select(quotes.c.id, quotes.c.article_id, quotes.c.speaker)
                            .where(quotes.c.article_id.in_(chunk), quotes.c.speaker.is_not(None))).all()
        by_article = defaultdict(list)
        for row in rows:
            by_article[row.article_id].append(row)
        for article_id in chunk:
            for row in sorted(by_article[article_id], key=lambda r: r.id):
                speaker = speaker_of(row, actors_of[article_id])
                if speaker is None:
                    continue
                person, is_new, _ = directory.link(speaker)
                if is_new or person.id is None:
                    person.id = len(directory.people)
                tallies[person.id].add(published.get(article_id), article_id)
                links.append({"quote_id": row.id, "person_id": person.id})
    insert_people(bind, directory.people, tallies, schema_0005=True)  # 0006 fills person_words
    statement = (sa.update(quotes).where(quotes.c.id == sa.bindparam('quote_id'))
                 .values(speaker_id=sa.bindparam('person_id')))
    for start in range(0, len(links), 5000):
        bind.execute(statement, links[start:start + 5000])
    if bind.dialect.name == 'postgresql' and directory.people:
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('people', 'id'), "
                             "(SELECT max(id) FROM people))"))


def downgrade() -> None:
    op.drop_index('ix_quotes_speaker_published', table_name='quotes')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_quotes_speaker_id_people', type_='foreignkey')
        batch_op.drop_column('published_at')
        batch_op.drop_column('speaker_id')
    op.drop_table('person_token_grams')
    op.drop_index('ix_person_name_tokens_trgm', table_name='person_name_tokens', if_exists=True)
    op.drop_index('ix_person_name_tokens_person_id', table_name='person_name_tokens')
    op.drop_table('person_name_tokens')
    op.drop_index('ix_people_name_key', table_name='people')
    op.drop_table('people')
