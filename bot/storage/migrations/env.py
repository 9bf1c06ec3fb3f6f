"""Alembic environment: the engine comes from `bot.storage.alembic_config`."""

from alembic import context
from sqlalchemy import text

from bot.storage.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # running the alembic CLI directly
    from bot.config import Settings
    from bot.storage import make_engine

    engine = make_engine(Settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several processes starting at once (`docker compose up --scale worker=4`) migrate one after the
            # other: the next reads the version only once the previous one has committed.
            connection.execute(text("SELECT pg_advisory_xact_lock(4242013)"))
        context.run_migrations()
    connection.commit()
