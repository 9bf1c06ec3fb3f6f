"""Alembic environment: the engine comes from `bot.storage.alembic_config`."""

from alembic import context

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
        context.run_migrations()
    connection.commit()
