"""The job engine's tables on PostgreSQL: procrastinate's schema (jobs, workers, periodic defers, events) and
the grouping_turns sequence that tells a worker whether its cached open stories are still current

SQLite runs everything in one process and gets nothing here. procrastinate's schema is the SQL file the
pinned procrastinate release ships (`SchemaManager.get_schema()`); a later procrastinate release comes with a
migration of ours applying its own migration files.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 05:40:00
"""
import re

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _schema_sql() -> str:
    from procrastinate.schema import SchemaManager

    return SchemaManager.get_schema()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # Straight to the driver: the file holds '%' and '::' that bound-parameter parsing would misread.
    driver = bind.connection.driver_connection
    assert driver is not None  # an open connection inside the migration's transaction
    driver.execute(_schema_sql())
    op.execute("CREATE SEQUENCE grouping_turns")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP SEQUENCE IF EXISTS grouping_turns")
    schema = _schema_sql()
    for table in ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs",
                  "procrastinate_workers"):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    for function in sorted(set(re.findall(r"CREATE FUNCTION (\w+)\(", schema))):
        op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    for type_name in sorted(set(re.findall(r"CREATE TYPE (\w+)", schema))):
        op.execute(f"DROP TYPE IF EXISTS {type_name} CASCADE")
