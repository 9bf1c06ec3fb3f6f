"""`diplobot bench deadlines`: a synthetic year whose stories repeat their deadlines, asked each kind of
/deadlines query; the table names every kind (timings are not checked)."""

import tempfile

from rich.console import Console
from sqlalchemy import func, select

from bot.dev.bench_deadlines import QUERY_KINDS, build_deadlines_database, reused_name, run_deadlines_bench
from bot.storage import Database
from bot.storage.models import ArticleRow, DeadlineRow


def _asked(report: str, kind: str) -> list[str]:
    """The example and answer columns of a kind's row."""
    return [line.split("│")[-3:] for line in report.splitlines() if line.startswith(f"│ {kind} ")][0]


def test_the_bench_reports_every_kind_of_query(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    console = Console(record=True, width=200)
    assert run_deadlines_bench(300, queries=2, console=console) == 0
    report = console.export_text()
    assert "building 300 stories" in report and "CPU p95" in report
    for kind in QUERY_KINDS:
        assert f"│ {kind} " in report
    assert list(tmp_path.iterdir()) == []  # the temporary database is removed


def test_a_kept_database_is_built_once_then_reused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first, second = Console(record=True, width=200), Console(record=True, width=200)
    assert run_deadlines_bench(200, queries=2, reuse=True, console=first) == 0
    assert (tmp_path / f"{reused_name(200, 7)}.db").exists()
    assert run_deadlines_bench(200, queries=2, reuse=True, console=second) == 0
    report = second.export_text()
    assert "reusing the 200 stories" in report and "building" not in report
    # The same rare word is asked and answered alike: the queries come from the same invented people.
    assert _asked(first.export_text(), "rare word") == _asked(report, "rare word")


def test_the_stories_repeat_their_deadlines_in_several_articles(tmp_path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'bench.db'}")
    try:
        db.upgrade()
        build_deadlines_database(db, 300, echo=lambda _: None)
        with db.session() as session:
            repeated = session.execute(
                select(ArticleRow.story_id, DeadlineRow.due, DeadlineRow.action)
                .join(ArticleRow, ArticleRow.id == DeadlineRow.article_id)
                .group_by(ArticleRow.story_id, DeadlineRow.due, DeadlineRow.action)
                .having(func.count(func.distinct(ArticleRow.id)) > 1)).all()
            stories = session.scalar(select(func.count(func.distinct(ArticleRow.story_id))))
        assert stories == 300 and len(repeated) > 30
    finally:
        db.dispose()
