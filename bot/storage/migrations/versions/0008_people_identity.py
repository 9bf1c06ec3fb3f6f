"""people: an identity key (unique: one row per person however many workers save them), counted role words,
and the namesakes of a surname-only entry

Existing people get the key of their name, offices and country (a duplicate keeps its id in the key, so the
migration never merges people by itself) and the words of their stored role, counted once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 02:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from bot.domain.people import Person, Speaker, count_role, identity_key

    # Plain ADD COLUMN and a unique index: SQLite's batch mode would copy the table, and dropping the old one
    # would null every quote's speaker_id through its ON DELETE SET NULL.
    op.add_column('people', sa.Column('identity_key', sa.String(length=400), nullable=True))
    op.add_column('people', sa.Column('role_words', sa.JSON(), nullable=True))
    op.add_column('people', sa.Column('namesakes', sa.JSON(), nullable=True))
    bind = op.get_bind()
    people = sa.table('people', sa.column('id'), sa.column('name'), sa.column('role'), sa.column('country'),
                      sa.column('identity_key'), sa.column('role_words', sa.JSON()))
    seen: set[str] = set()
    rows = []
    for row in bind.execute(sa.select(people.c.id, people.c.name, people.c.role, people.c.country)
                            .order_by(people.c.id)):
        person = Person(id=row.id, name=row.name, role=row.role, country=row.country)
        count_role(person, Speaker(row.name, role=row.role))
        key = identity_key(person)
        if key in seen:
            key = f"{key}|{row.id}"[-400:]
        seen.add(key)
        rows.append({'person_id': row.id, 'key': key, 'words': person.role_words})
    statement = (sa.update(people).where(people.c.id == sa.bindparam('person_id'))
                 .values(identity_key=sa.bindparam('key'), role_words=sa.bindparam('words')))
    for start in range(0, len(rows), 5000):
        bind.execute(statement, rows[start:start + 5000])
    op.create_index('uq_people_identity_key', 'people', ['identity_key'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_people_identity_key', table_name='people')
    op.drop_column('people', 'namesakes')
    op.drop_column('people', 'role_words')
    op.drop_column('people', 'identity_key')
