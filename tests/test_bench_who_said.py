"""`diplobot bench who-said`: a kept synthetic database is built once and reused, with every index the
migrations create."""

import random
import tempfile

import pytest
from sqlalchemy import create_engine, text

from bot.dev.bench import reused_name, run_who_said_bench
from tests.conftest import POSTGRES_URL


def _examples(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("│ exact") or line.startswith("│ typo")]


def test_a_kept_database_is_built_once_then_reused(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run_who_said_bench(300, queries=2, reuse=True) == 0
    first = capsys.readouterr().out
    assert "building 300 quotes" in first and (tmp_path / f"{reused_name(300, 7)}.db").exists()
    assert run_who_said_bench(300, queries=2, reuse=True) == 0
    second = capsys.readouterr().out
    assert "reusing the 300 quotes" in second and "building" not in second
    # The same people are asked for: the queries come from the same invented cast.
    assert [line.split("│")[-3] for line in _examples(first)] == [line.split("│")[-3] for line in _examples(second)]


def test_a_database_built_without_keep_is_removed(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run_who_said_bench(200, queries=2) == 0
    assert list(tmp_path.iterdir()) == []


def _indexes(url: str, schema: str) -> set[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT indexname, replace(indexdef, :s || '.', '') FROM pg_indexes "
                                     "WHERE schemaname = :s"), {"s": schema}).all()
    finally:
        engine.dispose()
    return {(name, definition) for name, definition in rows}


@pytest.mark.postgres
def test_the_bulk_load_on_postgresql_leaves_every_index_of_the_migrations(db, capsys) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the indexes are dropped and built again on PostgreSQL only")
    seed = random.randrange(1000, 1_000_000)
    schema = reused_name(300, seed)
    try:
        assert run_who_said_bench(300, POSTGRES_URL, queries=2, seed=seed, reuse=True) == 0
        assert "building 300 quotes" in capsys.readouterr().out
        with db.engine.connect() as conn:  # the test's own schema, migrated the ordinary way
            migrated = str(conn.exec_driver_sql("SELECT current_schema()").scalar())
        assert _indexes(POSTGRES_URL, schema) == _indexes(POSTGRES_URL, migrated)
    finally:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
