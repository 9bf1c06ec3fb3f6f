from sqlalchemy import inspect

from bot.storage import Database, normalise_url


def test_migrations_create_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"feeds", "articles", "quotes", "actors", "deadlines", "date_mentions", "outbox"} <= tables


def test_upgrade_twice_is_harmless(db: Database) -> None:
    db.upgrade()
    assert "articles" in inspect(db.engine).get_table_names()


def test_plain_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_stories_changed_since_a_moment_are_found_through_an_index(db: Database) -> None:
    indexed = {tuple(index["column_names"]) for index in inspect(db.engine).get_indexes("stories")}
    assert ("updated_at",) in indexed
